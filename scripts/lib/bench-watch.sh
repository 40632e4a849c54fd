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

echo "(a) 200 files, each timed from close to listed (watched folder 1)"
python3 - "$work/watched-1" "$endpoint" "$bucket" <<'PY'
import os, subprocess, sys, time
folder, endpoint, bucket = sys.argv[1:]
def listed(name):
    out = subprocess.run(["s5cmd", "--endpoint-url", endpoint, "ls", f"s3://{bucket}/watch-1/{name}"],
                         capture_output=True)
    return out.returncode == 0
latencies = []
for i in range(200):
    name = f"file-{i:03d}.bin"
    with open(os.path.join(folder, name), "wb") as f:
        f.write(os.urandom(4096))
    closed = time.monotonic()
    while not listed(name):
        time.sleep(0.05)
    latencies.append(time.monotonic() - closed)
latencies.sort()
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"latency p50 {p(0.50):.2f} s, p95 {p(0.95):.2f} s, max {latencies[-1]:.2f} s "
      f"(includes the 2 s a file must stay unchanged before it is sent)")
PY

echo "(b) idle CPU over 30 s, 3 watched folders, nothing changing"
ticks() { awk '{ print $14 + $15 }' "/proc/$watcher/stat"; }
before=$(ticks); sleep 30; after=$(ticks)
hz=$(getconf CLK_TCK)
python3 -c "print(f'idle CPU {($after - $before) / $hz / 30 * 100:.2f} % of one core')"
