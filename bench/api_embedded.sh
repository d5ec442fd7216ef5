#!/usr/bin/env bash
# The API on the embedded store (SQLite, in-process cache), server and wrk sharing
# this machine's 2 cores: sign-in, cached memory read and memory creation, each
# against the tiny-JSON route (/v1/ping) of the same run. Prints the rates and the
# ratios, and writes them to docs/performance.md.
#   bench/api_embedded.sh [SECONDS] [ROUNDS] [CONNECTIONS]
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${3:-64}
CORES=0-1
export WRK_THREADS=2
LUA=$BENCH_DIR/lua

for tool in wrk taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh bench" >&2; exit 1; }
done
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

# Access log off, the guard on with a limit this run cannot reach (its cost counts).
# start_embedded NAME [--set ...]: a mindme all of its own; prints its base URL.
start_embedded() {
  local name=$1 port
  shift
  port=$(free_port)
  "$MINDME" all --listen 127.0.0.1:$port --data "$WORK/$name" --set log.access=false \
    --set guard.rate_limit.requests=1000000000 "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/v1/ping"
  echo "http://127.0.0.1:$port"
}
BASE=$(start_embedded data)
# The same with durability normal (answered before the log is synced): what a write
# cost before writes were durable, for the create_memory row's ratio.
NORMAL_BASE=$(start_embedded data-normal --set store.sqlite.durability=normal)

export MINDME_EMAIL=bench@example.com MINDME_PASSWORD="bench password"
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
sign_up() {
  curl -sf -X POST "$1/v1/accounts" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$MINDME_EMAIL\",\"password\":\"$MINDME_PASSWORD\"}" | json_field token
}
MINDME_TOKEN=$(sign_up "$BASE")
NORMAL_TOKEN=$(sign_up "$NORMAL_BASE")
MINDME_MEMORY=$(curl -sf -X POST "$BASE/v1/memories" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $MINDME_TOKEN" -d '{"title":"Read me","body":"often"}' | json_field id)
export MINDME_TOKEN MINDME_MEMORY

# name → "path script connections": argon2id is CPU-bound, a few connections fill it, and
# one address may have 4 hashes queued or running (auth.hashes_per_address; 429 past it).
declare -A RUNS=(
  [ping]="/v1/ping - $CONNECTIONS"
  [read_memory]="/ $LUA/read_memory.lua $CONNECTIONS"
  [create_memory]="/ $LUA/create_memory.lua $CONNECTIONS"
  [create_memory_normal]="/ $LUA/create_memory.lua $CONNECTIONS"
  [sign_in]="/ $LUA/sign_in.lua 4"
)
ORDER=(ping read_memory create_memory create_memory_normal sign_in)
declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  for name in "${ORDER[@]}"; do
    read -r path script conns <<< "${RUNS[$name]}"
    [[ $script == - ]] && script=""
    base=$BASE token=$MINDME_TOKEN
    [[ $name == *_normal ]] && base=$NORMAL_BASE token=$NORMAL_TOKEN
    rps=$(MINDME_TOKEN=$token wrk_rps $CORES "$base$path" "$SECONDS_PER_RUN" "$conns" "$script")
    RESULTS[$name]+="$rps "
    echo "round $round $name: $rps req/s" >&2
  done
done

declare -A MEDIAN
for name in "${ORDER[@]}"; do MEDIAN[$name]=$(median "${RESULTS[$name]}"); done
QUERIES=$(curl -sf "$BASE/metrics" | awk '/^store_pool_completed_total/ {print $2}')
SYNCS=$(curl -sf "$BASE/metrics" | awk '/^store_log_syncs_total/ {print $2}')
WRITES=$(curl -sf "$BASE/metrics" | awk '/^store_log_sync_waits_total/ {print $2}')

{
  echo "### API on the embedded store (\`bench/api_embedded.sh $SECONDS_PER_RUN $ROUNDS $CONNECTIONS\`)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, mindme and wrk (2 threads) sharing them;"
  echo "median of $ROUNDS interleaved rounds of ${SECONDS_PER_RUN} s; $CONNECTIONS connections"
  echo "(sign-in: 4, the hashes one address may have in flight). SQLite in WAL mode,"
  echo "in-process cache, rate limiter on. Writes durable (\`store.sqlite.durability\` full:"
  echo "answered once the log is synced, one sync shared by the writers that commit"
  echo "meanwhile), except create_memory_normal: a second server in the same run with"
  echo "durability normal (answered before the sync)."
  echo
  echo "| route | requests/s | × /v1/ping |"
  echo "|---|---:|---:|"
  for name in "${ORDER[@]}"; do
    echo "| $name | ${MEDIAN[$name]} | $(ratio "${MEDIAN[$name]}" "${MEDIAN[ping]}") |"
  done
  echo
  echo "Goal: a cached read at least 0.5× the baseline; durable writes at least as fast as"
  echo "normal ones: create_memory / create_memory_normal = $(ratio "${MEDIAN[create_memory]}" "${MEDIAN[create_memory_normal]}")."
  echo "Log syncs: ${SYNCS:-?} for ${WRITES:-?} writes that waited. Store queries run: ${QUERIES:-?}."
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section api-embedded "$WORK/section.md"
