#!/usr/bin/env bash
# The release .deb: its size, the installed size, and the cold start of the
# binary it installs (unpacked into a temp dir, run under Xvfb with fresh
# config and data dirs): time from exec to the window on screen, five runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
scripts/deps --test >/dev/null
scripts/package >/dev/null
deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb | head -n1)
work=$(mktemp -d -t stowage-startup.XXXXXX)
display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$work"' EXIT
export DISPLAY=$display
dpkg-deb -x "$deb" "$work/root"
sleep 1

printf 'bundle\t%s\t%s MiB\n' "$(basename "$deb")" "$(awk -v b="$(stat -c %s "$deb")" 'BEGIN { printf "%.1f", b / 1048576 }')"
printf 'installed size\t%s MiB\n' "$(dpkg-deb --field "$deb" Installed-Size | awk '{ printf "%.1f", $1 / 1024 }')"
times=()
for run in 1 2 3 4 5; do
  rm -rf "$work/config" "$work/data"
  start=$(date +%s.%N)
  STOWAGE_CONFIG_DIR=$work/config STOWAGE_DATA_DIR=$work/data HOME=$work \
    "$work/root/usr/bin/stowage-app" >/dev/null 2>&1 &
  app=$!
  xdotool search --sync --onlyvisible --name '^Stowage$' >/dev/null 2>&1
  end=$(date +%s.%N)
  kill "$app"; wait "$app" 2>/dev/null || true
  times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')")
done
printf 'cold start to window (s)\t%s\tmedian %s\n' "${times[*]}" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"
