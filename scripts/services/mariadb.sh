#!/usr/bin/env bash
# A private MariaDB on loopback, in a directory of its own.
#   mariadb.sh start DIR      DIR/url: mysql://root@127.0.0.1:PORT/mindme
#   mariadb.sh stop DIR | kill DIR (SIGKILL, as a crash) | destroy DIR
# The database `mindme` is utf8mb4 with a binary collation (ids are case-sensitive,
# text is compared byte for byte). No grant tables: anyone on loopback may connect,
# as with the other scripts here — for tests and `make stack`, not for production.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

[[ -x /usr/sbin/mariadbd ]] || die "MariaDB is not installed (scripts/deps.sh)"
user=$(id -un)
[[ $(id -u) -eq 0 ]] && user=mysql

command_and_dir "mariadb.sh start|stop|kill|destroy DIR" "$@"

case "$cmd" in
  start)
    stop_pidfile "$dir/mariadb.pid" TERM
    if [[ ! -d "$dir/data/mysql" ]]; then
      rm -rf "$dir"
      mkdir -p "$dir/data"
      chown -R "$user" "$dir"
      mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
        { tail -20 "$dir/install.log" >&2; die "mariadb-install-db failed"; }
      free_port >"$dir/port"
    fi
    port=$(cat "$dir/port")
    fast=()
    if [[ "${MINDME_SERVICES_FAST:-0}" == 1 ]]; then
      fast=(--innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --innodb-doublewrite=0)
    fi
    as_user "$user" /usr/sbin/mariadbd --no-defaults --datadir="$dir/data" --port="$port" \
      --bind-address=127.0.0.1 --socket="$dir/mariadb.sock" --pid-file="$dir/mariadb.pid" \
      --skip-grant-tables --skip-name-resolve --max-connections=500 \
      --innodb-buffer-pool-size=128M --log-error="$dir/server.log" "${fast[@]}" \
      >/dev/null 2>&1 &
    wait_for_port "$port" 60 || { tail -20 "$dir/server.log" >&2; die "MariaDB did not start"; }
    mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -e \
      "CREATE DATABASE IF NOT EXISTS mindme CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    echo "mysql://root@127.0.0.1:$port/mindme" >"$dir/url"
    cat "$dir/url"
    ;;
  *) pidfile_command "$cmd" "$dir" "$dir/mariadb.pid" TERM ;;
esac
