#!/usr/bin/env bash
# A private Redis on loopback, in a directory of its own (no persistence: a cache).
#   redis.sh start DIR      DIR/url: redis://127.0.0.1:PORT
#   redis.sh stop DIR | kill DIR (SIGKILL, as a crash) | destroy DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

command -v redis-server >/dev/null || die "Redis is not installed (scripts/deps.sh)"

command_and_dir "redis.sh start|stop|kill|destroy DIR" "$@"

case "$cmd" in
  start)
    stop_pidfile "$dir/redis.pid" TERM
    mkdir -p "$dir"
    [[ -f "$dir/port" ]] || free_port >"$dir/port"
    port=$(cat "$dir/port")
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/server.log" --save "" --appendonly no \
      --maxclients 10000
    wait_for_port "$port"
    echo "redis://127.0.0.1:$port" >"$dir/url"
    cat "$dir/url"
    ;;
  destroy) pidfile_command destroy "$dir" "$dir/redis.pid" KILL ;;  # nothing to keep
  *) pidfile_command "$cmd" "$dir" "$dir/redis.pid" TERM ;;
esac
