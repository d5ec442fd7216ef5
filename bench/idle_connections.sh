#!/usr/bin/env bash
# Server memory per open, quiet connection — what holding hundreds of thousands of users
# who think for minutes costs: clients connect and send nothing, against `mindme serve`
# (one process, one event loop) and nginx (one worker) in turn. Memory is the server's
# proportional set size; the figure is the growth from BASE to TOTAL open connections
# divided by their difference (the first ones can fit in memory the server already had).
# Prints both and the ratio, and writes them to docs/performance.md.
#   bench/idle_connections.sh [TOTAL] [BASE]
source "$(dirname "$0")/lib.sh"
TOTAL=${1:-12000}
BASE=${2:-2000}
export NGINX_CONNECTIONS=$((TOTAL + 1000))
for tool in nginx ss curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh bench" >&2; exit 1; }
done
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

# Users that connect as they start, then wait an hour before their first request.
cat > "$WORK/quiet.yaml" <<'YAML'
pause: 1h
pause_first: true
journey:
  - get: /
YAML

# open_quiet PORT USERS SOURCE: USERS quiet clients from SOURCE in the background until
# the server has accepted all connections it should hold (at most 20 s); its pid in LOAD.
open_quiet() {
  local port=$1 users=$2 source=$3 expected open queued=1
  expected=$(($(ss -Htn state established "( sport = :$port )" | wc -l) + users))
  "$MINDME" loadtest --scenario "$WORK/quiet.yaml" --url "http://127.0.0.1:$port" \
    --users "$users" --duration 60s --source "$source" > /dev/null &
  LOAD=$!
  PIDS+=("$LOAD")
  for _ in $(seq 1 200); do
    open=$(ss -Htn state established "( sport = :$port )" | wc -l)
    queued=$(ss -Hltn "( sport = :$port )" | awk '{q += $2} END {print q + 0}')
    ((open >= expected && queued == 0)) && return 0
    sleep 0.1
  done
  echo "$open of $expected connections open, $queued not accepted" >&2
  exit 1
}

# per_connection_bytes PORT PID: the marginal growth of PID per quiet connection.
per_connection_bytes() {
  local port=$1 pid=$2 first second at_base at_total
  open_quiet "$port" "$BASE" 127.3.0.0/24
  first=$LOAD
  at_base=$(tree_pss_kb "$pid")
  open_quiet "$port" $((TOTAL - BASE)) 127.4.0.0/24
  second=$LOAD
  at_total=$(tree_pss_kb "$pid")
  kill "$first" "$second" 2>/dev/null || true
  wait "$first" "$second" 2>/dev/null || true
  echo $(((at_total - at_base) * 1024 / (TOTAL - BASE)))
}

PORT=$(free_port)
"$MINDME" serve --listen 127.0.0.1:$PORT --data "$WORK/data" --set server.threads=1 \
  --set log.access=false --set store.pool.size=4 > "$WORK/mindme.log" 2>&1 &
MINDME_PID=$!
PIDS+=("$MINDME_PID")
wait_http "http://127.0.0.1:$PORT/v1/ping"
OURS=$(per_connection_bytes "$PORT" "$MINDME_PID")
kill "$MINDME_PID"

PORT=$(free_port)
start_nginx "$PORT" 0 '{"pong":true}'
wait_http "http://127.0.0.1:$PORT/"
THEIRS=$(per_connection_bytes "$PORT" "$SERVER_PID")

{
  echo "### Memory per quiet connection (\`bench/idle_connections.sh $TOTAL $BASE\`)"
  echo
  echo "$(date -u +%Y-%m-%d): clients connect and send nothing; the server's growth in proportional"
  echo "set size from $BASE to $TOTAL open connections, per connection."
  echo
  echo "| server | bytes per connection | × nginx |"
  echo "|---|---:|---:|"
  echo "| nginx (1 worker) | $THEIRS | 1.00 |"
  echo "| \`mindme serve\` (1 event loop) | $OURS | $(ratio "$OURS" "$THEIRS") |"
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section idle-connections "$WORK/section.md"
