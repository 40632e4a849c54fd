#!/usr/bin/env bash
# scripts/bench uploads, inside a D-Bus session (the stowage CLI keeps its
# keys in the keyring). Arguments: stowage binary, small file count, big
# file size in MiB, file count for the run through the latency proxy, and
# how many objects the server holds before the first timed upload.
set -euo pipefail
stowage=$1 small=$2 big_mib=$3 remote=$4 fill=$5
source "$(dirname "$0")/bench-common.sh"

echo "Making the data: $small and $remote x 16 KiB files in 50 folders, and one $big_mib MiB file"
make_files "$work/small" "$small" 16384 50
make_files "$work/remote" "$remote" 16384 50
mkdir -p "$work/big"
head -c "$((big_mib * 1024 * 1024))" /dev/urandom > "$work/big/big.bin"
# A server that already holds objects pays more per request (its index is
# bigger): a user's bucket is rarely empty.
if [ "$fill" -gt 0 ]; then
  echo "Filling the server with $fill objects of 16 KiB (untimed)"
  make_files "$work/fill" "$fill" 16384 50
  s5cmd --endpoint-url "$endpoint" cp "$work/fill/*" "s3://$bucket/fill/" >/dev/null
  rm -rf "$work/fill"
fi
sync
# Untimed warm-up: whoever went first right after the data was written paid
# for the page cache and Garage's first large writes (measured: the same
# client 181 MiB/s first, 224 MiB/s second). One object, so that "empty"
# stays nearly so; the small files only go through the page cache.
echo "Warming up (untimed)"
s5cmd --endpoint-url "$endpoint" cp "$work/big/*" "s3://$bucket/warm-up/" >/dev/null
find "$work/small" "$work/remote" -type f -exec cat {} + >/dev/null

# The same Garage 10 ms away each way, and a profile that goes through it.
proxy_port=$(free_port)
python3 "$root/scripts/lib/latency-proxy.py" "$proxy_port" "${endpoint#http://}" 10 &
bench_pids+=($!)
far_endpoint=http://127.0.0.1:$proxy_port
until curl -s -o /dev/null "$far_endpoint/"; do sleep 0.1; done
echo "$AWS_SECRET_ACCESS_KEY" | "$stowage" profile add bench-far --provider s3 --endpoint "$far_endpoint" \
  --region "$AWS_REGION" --access-key "$AWS_ACCESS_KEY_ID" --secret-stdin --path-style >/dev/null

# upload CASE TOOL: one timed upload of $work/CASE to a fresh prefix.
round=0
upload() {
  local case=$1 tool=$2 src=$work/$1 units=$small unit=files ep=$endpoint profile=bench dest
  case $case in
    big) units=$big_mib unit=MiB ;;
    remote) units=$remote ep=$far_endpoint profile=bench-far ;;
  esac
  round=$((round + 1))
  dest=$tool-$case-$round
  case $tool in
    stowage) run "$case" stowage "$units" "$unit" -- "$stowage" upload "$src" "$profile:$bucket/$dest" ;;
    before) run "$case" before "$units" "$unit" -- "$STOWAGE_BENCH_BEFORE" upload "$src" "$profile:$bucket/$dest" ;;
    s5cmd) run "$case" s5cmd "$units" "$unit" -- s5cmd --endpoint-url "$ep" cp "$src/*" "s3://$bucket/$dest/" ;;
    rclone) run "$case" rclone "$units" "$unit" -- env -u AWS_CA_BUNDLE rclone copy "$src" ":s3:$bucket/$dest" "${rclone_s3[@]}" --s3-endpoint "$ep" ;;
    aws) run "$case" aws "$units" "$unit" -- aws --endpoint-url "$ep" s3 cp --recursive --only-show-errors "$src" "s3://$bucket/$dest/" ;;
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
# The big file goes first, onto a server holding only the fill (the small
# files leave tens of thousands of objects behind).
tools=(stowage s5cmd rclone aws)
# Another build of stowage beside this one (a commit before a change), as a peer named "before".
[ -n "${STOWAGE_BENCH_BEFORE:-}" ] && tools=(stowage before s5cmd rclone aws)
for case in big small remote; do
  [ "$case" = small ] && upload_pair
  for tool in "${tools[@]}"; do upload "$case" "$tool"; done
  for ((i = ${#tools[@]} - 1; i >= 0; i--)); do upload "$case" "${tools[i]}"; done
  [ "$case" = small ] && upload_pair
done

# Where Stowage's CPU goes on the big file: one more upload, untimed, sampled by perf.
profile_big() {
  echo
  if ! perf stat -e task-clock true >/dev/null 2>"$work/err"; then
    echo "No profile: perf cannot sample here ($(tail -n1 "$work/err"))"
    return
  fi
  echo "Where stowage's CPU went on (b), one more upload sampled by perf (entries over 1%):"
  perf record -q -F 499 -o "$work/perf.data" -- "$stowage" upload "$work/big" "bench:$bucket/profiled" >/dev/null 2>&1
  perf report -i "$work/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 1 2>/dev/null |
    grep -v -e '^#' -e '^$' | head -n 25
}

report "small=(a) many 16 KiB files" "pair=(a, the server's ceiling) two stowage uploads of (a) at once" \
  "big=(b) one big file" "remote=(c) many 16 KiB files, 20 ms of round trip away"
profile_big
