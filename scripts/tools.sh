#!/usr/bin/env bash
# Installs what the build and the tests need, only what is missing, and says what it installs.
# Usage: scripts/tools.sh build   (wasm target, trunk, wasm-bindgen-cli, wasm-opt)
#        scripts/tools.sh test    (the above, plus Chromium, ChromeDriver and Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_SPLIT_VERSION=0.2.4
# wasm-bindgen-cli must equal the wasm-bindgen of Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (takes a few minutes)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  # `cargo install --locked wasm-bindgen-cli` fails on its pinned webpki-roots; build it from its
  # own source with that one dependency moved back.
  say "installing wasm-bindgen-cli $WB_VERSION (takes a few minutes)"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/fetch/src"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nwasm-bindgen-cli = "=%s"\n' \
    "$WB_VERSION" > "$tmp/fetch/Cargo.toml"
  touch "$tmp/fetch/src/lib.rs"
  (cd "$tmp/fetch" && cargo fetch -q)
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/wasm-bindgen-cli-"$WB_VERSION" | head -n1)
  cp -r "$src" "$tmp/cli"
  (cd "$tmp/cli" && cargo update -q -p webpki-roots --precise 1.0.10 && cargo install --locked --path .)
  rm -rf "$tmp"
fi

# Splits the console's wasm at its lazy routes (scripts/split.mjs); the splitter cargo-leptos uses.
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION, about a minute)"
  cargo install --locked "wasm_split_cli_support@$WASM_SPLIT_VERSION" --features build-binary
fi

MODE=${1:-build}
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ]; then
  say "installing npm packages (binaryen's wasm-opt, Playwright without any browser download)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if [ "$MODE" = test ]; then
  # The Standard Webhooks reference verifier checks our signatures in the server tests.
  if ! python3 -c 'import standardwebhooks' 2>/dev/null; then
    say "installing the standardwebhooks reference library (PyPI)"
    python3 -m pip install -q standardwebhooks
  fi
  # Prometheus' own parser reads /metrics in the server tests.
  if ! python3 -c 'import prometheus_client' 2>/dev/null; then
    say "installing the Prometheus client library (PyPI) for its text-format parser"
    python3 -m pip install -q prometheus_client
  fi
  # The real sender of the inbound-webhook tests (a plain process; no systemd needed).
  if [ ! -x /usr/bin/prometheus-alertmanager ]; then
    say "installing Prometheus Alertmanager from Debian"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus-alertmanager
  fi
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Chromium and ChromeDriver from Debian"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
  fi
fi
