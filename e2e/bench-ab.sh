#!/usr/bin/env bash
# `make bench-ab OTHER=DIR`: starts `appreg serve --demo` twice, on fresh temporary databases, one serving
# this build (dist/) and one the other build in DIR (a dist/ folder built from another revision), each with
# the bench's static page, prints e2e/bench/ab.js's figures, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
other=${1:-}
[ -n "$other" ] && [ -f "$other/index.html" ] || { echo "usage: make bench-ab OTHER=DIR (DIR: another build's dist/)" >&2; exit 2; }
[ -d dist ] || { echo "dist/ is missing; run make web first" >&2; exit 1; }
bin=${APPREG_SERVER_BIN:-target/debug/appreg}
[ -x "$bin" ] || { echo "$bin is missing; run make server (or make server-release) first" >&2; exit 1; }
work=$(mktemp -d /tmp/appreg-ab.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
serve() { # serve NAME DIST PORT
  bash e2e/prepare-static.sh "$work/$1/static" "$2"
  RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$3" --database-url "sqlite://$work/$1/appreg.db" \
    --static "$work/$1/static" --demo >"$work/$1/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$3/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  cat "$work/$1/server.log"; exit 1
}
port=${APPREG_BENCH_PORT:-18182}
serve this dist "$port"
serve other "$other" "$((port + 20))"
echo "bench-ab: this build on :$port, $other on :$((port + 20)) (server: $bin)"
A_URL="http://127.0.0.1:$port" B_URL="http://127.0.0.1:$((port + 20))" APPREG_URL="http://127.0.0.1:$port" node e2e/bench/ab.js
