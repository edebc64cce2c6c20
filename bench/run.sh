#!/usr/bin/env bash
# Every benchmark, in order: the console's first-load weight, the list endpoint's latency, then
# delivery throughput and latency against the raw signed-POST rate.
# `make bench` runs this after building the console (dist/) in release mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== first load (dist/) =="
node bench/first-load.mjs
echo
echo "== list latency (release webhook-server, SQLite) =="
bench/list-latency.sh
echo
echo "== delivery (release webhook-server, SQLite synchronous=FULL, local receiver) =="
node bench/delivery.mjs
