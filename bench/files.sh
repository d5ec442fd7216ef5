#!/usr/bin/env bash
# Thumbnails: MindMe's sandboxed processing (`mindme process-file`, a process per
# image, as the files runner runs it) against the `vips thumbnail` command on the same
# images in the same run, both one image at a time on one core. Prints the rates and
# the ratio, and writes them to docs/performance.md.
#   bench/files.sh [IMAGES] [ROUNDS]
source "$(dirname "$0")/lib.sh"
IMAGES=${1:-20}
ROUNDS=${2:-3}
CORE=0

for tool in vips taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps.sh bench" >&2; exit 1; }
done
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

# Photographs stand-ins: 12-megapixel JPEGs of noise (as costly to decode as photos).
mkdir -p "$WORK/images" "$WORK/out"
for i in $(seq 1 "$IMAGES"); do
  vips gaussnoise "$WORK/noise.v" 4000 3000 --mean $((100 + i)) --sigma 40
  vips copy "$WORK/noise.v" "$WORK/images/$i.jpg[Q=85]"
done
rm -f "$WORK/noise.v"

run_vips() {
  for f in "$WORK"/images/*.jpg; do
    taskset -c $CORE vips thumbnail "$f" "$WORK/out/vips.jpg" 256
  done
}
run_mindme() {
  for f in "$WORK"/images/*.jpg; do
    taskset -c $CORE "$MINDME" process-file --kind image --in "$f" \
      --thumbnail "$WORK/out/mindme.jpg" --text "$WORK/out/unused.txt" \
      --max-pixels 100000000 --max-text-bytes 1024 > "$WORK/out/result.json"
    grep -q '"thumbnail":true' "$WORK/out/result.json" || { cat "$WORK/out/result.json" >&2; exit 1; }
  done
}
seconds_of() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}'
}

declare -A RATES
for round in $(seq 1 "$ROUNDS"); do
  for name in vips mindme; do
    t=$(seconds_of "run_$name")
    rate=$(awk -v n="$IMAGES" -v t="$t" 'BEGIN {printf "%.2f", n / t}')
    RATES[$name]+="$rate "
    echo "round $round $name: $rate thumbnails/s" >&2
  done
done
VIPS=$(median "${RATES[vips]}")
OURS=$(median "${RATES[mindme]}")

{
  echo "### Thumbnails (\`bench/files.sh $IMAGES $ROUNDS\`)"
  echo
  echo "$(date -u +%Y-%m-%d), one core, $IMAGES JPEGs of 4000×3000, longest side 256 px,"
  echo "one process per image for both; median of $ROUNDS interleaved rounds."
  echo
  echo "| tool | thumbnails/s | × vips |"
  echo "|---|---:|---:|"
  echo "| \`vips thumbnail\` $(vips --version | cut -d- -f2) | $VIPS | 1.00 |"
  echo "| \`mindme process-file\` (sandbox, pixel check, fail_on=warning) | $OURS | $(ratio "$OURS" "$VIPS") |"
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section files-thumbnails "$WORK/section.md"
