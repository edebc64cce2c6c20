# Webhook Console: `make run` serves the console on http://127.0.0.1:8080; `make test` runs every test.
# Both install what is missing first (scripts/tools.sh says what it installs).

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO_TERM_COLOR ?= never

.PHONY: run test tools tools-test console test-server test-console test-rust test-openapi test-browser test-e2e bench clean

run: tools console
	cargo build --release -p webhook-server
	./target/release/webhook-server --dist dist

# The server's suites and the console's build and tests run side by side
# (scripts/side-by-side.sh; not make -j, whose job slots would hold each cargo to one job): the
# console's release build is mostly one core (its link-time optimisation), and the server's suites
# spend much of their time waiting on sockets and fsync. The end-to-end suite needs both.
test: tools-test
	scripts/side-by-side.sh '$(MAKE) --no-print-directory test-server' '$(MAKE) --no-print-directory test-console'
	$(MAKE) --no-print-directory test-e2e

test-server:
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-openapi

test-console:
	$(MAKE) --no-print-directory console
	$(MAKE) --no-print-directory test-browser

tools:
	scripts/tools.sh build

tools-test:
	scripts/tools.sh test

# The console, optimised for size and split at its lazy routes, into dist/.
console:
	node scripts/build-console.mjs

# Contract and server: unit and integration tests (real server on port 0, fresh SQLite files).
# Then the server's integration suite once more on PostgreSQL: a throwaway cluster that
# scripts/with-postgres.sh starts, passes as WEBHOOK_TEST_POSTGRES and stops again.
test-rust:
	cargo test -p webhook-api -p webhook-server
	scripts/with-postgres.sh cargo test -p webhook-server --test api

# The API against its own OpenAPI document: schemathesis --checks all, a fixed seed, the server
# only reaching loopback (scripts/schemathesis.sh).
test-openapi:
	scripts/schemathesis.sh

# Console components and unit tests in headless Chromium (wasm-bindgen-test). In a build
# directory of their own: their host half (macros, build scripts) would otherwise share
# target/debug, whose lock then holds the server's suites back while this builds (`make test`
# runs the two side by side).
test-browser:
	CARGO_TARGET_DIR=target/browser-tests cargo test -p webhook-console --target wasm32-unknown-unknown

# Playwright in headless Chromium against a real webhook-server with a temporary database; then
# the operations spec (live view, pause, auto-disable, drills, retention) once more with the
# server on PostgreSQL (a throwaway cluster, as for test-rust). target/debug/webhook-server is
# built as the server's tests build it (see scripts/schemathesis.sh), a no-op after test-rust.
test-e2e:
	cargo test -p webhook-api -p webhook-server --no-run
	npx playwright test
	scripts/with-postgres.sh bash -c 'E2E_POSTGRES="$$WEBHOOK_TEST_POSTGRES" npx playwright test tests/e2e/operations.spec.ts'

bench: tools console
	bench/run.sh

clean:
	rm -rf dist target/wasm-opt test-results playwright-report
