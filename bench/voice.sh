#!/usr/bin/env bash
# Voice sessions in one process: SESSIONS clients open GET /v1/assistant/voice against
# `mindme serve` (default configuration but for the peer's address and the limits a load
# from one user meets), which streams each to a Bedrock-shaped h2c peer
# (mindme_voice_bench peer: it answers every 100 ms of audio with 100 ms of its own). The
# server's memory per open session is its growth in proportional set size, beside the
# same growth for as many /v1/events sockets in the same run (the peer figure; they stay
# open while the sessions open, so neither reuses memory the other freed); then every
# session talks for SECONDS (100 ms of 16 kHz audio every 100 ms while it hears 24 kHz
# back) and the server's CPU time is divided by the seconds of audio it relayed.
# Prints the figures and writes them to docs/performance.md.
#   bench/voice.sh [SESSIONS] [SECONDS]
source "$(dirname "$0")/lib.sh"
SESSIONS=${1:-1000}
SECONDS_TALKING=${2:-20}
BENCH_BIN=${BENCH_BIN:-$REPO/build/bench/mindme_voice_bench}
[[ -x $BENCH_BIN && -x $MINDME ]] || { echo "build first: make build" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"  # two sockets a session on each side

coproc PEER { "$BENCH_BIN" peer; }
PIDS+=("$PEER_PID")
read -r PEER_PORT <&"${PEER[0]}"

PORT=$(free_port)
AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret \
  "$MINDME" serve --listen 127.0.0.1:$PORT --data "$WORK/data" \
  --set assistant.enabled=true --set assistant.endpoint=http://127.0.0.1:$PEER_PORT \
  --set websocket.max_per_user=$((SESSIONS * 2)) --set guard.rate_limit.requests=100000000 \
  --set log.access=false > "$WORK/mindme.log" 2>&1 &
MINDME_PID=$!
PIDS+=("$MINDME_PID")
wait_http "http://127.0.0.1:$PORT/v1/ping"
TOKEN=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"voice-bench@example.com","password":"correct horse"}' \
  "http://127.0.0.1:$PORT/v1/accounts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

declare -A R
while read -r name value; do
  R[$name]=$value
  echo "$name $value" >&2
done < <("$BENCH_BIN" load "$PORT" "$TOKEN" "$MINDME_PID" "$SESSIONS" "$SECONDS_TALKING")
[[ -n ${R[late_chunks]:-} ]] || { echo "the load did not finish; mindme log:" >&2; tail "$WORK/mindme.log" >&2; exit 1; }

EVENTS_KB=$(awk -v a="${R[pss_events_kb]}" -v b="${R[pss_start_kb]}" -v n="$SESSIONS" 'BEGIN {printf "%.1f", (a - b) / n}')
VOICE_KB=$(awk -v a="${R[pss_voice_kb]}" -v b="${R[pss_events_kb]}" -v n="$SESSIONS" 'BEGIN {printf "%.1f", (a - b) / n}')
AUDIO=$(awk -v i="${R[audio_in_seconds]}" -v o="${R[audio_out_seconds]}" 'BEGIN {printf "%.0f", i + o}')
CPU_MS=$(awk -v c="${R[cpu_seconds]}" -v a="$AUDIO" 'BEGIN {printf "%.2f", c * 1000 / a}')
CORE=$(awk -v c="${R[cpu_seconds]}" -v w="${R[talk_wall_seconds]}" 'BEGIN {printf "%.0f", c / w * 100}')
REALTIME=$(awk -v i="${R[audio_in_seconds]}" -v n="$SESSIONS" -v s="$SECONDS_TALKING" 'BEGIN {printf "%.2f", i / (n * s)}')
WALL=$(awk -v w="${R[talk_wall_seconds]}" 'BEGIN {printf "%.1f", w}')
{
  echo "### Voice sessions (\`bench/voice.sh $SESSIONS $SECONDS_TALKING\`)"
  echo
  echo "$(date -u +%Y-%m-%d), two cores shared by the server, the clients and the Bedrock-shaped"
  echo "peer; $SESSIONS sessions from one process of clients, default configuration."
  echo
  echo "| per open socket, in the server | KiB | × events socket |"
  echo "|---|---:|---:|"
  echo "| \`/v1/events\` socket | $EVENTS_KB | 1.00 |"
  echo "| voice session (WebSocket, HTTP/2 stream to the peer, quota slot) | $VOICE_KB | $(ratio "$VOICE_KB" "$EVENTS_KB") |"
  echo
  echo "All $SESSIONS talking at once for $SECONDS_TALKING s (and ${WALL} s with the last answers): ${R[audio_in_seconds]} s of speech in and"
  echo "${R[audio_out_seconds]} s of the model's audio out (each session got ${REALTIME}× real time of"
  echo "its speech through), ${R[late_chunks]} chunks late (a client still sending its previous one);"
  echo "the server used ${R[cpu_seconds]} s of CPU ($CORE % of one core): **$CPU_MS ms of CPU per second of"
  echo "audio relayed** (base64, SigV4 chunk signatures, event-stream framing, JSON, WebSocket"
  echo "and HTTP/2 framing). Server memory while talking: $((R[pss_talking_kb] / 1024)) MiB."
} > "$WORK/section.md"
cat "$WORK/section.md"
write_section voice "$WORK/section.md"
