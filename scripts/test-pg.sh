#!/usr/bin/env bash
# Runs the server's integration suite against PostgreSQL. Without PostgreSQL, a developer machine reports
# the PostgreSQL part as NOT RUN (never as passed); in CI (CI=true) that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! url=$(bash scripts/pg.sh start 2>/tmp/appreg-pg-start.err); then
  echo "=================================================================="
  echo "PostgreSQL suite: NOT RUN — $(cat /tmp/appreg-pg-start.err)"
  echo "=================================================================="
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
trap 'bash scripts/pg.sh stop' EXIT
echo "PostgreSQL suite: running against $url"
# The same package selection as `make test-native`'s cargo test, so its build of the suite is reused (with
# `-p appreg-server` alone the features differ and the server and the suite are built a second time).
APPREG_TEST_PG_URL="$url" cargo test --workspace --exclude appreg-web --exclude appreg-size-counter --test it -- --include-ignored
