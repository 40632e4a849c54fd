#!/usr/bin/env bash
# Runs inside dbus-run-session (see scripts/test): unlocks a throwaway
# gnome-keyring, then runs the Rust tests and the WebDriver tests.
# $1: the folder where test logs go for counting.
set -euo pipefail
logs=$1
root=$(cd "$(dirname "$0")/../.." && pwd)

# A keyring of its own in a temp home, unlocked with a throwaway password:
# a developer's real keyring is never touched.
keyring_home=$(mktemp -d -t stowage-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
openssl rand -hex 16 | HOME=$keyring_home XDG_DATA_HOME=$keyring_home/share \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null

cd "$root"
status=0
# The five-minute server freeze (a Garage of its own, idle while frozen)
# runs once, beside everything else; its log is counted with the others.
cargo test -p stowage-sync --test frozen_server -- --include-ignored slow_ >"$logs/cargo-slow.log" 2>&1 &
slow=$!
skips=(--skip slow_)
if [ -z "${STOWAGE_TEST_EXFAT:-}" ]; then
  echo "Left out, not counted: the tests on an exFAT disk (${STOWAGE_TEST_EXFAT_SKIP:-no exFAT disk})."
  skips+=(--skip on_exfat)
fi
cargo test --workspace -- --include-ignored "${skips[@]}" 2>&1 | tee "$logs/cargo.log" || status=1
tests/e2e/run.sh "$logs" || status=1
if ! wait "$slow"; then
  status=1
fi
cat "$logs/cargo-slow.log"
exit $status
