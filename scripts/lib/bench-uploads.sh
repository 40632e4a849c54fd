#!/usr/bin/env bash
# scripts/bench uploads, inside a D-Bus session (the stowage CLI keeps its
# keys in the keyring). Arguments: stowage binary, small file count, big
# file size in MiB.
set -euo pipefail
stowage=$1 small=$2 big_mib=$3
source "$(dirname "$0")/bench-common.sh"

echo "Making the data: $small x 16 KiB files in 50 folders, and one $big_mib MiB file"
mkdir -p "$work/small" "$work/big"
python3 - "$work/small" "$small" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"dir-{i % 50:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file-{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(16 * 1024))
PY
head -c "$((big_mib * 1024 * 1024))" /dev/urandom > "$work/big/big.bin"
sync
# Untimed warm-up: whoever went first right after the data was written paid
# for the page cache and Garage's first large writes (measured: the same
# client 181 MiB/s first, 224 MiB/s second).
echo "Warming up (untimed)"
s5cmd --endpoint-url "$endpoint" cp "$work/big/*" "s3://$bucket/warm-up/" >/dev/null
s5cmd --endpoint-url "$endpoint" cp "$work/small/*" "s3://$bucket/warm-up-small/" >/dev/null

# upload CASE TOOL: one timed upload of $work/CASE to a fresh prefix.
round=0
upload() {
  local case=$1 tool=$2 src=$work/$1 units unit dest
  if [ "$case" = small ]; then units=$small unit=files; else units=$big_mib unit=MiB; fi
  round=$((round + 1))
  dest=$tool-$case-$round
  case $tool in
    stowage) run "$case" stowage "$units" "$unit" -- "$stowage" upload "$src" "bench:$bucket/$dest" ;;
    s5cmd) run "$case" s5cmd "$units" "$unit" -- s5cmd --endpoint-url "$endpoint" cp "$src/*" "s3://$bucket/$dest/" ;;
    rclone) run "$case" rclone "$units" "$unit" -- env -u AWS_CA_BUNDLE rclone copy "$src" ":s3:$bucket/$dest" "${rclone_s3[@]}" ;;
    aws) run "$case" aws "$units" "$unit" -- aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$src" "s3://$bucket/$dest/" ;;
  esac
}

# The server's own ceiling on small files: two Stowage uploads of the same
# files at once. If together they move no more files per second than one
# alone, the server, not the client, sets the rate.
upload_pair() {
  round=$((round + 1))
  run pair stowage "$((2 * small))" files -- bash -ec '"$1" upload "$2" "$3-a" & "$1" upload "$2" "$3-b"; wait $!' \
    _ "$stowage" "$work/small" "bench:$bucket/pair-$round"
}

# Each tool runs twice, in mirrored order (A B C D D C B A), and the table
# shows the mean: the server slows a little as it holds more objects, so a
# single pass favoured whoever went first. The pair runs before and after.
tools=(stowage s5cmd rclone aws)
for case in small big; do
  [ "$case" = small ] && upload_pair
  for tool in "${tools[@]}"; do upload "$case" "$tool"; done
  for ((i = ${#tools[@]} - 1; i >= 0; i--)); do upload "$case" "${tools[i]}"; done
  [ "$case" = small ] && upload_pair
done

report "small=(a) many 16 KiB files" "pair=(a, the server's ceiling) two stowage uploads of (a) at once" "big=(b) one big file"
