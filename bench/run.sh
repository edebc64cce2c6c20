#!/usr/bin/env bash
# Every benchmark, in order: the console's first-load weight (files, then in Chromium: bytes on the
# wire and time to the first rows painted), the list endpoint's latency and its
# throughput under load, then delivery throughput and latency (SQLite, PostgreSQL with one and
# three instances) against the raw signed-POST rate.
# `make bench` runs this after building the console (dist/) in release mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== first load (dist/) =="
node bench/first-load.mjs
echo
echo "== the first load's floor: a bare Leptos list built as the console is =="
node bench/first-load-floor.mjs
echo
echo "== first paint in Chromium (release webhook-server, dist/) =="
[ -x target/release/webhook-server ] || cargo build --release -p webhook-server
node bench/first-paint.mjs
echo
echo "== list latency (release webhook-server, SQLite and PostgreSQL) =="
scripts/with-postgres.sh bench/list-latency.sh
echo
echo "== the list under load (wrk; release webhook-server, SQLite and PostgreSQL) =="
scripts/with-postgres.sh bench/list-load.sh
echo
echo "== delivery (release webhook-server on SQLite and on PostgreSQL ×1 / ×3, local receiver) =="
# The PostgreSQL cases need a server: BENCH_POSTGRES when set, else a throwaway cluster that
# scripts/with-postgres.sh starts (and removes) around the bench.
if [ -n "${BENCH_POSTGRES:-}" ]; then
  node bench/delivery.mjs
else
  scripts/with-postgres.sh node bench/delivery.mjs
fi
