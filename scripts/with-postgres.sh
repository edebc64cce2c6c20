#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, and always stops and deletes the cluster
# afterwards (also when the command fails or the script is interrupted or killed).
# Usage: scripts/with-postgres.sh CMD [ARGS...]
# CMD sees WEBHOOK_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/postgres (user postgres, trust
# auth, no password); the script exits with CMD's exit code.
# Installs Debian's postgresql if no /usr/lib/postgresql/*/bin/initdb exists. It never uses the
# system's postgres service: the cluster lives in a temporary directory on a free port.
# WITH_POSTGRES_DURABLE=1 keeps PostgreSQL's durable defaults (fsync, synchronous_commit and
# full_page_writes on): what the delivery bench compares at the durable setting.
set -euo pipefail

say() { printf '==> %s\n' "$*"; }

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

find_bin() {
  local initdbs=(/usr/lib/postgresql/*/bin/initdb)
  [ -x "${initdbs[0]}" ] || return 1
  # The newest installed major version.
  dirname "$(printf '%s\n' "${initdbs[@]}" | sort -V | tail -n1)"
}

if ! BIN=$(find_bin); then
  say "installing PostgreSQL from Debian (postgresql)"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  BIN=$(find_bin) || { echo "with-postgres: still no initdb after installing postgresql" >&2; exit 1; }
fi
VERSION=$("$BIN/postgres" -V | awk '{print $3}')

DIR=$(mktemp -d)
child=

# initdb refuses to run as root: then the cluster belongs to the postgres user. The subshell's cd
# keeps the postgres tools out of a working directory they may not be allowed to read.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$DIR"
  if command -v runuser >/dev/null; then
    as_pg() { (cd "$DIR" && runuser -u postgres -- "$@"); }
  else
    as_pg() { (cd "$DIR" && su postgres -s /bin/sh -c "$(printf '%q ' "$@")"); }
  fi
else
  as_pg() { (cd "$DIR" && "$@"); }
fi

cleanup() {
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -s -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}
# On INT/TERM: pass the signal on to CMD, wait for it, then exit (the EXIT trap cleans up).
on_signal() {
  trap - INT TERM
  if [ -n "$child" ]; then
    kill -"$1" "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    local port
    while port=$((30000 + RANDOM % 30000)); (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do :; done
    echo "$port"
  fi
}

if ! as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C -N >"$DIR/initdb.log" 2>&1; then
  cat "$DIR/initdb.log" >&2
  echo "with-postgres: initdb failed" >&2
  exit 1
fi

# fsync, synchronous_commit and full_page_writes are off unless WITH_POSTGRES_DURABLE=1: the
# cluster is thrown away afterwards, so durability does not matter and the tests run faster. The socket goes into $DIR (the postgres
# user's), not /var/run/postgresql. A port taken between free_port and the start is retried.
DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${WITH_POSTGRES_DURABLE:-}" = 1 ] && DURABILITY="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
for attempt in 1 2 3; do
  PORT=$(free_port)
  if as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -s \
    -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c max_connections=300 $DURABILITY" \
    start; then
    break
  fi
  if [ "$attempt" -eq 3 ] || ! grep -q 'could not bind' "$DIR/log" 2>/dev/null; then
    cat "$DIR/log" >&2 2>/dev/null || true
    echo "with-postgres: PostgreSQL $VERSION did not start" >&2
    exit 1
  fi
done

export WEBHOOK_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PORT/postgres"
say "PostgreSQL $VERSION on 127.0.0.1:$PORT for: $*"

# CMD runs in the background so that a TERM to this script is handled at once (bash defers traps
# while a foreground command runs); it keeps our stdin and the default INT/QUIT handling, which
# bash would otherwise take from background commands.
(trap - INT QUIT; exec "$@") <&0 &
child=$!
status=0
wait "$child" || status=$?
child=
exit "$status"
