#!/usr/bin/env bash
# scripts/bench bwlimit, inside a D-Bus session. Arguments: stowage binary,
# file size in MiB, limit in MiB/s. One file uploaded under a bandwidth
# limit by `stowage upload --bwlimit`, `rclone copy --bwlimit` and `aws s3
# cp` with s3.max_bandwidth; s5cmd has no limit and is left out. Prints
# each one's achieved rate against the limit and the CPU it used.
set -euo pipefail
stowage=$1 size_mib=$2 limit=$3
source "$(dirname "$0")/bench-common.sh"

echo "Making the data: one $size_mib MiB file; the limit is $limit MiB/s"
mkdir -p "$work/big"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/big/big.bin"
# aws reads its limit from a config file: one of its own, for this run.
export AWS_CONFIG_FILE=$work/aws-config
printf '[default]\ns3 =\n  max_bandwidth = %sMB/s\n' "$limit" > "$AWS_CONFIG_FILE"

for tool in stowage rclone aws; do
  dest=$tool-limited
  case $tool in
    stowage) run limited stowage "$size_mib" MiB -- "$stowage" upload --bwlimit "${limit}M" "$work/big" "bench:$bucket/$dest" ;;
    rclone) run limited rclone "$size_mib" MiB -- env -u AWS_CA_BUNDLE rclone copy --bwlimit "${limit}M" "$work/big" ":s3:$bucket/$dest" "${rclone_s3[@]}" ;;
    aws) run limited aws "$size_mib" MiB -- aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$work/big" "s3://$bucket/$dest/" ;;
  esac
done

python3 - "$results" "$limit" <<'PY'
import sys
limit = float(sys.argv[2])
print(f"\nOne file under a {limit:g} MiB/s limit (1 MiB = 2^20 bytes)")
print(f"{'tool':8} {'wall s':>8} {'achieved':>14} {'of limit':>9} {'within 5%':>10} {'CPU s':>7} {'peak RSS':>9}")
for line in open(sys.argv[1]):
    case, tool, wall, cpu, rss, units, unit = line.rstrip("\n").split("\t")
    rate = float(units) / float(wall)
    share = rate / limit
    print(f"{tool:8} {float(wall):8.2f} {rate:10.2f} MiB/s {share:8.1%} {'yes' if abs(share - 1) <= 0.05 else 'no':>10} "
          f"{float(cpu):7.2f} {int(rss) / 1024:6.0f} MB")
PY
