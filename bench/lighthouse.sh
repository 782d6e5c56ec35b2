#!/usr/bin/env bash
# make lighthouse: Lighthouse's mobile audit (emulated phone, Slow 4G, 4x
# CPU slowdown) of the sign-in page, a thread and the backrooms list of the
# release build, with Debian's Chromium. Needs npm's `lighthouse`
# (`npm install -g lighthouse@12`; the target installs it when missing).
# Prints each page's four scores; the full reports go to target/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/backrooms
[ -x "$bin" ] || { echo "build first: make build"; exit 1; }
command -v lighthouse >/dev/null || { echo "install it: npm install -g lighthouse@12"; exit 1; }
port=${LIGHTHOUSE_PORT:-3198}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
out=target/lighthouse
mkdir -p "$out"
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT

BACKROOMS_DATA_DIR=$data BACKROOMS_ADDR=127.0.0.1:$port RUST_LOG=warn "$bin" &
pid=$!
until curl -fsS "$base/healthz" >/dev/null 2>&1; do sleep 0.05; done

cookie=$(curl -sS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"username":"lighthouse","password":"lighthouse password"}' "$base/api/auth/register" |
  awk -F'[ ;]' 'tolower($1)=="set-cookie:" {print $2}' | tr -d '\r')
thread=$(curl -sS -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"title":"A thread to audit"}' "$base/api/conversations" | sed -E 's/.*"id":([0-9]+).*/\1/')

audit() {
  local name=$1 path=$2 headers=${3:-}
  lighthouse "$base$path" --quiet --chrome-path="${CHROME_PATH:-/usr/bin/chromium}" \
    --chrome-flags="--headless=new --no-sandbox" ${headers:+--extra-headers="$headers"} \
    --output=json --output-path="$out/$name.json" >/dev/null 2>&1 || { echo "$name: lighthouse failed"; return; }
  node -e '
    const r = require(process.argv[1]);
    const s = (k) => Math.round(r.categories[k].score * 100);
    const a = r.audits;
    console.log(`${process.argv[2].padEnd(10)} performance ${s("performance")}  accessibility ${s("accessibility")}  best practices ${s("best-practices")}  SEO ${s("seo")}  (LCP ${Math.round(a["largest-contentful-paint"].numericValue)} ms, TBT ${Math.round(a["total-blocking-time"].numericValue)} ms, ${Math.round(a["total-byte-weight"].numericValue / 1024)} KB)`);
  ' "$PWD/$out/$name.json" "$name"
}

echo "Lighthouse mobile (Slow 4G, 4x CPU), release build:"
audit sign-in /login
headers="{\"Cookie\":\"$cookie\"}"
audit thread "/c/$thread" "$headers"
audit backrooms /backrooms "$headers"
