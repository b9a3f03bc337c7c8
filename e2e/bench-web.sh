#!/usr/bin/env bash
# `make bench-web`: starts `appreg serve --demo` like e2e/run.sh (fresh temporary database, dist/ plus the
# static baseline page), prints the browser figures of e2e/bench/bench.js, stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || { echo "bench-web: dist/ is missing; run make web first" >&2; exit 1; }
[ -x target/debug/appreg ] || { echo "bench-web: target/debug/appreg is missing; run make server first" >&2; exit 1; }
work=$(mktemp -d /tmp/appreg-bench.XXXXXX)
port=${APPREG_BENCH_PORT:-18182}
bash e2e/prepare-static.sh "$work/static"
RUST_LOG=warn ./target/debug/appreg serve --addr "127.0.0.1:$port" --database-url "sqlite://$work/appreg.db" \
  --static "$work/static" --demo >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
echo "bench-web: server on http://127.0.0.1:$port (debug build of the server, release build of the SPA)"
APPREG_URL="http://127.0.0.1:$port" node e2e/bench/bench.js
