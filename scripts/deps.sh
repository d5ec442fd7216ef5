#!/usr/bin/env bash
# Installs every Debian package MindMe needs to build, test and benchmark.
# Idempotent: only packages that are missing are installed, and apt's lists are
# refreshed only when something is missing.
#   scripts/deps.sh          build + test dependencies
#   scripts/deps.sh bench    also the peers the benchmarks in bench/ compare against
set -euo pipefail

build_and_test=(
  build-essential cmake ninja-build ccache pkg-config git clang-format shellcheck
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libsodium-dev libsoci-dev libsqlite3-dev sqlite3 libxapian-dev libmagic-dev
  libutf8proc-dev
  libvips-dev libpoppler-cpp-dev libpq-dev
  libhiredis-dev libmariadb-dev librabbitmq-dev libnghttp2-dev zlib1g-dev libqrencode-dev
  postgresql pgbouncer mariadb-server haproxy redis-server rabbitmq-server
  python3 python3-cryptography python3-h2 zbar-tools openssl curl procps util-linux
  nodejs chromium
)
bench=(nginx-light wrk python3-gunicorn python3-flask libvips-tools)
fuzz=(clang libclang-rt-14-dev)

wanted=("${build_and_test[@]}")
if [[ "${1:-}" == "bench" ]]; then
  wanted+=("${bench[@]}")
fi
if [[ "${1:-}" == "fuzz" ]]; then
  wanted+=("${fuzz[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
# npm: bundled with some builds of nodejs (NodeSource's), a package of its own in Debian's.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# Keep package maintainer scripts from starting system services (nginx would take
# port 80): benchmarks and tests start their own private instances.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee $policy >/dev/null
  "${sudo[@]}" chmod +x $policy
  made_policy=1
fi
trap '[[ $made_policy -eq 1 ]] && "${sudo[@]}" rm -f $policy' EXIT
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
