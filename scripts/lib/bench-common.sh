#!/usr/bin/env bash
# Shared by the benchmark bodies (scripts/lib/bench-*.sh), sourced inside a
# D-Bus session: starts Garage and a throwaway keyring, adds the "bench"
# profile, exports the peers' credentials, and provides `run` (one timed
# command) and `report` (the table with ratios). Expects $stowage.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d -t stowage-bench.XXXXXX)
source "$root/scripts/lib/garage.sh"
# Helpers a benchmark starts (their pids), stopped with Garage.
bench_pids=()
trap 'kill "${bench_pids[@]}" 2>/dev/null || true; garage_stop; rm -rf "$work"' EXIT
# Garage's default engine; no benchmark uses keys over LMDB's 511 bytes.
GARAGE_DB_ENGINE=lmdb garage_start
mkdir -p "$work/keyring"
openssl rand -hex 16 | HOME=$work/keyring XDG_DATA_HOME=$work/keyring gnome-keyring-daemon --unlock --components=secrets >/dev/null

export AWS_ACCESS_KEY_ID=$STOWAGE_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$STOWAGE_TEST_S3_SECRET_KEY
export AWS_REGION=$STOWAGE_TEST_S3_REGION AWS_DEFAULT_REGION=$STOWAGE_TEST_S3_REGION AWS_EC2_METADATA_DISABLED=true
export STOWAGE_CONFIG_DIR=$work/config STOWAGE_DATA_DIR=$work/data STOWAGE_KEYRING_SERVICE=stowage-bench
endpoint=$STOWAGE_TEST_S3_ENDPOINT bucket=$STOWAGE_TEST_S3_BUCKET
echo "$AWS_SECRET_ACCESS_KEY" | "$stowage" profile add bench --provider s3 --endpoint "$endpoint" \
  --region "$AWS_REGION" --access-key "$AWS_ACCESS_KEY_ID" --secret-stdin --path-style >/dev/null

# rclone's S3 backend on the command line, against the same Garage.
rclone_s3=(--s3-provider Other --s3-endpoint "$endpoint" --s3-access-key-id "$AWS_ACCESS_KEY_ID"
  --s3-secret-access-key "$AWS_SECRET_ACCESS_KEY" --s3-region "$AWS_REGION" --s3-force-path-style)

# make_files DIR N BYTES FOLDERS: N files of BYTES random bytes each, spread
# over FOLDERS folders.
make_files() {
  python3 - "$@" <<'PY'
import os, sys
root, n, size, folders = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(n):
    d = os.path.join(root, f"dir-{i % folders:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file-{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(size))
PY
}

# cached_data NAME WHAT ARG...: the folder NAME in the benchmark cache
# (~/.cache/stowage/bench), made the first time by the Python program on
# stdin (called with the folder and the ARGs), reused after. The marker of
# a complete folder is beside it, not in it: the tools would upload it.
# Sets $src.
bench_cache=${STOWAGE_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stowage/bench}
cached_data() {
  local name=$1 what=$2; shift 2
  src=$bench_cache/$name
  if [ -e "$src.complete" ]; then
    echo "Reusing the data in $src"
    return
  fi
  echo "Making the data once: $what, in $src"
  rm -rf "$src"
  mkdir -p "$src"
  python3 - "$src" "$@"
  touch "$src.complete"
}

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

# report "case=title" ...: one table per case, with stowage's speed-up over
# each peer. A tool that ran more than once shows its mean time and CPU, its
# highest RSS, and each run's time.
report() {
  python3 - "$results" "$@" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
titles = dict(arg.split("=", 1) for arg in sys.argv[2:])
runs = {}
for case, tool, wall, cpu, rss, units, unit in rows:
    runs.setdefault(case, {}).setdefault(tool, []).append((float(wall), float(cpu), int(rss), float(units), unit))
mean = lambda xs: sum(xs) / len(xs)
order = list(titles)
for case, tools in sorted(runs.items(), key=lambda c: order.index(c[0]) if c[0] in order else len(order)):
    print(f"\n{titles.get(case, case)}")
    print(f"{'tool':8} {'wall s':>8} {'throughput':>14} {'CPU s':>7} {'peak RSS':>9}   stowage is ... x faster   runs (s)")
    st = mean([r[0] for r in tools["stowage"]]) if "stowage" in tools else None
    for tool, rs in tools.items():
        wall, cpu, rss = mean([r[0] for r in rs]), mean([r[1] for r in rs]), max(r[2] for r in rs)
        units, unit = rs[0][3], rs[0][4]
        thr = f"{units / wall if wall > 0 else 0:,.0f} {unit}/s"
        ratio = "" if tool == "stowage" or not st else f"{wall / st:.2f}"
        each = ", ".join(f"{r[0]:.2f}" for r in rs) if len(rs) > 1 else ""
        print(f"{tool:8} {wall:8.2f} {thr:>14} {cpu:7.2f} {rss / 1024:7.0f} MB   {ratio:>22}   {each}")
PY
}
