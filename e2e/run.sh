#!/usr/bin/env bash
# Starts `appreg serve --demo` on a fresh temporary database, runs the Playwright suite against it, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || { echo "e2e: dist/ is missing; run make web first" >&2; exit 1; }
[ -x target/debug/appreg ] || { echo "e2e: target/debug/appreg is missing; run make server first" >&2; exit 1; }
work=$(mktemp -d /tmp/appreg-e2e.XXXXXX)
port=${APPREG_E2E_PORT:-18181}
export APPREG_SHOTS="${APPREG_SHOTS:-$work/screenshots}"
mkdir -p "$APPREG_SHOTS"
# dist/ plus examples/embed.html (and the unhashed names it references), served by the same server.
bash e2e/prepare-static.sh "$work/static"
RUST_LOG=warn ./target/debug/appreg serve --addr "127.0.0.1:$port" --database-url "sqlite://$work/appreg.db" \
  --static "$work/static" --demo >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
export APPREG_URL="http://127.0.0.1:$port"
echo "e2e: server on $APPREG_URL, screenshots in $APPREG_SHOTS"
start=$(date +%s)
(cd e2e && node --test --test-concurrency=1 tests/)
echo "e2e: suite took $(( $(date +%s) - start )) s; screenshots written to $APPREG_SHOTS"
