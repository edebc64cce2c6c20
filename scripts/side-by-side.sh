#!/usr/bin/env bash
# Runs its arguments, each a shell command, at the same time, each with its output in a log of
# its own; prints a log whole when its command ends (in the order they end), with how long it
# took, and fails when any of them failed. `make test` runs the server's suites beside the
# console's build and tests this way: the two share no build directory, and one leaves a core
# idle for much of its time (link-time optimisation; tests waiting on sockets and fsync).
#
# Usage: scripts/side-by-side.sh 'make test-server' 'make test-console'
set -uo pipefail

logs=$(mktemp -d)
declare -A slot
cleanup() {
  for pid in "${!slot[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null; done
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

set -m # each command in its own process group, so that cleanup stops all of it
start=$SECONDS
for i in $(seq 0 $(($# - 1))); do
  cmd=${*:$((i + 1)):1}
  bash -c "$cmd" </dev/null >"$logs/$i.log" 2>&1 &
  slot[$!]=$i
  printf '==> started: %s\n' "$cmd"
done
set +m

failed=0
while ((${#slot[@]})); do
  wait -n -p pid
  rc=$?
  i=${slot[$pid]}
  unset "slot[$pid]"
  cmd=${*:$((i + 1)):1}
  printf '==> %s: exit %d after %d s; its output:\n' "$cmd" "$rc" $((SECONDS - start))
  cat "$logs/$i.log"
  printf '==> end of the output of: %s\n' "$cmd"
  ((rc == 0)) || failed=1
done
exit "$failed"
