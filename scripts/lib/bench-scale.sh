#!/usr/bin/env bash
# scripts/bench scale, inside a D-Bus session. Arguments: stowage binary,
# file count, one-way delay in ms for the far runs. A tree of N files of
# 1 KiB in 1,000 folders (built once, kept in the cache for the next run)
# is synced by stowage, s5cmd and rclone: the first sync (the upload), a
# sync with nothing to do, a sync after 100 files changed, all on loopback,
# then a sync with nothing to do through a proxy that delays every packet,
# as a region a network away would. Time, CPU and peak memory of each.
# Then (e) the tree as a watched folder under `stowage watch run`: its
# first round, its memory, its inotify watches, its CPU while idle and how
# soon a new file is listed.
set -euo pipefail
stowage=$1 files=$2 delay=$3
source "$(dirname "$0")/bench-common.sh"

cached_data "tree-$files" "$files x 1 KiB files in 1,000 folders" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in range(1000):
    os.makedirs(os.path.join(root, f"n{d:04d}"), exist_ok=True)
block = os.urandom(1024 * 1024)
for i in range(n):
    with open(os.path.join(root, f"n{i % 1000:04d}", f"img-{i:07d}.jpg"), "wb") as f:
        start = (i * 7919) % (len(block) - 1024)
        f.write(block[start:start + 1024])
PY

proxy_port=$(free_port)
python3 "$root/scripts/lib/latency-proxy.py" "$proxy_port" "${endpoint#http://}" "$delay" &
bench_pids+=($!)
far=http://127.0.0.1:$proxy_port
until curl -s -o /dev/null "$far/"; do sleep 0.1; done
echo "$AWS_SECRET_ACCESS_KEY" | "$stowage" profile add bench-far --provider s3 --endpoint "$far" \
  --region "$AWS_REGION" --access-key "$AWS_ACCESS_KEY_ID" --secret-stdin --path-style >/dev/null

# sync_with TOOL [far]: that tool's sync of the tree to its own prefix.
sync_with() {
  local ep=$endpoint profile=bench
  [ "${2:-}" = far ] && ep=$far profile=bench-far
  case $1 in
    stowage) echo "$stowage" sync "$src" "$profile:$bucket/stowage" ;;
    s5cmd) echo s5cmd --endpoint-url "$ep" sync "$src/" "s3://$bucket/s5cmd/" ;;
    rclone) echo env -u AWS_CA_BUNDLE rclone sync "$src" ":s3:$bucket/rclone" "${rclone_s3[@]}" --s3-endpoint "$ep" ;;
  esac
}
# STOWAGE_BENCH_TOOLS narrows the run (s5cmd needs about 23 GB of memory
# at 1.28 million files, rclone an hour 20 ms away).
read -r -a tools <<< "${STOWAGE_BENCH_TOOLS:-stowage s5cmd rclone}"

for tool in "${tools[@]}"; do run first "$tool" "$files" files -- $(sync_with "$tool"); done
for tool in "${tools[@]}"; do run noop "$tool" "$files" files -- $(sync_with "$tool"); done
python3 - "$src" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(0, n, n // 100):
    with open(os.path.join(root, f"n{i % 1000:04d}", f"img-{i:07d}.jpg"), "wb") as f:
        f.write(os.urandom(1500))
PY
for tool in "${tools[@]}"; do run change "$tool" "$files" files -- $(sync_with "$tool"); done
for tool in "${tools[@]}"; do run far "$tool" "$files" files -- $(sync_with "$tool" far); done

report "first=(a) first sync: $files files of 1 KiB in 1,000 folders, loopback" \
  "noop=(b) nothing to do, loopback" "change=(c) 100 files changed, loopback" \
  "far=(d) nothing to do, $((2 * delay)) ms round trip"

case " ${tools[*]} " in *" stowage "*) ;; *) exit 0 ;; esac
echo
echo "(e) the same tree as a watched folder (stowage watch run), already in sync"
"$stowage" watch add "$src" "bench:$bucket/stowage" --delete keep >/dev/null
started=$(date +%s.%N)
"$stowage" watch run >"$work/watch.log" 2>&1 &
watcher=$!
bench_pids+=($watcher)
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$watcher/stat"; }
# The first round is done when the watcher's CPU stops moving for 3 s.
last=$(ticks) still=0
while [ "$still" -lt 3 ]; do
  sleep 1
  now=$(ticks)
  if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0 last=$now; fi
done
settled=$(date +%s.%N)
watches=$(cat /proc/$watcher/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true)
python3 -c "print(f'first round (a full scan and compare): {$settled - $started - 3:.1f} s, {$(ticks) / $hz:.1f} CPU s')"
echo "inotify watches: $watches (this machine allows $(cat /proc/sys/fs/inotify/max_user_watches) per user)"
before=$(ticks); sleep 30; after=$(ticks)
python3 -c "print(f'idle CPU over 30 s: {($after - $before) / $hz / 30 * 100:.2f} % of one core')"
python3 - "$src" "$endpoint" "$bucket" "$work/added" <<'PY'
import os, subprocess, sys, time
root, endpoint, bucket, added = sys.argv[1:]
latencies = []
for i in range(5):
    name = f"n{(i * 211) % 1000:04d}/added-{os.getpid()}-{i}.jpg"
    with open(os.path.join(root, name), "wb") as f:
        f.write(os.urandom(1024))
    closed = time.monotonic()
    while time.monotonic() - closed < 120:
        out = subprocess.run(["s5cmd", "--endpoint-url", endpoint, "ls", f"s3://{bucket}/stowage/{name}"],
                             capture_output=True, text=True).stdout
        if name.rsplit("/", 1)[-1] in out:
            latencies.append(time.monotonic() - closed)
            break
        time.sleep(0.1)
    with open(added, "a") as f:
        print(os.path.join(root, name), file=f)
print("a new file listed after: " + ", ".join(f"{s:.2f} s" for s in latencies)
      + " (sent once unchanged for 2 s)")
PY
echo "peak memory of the watcher: $(awk '/VmHWM/ { printf "%d MB", $2 / 1024 }' /proc/$watcher/status)"
kill $watcher
# Out of the cached tree again once nothing watches it (a deletion there
# would be a full round, which is not what this measures).
xargs rm -f < "$work/added"
