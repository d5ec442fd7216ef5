#!/usr/bin/env bash
# Builds every fuzz target with clang's libFuzzer (+ ASan + UBSan) and fuzzes each from
# the committed seed corpus: for FUZZ_SECONDS each (default 60), or with FUZZ_RUNS set
# for that many executions (`make fuzz-long`: 10 million, with FUZZ_SECONDS as a cap).
# New inputs go to build-fuzz/corpus/; a crash is copied into the seed corpus
# (tests/fuzz/corpus/TARGET/crash-*) so that CTest replays it from then on, and fails the
# run. With FUZZ_REPORT=path a line per target is written there.
#   tests/fuzz/run.sh [TARGET...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:--1}
mkdir -p "$OUT"

CORE=(src/core/text.cpp src/core/json.cpp src/core/errors.cpp src/core/unicode.cpp
      src/core/base64url.cpp src/core/http_date.cpp)
HTTP=(src/http/byte_range.cpp src/http/message.cpp
      src/http/static_site.cpp src/http/framing.cpp src/http/file_response.cpp
      src/http/conditional.cpp)
# The sources each target needs beyond CORE and HTTP (none: those two suffice).
sources_for() {
  case $1 in
    client_address) echo src/guard/ip_address.cpp src/guard/client_address.cpp ;;
    json_body) echo src/app/memory_input.cpp src/app/json_body.cpp src/app/email.cpp ;;
    cursor) echo src/app/paging.cpp src/auth/authenticator.cpp ;;
    yaml) echo src/core/config.cpp src/core/config_loader.cpp src/core/log.cpp \
            src/loadgen/scenario.cpp src/loadgen/json_path.cpp src/loadgen/template.cpp \
            src/loadgen/arrivals.cpp src/scale/policy_file.cpp src/scale/k8s_input.cpp \
            src/scale/yaml_input.cpp src/scale/condition.cpp src/scale/group.cpp src/scale/hpa.cpp ;;
    event_stream) echo src/upstream/event_stream.cpp src/core/compact_jws.cpp ;;
  esac
}
ALL=(byte_range http_text client_address json_string static_path http_request json_body
     cursor unicode yaml event_stream)
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL[@]}")
failed=0
for target in "${TARGETS[@]}"; do
  bin=$OUT/fuzz_$target
  echo "== building $target"
  # shellcheck disable=SC2046 # one word per source file
  clang++ -std=c++20 -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DBOOST_ASIO_NO_DEPRECATED -DBOOST_BEAST_USE_STD_STRING_VIEW -DSPDLOG_FMT_EXTERNAL \
    -DFUZZ_TARGET_ONLY -I"$ROOT/src" -I"$ROOT/tests/fuzz" \
    "$ROOT/tests/fuzz/fuzz_$target.cpp" "${CORE[@]/#/$ROOT/}" "${HTTP[@]/#/$ROOT/}" \
    $(sources_for "$target" | tr ' ' '\n' | sed "s|^|$ROOT/|") \
    -lboost_json -lboost_url -lutf8proc -lyaml-cpp -lspdlog -lfmt -lpthread -o "$bin"
  mkdir -p "$OUT/corpus/$target" "$OUT/crashes/$target"
  echo "== fuzzing $target (${SECONDS_EACH}s at most, runs: $RUNS)"
  log=$OUT/$target.log
  if (cd "$OUT/crashes/$target" && "$bin" -max_total_time="$SECONDS_EACH" -runs="$RUNS" \
        -print_final_stats=1 "$OUT/corpus/$target" "$ROOT/tests/fuzz/corpus/$target" \
        >"$log" 2>&1); then
    status=ok
  else
    status=CRASH
    failed=1
    for crash in "$OUT/crashes/$target"/crash-* "$OUT/crashes/$target"/leak-*; do
      [[ -e $crash ]] && cp "$crash" "$ROOT/tests/fuzz/corpus/$target/"
    done
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "?")
  line="$target: $status, $runs executions in ${secs}s"
  echo "$line"
  tail -3 "$log"
  [[ -z ${FUZZ_REPORT:-} ]] || echo "$line" >>"$FUZZ_REPORT"
done
exit $failed
