#!/usr/bin/env bash
# Checks the API against its own OpenAPI document: schemathesis (PyPI) with `--checks all` sends
# schema-valid and schema-invalid requests to every operation of /api/v1/openapi.json and fails
# on a 5xx, an undocumented status code, content type or header, a response not matching its
# schema, a valid request rejected, an invalid one accepted, an operation that ignores its auth.
#
# The server is target/debug/webhook-server on 127.0.0.1:0 with a fresh SQLite file, only
# reaching loopback (`--only-allowed-targets --allow-target 127.0.0.0/8`): generated webhook
# URLs are never contacted elsewhere. Requests carry an admin API token, so they get past the
# role checks to validation; the token is made through a console session, as a user would.
# One webhook, subscription, user and inbound webhook exist beforehand and their ids are given
# to schemathesis (scripts/schemathesis.toml) so operations on one resource reach their handlers
# rather than answering 404 only.
#
# Deterministic: a fixed seed, a fixed number of examples per operation, one worker.
# Usage: scripts/schemathesis.sh   (SCHEMATHESIS_EXAMPLES=N: examples per operation, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

# WEBHOOK_SERVER=PATH checks that binary instead of building target/debug/webhook-server.
BIN=${WEBHOOK_SERVER:-target/debug/webhook-server}
# Built as the server's tests build it (cargo builds the binary for the integration tests): a plain
# `cargo build` resolves the dependencies' features without the tests' dev-dependencies and so
# compiles the server a second time (minutes), where after `make test-rust` this is a no-op.
[ -n "${WEBHOOK_SERVER:-}" ] || cargo test -q -p webhook-api -p webhook-server --no-run
DIR=$(mktemp -d)
SERVER=
cleanup() {
  [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

PASSWORD=schemathesis-admin-0123
WEBHOOK_ADMIN_PASSWORD=$PASSWORD RUST_LOG=warn "$BIN" --listen 127.0.0.1:0 \
  --database-url "sqlite://$DIR/db.sqlite" --dist "$DIR/no-console" \
  --only-allowed-targets --allow-target 127.0.0.0/8 --retry-schedule 1s >"$DIR/out" 2>"$DIR/err" &
SERVER=$!
for _ in $(seq 100); do
  URL=$(sed -n 's/^webhook-server listening on \(http:[^ ]*\)$/\1/p' "$DIR/out")
  [ -n "$URL" ] && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DIR/err"; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "webhook-server did not start" >&2; exit 1; }
API=$URL/api/v1

# Signs in, makes an admin token, then the resources the path parameters name.
JAR=$DIR/cookies
curl -fsS -c "$JAR" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$API/session" >/dev/null
TOKEN=$(curl -fsS -b "$JAR" -H 'Content-Type: application/json' -H 'X-Requested-With: sh' \
  -d '{"name":"schemathesis","role":"admin"}' "$API/tokens" | jq -r .token)
post() {
  curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2" "$API$1"
}
export SCHEMATHESIS_TOKEN=$TOKEN
webhook() { post /webhooks "{\"name\":\"$1\",\"url\":\"http://127.0.0.1:9/hook\",\"event_types\":[\"resource.create\"],\"enabled\":false}" | jq -r .id; }
user() { post /users "{\"username\":\"$1\",\"password\":\"fixture-password-0123\",\"role\":\"viewer\"}" | jq -r .id; }
inbound() { post /inbound-webhooks "{\"name\":\"$1\",\"plugin_id\":\"alertmanager\"}" | jq -r .id; }
SCHEMATHESIS_WEBHOOK_ID=$(webhook fixture)
SCHEMATHESIS_DOOMED_WEBHOOK_ID=$(webhook doomed)
SCHEMATHESIS_USER_ID=$(user fixture)
SCHEMATHESIS_DOOMED_USER_ID=$(user doomed)
SCHEMATHESIS_INBOUND_ID=$(inbound fixture)
SCHEMATHESIS_DOOMED_INBOUND_ID=$(inbound doomed)
SCHEMATHESIS_TOPIC=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$API/subscriptions" | jq -r '.results[0].id')
export SCHEMATHESIS_WEBHOOK_ID SCHEMATHESIS_DOOMED_WEBHOOK_ID SCHEMATHESIS_USER_ID \
  SCHEMATHESIS_DOOMED_USER_ID SCHEMATHESIS_INBOUND_ID SCHEMATHESIS_DOOMED_INBOUND_ID SCHEMATHESIS_TOPIC

say "schemathesis --checks all against $API/openapi.json"
schemathesis --config-file scripts/schemathesis.toml run "$API/openapi.json" --url "$URL" \
  --checks all --seed 20261202 --workers 1 --max-examples "${SCHEMATHESIS_EXAMPLES:-20}" \
  --report junit --report-dir "$DIR/report"
