#!/usr/bin/env bash
# The per-instance capacity of a MindMe shape: the highest rate of the reference mix
# (scenarios/reference.yaml in the open model, think times left out) at which p99 stays
# under 50 ms with under 0.1 % errors. Rates step up by FACTOR until a step fails, then
# bisect twice between the last pass and the first failure. The load generator shares
# the machine (2 cores here) with the server, as in every benchmark here.
# Prints every step and writes the result to docs/performance.md and
# docs/capacity-SHAPE.json (the input `mindme plan` takes).
#   bench/capacity.sh [SHAPE] [STEP_SECONDS] [START_VISITS_PER_S] [FACTOR]
# SHAPE: all (one `mindme all` process, the default) or serve2 (`mindme serve
# --processes 2` with `mindme worker` and `mindme files`).
source "$(dirname "$0")/lib.sh"
SHAPE=${1:-all}
STEP=${2:-15}
RATE=${3:-50}
FACTOR=${4:-1.5}
MAX_STEPS=12
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }
command -v curl >/dev/null || { echo "missing curl: run scripts/deps.sh bench" >&2; exit 1; }

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
DATA=$WORK/data
# Access log off; the guard on with a limit the load from one address cannot reach.
SETS=(--set log.access=false --set guard.rate_limit.requests=1000000000)
"$MINDME" migrate --data "$DATA" > /dev/null
case $SHAPE in
  all)
    "$MINDME" all --listen 127.0.0.1:$PORT --data "$DATA" "${SETS[@]}" > "$WORK/all.log" 2>&1 &
    PIDS+=($!)
    ;;
  serve2)
    "$MINDME" serve --processes 2 --listen 127.0.0.1:$PORT --data "$DATA" "${SETS[@]}" \
      > "$WORK/serve.log" 2>&1 &
    PIDS+=($!)
    for role in worker files; do
      "$MINDME" $role --listen 127.0.0.1:0 --data "$DATA" "${SETS[@]}" > "$WORK/$role.log" 2>&1 &
      PIDS+=($!)
    done
    ;;
  *) echo "unknown shape $SHAPE (all or serve2)" >&2; exit 2 ;;
esac
wait_http "$BASE/v1/ping"
"$MINDME" seed --users 2000 --tokens "$WORK/tokens.tsv" --data "$DATA" > /dev/null

# step VISITS_PER_S: runs one step; prints "visits rps p50 p99 errors error_rate pass".
step() {
  set +e
  "$MINDME" loadtest --scenario "$REPO/scenarios/reference.yaml" --url "$BASE" \
    --tokens "$WORK/tokens.tsv" --rate "$1" --duration "${STEP}s" --connections 2000 \
    --json "$WORK/step.json" > /dev/null
  set -e
  python3 - "$WORK/step.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
attempts = r["count"] + sum(r["errors_by_kind"].get(k, 0)
                            for k in ("connect", "read", "write", "timeout", "not_sent", "dropped"))
rate = r["errors"] / attempts if attempts else 1
ok = r["p99"] < 50 and rate < 0.001
print(sys.argv[2], "%.1f" % r["rps"], "%.2f" % r["p50"], "%.2f" % r["p99"], r["errors"],
      "%.5f" % rate, "pass" if ok else "fail")
PY
}

: > "$WORK/steps"
best="" worst=""
for _ in $(seq 1 $MAX_STEPS); do
  line=$(step "$RATE")
  echo "$line" | tee -a "$WORK/steps" >&2
  if [[ $line == *pass ]]; then best=$RATE; else worst=$RATE; break; fi
  RATE=$(awk -v r="$RATE" -v f="$FACTOR" 'BEGIN {printf "%.0f", r * f}')
done
if [[ -n $best && -n $worst ]]; then
  for _ in 1 2; do
    mid=$(awk -v a="$best" -v b="$worst" 'BEGIN {printf "%.0f", (a + b) / 2}')
    [[ $mid == "$best" || $mid == "$worst" ]] && break
    line=$(step "$mid")
    echo "$line" | tee -a "$WORK/steps" >&2
    if [[ $line == *pass ]]; then best=$mid; else worst=$mid; fi
  done
fi
[[ -n $best ]] || { echo "even $RATE visits/s failed" >&2; exit 1; }
CAPACITY=$(awk -v b="$best" '$1 == b && $7 == "pass" {print $2}' "$WORK/steps" | tail -1)
P99=$(awk -v b="$best" '$1 == b && $7 == "pass" {print $4}' "$WORK/steps" | tail -1)

cat > "$REPO/docs/capacity-$SHAPE.json" <<JSON
{"shape": "$SHAPE", "date": "$(date -u +%Y-%m-%d)", "cores": $(nproc),
 "scenario": "scenarios/reference.yaml", "slo": {"p99_ms": 50, "error_rate": 0.001},
 "requests_per_second": $CAPACITY, "requests_per_minute": $(awk -v c="$CAPACITY" 'BEGIN {printf "%.0f", c * 60}'),
 "p99_ms_at_capacity": $P99, "measured_with": "bench/capacity.sh $SHAPE $STEP"}
JSON
{
  echo "### Capacity, shape \`$SHAPE\` (\`bench/capacity.sh $SHAPE $STEP\`)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores shared by the server and the load generator;"
  echo "reference mix in the open model, ${STEP} s per step. Capacity: **$CAPACITY requests/s**"
  echo "($(awk -v c="$CAPACITY" 'BEGIN {printf "%.0f", c * 60}')/min) with p99 $P99 ms (docs/capacity-$SHAPE.json)."
  echo
  echo "| visits/s | requests/s | p50 ms | p99 ms | errors | error rate | |"
  echo "|---:|---:|---:|---:|---:|---:|---|"
  sort -n "$WORK/steps" | awk '{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}'
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section "capacity-$SHAPE" "$WORK/section.md"
