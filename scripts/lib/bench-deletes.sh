#!/usr/bin/env bash
# scripts/bench deletes, inside a D-Bus session. Arguments: stowage binary,
# object count. Each tool gets a prefix of its own holding the same objects
# (put there by s5cmd, untimed) and is timed deleting all of it:
# `stowage rm -r` (bulk deletes of a thousand keys), the same with
# --one-by-one (one DELETE per object, as Stowage deleted before), `s5cmd
# rm`, `rclone delete` and `aws s3 rm --recursive`. Each prefix must be
# empty afterwards.
set -euo pipefail
stowage=$1 files=$2
source "$(dirname "$0")/bench-common.sh"

echo "Making the data: $files x 1 KiB files in 100 folders"
src=$work/tree
make_files "$src" "$files" 1024 100

delete_with() {
  case $1 in
    stowage) echo "$stowage" rm -r "bench:$bucket/stowage-rm/" ;;
    one-by-1) echo "$stowage" rm -r --one-by-one "bench:$bucket/one-by-1-rm/" ;;
    s5cmd) echo s5cmd --endpoint-url "$endpoint" rm "s3://$bucket/s5cmd-rm/*" ;;
    rclone) echo env -u AWS_CA_BUNDLE rclone delete ":s3:$bucket/rclone-rm" "${rclone_s3[@]}" ;;
    aws) echo aws --endpoint-url "$endpoint" s3 rm --recursive --only-show-errors "s3://$bucket/aws-rm/" ;;
  esac
}
tools=(stowage one-by-1 s5cmd rclone aws)

for tool in "${tools[@]}"; do
  echo "Putting $files objects under $tool-rm/ (not timed)"
  s5cmd --endpoint-url "$endpoint" cp "$src/*" "s3://$bucket/$tool-rm/" >"$work/seed.log" 2>&1 || { tail -n 5 "$work/seed.log"; exit 1; }
  run delete "$tool" "$files" objects -- $(delete_with "$tool")
  # s5cmd ls fails on an empty prefix: that is the wanted answer.
  left=$(s5cmd --endpoint-url "$endpoint" ls "s3://$bucket/$tool-rm/*" 2>/dev/null | wc -l || true)
  [ "$left" -eq 0 ] || echo "$tool left $left objects behind"
done

report "delete=Deleting $files objects (\"one-by-1\": stowage rm --one-by-one, one DELETE per object, as before bulk deletes)"
