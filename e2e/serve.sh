# Sourced by run.sh and bench-web.sh (from the repository root). The server is target/debug/appreg, or
# APPREG_SERVER_BIN (the benchmarks use the release build: what production runs).
# start_demo_server WORK PORT: assembles the static folder (dist/ and the bench's static page) in WORK,
# starts `appreg serve --demo` on a fresh SQLite file there (listing http://127.0.0.1:PORT+2, where the
# embedding test's host page lives, with --embed-origin), waits for /healthz and exports APPREG_URL. With APPREG_E2E_SMTP=1 (run.sh sets it) it first starts a real SMTP server (aiosmtpd, from
# scripts/setup.sh's .venv) on PORT+1 that logs each message as a JSON line to WORK/smtp.jsonl, points the
# server at it with --smtp-url and exports APPREG_SMTP_LOG. Both are stopped on exit (stop_demo_server).
stop_demo_server() {
  [ -n "${APPREG_SERVER_PID:-}" ] && { kill "$APPREG_SERVER_PID" 2>/dev/null || true; wait "$APPREG_SERVER_PID" 2>/dev/null || true; }
  [ -n "${APPREG_SMTP_PID:-}" ] && { kill "$APPREG_SMTP_PID" 2>/dev/null || true; wait "$APPREG_SMTP_PID" 2>/dev/null || true; }
  return 0
}

start_demo_server() {
  local work=$1 port=$2
  local mail=()
  [ -d dist ] || { echo "dist/ is missing; run make web first" >&2; exit 1; }
  local bin=${APPREG_SERVER_BIN:-target/debug/appreg}
  [ -x "$bin" ] || { echo "$bin is missing; run make server (or make server-release) first" >&2; exit 1; }
  bash e2e/prepare-static.sh "$work/static"
  trap stop_demo_server EXIT
  if [ "${APPREG_E2E_SMTP:-0}" = 1 ]; then
    [ -x .venv/bin/python ] || { echo ".venv is missing; run make setup first" >&2; exit 1; }
    local smtp_port=$((port + 1))
    : >"$work/smtp.jsonl"
    .venv/bin/python scripts/smtp_sink.py 127.0.0.1 "$smtp_port" "$work/smtp.jsonl" >"$work/smtp.log" 2>&1 &
    APPREG_SMTP_PID=$!
    for _ in $(seq 1 100); do grep -q "smtp sink on" "$work/smtp.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "smtp sink on" "$work/smtp.log" || { cat "$work/smtp.log"; exit 1; }
    mail=(--smtp-url "smtp://127.0.0.1:$smtp_port" --outbox-dir "$work/outbox")
    export APPREG_SMTP_LOG="$work/smtp.jsonl"
  fi
  APPREG_OUTBOX_POLL_MS=200 APPREG_REMINDER_SCAN_MS=1000 RUST_LOG=warn "$bin" serve \
    --addr "127.0.0.1:$port" --database-url "sqlite://$work/appreg.db" \
    --static "$work/static" --demo --embed-origin "http://127.0.0.1:$((port + 2))" "${mail[@]}" \
    >"$work/server.log" 2>&1 &
  APPREG_SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
  export APPREG_URL="http://127.0.0.1:$port"
}
