#!/usr/bin/env bash
# Every database and cache server the tests use, side by side under one directory:
#   DIR/postgres (primary), DIR/postgres_replica (its streaming replica),
#   DIR/pgbouncer (transaction pooling in front of the primary), DIR/mariadb,
#   DIR/redis, DIR/redis_cluster (3 masters, 3 replicas), DIR/rabbitmq.
#   databases.sh start DIR | destroy DIR
# Each DIR/<name>/url tells how to reach it. CTest's `databases` fixture runs this.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: databases.sh start|destroy DIR"

case "$cmd" in
  start)
    mkdir -p "$dir"
    # RabbitMQ takes the longest to boot: it starts while the others do.
    "$here/rabbitmq.sh" start "$dir/rabbitmq" >/dev/null &
    rabbitmq=$!
    "$here/postgres.sh" start "$dir/postgres" >/dev/null
    "$here/postgres.sh" replica "$dir/postgres_replica" "$dir/postgres" >/dev/null
    "$here/pgbouncer.sh" start "$dir/pgbouncer" "$dir/postgres" >/dev/null
    "$here/mariadb.sh" start "$dir/mariadb" >/dev/null
    "$here/redis.sh" start "$dir/redis" >/dev/null
    "$here/redis_cluster.sh" start "$dir/redis_cluster" >/dev/null
    wait "$rabbitmq" || die "RabbitMQ did not start"
    for name in postgres postgres_replica pgbouncer mariadb redis redis_cluster rabbitmq; do
      echo "$name $(cat "$dir/$name/url")"
    done
    ;;
  destroy)
    # Each one even if another fails to stop.
    status=0
    "$here/pgbouncer.sh" destroy "$dir/pgbouncer" || status=1
    "$here/postgres.sh" destroy "$dir/postgres_replica" || status=1
    "$here/postgres.sh" destroy "$dir/postgres" || status=1
    "$here/mariadb.sh" destroy "$dir/mariadb" || status=1
    "$here/redis.sh" destroy "$dir/redis" || status=1
    "$here/redis_cluster.sh" destroy "$dir/redis_cluster" || status=1
    "$here/rabbitmq.sh" destroy "$dir/rabbitmq" || status=1
    exit $status
    ;;
  *) die "unknown command '$cmd'" ;;
esac
