#!/usr/bin/env bash
# Property-based tests of the JSON API against its own OpenAPI document
# (/api/v1/openapi.json) with Schemathesis (PyPI, pinned below; installed
# when missing). Starts `churnwise serve --demo` on a fresh SQLite database on
# a free loopback port, creates an API token for the demo owner, and lets
# Schemathesis call every documented operation, reads AND writes: the demo
# workspace is thrown away afterwards.
#
# Checks: no 5xx (not_a_server_error), every status code documented
# (status_code_conformance), the documented content type
# (content_type_conformance) and body schema (response_schema_conformance).
# Bounded to a few minutes on 2 cores: SCHEMATHESIS_MAX_EXAMPLES per
# operation (default 25), SCHEMATHESIS_WORKERS (default 1: with 2, Python
# 3.11 can raise "AST constructor recursion depth mismatch" inside
# Hypothesis, a tool error, not the API's), a fixed seed
# (SCHEMATHESIS_SEED) so a failure can be replayed. Any failure fails the
# script; the report (JUnit XML and a pytest file reproducing each failure)
# is left in target/schemathesis/.
#
#   bash scripts/schemathesis.sh
#   SCHEMATHESIS_MAX_EXAMPLES=200 bash scripts/schemathesis.sh   # longer run
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="4.32.5"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
WORKERS="${SCHEMATHESIS_WORKERS:-1}"
SEED="${SCHEMATHESIS_SEED:-11}"
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

installed="$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)"
if [ "$installed" != "$VERSION" ]; then
  echo "schemathesis: installing schemathesis==$VERSION from PyPI" >&2
  python3 -m pip install --quiet "schemathesis==$VERSION"
fi

if [ -z "${CHURNWISE_BIN:-}" ]; then
  cargo build --workspace --bin churnwise --locked --quiet
fi
BIN="${CHURNWISE_BIN:-$PWD/target/debug/churnwise}"
OUT="$PWD/target/schemathesis"
rm -rf "$OUT"
mkdir -p "$OUT"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

DB="sqlite://$WORK/churnwise.db"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

CHURNWISE_LOG="${CHURNWISE_LOG:-warn}" "$BIN" --database "$DB" serve --demo --no-scheduler \
  --bind 127.0.0.1 --port "$PORT" >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen('$BASE/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "schemathesis: churnwise serve stopped; its log:" >&2
    cat "$OUT/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
TOKEN="$("$BIN" --database "$DB" token create --email demo@churnwise.local --name schemathesis)"

echo "schemathesis $VERSION: $MAX_EXAMPLES examples per operation, $WORKERS workers, seed $SEED, against $BASE" >&2
started=$(date +%s)
status=0
# Run from the temporary directory: Schemathesis keeps a cache in the
# current directory (.schemathesis/), which must not land in the repository.
(cd "$WORK" && python3 -m schemathesis.cli run "$BASE/api/v1/openapi.json" \
  --url "$BASE" \
  --header "Authorization: Bearer $TOKEN" \
  --checks "$CHECKS" \
  --max-examples "$MAX_EXAMPLES" \
  --workers "$WORKERS" \
  --seed "$SEED" \
  --phases examples,coverage,fuzzing \
  --request-timeout 30 \
  --suppress-health-check too_slow,filter_too_much,data_too_large \
  --report junit,pytest \
  --report-dir "$OUT" \
  --output-truncate false) \
  || status=$?
echo "schemathesis: finished in $(($(date +%s) - started)) s (exit $status); report in $OUT" >&2
if [ "$status" != 0 ]; then
  echo "schemathesis: FAILED. Each failure above names the operation, the check and a curl command to replay it;" >&2
  echo "server log: $OUT/server.log" >&2
  grep -E ' (ERROR|WARN) ' "$OUT/server.log" | tail -20 >&2 || true
fi
exit "$status"
