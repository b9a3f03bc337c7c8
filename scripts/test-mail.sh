#!/usr/bin/env bash
# The e-mail outbox under faults (issue #14): a real SMTP server (aiosmtpd, installed into .venv by
# scripts/setup.sh) and two `appreg serve` instances on one throw-away PostgreSQL (scripts/pg.sh).
# Shows each event delivered exactly once by two instances, delivery resuming after the SMTP server was
# down, and a reminder not sent again after a restart (scripts/test_mail.py has the steps). Without
# PostgreSQL or aiosmtpd a developer machine reports NOT RUN (never passed); in CI (CI=true) that fails.
#   APPREG_MAIL_PG_PORT=55433  MAIL_SMTP_PORT=18125  MAIL_A_PORT=18126  MAIL_B_PORT=18127  MAIL_EVENTS=20
set -euo pipefail
cd "$(dirname "$0")/.."
# A cluster of its own (not test-pg.sh's): its outbox must start empty.
export APPREG_PG_PORT=${APPREG_MAIL_PG_PORT:-55433}
not_run() {
  echo "=================================================================="
  echo "E-mail fault test: NOT RUN — $1"
  echo "=================================================================="
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
}
.venv/bin/python -c 'import aiosmtpd' 2>/dev/null || not_run "aiosmtpd is not installed (scripts/setup.sh installs it)"
if ! url=$(bash scripts/pg.sh start 2>/tmp/appreg-mail-pg.err); then
  not_run "$(cat /tmp/appreg-mail-pg.err)"
fi
dir=$(mktemp -d /tmp/appreg-mail.XXXXXX)
trap 'bash scripts/pg.sh stop; rm -rf "$dir"' EXIT
PSQL=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/psql
cargo build -q -p appreg-server --bin appreg
echo "E-mail fault test: two instances on $url"
if ! python3 scripts/test_mail.py target/debug/appreg "$url" "$PSQL" "$dir"; then
  for f in "$dir"/*.log; do echo "--- $f (last lines)"; tail -n 30 "$f"; done
  exit 1
fi
