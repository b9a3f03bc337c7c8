#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for the test suite and benchmarks, reachable over TLS only:
# at every start it generates a CA and a server certificate for 127.0.0.1/localhost, and the URL it prints
# verifies the server against that CA (sslmode=verify-full), as production should (docs: README).
#   scripts/pg.sh start   -> prints the admin URL on stdout (exit 0), or why not on stderr (exit 1)
#   scripts/pg.sh stop
set -euo pipefail
PORT=${APPREG_PG_PORT:-55432}
DIR=${APPREG_PG_DIR:-/tmp/appreg-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
URL="postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=verify-full&sslrootcert=$DIR/tls/ca.pem"

# A CA and a server certificate signed by it (SAN 127.0.0.1 and localhost), valid for a day.
make_certs() {
  local d="$DIR/tls"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=appreg test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 1 \
    -extfile "$d/ext.cnf" -out "$d/server.pem" >/dev/null 2>&1
  chmod 600 "$d/server.key"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$d"
  chmod 755 "$d"; chmod 644 "$d/ca.pem"
}

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
    command -v openssl >/dev/null || { echo "openssl is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
    make_certs
    # TLS only: plain connections from the network are refused.
    printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\nhost all all 0.0.0.0/0 reject\n' \
      | as_pg tee "$DIR/data/pg_hba.conf" >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c ssl=on -c ssl_cert_file=$DIR/tls/server.pem -c ssl_key_file=$DIR/tls/server.key" \
      start >/dev/null || { echo "PostgreSQL did not start: see $DIR/server.log" >&2; exit 1; }
    echo "$URL"
    ;;
  stop)
    [ -n "$BIN" ] && [ -d "$DIR/data" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR" "$DIR.initdb.log"
    ;;
  *) echo "usage: scripts/pg.sh start|stop" >&2; exit 2 ;;
esac
