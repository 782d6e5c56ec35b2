#!/usr/bin/env bash
# make bench: figures for the performance budgets in ARCHITECTURE.md.
# Measures the release build: binary size, time until /healthz answers, idle
# RSS, and per page the requests and compressed bytes of a first load
# (HTML + CSS + JS + WASM + icons, as a browser fetches them): sign-in,
# register, home, a thread, a shared thread, the backrooms list.
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

# A first load as a browser makes it: the page, then every same-origin file
# its HTML names (pkg/ files by their content-hashed names, app.js, icons,
# the manifest). Prints each, then the number of requests and the bytes.
first_load() {
  local page=$1 cookie=${2:-}
  local total_wire=0 total_raw=0 requests=0
  local html
  html=$(curl -sS ${cookie:+-H "cookie: $cookie"} "$base$page")
  local urls
  urls=$(printf '%s' "$html" | grep -oE '(href|src)="/[^"#?]*"|/pkg/[A-Za-z0-9._-]+\.(js|wasm|css)' |
    sed -E 's/^(href|src)="//; s/"$//' | grep -vE '^/(c|s|backrooms|threads|notes|agents|prompts|search|profile|admin|settings|login|register)(/|$)' |
    grep -E '\.(js|wasm|css|png|svg|ico|webmanifest)$' | grep -v apple-touch-icon | sort -u)
  for url in "$page" $urls; do
    local w r
    w=$(wire "$url" "$cookie"); r=$(raw "$url" "$cookie")
    printf '  %-44s %8s bytes compressed (%s raw)\n' "$url" "$w" "$r"
    total_wire=$((total_wire + w)); total_raw=$((total_raw + r)); requests=$((requests + 1))
  done
  echo "  $page: $requests requests, $total_wire bytes compressed ($total_raw raw); budget 300000"
}

echo "first load of /login:"
first_load /login
echo "first load of /register:"
first_load /register
cookie=$(curl -sS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench password"}' "$base/api/auth/register" |
  awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}' | tr -d '\r')
echo "first load of / (signed in):"
first_load / "$cookie"
thread=$(curl -sS -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"title":"Bench thread"}' "$base/api/conversations" | sed -E 's/.*"id":([0-9]+).*/\1/')
echo "first load of a thread:"
first_load "/c/$thread" "$cookie"
share=$(curl -sS -X POST -H "cookie: $cookie" "$base/api/conversations/$thread/share" |
  sed -E 's/.*"url":"([^"]+)".*/\1/')
echo "first load of a shared thread (signed out):"
first_load "$share"
echo "first load of /backrooms:"
first_load /backrooms "$cookie"

echo "idle RSS after those requests: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
