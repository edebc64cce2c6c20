#!/usr/bin/env bash
# Latency of the webhook list endpoint on 10,000 webhooks, as ratios to a trivial endpoint
# measured in the same run.
#
# Starts the release webhook-server on a fresh SQLite file in a temporary directory on a free
# loopback port, fills it through the API and measures (bench/list-latency.mjs), then stops the
# server and removes the directory whatever happens.
#
# Usage: bench/list-latency.sh
# Environment: WEBHOOK_SERVER (binary; default target/release/webhook-server, built when missing),
#              BENCH_WEBHOOKS (default 10000), BENCH_REQUESTS (default 500),
#              BENCH_CONCURRENCY (fill, default 16).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

server="${WEBHOOK_SERVER:-$root/target/release/webhook-server}"
if [[ -z "${WEBHOOK_SERVER:-}" && ! -x "$server" ]]; then
  echo "list-latency: building the release server (cargo build --release -p webhook-server)" >&2
  cargo build --release -p webhook-server >&2
fi
if [[ ! -x "$server" ]]; then
  echo "list-latency: no server binary at $server" >&2
  exit 1
fi

# The console files are served but not measured here; an empty directory does when dist/ is absent.
work="$(mktemp -d "${TMPDIR:-/tmp}/webhook-bench.XXXXXX")"
dist="$root/dist"
[[ -d "$dist" ]] || { dist="$work/dist"; mkdir -p "$dist"; }

server_pid=""
bench_pid=""
cleanup() {
  if [[ -n "$bench_pid" ]]; then kill "$bench_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$server" --listen 127.0.0.1:0 --database-url "sqlite://$work/bench.db" --dist "$dist" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

# The server prints one line once it accepts connections: "webhook-server listening on http://…".
base=""
for _ in $(seq 1 300); do
  if line="$(grep -m1 -o 'listening on http://[0-9.:]*' "$work/server.out" 2>/dev/null)"; then
    base="${line#listening on }"
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "list-latency: the server exited before listening:" >&2
    cat "$work/server.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$base" ]]; then
  echo "list-latency: the server did not report its address within 30 s" >&2
  cat "$work/server.err" >&2
  exit 1
fi

echo "server: $server ($(stat -c %y "$server" | cut -d. -f1)), database sqlite://$work/bench.db"
# In the background and waited for, so INT/TERM run the trap at once, not after node finishes.
node "$root/bench/list-latency.mjs" "$base" "$work/bench.db" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
