# shellcheck shell=bash
# Shared helpers for the benchmarks in bench/. Source it; it sets -euo pipefail.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
MINDME=${MINDME:-$REPO/build/mindme}
WORK=$(mktemp -d /tmp/mindme-bench-XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL: until it answers 200, at most 20 s.
wait_http() {
  for _ in $(seq 1 200); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

# wrk_rps CORES URL SECONDS CONNECTIONS [LUA_SCRIPT]: requests per second wrk measured
# (WRK_THREADS threads, default 1).
wrk_rps() {
  local script=()
  [[ -n ${5:-} ]] && script=(-s "$5")
  taskset -c "$1" wrk -t"${WRK_THREADS:-1}" -c"$4" -d"$3"s --latency "${script[@]}" "$2" \
    > "$WORK/wrk.out"
  if grep -q "Non-2xx" "$WORK/wrk.out"; then
    echo "non-2xx answers from $2:" >&2
    cat "$WORK/wrk.out" >&2
    return 1
  fi
  awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out"
}

# tree_cpu_ticks PID: user+system CPU clock ticks of PID and all its descendants.
tree_cpu_ticks() {
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" 2>/dev/null); do
    if [[ $pid != "$1" ]]; then
      total=$((total + $(tree_cpu_ticks "$pid")))
    elif [[ -r /proc/$pid/stat ]]; then
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    fi
  done
  echo $total
}

# wrk_requests: the request count of the last wrk_rps run.
wrk_requests() { awk '/requests in/ {print $1}' "$WORK/wrk.out"; }

# median VALUES...: the median of whitespace-separated numbers (arguments may hold many).
median() { tr -s ' \n' '\n' <<< "$*" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

# write_section NAME FILE: replaces the block between the NAME markers in
# docs/performance.md with FILE's content (appends the block if it is new).
write_section() {
  python3 - "$REPO/docs/performance.md" "$1" "$2" <<'PY'
import os, sys
path, name, content_file = sys.argv[1:]
begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
text = open(path).read() if os.path.exists(path) else "# Performance\n"
block = begin + "\n" + open(content_file).read().rstrip("\n") + "\n" + end
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
}

# nginx_conf SERVER_BLOCK [EVENTS_CONNECTIONS]: writes $WORK/nginx/nginx.conf, one worker,
# access log off (NGINX_ACCESS_LOG: an access_log directive's arguments instead), temporary
# files under $WORK, with SERVER_BLOCK as its http server.
nginx_conf() {
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections ${2:-4096}; }
http {
  include /etc/nginx/mime.types;
  access_log ${NGINX_ACCESS_LOG:-off};
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  $1
}
CONF
}

# start_nginx PORT CORE BODY: one nginx worker pinned to CORE answering every request
# with the JSON BODY, access log off (NGINX_CONNECTIONS connections, default 4,096); its
# pid is appended to PIDS and set in SERVER_PID.
start_nginx() {
  local port=$1 core=$2 body=$3
  nginx_conf "server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '$body'; }
  }" "${NGINX_CONNECTIONS:-4096}"
  taskset -c "$core" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx/stderr" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# tree_pss_kb PID...: proportional set size (KiB) of the PIDs and all their
# descendants: private memory plus each process's share of pages they share (the
# binary, libraries), so N processes of one binary are not counted N times.
tree_pss_kb() {
  local total=0 pid children
  for pid in "$@"; do
    [[ -r /proc/$pid/smaps_rollup ]] || continue
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
    children=$(pgrep -P "$pid" 2>/dev/null || true)
    [[ -n $children ]] && total=$((total + $(tree_pss_kb $children)))
  done
  echo $total
}

# kernel_kb: slab memory plus TCP buffer pages now (KiB), the kernel's share of
# holding connections.
kernel_kb() {
  local slab tcp_pages
  slab=$(awk '/^Slab:/ {print $2}' /proc/meminfo)
  tcp_pages=$(awk '/^TCP:/ {for (i = 1; i <= NF; i++) if ($i == "mem") print $(i + 1)}' \
    /proc/net/sockstat)
  echo $((slab + tcp_pages * $(getconf PAGESIZE) / 1024))
}
