#!/usr/bin/env bash
# `make fuzz-long`: every fuzz target for 10 million executions (FUZZ_SECONDS caps each,
# default 1800), then the results replace the "Last long run" section of docs/fuzzing.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
report=$(mktemp)
trap 'rm -f "$report"' EXIT
commit=$(git -C "$ROOT" rev-parse --short HEAD)  # what is fuzzed, not what is there after
status=0
FUZZ_RUNS=${FUZZ_RUNS:-10000000} FUZZ_SECONDS=${FUZZ_SECONDS:-1800} FUZZ_REPORT=$report \
  "$ROOT/tests/fuzz/run.sh" "$@" || status=$?
doc=$ROOT/docs/fuzzing.md
{
  sed '/^## Last long run/,$d' "$doc"
  echo "## Last long run"
  echo
  echo "$(date -u +%Y-%m-%d), commit $commit, \`make fuzz-long\`" \
    "(libFuzzer, ASan + UBSan, one core, ${FUZZ_RUNS:-10000000} executions or" \
    "${FUZZ_SECONDS:-1800} s per target):"
  echo
  sed 's/^/- /' "$report"
} >"$doc.new"
mv "$doc.new" "$doc"
exit $status
