#!/usr/bin/env bash
# make bench-abuse: /healthz latency on a release server while 4 worst-case /check requests and 4 RSA key
# generations run in parallel (the driver is scripts/bench_abuse.py, Python 3 stdlib). Prints figures.
#   BUILD=release|debug  SECONDS_UNDER_LOAD=10  PORT=18089
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-release}
PORT=${PORT:-18089}
case "$BUILD" in
  release) cargo build --release -q -p appreg-server --bin appreg; BIN=${CARGO_TARGET_DIR:-target}/release/appreg ;;
  debug) cargo build -q -p appreg-server --bin appreg; BIN=${CARGO_TARGET_DIR:-target}/debug/appreg ;;
  *) echo "BUILD must be release or debug" >&2; exit 2 ;;
esac
dir=$(mktemp -d /tmp/appreg-abuse.XXXXXX)
mkdir -p "$dir/static"
echo '<!doctype html><title>appreg</title>' >"$dir/static/index.html"
db="sqlite://$dir/abuse.db"
"$BIN" serve --demo --addr "127.0.0.1:$PORT" --database-url "$db" --static "$dir/static" >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.1
done
# A fourth developer, so each of the 4 key-generation workers has a caller of its own.
printf '%s\n' 'bench-password-123' | "$BIN" user add --email bench@demo.test --name 'Bench Developer' \
  --partner demo --role developer --database-url "$db" >/dev/null
echo "== bench-abuse: $BUILD build, $(nproc) cores =="
python3 scripts/bench_abuse.py "http://127.0.0.1:$PORT" "${SECONDS_UNDER_LOAD:-10}"
