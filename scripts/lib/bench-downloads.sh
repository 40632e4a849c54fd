#!/usr/bin/env bash
# scripts/bench downloads, inside a D-Bus session. Arguments: stowage binary,
# small file count, big file size in MiB. The same objects, uploaded once,
# are downloaded by each tool into a fresh folder: `stowage sync --mode copy`
# (the CLI's download), `s5cmd cp`, `rclone copy`, `aws s3 cp --recursive`.
set -euo pipefail
stowage=$1 small=$2 big_mib=$3
source "$(dirname "$0")/bench-common.sh"

echo "Making and uploading the data: $small x 16 KiB files in 50 folders, and one $big_mib MiB file"
make_files "$work/source/small" "$small" 16384 50
mkdir -p "$work/source/big"
head -c "$((big_mib * 1024 * 1024))" /dev/urandom > "$work/source/big/big.bin"
for case in small big; do
  s5cmd --endpoint-url "$endpoint" cp "$work/source/$case/*" "s3://$bucket/$case/" >/dev/null
done
rm -rf "$work/source"
# Untimed warm-up, as for uploads: the first reader paid for Garage's cold cache.
echo "Warming up (untimed)"
for case in small big; do
  s5cmd --endpoint-url "$endpoint" cp "s3://$bucket/$case/*" "$work/warm-up/" >/dev/null
  rm -rf "$work/warm-up"
done

# download CASE TOOL: one timed download of the CASE objects into a new folder.
round=0
download() {
  local case=$1 tool=$2 units=$small unit=files dest
  [ "$case" = big ] && units=$big_mib unit=MiB
  round=$((round + 1))
  dest=$work/down-$round
  case $tool in
    stowage) run "$case" stowage "$units" "$unit" -- "$stowage" sync --mode copy "bench:$bucket/$case" "$dest" ;;
    s5cmd) run "$case" s5cmd "$units" "$unit" -- s5cmd --endpoint-url "$endpoint" cp "s3://$bucket/$case/*" "$dest/" ;;
    rclone) run "$case" rclone "$units" "$unit" -- env -u AWS_CA_BUNDLE rclone copy ":s3:$bucket/$case" "$dest" "${rclone_s3[@]}" ;;
    aws) run "$case" aws "$units" "$unit" -- aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "s3://$bucket/$case" "$dest" ;;
  esac
  rm -rf "$dest"
}

# Twice each, in mirrored order, as for uploads.
tools=(stowage s5cmd rclone aws)
for case in small big; do
  for tool in "${tools[@]}"; do download "$case" "$tool"; done
  for ((i = ${#tools[@]} - 1; i >= 0; i--)); do download "$case" "${tools[i]}"; done
done

report "small=(a) many 16 KiB files" "big=(b) one big file"
