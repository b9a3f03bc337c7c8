# appreg — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

ADDR ?= 127.0.0.1:8080
DB ?= sqlite://data/appreg.db

.PHONY: run test setup web server test-native test-pg test-wasm test-e2e bench bench-server bench-web size lint fmt

setup:
	@bash scripts/setup.sh

## Build the SPA (release, size profile) into dist/.
web: setup
	cargo fetch --quiet
	trunk build --release --offline
	@for f in dist/*.wasm dist/*.js dist/*.css; do brotli -f -k -q 11 "$$f"; gzip -f -k -9 "$$f"; done

server: setup
	cargo build -p appreg-server

## Install what is missing, build, serve on http://$(ADDR) with a SQLite file and demo data.
run: web server
	@mkdir -p data
	./target/debug/appreg serve --addr $(ADDR) --database-url $(DB) --static dist --demo

## Every test: native (core, server, CLI), wasm32 in headless Chromium, end to end.
test: setup
	$(MAKE) test-native
	$(MAKE) test-wasm
	$(MAKE) test-e2e

test-native:
	cargo test --workspace --exclude appreg-web --exclude appreg-size-counter
	$(MAKE) test-pg

## The server's integration suite again, on a throw-away PostgreSQL cluster (with the two-instance tests).
test-pg:
	@bash scripts/test-pg.sh

test-wasm:
	cargo test -p appreg-web --target wasm32-unknown-unknown

test-e2e: web server
	bash e2e/run.sh

## Benchmarks: printed figures, not part of `make test`.
bench:
	cargo bench -p appreg-core --bench validate

bench-web: web server
	bash e2e/bench-web.sh

bench-server:
	@bash scripts/bench-server.sh

size: web
	@echo "== the SPA (dist/) =="
	@bash scripts/size.sh dist
	@trunk build --release --offline --dist target/size-counter crates/size-counter/index.html >/dev/null 2>&1 \
	  || trunk build --release --offline --dist target/size-counter crates/size-counter/index.html
	@echo "== a bare Leptos counter built the same way =="
	@bash scripts/size.sh target/size-counter
	@trunk build --release --offline --dist target/size-floor crates/size-counter/floor.html >/dev/null 2>&1 \
	  || trunk build --release --offline --dist target/size-floor crates/size-counter/floor.html
	@echo "== the floor: that counter plus the core validators the SPA exports to JavaScript, no pages =="
	@bash scripts/size.sh target/size-floor

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p appreg-web -p appreg-core --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all
