#!/usr/bin/env bash
# make bench-server: the server benchmark on a temporary SQLite file, then on a throw-away PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p appreg-server --bench server --no-run -q 2>/dev/null || cargo bench -p appreg-server --bench server --no-run
echo "== SQLite =="
cargo bench -q -p appreg-server --bench server
if url=$(bash scripts/pg.sh start 2>/tmp/appreg-pg-start.err); then
  trap 'bash scripts/pg.sh stop' EXIT
  db="appreg_bench_$(date +%s)"
  psql -q "$url" -c "CREATE DATABASE $db" >/dev/null
  echo "== PostgreSQL =="
  DATABASE_URL="${url%/*}/$db" cargo bench -q -p appreg-server --bench server
else
  echo "== PostgreSQL: NOT MEASURED — $(cat /tmp/appreg-pg-start.err)"
fi
