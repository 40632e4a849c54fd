#!/usr/bin/env bash
# The AI Training contract, judged by OVHcloud's SDK (ovhai 0.1a4, installed
# by scripts/deps --test): the fixtures the Rust client decodes must be what
# the SDK's models write today, and the simulator's answers and the CLI's job
# specs must parse in the SDK's models (tests/contract). $1: the log folder.
set -euo pipefail
logs=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
python=${STOWAGE_SDK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/stowage/ovhai-0.1a4}/bin/python

fresh=$(mktemp -d -t stowage-sdk-fixtures.XXXXXX)
trap 'rm -rf "$fresh"' EXIT
"$python" "$root/tests/contract/sdk_fixtures.py" "$fresh"
status=0
if ! diff -ru "$root/crates/jobs/tests/fixtures/sdk" "$fresh" >"$logs/fixtures.diff"; then
  echo "The SDK fixtures in crates/jobs/tests/fixtures/sdk differ from what the SDK writes now:" >&2
  head -n 40 "$logs/fixtures.diff" >&2
  echo "(regenerate with: $python tests/contract/sdk_fixtures.py crates/jobs/tests/fixtures/sdk)" >&2
  status=1
fi
(cd "$root/tests/contract" && STOWAGE_SIM_BIN=$target/debug/stowage-training-sim STOWAGE_CLI_BIN=$target/debug/stowage \
  "$python" -W ignore::ResourceWarning -m unittest -v test_sim_contract) 2>&1 | tee "$logs/contract.log" || status=1
exit $status
