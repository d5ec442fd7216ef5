#!/usr/bin/env bash
# The load generator's own efficiency: `mindme loadtest` and wrk, each on one core and
# one thread, against the same nginx on the other core, in interleaved rounds. Prints
# both rates and the ratio (goal >= 0.9), and writes them to docs/performance.md.
#   bench/loadgen_vs_wrk.sh [SECONDS] [ROUNDS] [CONNECTIONS]
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-100}
SERVER_CORE=0
CLIENT_CORE=1

for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh bench" >&2; exit 1; }
done
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

PORT=$(free_port)
URL=http://127.0.0.1:$PORT/v1/ping
start_nginx "$PORT" $SERVER_CORE '{"pong":true}'
wait_http "$URL"

loadgen_rps() {
  taskset -c $CLIENT_CORE "$MINDME" loadtest --url "$URL" --connections "$CONNECTIONS" \
    --threads 1 --duration "${1}s" --json "$WORK/loadgen.json" > /dev/null
  python3 -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["rps"])' \
    "$WORK/loadgen.json"
}

declare -A RATES
loadgen_rps 2 > /dev/null  # warm-up
for round in $(seq 1 "$ROUNDS"); do
  w=$(wrk_rps $CLIENT_CORE "$URL" "$SECONDS_PER_RUN" "$CONNECTIONS")
  l=$(loadgen_rps "$SECONDS_PER_RUN")
  RATES[wrk]+="$w "
  RATES[loadgen]+="$l "
  echo "round $round: wrk $w req/s, mindme loadtest $l req/s" >&2
done
W=$(median "${RATES[wrk]}")
L=$(median "${RATES[loadgen]}")
{
  echo "### Load generator vs wrk (\`bench/loadgen_vs_wrk.sh $SECONDS_PER_RUN $ROUNDS $CONNECTIONS\`)"
  echo
  echo "$(date -u +%Y-%m-%d): nginx (1 worker, \`return 200\`) on core $SERVER_CORE; each client on"
  echo "core $CLIENT_CORE with one thread and $CONNECTIONS keep-alive connections, closed model,"
  echo "${SECONDS_PER_RUN} s per run; median of $ROUNDS interleaved rounds."
  echo
  echo "| client | req/s | × wrk |"
  echo "|---|---:|---:|"
  echo "| wrk 4.1 | $W | 1.00 |"
  echo "| \`mindme loadtest\` | $L | $(ratio "$L" "$W") |"
  echo
  echo "Goal: ≥ 0.9× wrk."
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section loadgen_vs_wrk "$WORK/section.md"
