#!/usr/bin/env bash
# A private PostgreSQL instance on loopback, in a directory of its own.
#   postgres.sh start DIR               a primary (initialised on first start)
#   postgres.sh replica DIR PRIMARY_DIR a streaming replica of that primary
#   postgres.sh stop DIR | restart DIR
#   postgres.sh kill DIR                immediate shutdown, as a crash (for fault tests)
#   postgres.sh destroy DIR             stop and remove the directory
# DIR/url then reads postgresql://postgres@127.0.0.1:PORT/mindme (trust authentication,
# loopback only: these instances are for tests and `make stack`, not for production).
# MINDME_SERVICES_FAST=1 turns fsync off (test speed; a crash of the machine, not of
# PostgreSQL, would lose data).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bin" ]] || die "PostgreSQL is not installed (scripts/deps.sh services)"
# PostgreSQL refuses to run as root.
user=$(id -un)
[[ $(id -u) -eq 0 ]] && user=postgres

pg() { as_user "$user" "$bin/$1" "${@:2}"; }

running() { [[ -f "$1/data/postmaster.pid" ]] && pg pg_ctl status -D "$1/data" >/dev/null 2>&1; }

configure() {
  local dir=$1 port=$2
  cat >>"$dir/data/postgresql.conf" <<CONF
# mindme scripts/services/postgres.sh
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 400
wal_level = replica
max_wal_senders = 8
hot_standby = on
wal_keep_size = '256MB'
log_destination = 'stderr'
logging_collector = off
CONF
  if [[ "${MINDME_SERVICES_FAST:-0}" == 1 ]]; then
    printf 'fsync = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
  fi
}

start_server() {
  local dir=$1
  pg pg_ctl start -w -t 60 -D "$dir/data" -l "$dir/server.log" >/dev/null ||
    { tail -20 "$dir/server.log" >&2; die "PostgreSQL in $dir did not start"; }
  wait_for_port "$(cat "$dir/port")"
}

prepare_dir() {
  local dir=$1
  mkdir -p "$dir"
  chown "$user" "$dir" 2>/dev/null || true
  chmod 700 "$dir"
}

command_and_dir "postgres.sh start|replica|stop|restart|kill|destroy DIR [PRIMARY_DIR]" "$@"

case "$cmd" in
  start)
    running "$dir" && pg pg_ctl stop -m fast -D "$dir/data" >/dev/null
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      rm -rf "$dir"
      prepare_dir "$dir"
      pg initdb -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
      printf 'host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n' \
        >"$dir/data/pg_hba.conf"
      port=$(free_port)
      configure "$dir" "$port"
      echo "$port" >"$dir/port"
      start_server "$dir"
      pg psql -h 127.0.0.1 -p "$port" -U postgres -qAt -c "CREATE DATABASE mindme" >/dev/null
    else
      start_server "$dir"
    fi
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/mindme" >"$dir/url"
    cat "$dir/url"
    ;;
  replica)
    primary=$(realpath -m "${3:-}")
    [[ -f "$primary/port" ]] || die "no primary in '$primary' (postgres.sh start it first)"
    running "$dir" && pg pg_ctl stop -m fast -D "$dir/data" >/dev/null
    rm -rf "$dir"
    prepare_dir "$dir"
    pg pg_basebackup -h 127.0.0.1 -p "$(cat "$primary/port")" -U postgres -D "$dir/data" -R \
      -X stream --no-sync --checkpoint=fast
    port=$(free_port)
    # The copy carries the primary's settings; later lines win.
    echo "port = $port" >>"$dir/data/postgresql.conf"
    echo "$port" >"$dir/port"
    start_server "$dir"
    echo "postgresql://postgres@127.0.0.1:$port/mindme" >"$dir/url"
    cat "$dir/url"
    ;;
  stop)
    if running "$dir"; then pg pg_ctl stop -m fast -w -D "$dir/data" >/dev/null; fi
    ;;
  destroy)
    if running "$dir"; then pg pg_ctl stop -m immediate -w -D "$dir/data" >/dev/null; fi
    rm -rf "$dir"
    ;;
  restart)
    pg pg_ctl restart -m fast -w -D "$dir/data" -l "$dir/server.log" >/dev/null
    wait_for_port "$(cat "$dir/port")"
    ;;
  kill)
    # Every server process quits at once, nothing flushed: what a crash leaves.
    if running "$dir"; then pg pg_ctl stop -m immediate -w -D "$dir/data" >/dev/null; fi
    ;;
  *) die "unknown command '$cmd'" ;;
esac
