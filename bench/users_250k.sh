#!/usr/bin/env bash
# The second seed's 250,000 concurrent users at its peak rate (75,000 requests per
# minute), reference scenario, on this one machine (bench/users.sh).
# Goal: p99 < 50 ms, no errors, server RSS < 1.5 GiB.
#   bench/users_250k.sh [RAMP_SECONDS] [HOLD_SECONDS]
exec "$(dirname "$0")/users.sh" 250000 "${1:-120}" "${2:-300}" users-250k
