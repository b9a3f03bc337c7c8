#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for the test suite and benchmarks.
#   scripts/pg.sh start   -> prints the admin URL on stdout (exit 0), or why not on stderr (exit 1)
#   scripts/pg.sh stop
set -euo pipefail
PORT=${APPREG_PG_PORT:-55432}
DIR=${APPREG_PG_DIR:-/tmp/appreg-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
URL="postgres://postgres@127.0.0.1:$PORT/postgres"

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then echo "PostgreSQL is not installed" >&2; exit 1; fi
    if as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then echo "$URL"; exit 0; fi
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$DIR.initdb.log" 2>&1 \
      || { echo "initdb failed: see $DIR.initdb.log" >&2; exit 1; }
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null || { echo "PostgreSQL did not start: see $DIR/server.log" >&2; exit 1; }
    echo "$URL"
    ;;
  stop)
    [ -n "$BIN" ] && [ -d "$DIR/data" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR" "$DIR.initdb.log"
    ;;
  *) echo "usage: scripts/pg.sh start|stop" >&2; exit 2 ;;
esac
