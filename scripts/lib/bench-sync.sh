#!/usr/bin/env bash
# scripts/bench sync, inside a D-Bus session. Arguments: stowage binary,
# file count. Each tool first syncs the folder to a prefix of its own
# (untimed), then is timed on a sync with nothing to do, then on a sync
# after 1% of the files changed (new content and size).
set -euo pipefail
stowage=$1 files=$2
source "$(dirname "$0")/bench-common.sh"

echo "Making the data: $files x 4 KiB files in 100 folders"
src=$work/tree
make_files "$src" "$files" 4096 100

# sync_with TOOL: that tool's own sync of $src to its own prefix.
sync_with() {
  case $1 in
    stowage) echo "$stowage" sync "$src" "bench:$bucket/stowage-sync" ;;
    before) echo "$STOWAGE_BENCH_BEFORE" sync "$src" "bench:$bucket/before-sync" ;;
    s5cmd) echo s5cmd --endpoint-url "$endpoint" sync "$src/" "s3://$bucket/s5cmd-sync/" ;;
    rclone) echo env -u AWS_CA_BUNDLE rclone sync "$src" ":s3:$bucket/rclone-sync" "${rclone_s3[@]}" ;;
    aws) echo aws --endpoint-url "$endpoint" s3 sync --only-show-errors "$src" "s3://$bucket/aws-sync/" ;;
  esac
}
tools=(stowage s5cmd rclone aws)
# Another build of stowage beside this one (a commit before a change), as a peer named "before".
[ -n "${STOWAGE_BENCH_BEFORE:-}" ] && tools=(stowage before s5cmd rclone aws)

echo "First sync of each tool (not timed)"
for tool in "${tools[@]}"; do $(sync_with "$tool") >/dev/null 2>&1 || echo "$tool: first sync failed"; done

for tool in "${tools[@]}"; do run noop "$tool" "$files" files -- $(sync_with "$tool"); done

changed=$((files / 100))
python3 - "$src" "$files" "$changed" <<'PY'
import os, sys
root, n, changed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(0, n, n // changed):
    with open(os.path.join(root, f"dir-{i % 100:02d}", f"file-{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(5000))
PY
# Each tool needs the same change to catch up on: sync them one at a time
# from the same changed tree.
for tool in "${tools[@]}"; do run change "$tool" "$files" files -- $(sync_with "$tool"); done

report "noop=(a) nothing changed: $files files already in sync" "change=(b) $changed of $files files changed"
