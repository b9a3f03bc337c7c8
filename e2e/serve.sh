# Sourced by run.sh and bench-web.sh (from the repository root).
# start_demo_server WORK PORT: assembles the static folder (dist/, examples/embed.html, the bench's static
# page) in WORK, starts `appreg serve --demo` on a fresh SQLite file there, waits for /healthz and exports
# APPREG_URL. The server is stopped on exit (stop_demo_server).
stop_demo_server() {
  [ -n "${APPREG_SERVER_PID:-}" ] && { kill "$APPREG_SERVER_PID" 2>/dev/null || true; wait "$APPREG_SERVER_PID" 2>/dev/null || true; }
}

start_demo_server() {
  local work=$1 port=$2
  [ -d dist ] || { echo "dist/ is missing; run make web first" >&2; exit 1; }
  [ -x target/debug/appreg ] || { echo "target/debug/appreg is missing; run make server first" >&2; exit 1; }
  bash e2e/prepare-static.sh "$work/static"
  RUST_LOG=warn ./target/debug/appreg serve --addr "127.0.0.1:$port" --database-url "sqlite://$work/appreg.db" \
    --static "$work/static" --demo >"$work/server.log" 2>&1 &
  APPREG_SERVER_PID=$!
  trap stop_demo_server EXIT
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
  export APPREG_URL="http://127.0.0.1:$port"
}
