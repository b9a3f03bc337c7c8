#!/usr/bin/env bash
# Runs the server's integration suite against PostgreSQL. Without PostgreSQL, a developer machine reports
# the PostgreSQL part as NOT RUN (never as passed); in CI (CI=true) that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NATIVE_PACKAGES:?run it as make test-pg (the Makefile sets NATIVE_PACKAGES)}"
if ! url=$(bash scripts/pg.sh start 2>/tmp/appreg-pg-start.err); then
  echo "=================================================================="
  echo "PostgreSQL suite: NOT RUN — $(cat /tmp/appreg-pg-start.err)"
  echo "=================================================================="
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
trap 'bash scripts/pg.sh stop' EXIT
echo "PostgreSQL suite: running against $url"
# NATIVE_PACKAGES (the Makefile's): make test-native's cargo selection, so that its build of the suite is
# reused (unquoted on purpose: it is several words).
APPREG_TEST_PG_URL="$url" cargo test $NATIVE_PACKAGES --test it -- --include-ignored
