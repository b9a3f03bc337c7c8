# appreg — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

ADDR ?= 127.0.0.1:8080
DB ?= sqlite://data/appreg.db
# The native crates' tests, as one cargo selection: test-native runs them and scripts/test-pg.sh runs the
# server's suite again with the same selection, so that it reuses that build (another selection unifies
# other features and builds the server and its suite a second time).
export NATIVE_PACKAGES := --workspace --exclude appreg-web --exclude appreg-size-counter

.PHONY: run test setup web server server-release test-native test-pg test-mail test-wasm test-e2e bench bench-server bench-web bench-timeline bench-ab size size-budget twiggy lint fmt chaos chaos-small bench-abuse

setup:
	@bash scripts/setup.sh

## Build the SPA (release, size profile) into dist/.
## The same code builds the same files (gzip -n: no name or time in the .gz files).
web: setup
	cargo fetch --quiet
	PATH=$(CURDIR)/scripts/wasm-split:$$PATH APPREG_WASM_SPLIT=1 trunk build --release --offline
	@for f in dist/*.wasm dist/*.js dist/*.css dist/index.html; do brotli -f -k -q 11 "$$f"; gzip -f -k -n -9 "$$f"; done

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
	$(MAKE) size-budget
	$(MAKE) test-e2e

## Fails when the release SPA (brotli) outgrows the budget in size-budget.txt.
size-budget: web
	@bash scripts/size-budget.sh

test-native:
	cargo test $(NATIVE_PACKAGES)
	$(MAKE) test-pg
	$(MAKE) test-mail
	$(MAKE) chaos-small
	bash scripts/schemathesis.sh

## The server's integration suite again, on a throw-away PostgreSQL cluster (with the two-instance tests).
test-pg:
	@bash scripts/test-pg.sh

## E-mail under faults: a real SMTP server (aiosmtpd) and two instances on one PostgreSQL: each event
## delivered exactly once, delivery resumes after the SMTP server was down, no reminder sent twice.
test-mail:
	@bash scripts/test-mail.sh

test-wasm:
	cargo test -p appreg-web --target wasm32-unknown-unknown

test-e2e: web server
	bash e2e/run.sh

## Crash safety: 1,000 creates (20 % retried with the same Idempotency-Key) against the release server,
## kill -9'd and restarted five times, then the invariants checked, on SQLite and on PostgreSQL.
chaos:
	@CHAOS_CREATES=1000 CHAOS_KILLS=5 CHAOS_BUILD=release CHAOS_DB=both bash scripts/chaos.sh

## The small version, part of `make test`: 60 creates, 2 kills, the debug build, SQLite.
chaos-small:
	@CHAOS_CREATES=60 CHAOS_KILLS=2 CHAOS_BUILD=debug CHAOS_DB=sqlite bash scripts/chaos.sh

## Benchmarks: printed figures, not part of `make test`.
bench:
	cargo bench -p appreg-core --bench validate

## The browser benchmarks run the release build of the server (what production runs), the static page's
## and the SPA's alike; `make test` and `make run` use the debug build.
server-release: setup
	cargo build --release -p appreg-server

bench-web: web server-release
	APPREG_SERVER_BIN=target/release/appreg bash e2e/bench-web.sh

## Where a first visit's time goes: each file's bytes and the app's start, on the slow profile.
bench-timeline: web server-release
	APPREG_SERVER_BIN=target/release/appreg BENCH_SCRIPT=e2e/bench/timeline.js bash e2e/bench-web.sh

## This build's unthrottled first visit next to another build's (OTHER=DIR, a dist/ of another revision),
## the two and the static page loaded in turns (AB_ROUTE=home: the partner page; AB_SLOW=1: the slow profile).
bench-ab: web server-release
	APPREG_SERVER_BIN=target/release/appreg bash e2e/bench-ab.sh "$(OTHER)"

bench-server:
	@bash scripts/bench-server.sh

## /healthz latency while 4 worst-case /check requests and 4 key generations run (release build).
bench-abuse: setup
	@bash scripts/bench-abuse.sh

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
	@floor=$$(bash scripts/size-total.sh target/size-floor); \
	  for what in first wizard whole; do spa=$$(bash scripts/size-total.sh dist $$what); \
	    echo "== the SPA ($$what) is $$spa B brotli: $$(awk -v s=$$spa -v f=$$floor 'BEGIN { printf "%.2f", s / f }') x the floor ($$floor B) =="; \
	  done
	@bash scripts/size-budget.sh

## What the SPA's wasm is made of: twiggy's 40 largest items, from a build that keeps function names
## (the wasm-analyze profile: the release size profile without strip).
twiggy: setup
	@command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked
	APPREG_WASM_SPLIT=1 cargo build --profile wasm-analyze --target wasm32-unknown-unknown -p appreg-web --bin appreg-web
	@echo "== the main module (a first visit) =="
	twiggy top -n 40 target/wasm32-unknown-unknown/wasm-analyze/appreg-web.wasm
	twiggy top -n 100000 -f csv target/wasm32-unknown-unknown/wasm-analyze/appreg-web.wasm | python3 scripts/twiggy_crates.py
	@echo "== the on-demand module of the pages after Create =="
	twiggy top -n 100000 -f csv target/wasm-split/wasm-analyze/split_later.wasm | python3 scripts/twiggy_crates.py
	@echo "== the on-demand module of the URL rules and the wizard's later steps =="
	twiggy top -n 100000 -f csv target/wasm-split/wasm-analyze/split_rules.wasm | python3 scripts/twiggy_crates.py
	@for c in target/wasm-split/wasm-analyze/chunk_*.wasm; do \
	  echo "== $$(basename $$c): what those two share =="; \
	  twiggy top -n 100000 -f csv $$c | python3 scripts/twiggy_crates.py; done

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p appreg-web -p appreg-core --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all
