#!/usr/bin/env bash
# Runs the WebDriver tests against the real app: Xvfb for a display,
# tauri-driver in front of Debian's WebKitWebDriver, a fresh config and data
# dir for the app, seeded through the CLI. $1: where the log goes.
set -euo pipefail
logs=${1:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d -t stowage-e2e.XXXXXX)
# The folders the tests make under tmpdir() go with $work (the pause test
# alone writes 385 MB).
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=$display

# A real notification server on the test D-Bus session, for the app's
# desktop notifications.
dunst >"$work/dunst.log" 2>&1 &
pids+=($!)
# Asking the bus who owns the name (dunstctl would start a second dunst
# through D-Bus activation, without a display).
for _ in $(seq 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done

# The app logs at TRACE so the canary test searches everything it could log.
export STOWAGE_CONFIG_DIR=$work/config STOWAGE_DATA_DIR=$work/data STOWAGE_LOG=trace
export STOWAGE_KEYRING_SERVICE=stowage-e2e-$$
export STOWAGE_E2E_SEEDED_CONTAINER=seeded-datasets
"$target/debug/stowage" mb "$STOWAGE_E2E_SEEDED_CONTAINER"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
native_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A tray host (StatusNotifierWatcher) on the same bus: the app's tray icon
# registers with it, and the tests read and click its menu over D-Bus.
"$root/tests/e2e/tray-host.py" >"$work/tray-host.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q "^ready" "$work/tray-host.out" && break; sleep 0.1; done

# The app gets a home of its own: start at login writes into it.
export STOWAGE_E2E_HOME=$work/home
mkdir -p "$STOWAGE_E2E_HOME"
# A "browser" and "file manager" registered in that home the way a desktop
# registers them (x-scheme-handler/https and inode/directory in
# mimeapps.list), which only writes down what xdg-open asks it to open: the
# notebook's Open and About's folders go the real way.
export STOWAGE_E2E_OPENED=$work/opened-urls
mkdir -p "$STOWAGE_E2E_HOME/.local/share/applications" "$STOWAGE_E2E_HOME/.config"
printf '#!/bin/sh\necho "$1" >> "%s"\n' "$STOWAGE_E2E_OPENED" > "$work/e2e-browser"
chmod +x "$work/e2e-browser"
printf '[Desktop Entry]\nType=Application\nName=E2E browser\nExec=%s %%u\nMimeType=x-scheme-handler/https;x-scheme-handler/http;inode/directory;\n' \
  "$work/e2e-browser" > "$STOWAGE_E2E_HOME/.local/share/applications/e2e-browser.desktop"
printf '[Default Applications]\nx-scheme-handler/https=e2e-browser.desktop\nx-scheme-handler/http=e2e-browser.desktop\ninode/directory=e2e-browser.desktop\n' \
  > "$STOWAGE_E2E_HOME/.config/mimeapps.list"
HOME=$STOWAGE_E2E_HOME tauri-driver --port "$port" --native-port "$native_port" --native-driver "$(command -v WebKitWebDriver)" >"$work/tauri-driver.log" 2>&1 &
pids+=($!)

# The AI Training API simulator, its data phases on the same Garage.
export STOWAGE_E2E_TRAINING_TOKEN=e2e-training-$$ STOWAGE_E2E_TRAINING_WORKDIR=$work/training
STOWAGE_SIM_S3_ENDPOINT=$STOWAGE_TEST_S3_ENDPOINT STOWAGE_SIM_S3_REGION=$STOWAGE_TEST_S3_REGION \
STOWAGE_SIM_S3_ACCESS_KEY=$STOWAGE_TEST_S3_ACCESS_KEY STOWAGE_SIM_S3_SECRET_KEY=$STOWAGE_TEST_S3_SECRET_KEY \
  "$target/debug/stowage-training-sim" --token "$STOWAGE_E2E_TRAINING_TOKEN" --phase-ms 500 \
  --workdir "$STOWAGE_E2E_TRAINING_WORKDIR" >"$work/training-sim.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q "^listening on" "$work/training-sim.out" && break; sleep 0.1; done
export STOWAGE_E2E_TRAINING_URL=$(sed -n 's/^listening on //p' "$work/training-sim.out")

export STOWAGE_APP=$target/debug/stowage-app
export STOWAGE_WEBDRIVER_URL=http://127.0.0.1:$port
export STOWAGE_E2E_ARTIFACTS=$root/target/e2e
mkdir -p "$STOWAGE_E2E_ARTIFACTS"
status=0
# One file at a time, in this order: the storage tests see the first start,
# the desktop tests quit the app. STOWAGE_E2E_FILES picks some of them.
files=${STOWAGE_E2E_FILES:-storage.test.mjs profiles.test.mjs volumes.test.mjs uploads.test.mjs sharing.test.mjs sync.test.mjs jobs.test.mjs watched.test.mjs sizes.test.mjs desktop.test.mjs}
: > "$logs/e2e.log"
for file in $files; do
  (cd "$root/tests/e2e" && node --test --test-reporter=tap "$file") 2>&1 | tee -a "$logs/e2e.log" || status=1
done
# The bundle scripts/package made, installed and started from /usr/bin.
if [ -n "${STOWAGE_E2E_DEB:-}" ]; then
  (cd "$root/tests/e2e" && node --test --test-reporter=tap installed.test.mjs) 2>&1 | tee -a "$logs/e2e.log" || status=1
fi
if [ $status -ne 0 ]; then
  echo "--- tauri-driver log"; tail -n 40 "$work/tauri-driver.log"
  echo "--- notification server (dunst) log"; tail -n 20 "$work/dunst.log"
  # The app's own logs go with $work: kept beside the test log for whoever looks into the failure.
  mkdir -p "$logs/app-logs" && cp "$STOWAGE_DATA_DIR"/logs/* "$logs/app-logs/" 2>/dev/null || true
  echo "--- the app's logs are kept in $logs/app-logs"
fi
exit $status
