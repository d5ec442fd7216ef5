#!/usr/bin/env bash
# A private Redis Cluster on loopback, one directory per node under DIR (no persistence:
# a cache). By default 3 masters with 1 replica each (6 nodes); the seed's shape, 6
# shards with 1 replica each, is `start DIR 6 1`.
#   redis_cluster.sh start DIR [MASTERS [REPLICAS_PER_MASTER]]
#       DIR/url: redis://127.0.0.1:P1,127.0.0.1:P2,... (every node)
#   redis_cluster.sh masters DIR        the node directories whose node is a master now
#   redis_cluster.sh kill-node DIR NODE SIGKILL one node (DIR/NODE), as a crash
#   redis_cluster.sh stop DIR | destroy DIR
# REDIS_CLUSTER_NODE_TIMEOUT (ms, default 5000) is how long a master may be unreachable
# before its replica takes over; tests shorten it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

command -v redis-server >/dev/null || die "Redis is not installed (scripts/deps.sh)"

command_and_dir "redis_cluster.sh start|masters|kill-node|stop|destroy DIR" "$@"

nodes() { ls -d "$dir"/node* 2>/dev/null || true; }

# A port for a node: free, and its cluster bus port (10000 above it) free too.
free_node_port() {
  python3 -c '
import random, socket
for _ in range(1000):
    port = random.randint(20000, 55535)
    try:
        for p in (port, port + 10000):
            socket.socket().bind(("127.0.0.1", p))
    except OSError:
        continue
    print(port)
    break
else:
    raise SystemExit("no free port pair")'
}

node_cli() { redis-cli -h 127.0.0.1 -p "$(cat "$1/port")" "${@:2}"; }

# Bounded wait until every node sees the cluster as whole (state ok, every slot served)
# and all $1 replicas have their master's data: only such a replica can take over.
wait_until_whole() {
  local replicas=$1 i node whole synced
  for ((i = 0; i < 300; i++)); do
    whole=yes
    synced=0
    for node in $(nodes); do
      if ! node_cli "$node" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; then
        whole=no
        break
      fi
      if node_cli "$node" info replication | grep -q '^master_link_status:up'; then
        synced=$((synced + 1))
      fi
    done
    [[ $whole == yes && $synced -eq $replicas ]] && return 0
    sleep 0.1
  done
  die "the cluster in $dir did not become whole in 30 s"
}

case "$cmd" in
  start)
    masters=${3:-3}
    replicas=${4:-1}
    (( masters >= 3 )) || die "a Redis Cluster needs at least 3 masters"
    "$0" destroy "$dir"
    mkdir -p "$dir"
    addresses=()
    for ((i = 0; i < masters * (1 + replicas); i++)); do
      node="$dir/node$i"
      mkdir -p "$node"
      port=$(free_node_port)
      echo "$port" >"$node/port"
      redis-server --port "$port" --bind 127.0.0.1 --dir "$node" --daemonize yes \
        --pidfile "$node/redis.pid" --logfile "$node/server.log" --save "" --appendonly no \
        --maxclients 10000 --cluster-enabled yes --cluster-config-file "$node/nodes.conf" \
        --cluster-node-timeout "${REDIS_CLUSTER_NODE_TIMEOUT:-5000}" \
        --repl-diskless-sync-delay 0
      addresses+=("127.0.0.1:$port")
    done
    for node in $(nodes); do wait_for_port "$(cat "$node/port")"; done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" \
      --cluster-yes >"$dir/create.log" 2>&1 || { cat "$dir/create.log" >&2; die "cluster create failed"; }
    wait_until_whole $((masters * replicas))
    (IFS=,; echo "redis://${addresses[*]}") >"$dir/url"
    cat "$dir/url"
    ;;
  masters)
    for node in $(nodes); do
      if node_cli "$node" role 2>/dev/null | head -1 | grep -qx master; then echo "$node"; fi
    done
    ;;
  kill-node)
    node="$dir/${3:?which node}"
    stop_pidfile "$node/redis.pid" KILL
    ;;
  stop)
    for node in $(nodes); do stop_pidfile "$node/redis.pid" TERM; done
    ;;
  destroy)
    # Nothing to keep: no clean shutdown (a master would wait for its replicas).
    for node in $(nodes); do stop_pidfile "$node/redis.pid" KILL; done
    rm -rf "$dir"
    ;;
  *) die "unknown command '$cmd'" ;;
esac
