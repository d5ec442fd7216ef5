# shellcheck shell=bash
# Shared by the scripts in scripts/services/: private server instances on loopback,
# each in a directory of its own, for the test fixtures and `make stack`.
# Every instance directory holds `url` (how to reach it) and `port`.

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A free port below the kernel's ephemeral range: for a server that binds it only seconds
# later (RabbitMQ boots for several), where an ephemeral port could meanwhile be handed to
# another server's bind(0) or to an outgoing connection.
free_low_port() {
  python3 -c '
import random, socket
low = 10000
high = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0]) - 1
for _ in range(200):
    port = random.randint(low, high)
    try:
        s = socket.socket(); s.bind(("127.0.0.1", port)); s.close(); print(port); break
    except OSError:
        pass
else:
    raise SystemExit("no free port below the ephemeral range")'
}

# Waits (bounded) until something accepts TCP connections on 127.0.0.1:$1.
wait_for_port() {
  local port=$1 seconds=${2:-30} i
  for ((i = 0; i < seconds * 10; i++)); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "services: nothing listens on 127.0.0.1:$port after ${seconds}s" >&2
  return 1
}

# Runs a command as the given system user (servers such as PostgreSQL refuse root).
as_user() {
  local user=$1
  shift
  if [[ $(id -un) == "$user" ]]; then
    "$@"
  elif [[ $(id -u) -eq 0 ]]; then
    runuser -u "$user" -- "$@"
  else
    sudo -u "$user" -- "$@"
  fi
}

die() {
  echo "services: $*" >&2
  exit 1
}

# Whether process $1 still runs (a zombie waiting for its parent to reap it does not:
# daemons are reparented to whatever runs as pid 1, which may reap late).
alive() {
  local state
  # The state follows the command name, which is in parentheses and may hold spaces.
  state=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# Stops the process whose pid file is $1 with signal $2 (default TERM), waits (at most
# 10 s) for it to exit, then kills it.
stop_pidfile() {
  local pidfile=$1 signal=${2:-TERM} pid i
  [[ -f "$pidfile" ]] || return 0
  pid=$(cat "$pidfile")
  kill "-$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# What every service run from a pid file answers besides `start`:
#   stop (signal $4), kill (SIGKILL, as a crash), destroy (stop and delete $2).
# $1 the command, $2 the instance directory, $3 the pid file.
pidfile_command() {
  case "$1" in
    stop) stop_pidfile "$3" "$4" ;;
    kill) stop_pidfile "$3" KILL ;;
    destroy)
      stop_pidfile "$3" "$4"
      rm -rf "$2"
      ;;
    *) die "unknown command '$1'" ;;
  esac
}

# Sets `cmd` and `dir` (made absolute) from a script's first two arguments, or stops
# with the usage line $1.
command_and_dir() {
  local usage=$1
  shift
  cmd=${1:-}
  dir=${2:-}
  [[ -n "$cmd" && -n "$dir" ]] || die "usage: $usage"
  dir=$(realpath -m "$dir")
}
