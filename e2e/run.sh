#!/usr/bin/env bash
# Starts `appreg serve --demo` on a fresh temporary database, runs the Playwright suite against it, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source e2e/serve.sh
work=$(mktemp -d /tmp/appreg-e2e.XXXXXX)
export APPREG_SHOTS="${APPREG_SHOTS:-$work/screenshots}"
mkdir -p "$APPREG_SHOTS"
APPREG_E2E_SMTP=1 start_demo_server "$work" "${APPREG_E2E_PORT:-18181}"
echo "e2e: server on $APPREG_URL, screenshots in $APPREG_SHOTS"
start=$(date +%s)
# `bash e2e/run.sh tests/console.test.js …` runs only those files.
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/); fi
(cd e2e && node --test --test-concurrency=1 "${files[@]}")
echo "e2e: suite took $(( $(date +%s) - start )) s; screenshots written to $APPREG_SHOTS"
