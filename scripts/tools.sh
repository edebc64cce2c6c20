#!/usr/bin/env bash
# Installs what the build and the tests need, only what is missing, and says what it installs.
# Usage: scripts/tools.sh build   (wasm target, wasm-bindgen-cli, wasm-split-cli, wasm-opt)
#        scripts/tools.sh test    (the above, plus Chromium, ChromeDriver and Playwright)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_SPLIT_VERSION=0.2.4
SCHEMATHESIS_VERSION=4.32.5
# wasm-bindgen-cli must equal the wasm-bindgen of Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)

say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The tools built from source (wasm-bindgen-cli, wasm-split-cli) build side by side, each into its
# own log, without their release profiles' fat LTO and single codegen unit, and optimised less
# (opt-level 1): they run for seconds per build, and LLVM's full optimisation of their
# dependencies was most of the cold start. (trunk, whose install took longest, is not used since
# 2026-12-03: scripts/build-console.mjs builds the console.)
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
JOBS=()
# Runs "$@" in the background as job NAME, its output in $LOGS/NAME.log.
start() {
  local name=$1
  shift
  ("$@") >"$LOGS/$name.log" 2>&1 &
  JOBS+=("$name:$!")
}
# Waits for every job; prints the log of each that failed and fails.
finish() {
  local failed=0 job
  for job in "${JOBS[@]}"; do
    if ! wait "${job#*:}"; then
      say "installing ${job%%:*} failed:"
      cat "$LOGS/${job%%:*}.log"
      failed=1
    fi
  done
  JOBS=()
  return "$failed"
}

install_wasm_bindgen() {
  # `cargo install --locked wasm-bindgen-cli` fails on its pinned webpki-roots; build it from its
  # own source with that one dependency moved back.
  local tmp src
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
}
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  say "installing wasm-bindgen-cli $WB_VERSION (takes a few minutes)"
  start wasm-bindgen-cli install_wasm_bindgen
fi

# Splits the console's wasm at its lazy routes (scripts/build-console.mjs); the splitter cargo-leptos uses.
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION, about a minute)"
  start wasm-split-cli cargo install --locked "wasm_split_cli_support@$WASM_SPLIT_VERSION" --features build-binary
fi

MODE=${1:-build}
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ]; then
  say "installing npm packages (binaryen's wasm-opt, Playwright without any browser download)"
  start npm env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if [ "$MODE" = test ]; then
  PIP=()
  # The Standard Webhooks reference verifier checks our signatures in the server tests.
  python3 -c 'import standardwebhooks' 2>/dev/null || PIP+=(standardwebhooks)
  # Prometheus' own parser reads /metrics in the server tests.
  python3 -c 'import prometheus_client' 2>/dev/null || PIP+=(prometheus_client)
  # schemathesis checks the API against its OpenAPI document (scripts/schemathesis.sh).
  schemathesis --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" \
    || PIP+=("schemathesis==$SCHEMATHESIS_VERSION")
  if [ ${#PIP[@]} -gt 0 ]; then
    say "installing from PyPI: ${PIP[*]} (reference verifier, Prometheus text-format parser, API fuzzer)"
    start pip python3 -m pip install -q "${PIP[@]}"
  fi
  # Debian packages, in one apt-get run (apt takes one lock): the real sender of the
  # inbound-webhook tests (a plain process; no systemd needed), the browser of the console tests,
  # and PostgreSQL for the second backend's run (scripts/with-postgres.sh would install it later).
  # Alertmanager without its recommends (a web UI's assets), the others as Debian means them.
  DEB=() BARE=()
  [ -x /usr/bin/prometheus-alertmanager ] || BARE+=(prometheus-alertmanager)
  [ -x /usr/bin/chromium ] || DEB+=(chromium)
  [ -x /usr/bin/chromedriver ] || DEB+=(chromium-driver)
  # scripts/schemathesis.sh signs in and makes its fixtures with them.
  [ -x /usr/bin/curl ] || DEB+=(curl)
  [ -x /usr/bin/jq ] || DEB+=(jq)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || DEB+=(postgresql)
  if [ $((${#DEB[@]} + ${#BARE[@]})) -gt 0 ]; then
    say "installing from Debian: ${DEB[*]} ${BARE[*]}"
    apt_install() {
      apt-get update -q
      export DEBIAN_FRONTEND=noninteractive
      [ ${#DEB[@]} -eq 0 ] || apt-get install -y -q "${DEB[@]}"
      [ ${#BARE[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${BARE[@]}"
    }
    start apt apt_install
  fi
fi

finish
