#!/usr/bin/env bash
# scripts/bench window, inside a D-Bus session. Arguments: stowage binary,
# app binary, file count. The real window (under Xvfb, driven over
# WebDriver as the end-to-end tests drive it) with N files of one byte in
# one folder: uploaded through the window, the transfer's per-file list
# scrolled to its end, the folder of N keys opened and scrolled to its
# end, and a sync of the folder to a new prefix planned and its plan
# scrolled to its end. Prints the time to the first rows and to the end,
# how long the window took at most to answer while it worked, and its
# memory. No peers: none of them has a window to compare.
set -euo pipefail
stowage=$1 app=$2 files=$3
source "$(dirname "$0")/bench-common.sh"

# Unpadded names: S3 lists img_10 before img_2, the window shows img_2 first.
cached_data "flat-$files" "$files files of 1 byte in one folder" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(root, f"img_{i}.jpg"), "wb") as f:
        f.write(b"x")
PY

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
bench_pids+=($!)
export DISPLAY=$display
port=$(free_port) native_port=$(free_port)
tauri-driver --port "$port" --native-port "$native_port" --native-driver "$(command -v WebKitWebDriver)" >"$work/tauri-driver.log" 2>&1 &
bench_pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$port/status"; do sleep 0.1; done
STOWAGE_WEBDRIVER_URL=http://127.0.0.1:$port STOWAGE_APP=$app \
  node "$root/scripts/lib/bench-window.mjs" "$src" "$bucket" "$files"
