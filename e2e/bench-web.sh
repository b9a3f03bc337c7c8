#!/usr/bin/env bash
# `make bench-web`: starts `appreg serve --demo` like e2e/run.sh (fresh temporary database, dist/ plus the
# static baseline page), prints the browser figures of e2e/bench/bench.js, stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/serve.sh
work=$(mktemp -d /tmp/appreg-bench.XXXXXX)
start_demo_server "$work" "${APPREG_BENCH_PORT:-18182}"
trap 'stop_demo_server; rm -rf "$work"' EXIT
echo "bench-web: server on $APPREG_URL (server: ${APPREG_SERVER_BIN:-target/debug/appreg}; release build of the SPA)"
node "${BENCH_SCRIPT:-e2e/bench/bench.js}"
