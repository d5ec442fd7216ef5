# Shared by the scripts in scripts/services/: private server instances on loopback,
# each in a directory of its own, for the test fixtures and `make stack`.
# Every instance directory holds `url` (how to reach it) and `port`.

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
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
