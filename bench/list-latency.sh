#!/usr/bin/env bash
# Latency of the webhook list endpoint on 10,000 webhooks (BENCH_WEBHOOKS), as ratios to a trivial
# endpoint measured in the same run, on SQLite and, when a PostgreSQL server is at hand (env
# WEBHOOK_TEST_POSTGRES), on PostgreSQL too.
#
# For each backend: starts the release webhook-server on a fresh database (SQLite: a file in a
# temporary directory; PostgreSQL: a new database on the server of WEBHOOK_TEST_POSTGRES) on a
# free loopback port, fills it through the API and measures (bench/list-latency.mjs), then stops
# the server. The temporary directory and the PostgreSQL database are removed whatever happens
# (unless BENCH_KEEP_DB=1). With more than one backend a side-by-side summary follows the tables.
#
# Usage: bench/list-latency.sh
#        scripts/with-postgres.sh bench/list-latency.sh        (SQLite, then PostgreSQL)
# Environment: WEBHOOK_SERVER (binary; default target/release/webhook-server, built when missing),
#              BENCH_WEBHOOKS (default 10000), BENCH_REQUESTS (default 500),
#              BENCH_CONCURRENCY (fill, default 16),
#              WEBHOOK_TEST_POSTGRES (postgres://USER@HOST:PORT/DB, as scripts/with-postgres.sh
#                sets it: adds the PostgreSQL run, in a new database created on that server),
#              BENCH_BACKENDS (space- or comma-separated, from sqlite and postgres; default
#                sqlite, plus postgres when WEBHOOK_TEST_POSTGRES is set),
#              BENCH_PG_DATABASE (name of the database to create; default webhook_bench_PID),
#              BENCH_PG_ANALYZE (default 1: VACUUM ANALYZE the PostgreSQL database between the fill
#                and the measurement, the state autovacuum reaches soon after a bulk load; 0: measure
#                the database as the fill left it, possibly without any statistics yet),
#              BENCH_MEASURE=load (wrk rounds instead of sequential latency: bench/list-load.sh),
#              BENCH_RESULT_DIR (write each backend's figures to DIR/BACKEND-WEBHOOKS.json),
#              BENCH_KEEP_DB=1 (keep the SQLite file and the PostgreSQL database afterwards, and
#                say where they are, e.g. to EXPLAIN the list's statements on them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pg_admin="${WEBHOOK_TEST_POSTGRES:-}"
backends="${BENCH_BACKENDS:-sqlite${pg_admin:+ postgres}}"
backends="${backends//,/ }"
for b in $backends; do
  case "$b" in
    sqlite) ;;
    postgres)
      if [[ -z "$pg_admin" ]]; then
        echo "list-latency: the postgres backend needs WEBHOOK_TEST_POSTGRES (see scripts/with-postgres.sh)" >&2
        exit 2
      fi
      command -v psql >/dev/null || { echo "list-latency: the postgres backend needs psql" >&2; exit 2; }
      ;;
    *) echo "list-latency: unknown backend '$b' in BENCH_BACKENDS (sqlite, postgres)" >&2; exit 2 ;;
  esac
done
[[ -n "${backends// /}" ]] || { echo "list-latency: BENCH_BACKENDS names no backend" >&2; exit 2; }
keep="${BENCH_KEEP_DB:-}"
[[ "$keep" == 0 ]] && keep=""

server="${WEBHOOK_SERVER:-$root/target/release/webhook-server}"
# The first administrator's password of each fresh database; list-latency.mjs signs in with it.
admin_password="bench-admin-password"
export BENCH_ADMIN_PASSWORD="$admin_password"
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
pg_db=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]]; then wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
drop_pg_db() {
  [[ -n "$pg_db" ]] || return 0
  if [[ -n "$keep" ]]; then
    echo "list-latency: kept the PostgreSQL database $(pg_url "$pg_db")" >&2
  else
    psql "$pg_admin" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 ||
      echo "list-latency: could not drop the PostgreSQL database $pg_db" >&2
  fi
  pg_db=""
}
cleanup() {
  if [[ -n "$bench_pid" ]]; then kill "$bench_pid" 2>/dev/null || true; fi
  stop_server
  drop_pg_db
  if [[ -n "$keep" && -e "$work/bench.db" ]]; then
    rm -rf "$work/dist" "$work"/*.json "$work"/server.*
    echo "list-latency: kept the SQLite database sqlite://$work/bench.db" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The URL of database $1 on the server of WEBHOOK_TEST_POSTGRES: its path replaced, any query kept.
pg_url() {
  local url="${pg_admin%%\?*}" query=""
  [[ "$pg_admin" == *\?* ]] && query="?${pg_admin#*\?}"
  local rest="${url#*://}"
  if [[ "$rest" == */* ]]; then url="${url%/*}"; fi
  printf '%s/%s%s' "$url" "$1" "$query"
}

# Starts the server on database URL $1 and sets $base to its address.
start_server() {
  # Emptied here, not only by the redirection below (which runs in the child, possibly after the
  # first look for the address): a previous backend's line must not be read as this server's.
  : >"$work/server.out"
  WEBHOOK_ADMIN_PASSWORD="$admin_password" WEBHOOK_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" \
  "$server" --listen 127.0.0.1:0 --database-url "$1" --dist "$dist" \
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
}

# Runs the fill and the measurement against the server at $base; extra arguments go to the .mjs.
run_bench() {
  # In the background and waited for, so INT/TERM run the trap at once, not after node finishes.
  BENCH_SERVER_PID="$server_pid" node "$root/bench/list-latency.mjs" "$base" "$@" &
  bench_pid=$!
  local status=0
  wait "$bench_pid" || status=$?
  bench_pid=""
  return "$status"
}

set -- $backends
several=""
[[ $# -gt 1 ]] && several=1
results=()
for backend in "$@"; do
  # Each backend's result, for the summary (BENCH_RESULT_JSON is read by the .mjs).
  export BENCH_RESULT_JSON=""
  if [[ -n "${BENCH_RESULT_DIR:-}" ]]; then
    # Kept for the caller (bench/list-load.sh sums up several sizes).
    BENCH_RESULT_JSON="$BENCH_RESULT_DIR/$backend-${BENCH_WEBHOOKS:-10000}.json"
    results+=("$backend=$BENCH_RESULT_JSON")
  elif [[ -n "$several" ]]; then
    BENCH_RESULT_JSON="$work/$backend.json"
    results+=("$backend=$BENCH_RESULT_JSON")
  fi
  case "$backend" in
    sqlite)
      [[ -n "$several" ]] && echo "=== SQLite ==="
      rm -f "$work/bench.db" "$work/bench.db-wal" "$work/bench.db-shm"
      start_server "sqlite://$work/bench.db"
      echo "server: $server ($(stat -c %y "$server" | cut -d. -f1)), database sqlite://$work/bench.db"
      run_bench "$work/bench.db"
      stop_server
      ;;
    postgres)
      [[ -n "$several" ]] && echo "=== PostgreSQL ==="
      name="${BENCH_PG_DATABASE:-webhook_bench_$$}"
      if [[ ! "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        echo "list-latency: BENCH_PG_DATABASE must be a plain identifier" >&2
        exit 2
      fi
      psql "$pg_admin" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null
      pg_db="$name"
      url="$(pg_url "$pg_db")"
      pg_version="$(psql "$pg_admin" -AtqX -c 'SHOW server_version' | awk '{print $1}')"
      start_server "$url"
      echo "server: $server ($(stat -c %y "$server" | cut -d. -f1)), database $url (PostgreSQL $pg_version)"
      # A fresh table has no planner statistics until autovacuum gets to it (a minute or more
      # after the fill; the plans meanwhile come from default guesses).
      if [[ "${BENCH_PG_ANALYZE:-1}" != 0 ]]; then
        BENCH_AFTER_FILL="psql $(printf '%q' "$url") -qX -v ON_ERROR_STOP=1 -c 'VACUUM ANALYZE'" \
          BENCH_AFTER_FILL_LABEL="VACUUM ANALYZE (statistics and visibility map, as autovacuum leaves them)" \
          run_bench
      else
        BENCH_AFTER_FILL="psql $(printf '%q' "$url") -AtqX -c \"SELECT 'statistics: webhooks last analyzed ' || coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never') FROM pg_stat_user_tables WHERE relname = 'webhooks'\"" \
          BENCH_AFTER_FILL_LABEL="no VACUUM ANALYZE (BENCH_PG_ANALYZE=0)" \
          run_bench
      fi
      stop_server
      # After the run: the table and its indexes (the .mjs reads no PostgreSQL sizes itself).
      psql "$url" -AtqX -F ' ' -c "SELECT 'postgres: webhooks table ' || pg_size_pretty(pg_table_size('webhooks')) \
        || ' + indexes ' || pg_size_pretty(pg_indexes_size('webhooks')) \
        || ', database ' || pg_size_pretty(pg_database_size(current_database()))" || true
      drop_pg_db
      ;;
  esac
  [[ -n "$several" ]] && echo
done

if [[ -n "$several" ]]; then
  node "$root/bench/list-latency.mjs" --compare "${results[@]}"
fi
