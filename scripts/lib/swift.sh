# Starts OpenStack Swift with its s3api middleware, a second real S3
# implementation for the conformance suite: Debian's swift packages, three
# one-device rings, the account, container and object servers and a proxy
# (s3api + tempauth, user test:tester / testing) on 127.0.0.1, all in a
# throwaway dir, and a private memcached (tempauth keeps tokens there).
# Exports STOWAGE_TEST_SWIFT_S3_{ENDPOINT,REGION,ACCESS_KEY,SECRET_KEY}.
# Source this file (after garage.sh, for free_port), then call swift_start;
# swift_stop runs from the caller's EXIT trap.

swift_start() {
  SWIFT_DIR=$(mktemp -d -t stowage-swift.XXXXXX)
  SWIFT_PIDS=()
  local d=$SWIFT_DIR
  mkdir -p "$d/devices/d1" "$d/cache" "$d/run"
  local proxy_port account_port container_port object_port memcache_port
  proxy_port=$(free_port); account_port=$(free_port); container_port=$(free_port)
  object_port=$(free_port); memcache_port=$(free_port)

  memcached -l 127.0.0.1 -p "$memcache_port" -U 0 -u "$(id -un)" -m 16 >"$d/memcached.log" 2>&1 &
  SWIFT_PIDS+=($!)

  local ring kind port
  for kind in account container object; do
    ring=$d/$kind.builder
    case $kind in account) port=$account_port ;; container) port=$container_port ;; object) port=$object_port ;; esac
    swift-ring-builder "$ring" create 6 1 1 >/dev/null
    swift-ring-builder "$ring" add "r1z1-127.0.0.1:$port/d1" 1 >/dev/null
    swift-ring-builder "$ring" rebalance >/dev/null 2>&1 || true
  done

  # Logs go to a UDP port nothing listens on instead of /dev/log; the
  # servers' own output goes to $d/*.log.
  local common="[DEFAULT]
bind_ip = 127.0.0.1
swift_dir = $d
devices = $d/devices
mount_check = false
user = $(id -un)
recon_cache_path = $d/cache
log_udp_host = 127.0.0.1
log_udp_port = 9
workers = 0
"
  for kind in account container object; do
    case $kind in account) port=$account_port ;; container) port=$container_port ;; object) port=$object_port ;; esac
    printf '%sbind_port = %s\n\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n' \
      "$common" "$port" "$kind" "$kind" "$kind" > "$d/$kind-server.conf"
    [ "$kind" = container ] && printf '\n[container-sync]\n' >> "$d/$kind-server.conf"
  done
  cat > "$d/proxy-server.conf" <<CONF
${common}bind_port = $proxy_port

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcache_port

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
  for kind in account container object proxy; do
    "swift-$kind-server" "$d/$kind-server.conf" >"$d/$kind.log" 2>&1 &
    SWIFT_PIDS+=($!)
  done

  export STOWAGE_TEST_SWIFT_S3_ENDPOINT="http://127.0.0.1:$proxy_port"
  export STOWAGE_TEST_SWIFT_S3_REGION="us-east-1"
  export STOWAGE_TEST_SWIFT_S3_ACCESS_KEY="test:tester"
  export STOWAGE_TEST_SWIFT_S3_SECRET_KEY="testing"
  # Ready when the proxy's health check answers and a badly signed S3
  # request gets s3api's XML answer (403).
  for _ in $(seq 1 100); do
    if curl -sf "$STOWAGE_TEST_SWIFT_S3_ENDPOINT/healthcheck" >/dev/null \
      && curl -s -H 'Authorization: AWS test:tester:bad' "$STOWAGE_TEST_SWIFT_S3_ENDPOINT/" | grep -q '<Code>AccessDenied</Code>'; then
      echo "Swift $(/usr/bin/python3 -c 'import swift; print(swift.__version__)') with s3api serves S3 at $STOWAGE_TEST_SWIFT_S3_ENDPOINT"
      return 0
    fi
    sleep 0.2
  done
  echo "Swift did not answer within 20 s:" >&2
  tail -n 20 "$d"/*.log >&2
  return 1
}

# Runs from an EXIT trap under `set -e`: a killed server's status (143) from
# `wait` must not end the cleanup, or the script, with it.
swift_stop() {
  local pid
  for pid in "${SWIFT_PIDS[@]:-}"; do
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; }
  done
  for pid in "${SWIFT_PIDS[@]:-}"; do
    [ -n "$pid" ] && { wait "$pid" 2>/dev/null || true; }
  done
  [ -n "${SWIFT_DIR:-}" ] && rm -rf "$SWIFT_DIR"
  return 0
}
