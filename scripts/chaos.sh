#!/usr/bin/env bash
# make chaos / make chaos-small: app creates against a real `appreg serve`, retried with the same
# Idempotency-Key, while the server is kill -9'd at random moments and restarted; then the database is
# checked (one app per key, every 201's app exists, no orphan rows, SQLite integrity_check) and the
# figures are printed. Exit 1 on any violated invariant. The driver is scripts/chaos.py (Python 3 stdlib).
#
#   CHAOS_CREATES=1000  CHAOS_KILLS=5  CHAOS_WORKERS=8  CHAOS_RETRY=0.2  CHAOS_SEED=<time>
#   CHAOS_BUILD=release|debug   CHAOS_DB=sqlite|pg|both   CHAOS_PG_PORT=55439
set -euo pipefail
cd "$(dirname "$0")/.."
export CHAOS_CREATES=${CHAOS_CREATES:-1000} CHAOS_KILLS=${CHAOS_KILLS:-5}
BUILD=${CHAOS_BUILD:-release}
DBS=${CHAOS_DB:-both}

case "$BUILD" in
  release) cargo build --release -q -p appreg-server --bin appreg; BIN=target/release/appreg ;;
  debug) cargo build -q -p appreg-server --bin appreg; BIN=target/debug/appreg ;;
  *) echo "CHAOS_BUILD must be release or debug" >&2; exit 2 ;;
esac

status=0
if [ "$DBS" = sqlite ] || [ "$DBS" = both ]; then
  dir=$(mktemp -d /tmp/appreg-chaos-sqlite.XXXXXX)
  python3 scripts/chaos.py "$BIN" "sqlite://$dir/chaos.db" "SQLite, $BUILD build" || status=1
  [ "$status" = 0 ] && rm -rf "$dir"
fi

if [ "$DBS" = pg ] || [ "$DBS" = both ]; then
  # A cluster of its own (not the test suite's port), stopped on exit.
  export APPREG_PG_PORT=${CHAOS_PG_PORT:-55439}
  if url=$(bash scripts/pg.sh start 2>/tmp/appreg-chaos-pg.err); then
    trap 'bash scripts/pg.sh stop' EXIT
    db="appreg_chaos_$(date +%s)"
    psql -X -q "$url" -c "CREATE DATABASE $db" >/dev/null
    # The admin URL with the database swapped, keeping its query (sslmode, sslrootcert).
    base=${url%%\?*}; query=${url#"$base"}
    python3 scripts/chaos.py "$BIN" "${base%/*}/$db$query" "PostgreSQL, $BUILD build" || status=1
  else
    echo "== chaos: PostgreSQL NOT RUN — $(cat /tmp/appreg-chaos-pg.err)"
    [ "${CI:-}" = "true" ] && status=1
  fi
fi
exit $status
