#!/usr/bin/env bash
# make bench: figures for the performance budgets in ARCHITECTURE.md.
# Measures the release build: binary size, time until /healthz answers, idle
# RSS, and the compressed bytes of a first load of the sign-in page and of
# the signed-in home page (HTML + CSS + JS + WASM, as a browser fetches them).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/backrooms
[ -x "$bin" ] || { echo "build first: make build"; exit 1; }
port=${BENCH_PORT:-3197}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT

printf 'binary size: %s bytes (%s)\n' "$(stat -c %s "$bin")" "$(du -h "$bin" | cut -f1)"

start=$(date +%s%N)
BACKROOMS_DATA_DIR=$data BACKROOMS_ADDR=127.0.0.1:$port RUST_LOG=warn "$bin" &
pid=$!
until curl -fsS "$base/healthz" >/dev/null 2>&1; do sleep 0.005; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
echo "ready to serve: ${ready} ms after exec (fresh database, migrations included)"

sleep 2
echo "idle RSS after start: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

# bytes on the wire for one URL with the browser's Accept-Encoding
wire() { curl -sS -o /dev/null -H 'Accept-Encoding: br, gzip' ${2:+-H "cookie: $2"} -w '%{size_download}' "$base$1"; }
raw() { curl -sS -o /dev/null ${2:+-H "cookie: $2"} -w '%{size_download}' "$base$1"; }

first_load() {
  local page=$1 cookie=${2:-}
  local total_wire=0 total_raw=0
  for url in "$page" /pkg/backrooms.css /app.js /pkg/backrooms.js /pkg/backrooms.wasm; do
    local w r
    w=$(wire "$url" "$cookie"); r=$(raw "$url" "$cookie")
    printf '  %-26s %8s bytes compressed (%s raw)\n' "$url" "$w" "$r"
    total_wire=$((total_wire + w)); total_raw=$((total_raw + r))
  done
  echo "  total: $total_wire bytes compressed ($total_raw raw); budget 300000"
}

echo "first load of /login:"
first_load /login
cookie=$(curl -sS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password"}' "$base/api/auth/register" |
  awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}' | tr -d '\r')
echo "first load of / (signed in):"
first_load / "$cookie"

echo "idle RSS after those requests: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
