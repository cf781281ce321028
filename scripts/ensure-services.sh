#!/usr/bin/env bash
# Starts the local services the integration tests talk to (PostgreSQL on 127.0.0.1:5432, Redis on
# 127.0.0.1:6379) when their ports do not answer, then waits until they accept connections.
# Idempotent: a service that is already up is left alone.
#   usage: scripts/ensure-services.sh [postgres] [redis]     (default: both)
#   env:   ENSURE_SERVICES_TIMEOUT  seconds to wait for each service (default 30)
set -euo pipefail

TIMEOUT="${ENSURE_SERVICES_TIMEOUT:-30}"

# Whether something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, bounded by timeout).
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Waits until "$@" succeeds, at most TIMEOUT seconds.
wait_for() {
  local what="$1"
  shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "ensure-services: $what did not accept connections within ${TIMEOUT}s" >&2
      return 1
    fi
    sleep 0.2
  done
}

postgres_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    port_open 5432
  fi
}

ensure_postgres() {
  if postgres_ready; then
    return 0
  fi
  echo "ensure-services: starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
    echo "ensure-services: PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is not installed" >&2
    return 1
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  # 'start' fails when the cluster is already starting; readiness below is what counts.
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for "PostgreSQL (127.0.0.1:5432)" postgres_ready
  echo "ensure-services: PostgreSQL is up"
}

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]
  else
    port_open 6379
  fi
}

ensure_redis() {
  if redis_ready; then
    return 0
  fi
  echo "ensure-services: starting Redis"
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ensure-services: Redis is not running on 127.0.0.1:6379 and redis-server is not installed" >&2
    return 1
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for "Redis (127.0.0.1:6379)" redis_ready
  echo "ensure-services: Redis is up"
}

services=("$@")
if [ "${#services[@]}" -eq 0 ]; then
  services=(postgres redis)
fi
for service in "${services[@]}"; do
  case "$service" in
    postgres) ensure_postgres ;;
    redis) ensure_redis ;;
    *)
      echo "ensure-services: unknown service '$service' (postgres, redis)" >&2
      exit 2
      ;;
  esac
done
