#!/usr/bin/env bash
# A private RabbitMQ node on loopback, in a directory of its own (its own Erlang node
# name, cookie, data, logs; no plugins).
#   rabbitmq.sh start DIR      DIR/url: amqp://guest:guest@127.0.0.1:PORT (vhost /)
#                              (data kept across stop/start: durable queues survive)
#   rabbitmq.sh stop DIR | kill DIR (SIGKILL, as a crash) | destroy DIR
# Runs as the calling user (RabbitMQ does not refuse root). The `guest` user may connect
# from loopback only, which is all these instances listen on.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

bin=/usr/lib/rabbitmq/bin
[[ -x "$bin/rabbitmq-server" ]] || die "RabbitMQ is not installed (scripts/deps.sh)"

command_and_dir "rabbitmq.sh start|stop|kill|destroy DIR" "$@"

# The environment that makes rabbitmq-server and rabbitmqctl this instance's.
node_env() {
  local port
  port=$(cat "$dir/port")
  export HOME="$dir" RABBITMQ_NODENAME="mindme$port@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port"
  RABBITMQ_DIST_PORT=$(cat "$dir/dist_port")
  export RABBITMQ_DIST_PORT ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_PID_FILE="$dir/rabbitmq.pid" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  # A node that fails to boot writes a crash dump: into the instance's directory, not the
  # caller's working directory (a repository checkout).
  export ERL_CRASH_DUMP="$dir/erl_crash.dump"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [[ -f "$dir/rabbitmq.pid" ]] && alive "$(cat "$dir/rabbitmq.pid")"; then
      cat "$dir/url"
      exit 0
    fi
    fresh=false
    [[ -f "$dir/port" ]] || { free_low_port >"$dir/port"; fresh=true; }
    [[ -f "$dir/dist_port" ]] || free_low_port >"$dir/dist_port"
    echo "[]." >"$dir/enabled_plugins"
    # A port taken while the node boots: a new distribution port (only nodes use it),
    # and on a first start a new AMQP port too (a restart keeps its address for clients).
    for attempt in 1 2 3; do
      cat >"$dir/rabbitmq.conf" <<CONF
# mindme scripts/services/rabbitmq.sh
listeners.tcp.default = 127.0.0.1:$(cat "$dir/port")
log.console = false
log.file.level = warning
CONF
      node_env
      rm -f "$dir/rabbitmq.pid"
      log_from=$(($(stat -c %s "$dir/server.log" 2>/dev/null || echo 0) + 1))
      nohup "$bin/rabbitmq-server" >>"$dir/server.log" 2>&1 &
      server=$!
      started=false
      # Bounded (120 s); stops early when the server has died.
      for ((i = 0; i < 12; i++)); do
        if "$bin/rabbitmqctl" wait "$dir/rabbitmq.pid" --timeout 10 >/dev/null 2>&1; then
          started=true
          break
        fi
        alive "$server" || break
      done
      $started && break
      kill "$server" 2>/dev/null || true
      wait "$server" 2>/dev/null || true
      if tail -c +"$log_from" "$dir/server.log" | grep -qE "already_used|eaddrinuse" &&
        [[ $attempt -lt 3 ]]; then
        echo "services: RabbitMQ found a port taken; new ports, attempt $((attempt + 1))" >&2
        free_low_port >"$dir/dist_port"
        $fresh && free_low_port >"$dir/port"
        continue
      fi
      tail -20 "$dir/server.log" >&2
      die "RabbitMQ did not start (see $dir/server.log)"
    done
    echo "amqp://guest:guest@127.0.0.1:$(cat "$dir/port")" >"$dir/url"
    cat "$dir/url"
    ;;
  *) pidfile_command "$cmd" "$dir" "$dir/rabbitmq.pid" TERM ;;
esac
