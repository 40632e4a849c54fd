# Starts moto's server (PyPI moto[server]: AWS's S3 rules as its
# maintainers reproduce them), a third S3 implementation for the
# conformance suite, on 127.0.0.1. scripts/deps --test makes its venv.
# Exports STOWAGE_TEST_MOTO_S3_{ENDPOINT,REGION,ACCESS_KEY,SECRET_KEY}.
# Source this file (after garage.sh, for free_port), then call moto_start;
# moto_stop runs from the caller's EXIT trap.

MOTO_VERSION=5.2.5
MOTO_VENV=${STOWAGE_MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/stowage/moto-$MOTO_VERSION}

moto_start() {
  local port
  port=$(free_port)
  MOTO_LOG=$(mktemp -t stowage-moto.XXXXXX)
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  export STOWAGE_TEST_MOTO_S3_ENDPOINT="http://127.0.0.1:$port"
  export STOWAGE_TEST_MOTO_S3_REGION="us-east-1"
  export STOWAGE_TEST_MOTO_S3_ACCESS_KEY="moto-test-key"
  export STOWAGE_TEST_MOTO_S3_SECRET_KEY="moto-test-secret"
  for _ in $(seq 1 100); do
    if curl -sf "$STOWAGE_TEST_MOTO_S3_ENDPOINT/moto-api/" >/dev/null; then
      echo "moto $MOTO_VERSION serves S3 at $STOWAGE_TEST_MOTO_S3_ENDPOINT"
      return 0
    fi
    kill -0 "$MOTO_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "moto did not answer within 20 s:" >&2; cat "$MOTO_LOG" >&2
  return 1
}

moto_stop() {
  if [ -n "${MOTO_PID:-}" ]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  [ -n "${MOTO_LOG:-}" ] && rm -f "$MOTO_LOG"
  return 0
}
