#!/usr/bin/env bash
# The webhook list under load (issue 12, "the list under load"): wrk with 64 connections against
# the issue's list request and against GET /api/v1/event-types of the same server, in alternating
# rounds, at 2,000 and 100,000 webhooks (BENCH_LOAD_SIZES), on SQLite and, under
# scripts/with-postgres.sh, on PostgreSQL too. Each size and backend gets a fresh server and
# database filled through the API (bench/list-latency.sh with BENCH_MEASURE=load), then a summary.
#
# Usage: bench/list-load.sh
#        scripts/with-postgres.sh bench/list-load.sh      (SQLite, then PostgreSQL)
# Environment: BENCH_LOAD_SIZES (default "2000 100000"), BENCH_LOAD_ROUNDS (2),
#              BENCH_LOAD_SECONDS (10), BENCH_LOAD_THREADS (2), BENCH_LOAD_CONNECTIONS (64),
#              BENCH_LOAD_TARGETS (baseline,issue,first), and those of bench/list-latency.sh
#              (WEBHOOK_SERVER, BENCH_BACKENDS, BENCH_CONCURRENCY, BENCH_KEEP_DB, …).
# Needs wrk: installed from Debian (apt-get install wrk) when missing and running as root.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "list-load: installing wrk from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >&2; }
  else
    echo "list-load: needs wrk (sudo apt-get install -y wrk)" >&2
    exit 2
  fi
fi

sizes="${BENCH_LOAD_SIZES:-2000 100000}"
sizes="${sizes//,/ }"
results="$(mktemp -d "${TMPDIR:-/tmp}/webhook-list-load.XXXXXX")"
child=""
cleanup() {
  if [[ -n "$child" ]]; then kill "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  rm -rf "$results"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2), node $(node --version), tree $(git describe --always --dirty 2>/dev/null || echo '?')"
for n in $sizes; do
  echo
  echo "##### $n webhooks #####"
  # In the background and waited for, so INT/TERM reach the trap at once.
  BENCH_MEASURE=load BENCH_WEBHOOKS="$n" BENCH_RESULT_DIR="$results" "$root/bench/list-latency.sh" &
  child=$!
  wait "$child"
  child=""
done

echo
args=()
for n in $sizes; do
  for b in sqlite postgres; do
    f="$results/$b-$n.json"
    [[ -e "$f" ]] && args+=("$b=$f")
  done
done
node "$root/bench/list-latency.mjs" --compare "${args[@]}"
