#!/usr/bin/env bash
# Installs every tool the project needs, skipping what is already there at the right version.
# Idempotent: safe to run on every `make run` / `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,"",$0); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# --- Debian packages -------------------------------------------------------
need_apt=()
command -v wasm-opt >/dev/null 2>&1 || need_apt+=(binaryen)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
command -v brotli >/dev/null 2>&1 || need_apt+=(brotli)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ "${APPREG_SKIP_POSTGRES:-0}" != 1 ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
else
  log "Debian packages present"
fi

# --- Rust targets and cargo tools ------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (takes ~11 min on 2 cores)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install trunk --version "$TRUNK_VERSION" --locked
else
  log "trunk $TRUNK_VERSION present"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ] \
   || ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~5 min)"
  # --locked fails (a locked dependency version is missing from the registry), so install without it.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
else
  log "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
fi

# wasm-split-cli cuts the release SPA's wasm at its split points (scripts/split-wasm-ld, `make web`).
WASM_SPLIT_VERSION=0.2.3
if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:" \
   || ! command -v wasm-split-cli >/dev/null 2>&1; then
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (wasm_split_cli_support, ~1 min)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force
else
  log "wasm-split-cli $WASM_SPLIT_VERSION present"
fi

# --- Python tools (a project virtualenv) -----------------------------------
# schemathesis fuzzes the REST API against its OpenAPI document in `make test`.
SCHEMATHESIS_VERSION=4.32.5
if [ "$(.venv/bin/st --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
else
  log "schemathesis $SCHEMATHESIS_VERSION present"
fi

# aiosmtpd is the real SMTP server of the e-mail fault test (scripts/test-mail.sh), in the same .venv.
AIOSMTPD_VERSION=1.4.6
if [ "$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("aiosmtpd"))' 2>/dev/null)" != "$AIOSMTPD_VERSION" ]; then
  log "installing aiosmtpd $AIOSMTPD_VERSION into .venv"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
else
  log "aiosmtpd $AIOSMTPD_VERSION present"
fi

# --- npm packages: the end-to-end suite, and esbuild (make web minifies the glue and the CSS) ---
if [ -f e2e/package.json ]; then
  if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/typescript ] || [ ! -x e2e/node_modules/.bin/esbuild ] || [ e2e/package.json -nt e2e/node_modules/.installed ]; then
    log "installing e2e npm packages"
    (cd e2e && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
  else
    log "e2e npm packages present"
  fi
fi
log "done"
