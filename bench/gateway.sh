#!/usr/bin/env bash
# The assistant gateway's cost per call: Bedrock-shaped calls to a loopback stand-in made
# straight through the outbound client and through the gateway (quota slot, retry
# bookkeeping, the answer cache's miss path), alternating in one run on two cores; the
# cache's hit path beside them. Prints the figures and writes them to docs/performance.md.
#   bench/gateway.sh [CALLS] [CONCURRENCY]
source "$(dirname "$0")/lib.sh"
CALLS=${1:-20000}
CONCURRENCY=${2:-32}
BENCH_BIN=${BENCH_BIN:-$REPO/build/bench/mindme_gateway_bench}
[[ -x $BENCH_BIN ]] || { echo "build first: make build" >&2; exit 1; }

declare -A RATE
while read -r name calls seconds rate; do
  RATE[$name]+="$rate "
  echo "$name: $rate calls/s ($calls in $seconds s)" >&2
done < <(taskset -c 0,1 "$BENCH_BIN" "$CALLS" "$CONCURRENCY")
DIRECT=$(median "${RATE[direct]}")
GATEWAY=$(median "${RATE[gateway]}")
HIT=$(median "${RATE[cache_hit]}")
OVERHEAD=$(awk -v g="$GATEWAY" -v d="$DIRECT" 'BEGIN {printf "%.1f", (1 / g - 1 / d) * 1e6}')
{
  echo "### Assistant gateway (\`bench/gateway.sh $CALLS $CONCURRENCY\`)"
  echo
  echo "$(date -u +%Y-%m-%d), two cores, $CALLS calls $CONCURRENCY at a time to a loopback"
  echo "stand-in answering at once; median of 3 alternating rounds."
  echo
  echo "| path | calls/s | × direct |"
  echo "|---|---:|---:|"
  echo "| outbound client alone | $DIRECT | 1.00 |"
  echo "| through the gateway (slot, retries, cache miss) | $GATEWAY | $(ratio "$GATEWAY" "$DIRECT") |"
  echo "| cache hit (no upstream call) | $HIT | $(ratio "$HIT" "$DIRECT") |"
  echo
  echo "The gateway's cost per call: $OVERHEAD µs (from the medians; noise on a shared"
  echo "machine can make it negative). A Bedrock call takes hundreds of milliseconds."
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section gateway "$WORK/section.md"
