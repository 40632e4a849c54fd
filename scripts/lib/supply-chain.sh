#!/usr/bin/env bash
# What the app is built from: every crate's license and source and no new
# duplicate version (deny.toml), then known advisories for the crates
# (RustSec's database) and the UI's npm packages (npm's audit). The
# advisories come from the network at each run; where it cannot be reached
# the check says so and is not counted as passed.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
# cargo-deny reads every platform's crates (Windows' and macOS' too), which a
# build on this machine never downloads: fetch them first, or a fresh
# machine's check fails for a crate it could not read.
cargo fetch --locked --quiet || status=1
cargo deny --offline check licenses bans sources || status=1

# RustSec's database is a git repository on GitHub, fetched into ~/.cargo.
if cargo deny fetch db >/dev/null 2>&1; then
  cargo deny --offline check advisories || status=1
else
  echo "SKIPPED: cargo deny advisories: RustSec's database (github.com/RustSec/advisory-db) cannot be fetched from here"
fi

# npm answers an audit from its bulk advisory endpoint; a registry mirror
# may refuse it, which npm reports as an error object instead of findings.
# Only the packages the window ships are audited (not vite and the tests').
audit=$(cd ui && npm audit --omit=dev --json 2>/dev/null)
verdict=$(node -e '
  const a = JSON.parse(process.argv[1] || "{}");
  if (a.error || a.statusCode) {
    console.log("unreachable " + (a.message || a.error.summary || a.error.code || "").split("\n")[0]);
    process.exit(0);
  }
  const v = a.metadata && a.metadata.vulnerabilities || {};
  console.log((v.high || 0) + (v.critical || 0) > 0 ? "found" : "clean");
' "$audit" 2>/dev/null || echo "unreachable (no answer)")
case "$verdict" in
  clean) echo "npm audit: no high or critical advisory for the UI's packages" ;;
  found) (cd ui && npm audit --omit=dev --audit-level=high); status=1 ;;
  *) echo "SKIPPED: npm audit: the advisory endpoint cannot be used from here (${verdict#unreachable })" ;;
esac
exit $status
