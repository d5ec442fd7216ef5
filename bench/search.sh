#!/usr/bin/env bash
# Search queries per second on a 100k-document index: MindMe's search index (Xapian,
# queried through its reader pool as the server does) against SQLite FTS5 on the same
# synthetic corpus and queries, one core, one query at a time; both rank by BM25,
# filter to one user and make a snippet. Prints the figures and writes them to
# docs/performance.md.
#   bench/search.sh [DOCUMENTS] [QUERIES] [ROUNDS]
source "$(dirname "$0")/lib.sh"
DOCUMENTS=${1:-100000}
QUERIES=${2:-2000}
ROUNDS=${3:-3}
BENCH_BIN=${BENCH_BIN:-$REPO/build/bench/mindme_search_bench}
[[ -x $BENCH_BIN ]] || { echo "build first: make build" >&2; exit 1; }

declare -A QPS INDEX_S
for round in $(seq 1 "$ROUNDS"); do
  while read -r name index_s qps hits; do
    QPS[$name]+="$qps "
    INDEX_S[$name]+="$index_s "
    echo "round $round $name: $qps queries/s (index built in $index_s s, $hits hits/query)" >&2
  done < <(taskset -c 0 "$BENCH_BIN" "$DOCUMENTS" "$QUERIES" "$WORK/index")
done
XAPIAN=$(median "${QPS[xapian]}")
FTS5=$(median "${QPS[fts5]}")
{
  echo "### Search (\`bench/search.sh $DOCUMENTS $QUERIES $ROUNDS\`)"
  echo
  echo "$(date -u +%Y-%m-%d), one core, $DOCUMENTS synthetic documents (100 users, 5-word titles,"
  echo "60-word bodies, Zipf vocabulary), $QUERIES one- or two-word queries, limit 20 with"
  echo "snippets; median of $ROUNDS runs."
  echo
  echo "| engine | queries/s | × FTS5 | index build (s) |"
  echo "|---|---:|---:|---:|"
  echo "| SQLite FTS5 (in-process, porter) | $FTS5 | 1.00 | $(median "${INDEX_S[fts5]}") |"
  echo "| MindMe search (Xapian, reader pool) | $XAPIAN | $(ratio "$XAPIAN" "$FTS5") | $(median "${INDEX_S[xapian]}") |"
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section search "$WORK/section.md"
