#!/usr/bin/env bash
# Usage ingest benchmark (issue 18, docs/usage.md): a fresh SQLite database
# (or a PostgreSQL schema with DATABASE=postgres://…) with generated
# customers, `churnwise serve` (release build) on loopback, then BATCHES
# requests of 10,000 usage events each (three metrics, daily, with ids) to
# `POST /api/v1/usage` on one keep-alive connection; prints events/s per
# batch and overall. Figures are only those it prints on the machine it ran.
#
#   scripts/bench-usage.sh
#   CUSTOMERS=100000 BATCHES=20 scripts/bench-usage.sh
#   DATABASE=postgres://postgres@127.0.0.1/test scripts/bench-usage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-10000}
BATCHES=${BATCHES:-10}
BIN=${BIN:-target/release/churnwise}
WORK=$(mktemp -d)
EMAIL=bench@example.com
SERVER=

cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  if [ -n "${DATABASE:-}" ]; then
    psql "$DATABASE" -q -c "DROP SCHEMA IF EXISTS bench_usage_$$ CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$BIN" = target/release/churnwise ] && cargo build --release --workspace --bin churnwise >&2
echo "machine: $(nproc) cores, load average before: $(cut -d" " -f1-3 /proc/loadavg)"

if [ -n "${DATABASE:-}" ]; then
  schema="bench_usage_$$"
  psql "$DATABASE" -q -c "CREATE SCHEMA $schema" >/dev/null
  url="${DATABASE}?options=-c%20search_path%3D${schema}"
else
  url="sqlite://$WORK/bench.db"
fi
"$BIN" generate --customers "$CUSTOMERS" --seed 7 --out "$WORK/data" >&2
echo "bench password 1234" | "$BIN" --database "$url" user add --email "$EMAIL" --workspace Bench \
  --role owner --name Bench --password-stdin >/dev/null
"$BIN" --database "$url" import customers "$WORK/data/customers.csv" --workspace Bench >&2
token=$("$BIN" --database "$url" token create --email "$EMAIL" --name bench | grep -Eo '[A-Za-z0-9_-]{32,}' | head -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --database "$url" serve --no-scheduler --bind 127.0.0.1 --port "$port" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break
  sleep 0.2
done

python3 - "$port" "$token" "$WORK/data/customers.csv" "$BATCHES" <<'PY'
import csv, datetime, http.client, json, sys, time
port, token, customers, batches = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = [row["customer_id"] for row in csv.DictReader(open(customers))]
metrics = ["logins", "reports.opened", "jobs_sent"]
conn = http.client.HTTPConnection("127.0.0.1", int(port))
today = datetime.date.today()
total, spent, n = 0, 0.0, 0
for b in range(batches):
    events = []
    for i in range(10_000):
        client = ids[n % len(ids)]
        events.append({"client": client, "metric": metrics[n % 3],
                       "on": (today - datetime.timedelta(days=(n // len(ids)) % 365)).isoformat(),
                       "value": n % 7, "id": f"b{b}-{i}"})
        n += 1
    body = json.dumps({"events": events})
    start = time.perf_counter()
    conn.request("POST", "/api/v1/usage", body,
                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    resp = conn.getresponse()
    answer = resp.read()
    took = time.perf_counter() - start
    if resp.status != 200:
        sys.exit(f"batch {b}: {resp.status} {answer[:500]!r}")
    total += 10_000
    spent += took
    print(f"batch {b + 1:3}: 10000 events in {took * 1000:7.1f} ms = {10_000 / took:9.0f} events/s")
print(f"overall: {total} events in {spent:.2f} s = {total / spent:.0f} events/s (request to answer, loopback)")
PY
