#!/usr/bin/env bash
# The body of scripts/bench uploads, inside a D-Bus session (the stowage CLI
# keeps its keys in the keyring). Arguments: stowage binary, small file
# count, big file size in MiB.
set -euo pipefail
stowage=$1 small=$2 big_mib=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d -t stowage-bench.XXXXXX)
source "$root/scripts/lib/garage.sh"
trap 'garage_stop; rm -rf "$work"' EXIT
garage_start
mkdir -p "$work/keyring"
openssl rand -hex 16 | HOME=$work/keyring XDG_DATA_HOME=$work/keyring gnome-keyring-daemon --unlock --components=secrets >/dev/null

export AWS_ACCESS_KEY_ID=$STOWAGE_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STOWAGE_TEST_S3_SECRET_KEY
export AWS_REGION=$STOWAGE_TEST_S3_REGION AWS_DEFAULT_REGION=$STOWAGE_TEST_S3_REGION AWS_EC2_METADATA_DISABLED=true
export STOWAGE_CONFIG_DIR=$work/config STOWAGE_DATA_DIR=$work/data STOWAGE_KEYRING_SERVICE=stowage-bench
endpoint=$STOWAGE_TEST_S3_ENDPOINT bucket=$STOWAGE_TEST_S3_BUCKET
echo "$AWS_SECRET_ACCESS_KEY" | "$stowage" profile add bench --provider s3 --endpoint "$endpoint" \
  --region "$AWS_REGION" --access-key "$AWS_ACCESS_KEY_ID" --secret-stdin --path-style >/dev/null

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

results=$work/results.tsv
: > "$results"
# run CASE TOOL UNITS UNIT_NAME -- command...
run() {
  local case=$1 tool=$2 units=$3 unit=$4; shift 5
  sync
  if ! /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/err"; then
    echo "$tool failed on $case:"; tail -n 5 "$work/err"; return 0
  fi
  read -r wall user sys rss < "$work/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$rss" "$units" "$unit" >> "$results"
}

for case in small big; do
  src=$work/$case
  if [ "$case" = small ]; then units=$small unit=files; else units=$big_mib unit=MiB; fi
  run "$case" stowage "$units" "$unit" -- "$stowage" upload "$src" "bench:$bucket/stowage-$case"
  run "$case" s5cmd "$units" "$unit" -- s5cmd --endpoint-url "$endpoint" cp "$src/*" "s3://$bucket/s5cmd-$case/"
  run "$case" rclone "$units" "$unit" -- env -u AWS_CA_BUNDLE rclone copy "$src" ":s3:$bucket/rclone-$case" \
    --s3-provider Other --s3-endpoint "$endpoint" --s3-access-key-id "$AWS_ACCESS_KEY_ID" \
    --s3-secret-access-key "$AWS_SECRET_ACCESS_KEY" --s3-region "$AWS_REGION" --s3-force-path-style
  run "$case" aws "$units" "$unit" -- aws --endpoint-url "$endpoint" s3 cp --recursive --only-show-errors "$src" "s3://$bucket/aws-$case/"
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by_case = {}
for case, tool, wall, cpu, rss, units, unit in rows:
    by_case.setdefault(case, {})[tool] = (float(wall), float(cpu), int(rss), float(units), unit)
titles = {"small": "(a) many 16 KiB files", "big": "(b) one big file"}
for case, tools in by_case.items():
    print(f"\n{titles[case]}")
    print(f"{'tool':8} {'wall s':>8} {'throughput':>14} {'CPU s':>7} {'peak RSS':>9}   stowage is ... x faster")
    st = tools.get("stowage")
    for tool, (wall, cpu, rss, units, unit) in tools.items():
        rate = units / wall if wall > 0 else 0
        thr = f"{rate:,.0f} {'files/s' if unit == 'files' else 'MiB/s'}"
        ratio = "" if tool == "stowage" or not st else f"{wall / st[0]:.2f}"
        print(f"{tool:8} {wall:8.2f} {thr:>14} {cpu:7.2f} {rss / 1024:7.0f} MB   {ratio}")
PY
