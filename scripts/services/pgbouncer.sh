#!/usr/bin/env bash
# A private PgBouncer on loopback in front of a PostgreSQL started by postgres.sh,
# in transaction pooling mode (the mode that lets thousands of client connections share
# a few server connections, and the one that breaks clients relying on session state).
#   pgbouncer.sh start DIR POSTGRES_DIR    DIR/url: postgresql://postgres@127.0.0.1:PORT/mindme
#   pgbouncer.sh stop DIR | destroy DIR
# POOL_SIZE (default 20) server connections per database and user.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

command -v pgbouncer >/dev/null || die "PgBouncer is not installed (scripts/deps.sh)"
# PgBouncer refuses to run as root.
user=$(id -un)
[[ $(id -u) -eq 0 ]] && user=postgres

command_and_dir "pgbouncer.sh start DIR POSTGRES_DIR | stop DIR | destroy DIR" "$@"

case "$cmd" in
  start)
    postgres=$(realpath -m "${3:-}")
    [[ -f "$postgres/port" ]] || die "no PostgreSQL in '$postgres' (postgres.sh start it first)"
    stop_pidfile "$dir/pgbouncer.pid" INT  # SIGINT: safe shutdown
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$(cat "$postgres/port")

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = ${POOL_SIZE:-20}
max_client_conn = 10000
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    echo '"postgres" ""' >"$dir/users.txt"
    chown -R "$user" "$dir" 2>/dev/null || true
    as_user "$user" pgbouncer -d "$dir/pgbouncer.ini"
    wait_for_port "$port"
    echo "$port" >"$dir/port"
    echo "postgresql://postgres@127.0.0.1:$port/mindme" >"$dir/url"
    cat "$dir/url"
    ;;
  *) pidfile_command "$cmd" "$dir" "$dir/pgbouncer.pid" INT ;;
esac
