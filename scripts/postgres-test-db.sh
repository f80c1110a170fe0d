#!/usr/bin/env bash
# A throwaway PostgreSQL for the storage tests: loopback only, its own data dir, a free port.
#
#   eval "$(scripts/postgres-test-db.sh)"        # start (or reuse) and export LARCH_TEST_POSTGRES_URL
#   scripts/postgres-test-db.sh start            # same; prints the export line on stdout
#   scripts/postgres-test-db.sh url              # prints the export line of a running cluster, fails if none
#   scripts/postgres-test-db.sh stop             # stops the cluster, keeps its data dir
#   scripts/postgres-test-db.sh destroy          # stops it and deletes the data dir
#
# Installs PostgreSQL from Debian packages when no server binaries are found (needs root). PostgreSQL refuses to
# run as root, so as root the cluster runs as the 'postgres' system user the package creates. Idempotent: a second
# 'start' finds the running cluster and only prints the URL. Settings keep durability on (fsync,
# synchronous_commit), because the storage tests kill a writer with SIGKILL and check that acknowledged commits
# survive. Everything but the export line goes to stderr, so the output can be eval'd.
#
# Environment: LARCH_PG_DIR (default /tmp/larch-pg-test) holds data, log, socket and the chosen port.
set -euo pipefail

DIR="${LARCH_PG_DIR:-/tmp/larch-pg-test}"
DATA="$DIR/data"
DB_NAME="larch_test"
DB_USER="larch"
# A test-only password for a loopback-only cluster; it is printed in the URL on purpose.
DB_PASSWORD="larch-test"

log() { echo "postgres-test-db: $*" >&2; }

find_bindir() {
  local candidate
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$candidate" && -x "$candidate/initdb" ]]; then
    echo "$candidate"
    return 0
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

ensure_installed() {
  if BIN="$(find_bindir)"; then
    return 0
  fi
  if [[ "$(id -u)" != "0" ]]; then
    log "PostgreSQL server binaries not found and not root: install the Debian package 'postgresql' first"
    exit 1
  fi
  log "installing PostgreSQL from Debian packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN="$(find_bindir)" || { log "postgresql installed but initdb not found"; exit 1; }
}

# Runs a command as the cluster owner: 'postgres' when we are root, ourselves otherwise.
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  log "no free port found"
  exit 1
}

print_url() {
  local port
  port="$(cat "$DIR/port")"
  echo "export LARCH_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$port/$DB_NAME?user=$DB_USER&password=$DB_PASSWORD'"
}

is_running() {
  [[ -f "$DATA/PG_VERSION" && -f "$DIR/port" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  ensure_installed
  if is_running; then
    print_url
    return 0
  fi
  mkdir -p "$DIR"
  if [[ "$(id -u)" == "0" ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /usr/sbin/nologin postgres
    chown postgres "$DIR"
  fi
  chmod 700 "$DIR"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initdb in $DATA"
    local pwfile="$DIR/pwfile"
    echo "$DB_PASSWORD" >"$pwfile"
    [[ "$(id -u)" == "0" ]] && chown postgres "$pwfile"
    as_owner "$BIN/initdb" -D "$DATA" -U "$DB_USER" --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
  fi
  local port
  port="$(free_port)"
  echo "$port" >"$DIR/port"
  [[ "$(id -u)" == "0" ]] && chown postgres "$DIR/port"
  log "starting on 127.0.0.1:$port"
  # Durability stays at the defaults (fsync=on, synchronous_commit=on), stated here so nothing upstream flips it.
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $DIR -c fsync=on -c synchronous_commit=on -c max_connections=300" \
    start >&2 || { tail -n 30 "$DIR/server.log" >&2; exit 1; }
  if ! as_owner "$BIN/psql" -h "$DIR" -p "$port" -U "$DB_USER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_owner "$BIN/psql" -h "$DIR" -p "$port" -U "$DB_USER" -d postgres -qc "CREATE DATABASE $DB_NAME" >&2
  fi
  print_url
}

stop() {
  BIN="$(find_bindir)" || return 0
  if [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
}

case "${1:-start}" in
  start) start ;;
  url)
    BIN="$(find_bindir)" || { log "PostgreSQL not installed"; exit 1; }
    is_running || { log "not running; use: $0 start"; exit 1; }
    print_url
    ;;
  stop) stop ;;
  destroy)
    stop
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 [start|url|stop|destroy]" >&2
    exit 2
    ;;
esac
