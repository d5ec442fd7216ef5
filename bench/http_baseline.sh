#!/usr/bin/env bash
# A tiny JSON route served on one core by mindme, nginx (`return 200`) and the seed's
# gunicorn + Flask configuration, each loaded by wrk pinned to the other core, in one
# run. Prints each rate and the ratios, and writes them to docs/performance.md.
#   bench/http_baseline.sh [SECONDS] [ROUNDS] [CONNECTIONS]
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-100}
SERVER_CORE=0
CLIENT_CORE=1
BODY='{"pong":true}'

for tool in wrk nginx taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh bench" >&2; exit 1; }
done
python3 -c 'import gunicorn, flask' 2>/dev/null || /usr/bin/python3 -c 'import gunicorn, flask' ||
  { echo "missing python3-gunicorn/python3-flask: run scripts/deps.sh bench" >&2; exit 1; }
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

# Each server runs only while it is measured: idle peers still wake up (gunicorn
# restarts its workers after --max-requests), which would tax whoever runs next.
start_server() {
  local name=$1 port=$2
  case $name in
    mindme | mindme_log)
      # One event loop, access log off (as nginx's below), the guard on with a limit
      # that this run cannot reach, so that its cost is measured. mindme_log: its JSON
      # access log on, to a file.
      local access=false
      [[ $name == mindme_log ]] && access=true
      taskset -c $SERVER_CORE "$MINDME" serve --listen 127.0.0.1:$port --data "$WORK/data" \
        --set server.threads=1 --set log.access=$access \
        --set guard.rate_limit.requests=1000000000 > "$WORK/$name.log" 2>&1 &
      ;;
    nginx)
      start_nginx "$port" $SERVER_CORE "$BODY"
      ;;
    nginx_log)
      # nginx's combined access log, to a file (unbuffered, as nginx's default is).
      NGINX_ACCESS_LOG="$WORK/nginx_access.log combined" start_nginx "$port" $SERVER_CORE "$BODY"
      ;;
    gunicorn)
      # The seed's own gunicorn command line (its "Gunicorn Configuration").
      (cd "$BENCH_DIR/peers" && exec taskset -c $SERVER_CORE /usr/bin/python3 -m gunicorn \
        --workers=8 --threads=16 --worker-class=sync --worker-connections=1000 \
        --max-requests=10000 --timeout=120 --keep-alive=5 \
        --bind 127.0.0.1:$port flask_ping:app) > "$WORK/gunicorn.log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$port/v1/ping"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}

declare -A RESULTS CPU
SERVERS=(mindme nginx gunicorn mindme_log nginx_log)
for name in "${SERVERS[@]}"; do RESULTS[$name]=""; CPU[$name]=""; done
for round in $(seq 1 "$ROUNDS"); do
  # Interleaved rounds, so that a noisy moment hurts every server alike.
  for name in "${SERVERS[@]}"; do
    port=$(free_port)
    start_server $name "$port"
    wrk_rps $CLIENT_CORE "http://127.0.0.1:$port/v1/ping" 2 "$CONNECTIONS" > /dev/null  # warm-up
    ticks_before=$(tree_cpu_ticks "$SERVER_PID")
    rps=$(wrk_rps $CLIENT_CORE "http://127.0.0.1:$port/v1/ping" "$SECONDS_PER_RUN" "$CONNECTIONS")
    ticks_after=$(tree_cpu_ticks "$SERVER_PID")
    # Server CPU time per request: steadier than the rate on a noisy machine, and
    # what a capacity plan needs.
    us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$(wrk_requests)" \
      'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    stop_server
    echo "round $round  $name  $rps req/s  $us CPU-us/request"
    RESULTS[$name]+="$rps"$'\n'
    CPU[$name]+="$us"$'\n'
  done
done

m=$(median "${RESULTS[mindme]}")
n=$(median "${RESULTS[nginx]}")
g=$(median "${RESULTS[gunicorn]}")
vs_nginx=$(ratio "$m" "$n")
vs_gunicorn=$(ratio "$m" "$g")
cm=$(median "${CPU[mindme]}")
cn=$(median "${CPU[nginx]}")
cg=$(median "${CPU[gunicorn]}")
ml=$(median "${RESULTS[mindme_log]}")
nl=$(median "${RESULTS[nginx_log]}")
cml=$(median "${CPU[mindme_log]}")
cnl=$(median "${CPU[nginx_log]}")
vs_nginx_log=$(ratio "$ml" "$nl")
eff_nginx_log=$(ratio "$cnl" "$cml")
# Efficiency ratio: how many of mindme's requests fit in the CPU of one of the peer's.
eff_nginx=$(ratio "$cn" "$cm")
eff_gunicorn=$(ratio "$cg" "$cm")
echo
echo "median req/s: mindme $m, nginx $n, gunicorn $g"
echo "median server CPU-us/request: mindme $cm, nginx $cn, gunicorn $cg"
echo "mindme / nginx    = $vs_nginx by rate, $eff_nginx by CPU per request   (goal >= 1.0)"
echo "mindme / gunicorn = $vs_gunicorn by rate, $eff_gunicorn by CPU per request  (goal >= 35)"
echo "access logs on: mindme $ml, nginx $nl req/s; mindme / nginx = $vs_nginx_log by rate," \
  "$eff_nginx_log by CPU per request (goal >= 0.9)"

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
cat > "$WORK/section.md" <<MD
## HTTP baseline: a tiny JSON route on one core

\`bench/http_baseline.sh $SECONDS_PER_RUN $ROUNDS $CONNECTIONS\` on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu).
Each server is pinned to core $SERVER_CORE and answers \`GET /v1/ping\` with \`$BODY\`; wrk
(1 thread, $CONNECTIONS keep-alive connections, ${SECONDS_PER_RUN} s) runs pinned to core
$CLIENT_CORE. Rounds are interleaved; the median of $ROUNDS rounds is shown.

| server | configuration | req/s (median) | mindme ÷ server (rate) | server CPU µs per request | server ÷ mindme (CPU) |
| --- | --- | ---: | ---: | ---: | ---: |
| mindme | \`serve\`, 1 event loop, access log off, guard on | $m | 1.00 | $cm | 1.00 |
| nginx 1.22 | 1 worker, \`return 200\`, access log off | $n | $vs_nginx | $cn | $eff_nginx |
| gunicorn + Flask | the seed's command line (8 workers × 16 threads) | $g | $vs_gunicorn | $cg | $eff_gunicorn |
| mindme, access log on | its JSON access line per request, stdout to a file | $ml | 1.00 | $cml | 1.00 |
| nginx 1.22, access log on | \`combined\` format to a file | $nl | $vs_nginx_log | $cnl | $eff_nginx_log |

CPU per request is the server's user + system time (all its processes) over the measured
run divided by the requests wrk completed; on this shared machine it moves less than the
rate does. Both ratios read "how many times more work mindme does with the same core".

Goals: ≥ 1.0× nginx and ≥ 35× gunicorn with access logs off; ≥ 0.9× nginx with both
access logs on (the last two rows compare with each other).
MD
write_section http_baseline "$WORK/section.md"
echo "written to docs/performance.md"
