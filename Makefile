# Backrooms: every target installs what it needs first, so a fresh machine
# needs nothing done by hand. See README.md.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130
# The viewer of /api/docs, committed in public/api-docs/ (`make swagger-ui` refreshes it).
SWAGGER_UI_VERSION := 5.35.0
BINARYEN_VERSION     := 123.0.0
# cargo-leptos builds debug code with this flag; tests use it too so both
# share one build of the dependencies.
TEST_RUSTFLAGS       := --cfg erase_components
E2E_ADDR             := 127.0.0.1:3107

.PHONY: run dev test test-rust test-e2e build bench lighthouse lint fmt tools browser e2e-deps swagger-ui clean

## make run: build the release site and serve it on http://127.0.0.1:3000 (data in ./data)
run: tools
	cargo leptos build --release
	BACKROOMS_DATA_DIR=$${BACKROOMS_DATA_DIR:-./data} ./target/release/backrooms

## make dev: rebuild and restart on every change
dev: tools
	cargo leptos watch

## make test: formatting, every Rust test, then Playwright in Chromium (phone + desktop, JS on and off)
test: tools browser e2e-deps
	cargo fmt --all -- --check
	$(MAKE) test-rust
	$(MAKE) test-e2e

# With cargo-nextest (on this kind of machine; .config/nextest.toml) each
# test runs in its own process and a hung one is killed after 3 minutes;
# without it, cargo test. Either way the run fails after 40 minutes
# (compiling included) instead of holding CI until its own limit.
# The suite runs twice: on SQLite, then on a throwaway PostgreSQL that
# scripts/with-postgres starts (each test server its own database), less
# the SQLite file's own backups. The replicas' tests (several servers on
# one database) and migrate-data's (SQLite into PostgreSQL) run in the
# PostgreSQL pass only.
test-rust:
	@if cargo nextest --version >/dev/null 2>&1; then \
	  RUSTFLAGS="$(TEST_RUSTFLAGS)" timeout --foreground 2400 \
	    cargo nextest run --features ssr -E 'not test(/^(replicas|migrate_data)::/)' && \
	  RUSTFLAGS="$(TEST_RUSTFLAGS)" timeout --foreground 1200 scripts/with-postgres \
	    cargo nextest run --features ssr -E 'not test(/^backups::/)'; \
	else \
	  RUSTFLAGS="$(TEST_RUSTFLAGS)" timeout --foreground 2400 cargo test --features ssr -- --skip replicas:: --skip migrate_data:: && \
	  RUSTFLAGS="$(TEST_RUSTFLAGS)" timeout --foreground 1200 scripts/with-postgres \
	    cargo test --features ssr -- --skip backups::; \
	fi

# A fresh database and a port of its own, so a running `make run` is never touched.
test-e2e:
	data=$$(mktemp -d) && \
	BACKROOMS_DATA_DIR=$$data BACKROOMS_ADDR=$(E2E_ADDR) BASE_URL=http://$(E2E_ADDR) \
	RUST_LOG=warn cargo leptos end-to-end --release; \
	rc=$$?; rm -rf "$$data"; exit $$rc

build: tools
	cargo leptos build --release
	target/release/backrooms precompress target/site/pkg

## make bench: binary size, start-up time, idle memory, first-load bytes, relay overhead and 200 concurrent streams (on SQLite, then on PostgreSQL), three replicas (200 streams on one vs three, cross-replica delta latency), search, the quota check, attachments, one run to 1 000 and 10 000 viewers
bench: build
	./bench/run.sh
	cargo run --release --no-default-features --features ssr --example relay_bench
	scripts/with-postgres cargo run --release --no-default-features --features ssr --example relay_bench
	scripts/with-postgres cargo run --release --no-default-features --features ssr --example replicas_bench
	cargo run --release --no-default-features --features ssr --example rooms_bench
	cargo run --release --no-default-features --features ssr --example search_bench
	cargo run --release --no-default-features --features ssr --example quota_bench
	cargo run --release --no-default-features --features ssr --example attachments_bench
	cargo run --release --no-default-features --features ssr --example fanout_bench

## make lighthouse: Lighthouse mobile scores of the release build (npm lighthouse, Debian's Chromium)
lighthouse: build
	@command -v lighthouse >/dev/null || npm install -g lighthouse@12
	./bench/lighthouse.sh

## make lint: formatting, clippy -D warnings (server and WASM), and the layer guard
lint: tools
	cargo fmt --all -- --check
	@# Layers point down: only the page handler renders the app.
	@if grep -rn 'crate::ui' src/server src/serverfns src/text src/model src/error.rs | grep -v '^src/server/pages.rs:'; then \
	  echo "lint: server code imports ui/ (only src/server/pages.rs may)"; exit 1; fi
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

tools:
	@# The server links libpq (PostgreSQL's client library) beside SQLite.
	@[ -f /usr/include/postgresql/libpq-fe.h ] || { apt-get update && apt-get install -y libpq-dev; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force
	@# Debian's binaryen (108) makes release builds that never hydrate: use npm's.
	@wasm-opt --version 2>/dev/null | grep -q "version 123" || { \
	  if dpkg -s binaryen >/dev/null 2>&1; then apt-get remove -y binaryen; fi; \
	  npm install -g binaryen@$(BINARYEN_VERSION); }

browser:
	@command -v chromium >/dev/null || { apt-get update && \
	  { apt-get install -y chromium || apt-get install -y chromium; }; }

e2e-deps:
	@[ -d end2end/node_modules/@playwright/test ] || \
	  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)

swagger-ui:
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) >/dev/null && \
	  tar xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz) && \
	cp $$tmp/package/swagger-ui-bundle.js $$tmp/package/swagger-ui.css \
	  $$tmp/package/LICENSE $$tmp/package/NOTICE public/api-docs/ && \
	sed -i 's#/\*\# sourceMappingURL=swagger-ui.css.map\*/##' public/api-docs/swagger-ui.css && \
	sed -i 's/swagger-ui-dist@[0-9.]*/swagger-ui-dist@$(SWAGGER_UI_VERSION)/' public/api-docs/README.md; \
	rc=$$?; rm -rf $$tmp; exit $$rc

clean:
	cargo clean
	rm -rf end2end/node_modules
