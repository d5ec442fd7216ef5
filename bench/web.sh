#!/usr/bin/env bash
# Time to interactive of the web app on loopback, in headless Chromium: served whole by
# mindme (static files and API in one process), against the usual split of nginx serving
# the same build (gzip_static) and proxying /v1/ to the same mindme, in one run. Each load
# is a fresh browser context (cold cache), then a reload (warm: fingerprinted assets from
# the cache). Prints medians and the ratios.
#   bench/web.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-15}
WEB=${MINDME_WEB:-$REPO/build/web}

command -v nginx >/dev/null || { echo "missing nginx: run scripts/deps.sh bench" >&2; exit 1; }
[[ -x $MINDME && -f $WEB/index.html ]] || { echo "build first: make build" >&2; exit 1; }

mindme_port=$(free_port)
"$MINDME" all --listen 127.0.0.1:"$mindme_port" --data "$WORK/data" \
  --set http.static_dir="$WEB" > "$WORK/mindme.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$mindme_port/health"

nginx_port=$(free_port)
nginx_conf "server {
    listen 127.0.0.1:$nginx_port;
    root $WEB;
    gzip_static on;
    location /assets/ { add_header Cache-Control \"public, max-age=31536000, immutable\"; }
    location / { add_header Cache-Control no-cache; try_files \$uri /index.html; }
    location /v1/ {
      proxy_pass http://127.0.0.1:$mindme_port;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection upgrade;
    }
  }" 1024
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx/stderr" &
PIDS+=($!)
wait_http "http://127.0.0.1:$nginx_port/"

node "$BENCH_DIR/web_tti.mjs" "$ROUNDS" "mindme=http://127.0.0.1:$mindme_port" \
  "nginx=http://127.0.0.1:$nginx_port"
