#!/usr/bin/env bash
# Builds every fuzz target with clang's libFuzzer (+ ASan + UBSan) and fuzzes each for
# FUZZ_SECONDS (default 60), starting from the committed seed corpus. New inputs go to
# build-fuzz/corpus/; a crash leaves its input in build-fuzz/ and fails the run.
#   tests/fuzz/run.sh [TARGET...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
mkdir -p "$OUT"
SOURCES=(src/core/text.cpp src/core/json.cpp src/core/errors.cpp
         src/http/byte_range.cpp src/http/http_date.cpp src/http/message.cpp
         src/http/static_site.cpp src/guard/ip_address.cpp src/guard/client_address.cpp)
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then
  TARGETS=(byte_range http_text client_address json_string static_path)
fi
for target in "${TARGETS[@]}"; do
  bin=$OUT/fuzz_$target
  echo "== building $target"
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DBOOST_ASIO_NO_DEPRECATED -I"$ROOT/src" -I"$ROOT/tests/fuzz" \
    "$ROOT/tests/fuzz/fuzz_$target.cpp" "${SOURCES[@]/#/$ROOT/}" -lboost_json -o "$bin"
  mkdir -p "$OUT/corpus/$target"
  echo "== fuzzing $target for ${SECONDS_EACH}s"
  (cd "$OUT" && "$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
     "$OUT/corpus/$target" "$ROOT/tests/fuzz/corpus/$target" 2>&1 | tail -4)
done
