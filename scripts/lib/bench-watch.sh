#!/usr/bin/env bash
# scripts/bench watch, inside a D-Bus session. Argument: stowage binary.
# Three watched folders run under `stowage watch run` (the app's runner,
# headless). (a) Latency: 200 files, written one after another, each timed
# from its close to the object appearing in a listing; p50 and p95.
# (b) Idle CPU: the watcher's CPU use over 30 s with nothing changing.
set -euo pipefail
stowage=$1
source "$(dirname "$0")/bench-common.sh"

for i in 1 2 3; do
  mkdir -p "$work/watched-$i"
  "$stowage" watch add "$work/watched-$i" "bench:$bucket/watch-$i" --delete propagate >/dev/null
done
"$stowage" watch run >"$work/watch.log" 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null || true; garage_stop; rm -rf "$work"' EXIT
sleep 3

echo "(a) 200 files written 50 ms apart, each timed from its close to being listed (folder 1)"
python3 - "$work/watched-1" "$endpoint" "$bucket" <<'PY'
import os, subprocess, sys, threading, time
folder, endpoint, bucket = sys.argv[1:]
closed, seen = {}, {}
def writer():
    for i in range(200):
        name = f"file-{i:03d}.bin"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(os.urandom(4096))
        closed[name] = time.monotonic()
        time.sleep(0.05)
threading.Thread(target=writer).start()
deadline = time.monotonic() + 120
while len(seen) < 200 and time.monotonic() < deadline:
    out = subprocess.run(["s5cmd", "--endpoint-url", endpoint, "ls", f"s3://{bucket}/watch-1/*"],
                         capture_output=True, text=True).stdout
    now = time.monotonic()
    for line in out.splitlines():
        name = line.split()[-1].rsplit("/", 1)[-1]
        if name in closed and name not in seen:
            seen[name] = now
    time.sleep(0.1)
latencies = sorted(seen[n] - closed[n] for n in seen)
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"{len(latencies)} of 200 listed; latency p50 {p(0.50):.2f} s, p95 {p(0.95):.2f} s "
      f"(a file is sent once unchanged for 2 s; listing is polled every 0.1 s)")
PY

echo "(b) idle CPU over 30 s, 3 watched folders, nothing changing"
ticks() { awk '{ print $14 + $15 }' "/proc/$watcher/stat"; }
sleep 5 # let the last round of (a) finish
before=$(ticks); sleep 30; after=$(ticks)
hz=$(getconf CLK_TCK)
python3 -c "print(f'idle CPU {($after - $before) / $hz / 30 * 100:.2f} % of one core')"
