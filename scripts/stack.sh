#!/usr/bin/env bash
# The seed architecture on one machine, on real servers:
#   HAProxy (health-checked like the seed's ALB) in front of SERVE_PROCESSES (2)
#   `mindme serve`, one `mindme worker`, one `mindme files`, PostgreSQL primary +
#   streaming replica (reads, and full-text search), a Redis Cluster (the shared
#   cache: REDIS_MASTERS (3) masters with REDIS_REPLICAS (1) replica each; the seed's
#   shape is 6 and 1), RabbitMQ (the job queue, fed from PostgreSQL's outbox), everything
#   on loopback under DIR.
#   scripts/stack.sh up DIR      start (or restart) it; prints and writes DIR/env
#   scripts/stack.sh down DIR    stop it (data kept); `down DIR --wipe` also deletes DIR
# DIR/env holds shell lines: MINDME_URL, DATABASE_URL, REPLICA_URL, REDIS_URL, AMQP_URL,
# HAPROXY_STATS_URL, WORKER_URL, FILES_URL (their /health and /metrics), and
# CONSOLE_URL, CONSOLE_TOKEN (the operations console, watching every process). The web
# app is served at MINDME_URL when its build (MINDME_WEB, default build/web) exists.
# HEALTH_INTERVAL, HEALTH_RISE, HEALTH_FALL: HAProxy's check (default the seed's
# 30s / 2 / 5). MINDME: the binary (default build/mindme). MINDME_STACK_SETS: more
# configuration for every mindme process, as space-separated key=value.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
services="$root/scripts/services"
source "$services/lib.sh"

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: stack.sh up DIR | down DIR [--wipe]"
mkdir -p "$dir"
dir=$(realpath "$dir")
mindme=${MINDME:-$root/build/mindme}
processes=${SERVE_PROCESSES:-2}

# Stops the mindme processes this stack started (SIGTERM: they drain; bounded wait).
stop_mindme() {
  local pidfile pid
  for pidfile in "$dir"/run/*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pidfile in "$dir"/run/*.pid; do
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    for ((i = 0; i < 400; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

# Starts one mindme process in the background; waits until its /health answers 200.
start_mindme() {
  local name=$1 role=$2 port=$3
  shift 3
  "$mindme" "$role" --listen "127.0.0.1:$port" --data "$dir/data" "$@" \
    >>"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/run/$name.pid"
  for ((i = 0; i < 300; i++)); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then return 0; fi
    kill -0 "$(cat "$dir/run/$name.pid")" 2>/dev/null ||
      { tail -20 "$dir/logs/$name.log" >&2; die "$name exited"; }
    sleep 0.1
  done
  die "$name did not become healthy (see $dir/logs/$name.log)"
}

case "$cmd" in
  up)
    [[ -x "$mindme" ]] || die "no mindme binary at $mindme (make build)"
    stop_mindme
    mkdir -p "$dir/run" "$dir/logs" "$dir/data"
    # RabbitMQ takes the longest to boot: it starts while the others do.
    "$services/rabbitmq.sh" start "$dir/rabbitmq" >/dev/null &
    rabbitmq=$!
    database=$("$services/postgres.sh" start "$dir/postgres" | tail -1)
    if [[ -f "$dir/postgres_replica/port" ]]; then
      replica=$("$services/postgres.sh" start "$dir/postgres_replica" | tail -1)
    else
      replica=$("$services/postgres.sh" replica "$dir/postgres_replica" "$dir/postgres" | tail -1)
    fi
    # A cache: started afresh each time, nothing in it is kept.
    redis=$("$services/redis_cluster.sh" start "$dir/redis_cluster" "${REDIS_MASTERS:-3}" \
      "${REDIS_REPLICAS:-1}" | tail -1)
    wait "$rabbitmq" || die "RabbitMQ did not start (see $dir/rabbitmq/server.log)"
    amqp=$(cat "$dir/rabbitmq/url")
    common=(--set "store.url=$database" --set "store.replicas=$replica"
            --set "cache.url=$redis" --set "search.url=postgresql://" --set "queue.url=$amqp"
            --set "guard.trusted_proxies=127.0.0.1/32")
    # The operations console (/console on every serve process) watches every process;
    # its token is kept in DIR so that it stays the same across restarts.
    [[ -s "$dir/console-token" ]] || od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$dir/console-token"
    console_token=$(cat "$dir/console-token")
    web=${MINDME_WEB:-$(dirname "$mindme")/web}
    [[ -f "$web/index.html" ]] && common+=(--set "http.static_dir=$web")
    for extra in ${MINDME_STACK_SETS:-}; do common+=(--set "$extra"); done
    ports=()
    for ((n = 0; n < processes; n++)); do ports+=("$(free_port)"); done
    worker_port=$(free_port)
    files_port=$(free_port)
    : >"$dir/console-targets"
    for ((n = 0; n < processes; n++)); do
      echo "serve$n http://127.0.0.1:${ports[n]}/metrics" >>"$dir/console-targets"
    done
    echo "worker http://127.0.0.1:$worker_port/metrics" >>"$dir/console-targets"
    echo "files http://127.0.0.1:$files_port/metrics" >>"$dir/console-targets"
    for ((n = 0; n < processes; n++)); do
      start_mindme "serve$n" serve "${ports[n]}" "${common[@]}" \
        --set "console.token=$console_token" --set "console.targets_file=$dir/console-targets"
    done
    start_mindme worker worker "$worker_port" "${common[@]}"
    start_mindme files files "$files_port" "${common[@]}"
    url=$("$services/haproxy.sh" start "$dir/haproxy" "${ports[@]}" | tail -1)
    cat >"$dir/env" <<ENV
MINDME_URL=$url
DATABASE_URL=$database
REPLICA_URL=$replica
REDIS_URL=$redis
AMQP_URL=$amqp
HAPROXY_STATS_URL=$(cat "$dir/haproxy/stats_url")
WORKER_URL=http://127.0.0.1:$worker_port
FILES_URL=http://127.0.0.1:$files_port
CONSOLE_URL=$url/console/
CONSOLE_TOKEN=$console_token
ENV
    # Ready when HAProxy has seen a server pass its checks (the first passes at once).
    for ((i = 0; i < 600; i++)); do
      if curl -fsS -o /dev/null "$url/health" 2>/dev/null; then break; fi
      sleep 0.1
    done
    curl -fsS -o /dev/null "$url/health" || die "HAProxy has no healthy server"
    echo "stack up: $processes x mindme serve behind HAProxy, worker, files," \
      "PostgreSQL + replica, Redis Cluster, RabbitMQ"
    echo "logs: $dir/logs"
    cat "$dir/env"
    ;;
  down)
    "$services/haproxy.sh" stop "$dir/haproxy"
    stop_mindme
    "$services/redis_cluster.sh" destroy "$dir/redis_cluster"
    "$services/rabbitmq.sh" stop "$dir/rabbitmq"
    "$services/postgres.sh" stop "$dir/postgres_replica"
    "$services/postgres.sh" stop "$dir/postgres"
    if [[ "${3:-}" == "--wipe" ]]; then
      "$services/postgres.sh" destroy "$dir/postgres_replica"
      "$services/postgres.sh" destroy "$dir/postgres"
      "$services/rabbitmq.sh" destroy "$dir/rabbitmq"
      rm -rf "$dir"
    fi
    echo "stack down"
    ;;
  *) die "unknown command '$cmd'" ;;
esac
