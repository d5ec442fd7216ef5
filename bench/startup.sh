#!/usr/bin/env bash
# A scale-out's reaction time: `mindme serve` from exec to its first 200 from /health
# (the load balancer's check), against nginx from exec to its first 200, in one run.
# Median of ROUNDS starts each, on a data directory already migrated.
#   bench/startup.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-9}
command -v nginx >/dev/null || { echo "missing nginx: run scripts/deps.sh bench" >&2; exit 1; }
[[ -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }

"$MINDME" migrate --data "$WORK/data" > /dev/null
mindme_port=$(free_port)
mindme_ms=$(/usr/bin/python3 "$BENCH_DIR/startup.py" "$ROUNDS" /health "$mindme_port" \
  "$MINDME" serve --listen 127.0.0.1:"$mindme_port" --data "$WORK/data")
nginx_port=$(free_port)
nginx_conf "server { listen 127.0.0.1:$nginx_port; location / { return 200 'ok'; } }" 1024
nginx_ms=$(/usr/bin/python3 "$BENCH_DIR/startup.py" "$ROUNDS" / "$nginx_port" \
  nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx")
echo "start to first 200 (median of $ROUNDS): mindme serve $mindme_ms ms, nginx $nginx_ms ms," \
  "mindme / nginx $(ratio "$mindme_ms" "$nginx_ms")x (goal: mindme < 50 ms)"
cat > "$WORK/section.md" <<MD
### Start to the first answer (\`bench/startup.sh $ROUNDS\`)

$(date -u +%Y-%m-%d), $(nproc) cores: from exec to the first 200, polled every millisecond,
median of $ROUNDS starts — a scale-out's reaction time once the instance exists.

| server | what answers 200 | ms |
|---|---|---:|
| \`mindme serve\` (data directory migrated) | \`GET /health\` | $mindme_ms |
| nginx 1.22 | \`return 200\` | $nginx_ms |

Goal: mindme under 50 ms. What remains is mostly loading its libraries (vips, poppler,
Xapian, Boost...) and opening the store and the index.
MD
write_section startup "$WORK/section.md"
