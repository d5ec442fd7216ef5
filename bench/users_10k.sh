#!/usr/bin/env bash
# The first seed's 10,000 concurrent users, reference scenario (bench/users.sh).
#   bench/users_10k.sh [RAMP_SECONDS] [HOLD_SECONDS]
exec "$(dirname "$0")/users.sh" 10000 "${1:-30}" "${2:-120}" users-10k
