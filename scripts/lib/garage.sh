# Starts Garage, a real S3 server, single-node on 127.0.0.1 with a throwaway
# data dir, and exports what tests read:
#   STOWAGE_TEST_S3_ENDPOINT, STOWAGE_TEST_S3_REGION, STOWAGE_TEST_S3_ACCESS_KEY,
#   STOWAGE_TEST_S3_SECRET_KEY, STOWAGE_TEST_S3_BUCKET, and a second key that
#   may write to that bucket but not read or list it:
#   STOWAGE_TEST_S3_LIMITED_ACCESS_KEY, STOWAGE_TEST_S3_LIMITED_SECRET_KEY
# Source this file, then call garage_start; garage_stop runs from the caller's
# EXIT trap.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# GARAGE_DB_ENGINE picks Garage's metadata engine. Tests use SQLite: LMDB,
# Garage's default, refuses keys over 511 bytes and S3 allows 1,024. The
# benchmarks use LMDB: with SQLite every client's small-file uploads were
# capped by its commits (s5cmd and Stowage both near 750 files/s).
garage_start() {
  GARAGE_DIR=$(mktemp -d -t stowage-garage.XXXXXX)
  local s3_port rpc_port
  s3_port=$(free_port)
  rpc_port=$(free_port)
  cat > "$GARAGE_DIR/garage.toml" <<TOML
metadata_dir = "$GARAGE_DIR/meta"
data_dir = "$GARAGE_DIR/data"
db_engine = "${GARAGE_DB_ENGINE:-sqlite}"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$(openssl rand -hex 32)"

[s3_api]
s3_region = "gra"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"
TOML
  export STOWAGE_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
  export STOWAGE_TEST_S3_REGION="gra"
  export STOWAGE_TEST_S3_ACCESS_KEY="GK$(openssl rand -hex 12)"
  export STOWAGE_TEST_S3_SECRET_KEY="$(openssl rand -hex 32)"
  export STOWAGE_TEST_S3_BUCKET="stowage-test"
  GARAGE_DEFAULT_ACCESS_KEY=$STOWAGE_TEST_S3_ACCESS_KEY GARAGE_DEFAULT_SECRET_KEY=$STOWAGE_TEST_S3_SECRET_KEY \
    GARAGE_DEFAULT_BUCKET=$STOWAGE_TEST_S3_BUCKET RUST_LOG=warn \
    garage -c "$GARAGE_DIR/garage.toml" server --single-node --default-bucket > "$GARAGE_DIR/garage.log" 2>&1 &
  GARAGE_PID=$!
  # The WebDriver test of a frozen server stops and continues it.
  export STOWAGE_TEST_GARAGE_PID=$GARAGE_PID
  # Ready when an anonymous request gets an S3 answer (403 AccessDenied) and
  # the default key can list buckets.
  for _ in $(seq 1 100); do
    if ! kill -0 "$GARAGE_PID" 2>/dev/null; then
      echo "Garage exited while starting:" >&2; cat "$GARAGE_DIR/garage.log" >&2; return 1
    fi
    if curl -s -o /dev/null -w '%{http_code}' "$STOWAGE_TEST_S3_ENDPOINT/" | grep -q '^403$' \
      && garage -c "$GARAGE_DIR/garage.toml" bucket info "$STOWAGE_TEST_S3_BUCKET" >/dev/null 2>&1; then
      local g=(garage -c "$GARAGE_DIR/garage.toml")
      # Tests create and delete their own containers too.
      "${g[@]}" key allow --create-bucket "$STOWAGE_TEST_S3_ACCESS_KEY" >/dev/null
      local limited
      limited=$("${g[@]}" key create limited)
      STOWAGE_TEST_S3_LIMITED_ACCESS_KEY=$(awk '/Key ID:/ {print $3}' <<<"$limited")
      STOWAGE_TEST_S3_LIMITED_SECRET_KEY=$(awk '/Secret key:/ {print $3}' <<<"$limited")
      export STOWAGE_TEST_S3_LIMITED_ACCESS_KEY STOWAGE_TEST_S3_LIMITED_SECRET_KEY
      "${g[@]}" bucket allow --write "$STOWAGE_TEST_S3_BUCKET" --key limited >/dev/null
      local version
      version=$(garage --version | head -1 | awk '{print $2}')
      echo "Garage ${version#cargo:} serves S3 at $STOWAGE_TEST_S3_ENDPOINT"
      return 0
    fi
    sleep 0.2
  done
  echo "Garage did not answer within 20 s:" >&2; cat "$GARAGE_DIR/garage.log" >&2
  return 1
}

garage_stop() {
  if [ -n "${GARAGE_PID:-}" ]; then
    kill "$GARAGE_PID" 2>/dev/null || true
    wait "$GARAGE_PID" 2>/dev/null || true
  fi
  [ -n "${GARAGE_DIR:-}" ] && rm -rf "$GARAGE_DIR"
  return 0
}
