#!/usr/bin/env bash
# A private HAProxy on loopback balancing HTTP over `mindme serve` processes, with the
# seed's ALB health check: GET /health every HEALTH_INTERVAL (30s), a server is up
# after HEALTH_RISE (2) passing checks and out after HEALTH_FALL (5) failing ones.
#   haproxy.sh start DIR [SERVER_PORT...] DIR/url: http://127.0.0.1:PORT (the front)
#                                          no ports: an empty backend, for `mindme fleet`
#                                          to fill through the runtime API
#                                          DIR/stats_url: the stats page (;csv for CSV)
#                                          DIR/admin.sock: the runtime API
#   haproxy.sh stop DIR | destroy DIR
# MAXCONN (9000): connections HAProxy accepts at once.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"

command -v haproxy >/dev/null || die "HAProxy is not installed (scripts/deps.sh)"

command_and_dir "haproxy.sh start DIR [SERVER_PORT...] | stop DIR | destroy DIR" "$@"

case "$cmd" in
  start)
    shift 2
    stop_pidfile "$dir/haproxy.pid" USR1  # soft stop: finish what is in flight
    mkdir -p "$dir"
    front=$(free_port)
    stats=$(free_port)
    {
      cat <<CFG
global
    # One process may hold at most ~20,000 open files on some machines (two per
    # proxied connection); HAProxy refuses to start if it cannot reserve its maxconn.
    maxconn ${MAXCONN:-9000}
    stats socket $dir/admin.sock mode 600 level admin
    pidfile $dir/haproxy.pid

defaults
    mode http
    option forwardfor
    option http-keep-alive
    # A server that refuses the connection (stopped, not yet marked down) costs the
    # client nothing: the request goes to another.
    retries 3
    option redispatch
    timeout connect 5s
    timeout client 120s
    timeout server 60s
    timeout tunnel 1h
    timeout http-keep-alive 60s

frontend mindme
    bind 127.0.0.1:$front
    default_backend serve

frontend stats
    bind 127.0.0.1:$stats
    stats enable
    stats uri /stats
    stats refresh 5s

backend serve
    # A user's requests (by their bearer token) go to one process, whose read-your-writes
    # then covers them (docs/store.md); consistent hashing keeps most users in place when
    # processes come and go. Requests without a token are spread round-robin.
    balance hdr(Authorization)
    hash-type consistent
    option httpchk GET /health
    http-check expect status 200
    default-server check inter ${HEALTH_INTERVAL:-30s} rise ${HEALTH_RISE:-2} fall ${HEALTH_FALL:-5}
CFG
      n=0
      for port in "$@"; do
        echo "    server serve$n 127.0.0.1:$port"
        n=$((n + 1))
      done
    } >"$dir/haproxy.cfg"
    haproxy -c -q -f "$dir/haproxy.cfg" || die "invalid $dir/haproxy.cfg"
    haproxy -D -f "$dir/haproxy.cfg"
    wait_for_port "$front"
    echo "http://127.0.0.1:$front" >"$dir/url"
    echo "http://127.0.0.1:$stats/stats" >"$dir/stats_url"
    cat "$dir/url"
    ;;
  *) pidfile_command "$cmd" "$dir" "$dir/haproxy.pid" USR1 ;;
esac
