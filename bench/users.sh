#!/usr/bin/env bash
# N concurrent users of the reference scenario (scenarios/reference.yaml: the seed's peak
# of 75,000 requests per minute for 250,000 users, one request per user every 200 s, one
# user in ten on the events socket) against MindMe's embedded shape on this machine, load
# generator included: `mindme serve --processes S` (one port, SO_REUSEPORT) with
# `mindme worker` and `mindme files` on one data directory. Prints latency, errors,
# server memory (PSS: shared pages counted once, not once per process) and CPU, the load
# generator's memory and the kernel's, and writes them to
# docs/performance.md under SECTION (the HTML report goes to docs/reports/SECTION.html).
#   bench/users.sh USERS RAMP_SECONDS HOLD_SECONDS SECTION [SERVE_PROCESSES] [LOAD_PROCESSES]
# Processes default to one per ~17,000 connections: a process here may hold at most
# 20,000 open files.
source "$(dirname "$0")/lib.sh"
USERS=${1:?users}
RAMP=${2:?ramp seconds}
HOLD=${3:?hold seconds}
SECTION=${4:?section name}
CONNECTIONS=$((USERS + USERS / 10))  # HTTP plus events sockets
PER_PROCESS=17000
SERVE_PROCESSES=${5:-$(((CONNECTIONS + PER_PROCESS - 1) / PER_PROCESS))}
LOAD_PROCESSES=${6:-$SERVE_PROCESSES}
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }
command -v curl >/dev/null || { echo "missing curl: run scripts/deps.sh bench" >&2; exit 1; }

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
DATA=$WORK/data
# Users think for minutes between visits and keep their connection, so keep-alive and
# WebSocket idle limits are longer than the seed's ALB default of 60 s; one event loop
# and 4 database connections per process (they are many, the load per process is small).
SETS=(--set log.access=false --set server.threads=1 --set store.pool.size=4
      --set server.idle_timeout_seconds=3600 --set websocket.idle_timeout_seconds=300)
"$MINDME" migrate --data "$DATA" > /dev/null
"$MINDME" serve --processes "$SERVE_PROCESSES" --listen 127.0.0.1:$PORT --data "$DATA" \
  "${SETS[@]}" > "$WORK/serve.log" 2>&1 &
SERVE_PID=$!
PIDS+=("$SERVE_PID")
"$MINDME" worker --listen 127.0.0.1:0 --data "$DATA" "${SETS[@]}" > "$WORK/worker.log" 2>&1 &
WORKER_PID=$!
PIDS+=("$WORKER_PID")
"$MINDME" files --listen 127.0.0.1:0 --data "$DATA" "${SETS[@]}" > "$WORK/files.log" 2>&1 &
FILES_PID=$!
PIDS+=("$FILES_PID")
wait_http "$BASE/v1/ping"

echo "seeding $USERS users..." >&2
"$MINDME" seed --users "$USERS" --tokens "$WORK/tokens.tsv" --data "$DATA" >&2
KERNEL_BEFORE=$(kernel_kb)
CPU_BEFORE=$(tree_cpu_ticks "$SERVE_PID")
CPU_BEFORE=$((CPU_BEFORE + $(tree_cpu_ticks "$WORKER_PID") + $(tree_cpu_ticks "$FILES_PID")))
SECONDS_BEFORE=$(date +%s.%N)

# The sampler: peak memory of the server side, the load generator and the kernel.
sample() {
  local server=0 load=0 kernel=0 s l k
  while [[ ! -e $WORK/stop-sampling ]]; do
    s=$(tree_pss_kb "$SERVE_PID" "$WORKER_PID" "$FILES_PID")
    l=$(tree_pss_kb "$(pgrep -f "mindme loadtest --scenario" | head -1)" 2>/dev/null || echo 0)
    k=$(($(kernel_kb) - KERNEL_BEFORE))
    ((s > server)) && server=$s
    ((l > load)) && load=$l
    ((k > kernel)) && kernel=$k
    echo "$server $load $kernel" > "$WORK/peaks"
    sleep 2
  done
}
sample &
PIDS+=($!)

set +e
"$MINDME" loadtest --scenario "$REPO/scenarios/reference.yaml" --url "$BASE" \
  --tokens "$WORK/tokens.tsv" --users "$USERS" --ramp "${RAMP}s" --duration "${HOLD}s" \
  --processes "$LOAD_PROCESSES" --source 127.1.0.0/16 --connect-rate 5000 --timeout 30s \
  --json "$WORK/result.json" --html "$WORK/report.html" | tee "$WORK/summary.txt"
STATUS=${PIPESTATUS[0]}
set -e
touch "$WORK/stop-sampling"
CPU_AFTER=$(tree_cpu_ticks "$SERVE_PID")
CPU_AFTER=$((CPU_AFTER + $(tree_cpu_ticks "$WORKER_PID") + $(tree_cpu_ticks "$FILES_PID")))
ELAPSED=$(awk -v a="$SECONDS_BEFORE" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
read -r SERVER_KB LOAD_KB KERNEL_KB < "$WORK/peaks"
SERVER_CPU=$(awk -v t=$((CPU_AFTER - CPU_BEFORE)) -v hz="$(getconf CLK_TCK)" -v s="$ELAPSED" \
  'BEGIN {printf "%.0f", 100 * t / hz / s}')
[[ $STATUS == 0 || $STATUS == 3 ]] || { echo "the load test failed ($STATUS)" >&2; exit 1; }

mkdir -p "$REPO/docs/reports"
cp "$WORK/report.html" "$REPO/docs/reports/$SECTION.html"
python3 - "$WORK/result.json" > "$WORK/figures" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["count"], r["errors"], "%.1f" % (r["rps"] * 60), "%.2f" % r["p50"], "%.2f" % r["p99"],
      "%.2f" % r["max"], r["peak_users"], r["peak_connections"], r["events"]["opened"],
      r["events"]["received"], json.dumps(r["errors_by_kind"]))
PY
read -r COUNT ERRORS PER_MINUTE P50 P99 MAX PEAK_USERS PEAK_CONNECTIONS EVENTS_OPEN \
  EVENTS_RECEIVED ERROR_KINDS < "$WORK/figures"
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
{
  echo "### $USERS concurrent users (\`bench/users.sh $USERS $RAMP $HOLD $SECTION $SERVE_PROCESSES $LOAD_PROCESSES\`)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, server and load generator on the same machine."
  echo "\`scenarios/reference.yaml\`, ramp ${RAMP} s, hold ${HOLD} s; \`mindme serve --processes"
  echo "$SERVE_PROCESSES\` + worker + files on SQLite; $LOAD_PROCESSES load processes from 127.1.0.0/16."
  echo "Report: [docs/reports/$SECTION.html](reports/$SECTION.html)."
  echo
  echo "| figure | value |"
  echo "|---|---:|"
  echo "| peak users / open connections | $PEAK_USERS / $PEAK_CONNECTIONS |"
  echo "| events sockets opened / events received | $EVENTS_OPEN / $EVENTS_RECEIVED |"
  echo "| requests (whole run) | $COUNT |"
  echo "| requests per minute (whole run) | $PER_MINUTE |"
  echo "| errors | $ERRORS $ERROR_KINDS |"
  echo "| latency p50 / p99 / max | $P50 / $P99 / $MAX ms |"
  echo "| server memory (PSS, all processes), peak | $(mib "$SERVER_KB") MiB |"
  echo "| server CPU, average over the run | $SERVER_CPU % of one core |"
  echo "| load generator memory (PSS), peak | $(mib "$LOAD_KB") MiB |"
  echo "| kernel memory (slab + TCP), peak growth | $(mib "$KERNEL_KB") MiB |"
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section "$SECTION" "$WORK/section.md"
