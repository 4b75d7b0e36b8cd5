#!/usr/bin/env bash
# Scale benchmark of a served workspace (issue #14, see docs/benchmarks.md,
# "Served workspace at scale"): generates customers in billing-export order
# (`churnwise generate --order date`), imports them into a fresh database,
# starts `churnwise serve` (release build) on it, opens some departure cases
# through the API, and prints for each page and API call the first answer's
# time and p50/p95/max over repeated requests on one keep-alive connection,
# with the answer's size and the server's RSS and peak RSS.
#
#   scripts/bench-scale.sh                                  # 100k, SQLite
#   SIZES="100000 1000000" scripts/bench-scale.sh
#   DATABASE=postgres://postgres@127.0.0.1/test scripts/bench-scale.sh
#   ORDER=shuffled REPEATS=50 CASES=1000 scripts/bench-scale.sh
#   USAGE_DAYS=365 scripts/bench-scale.sh     # + a year of daily usage (issue #18)
#   KEEP_SCHEMA=1 DATABASE=… scripts/bench-scale.sh  # keep the PostgreSQL schema
#                                                    # (bench_scale_PID) to look into
#
# USAGE_DAYS=N writes, after the imports, N days of daily usage totals for
# every client and three metrics straight into the database (100,000
# clients and 365 days are 109.5M rows; the ingest's own speed is
# scripts/bench-usage.sh), so that the health recompute and the client page
# (its usage charts) are measured against a year of usage.
#
# File-mode figures (against a bare parse and DuckDB in the same run) are
# scripts/bench-metrics.sh; import and database-mode metrics of the CLI are
# scripts/bench-database.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-100000}
ORDER=${ORDER:-date}
REPEATS=${REPEATS:-20}
CASES=${CASES:-300}
BIN=${BIN:-target/release/churnwise}
# The 1M-customer files hold 5.98M invoice rows, past the default limit.
export CHURNWISE_IMPORT_MAX_ROWS=${CHURNWISE_IMPORT_MAX_ROWS:-20000000}
USAGE_DAYS=${USAGE_DAYS:-0}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
WRK_SECONDS=${WRK_SECONDS:-10}
DATA=${DATA:-target/bench-data}
WORK=$(mktemp -d)
EMAIL=bench@example.com
PASSWORD="bench password 1234"
SERVER=

cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  if [ -n "${DATABASE:-}" ] && [ -z "${KEEP_SCHEMA:-}" ]; then
    psql "$DATABASE" -q -c "DROP SCHEMA IF EXISTS bench_scale_$$ CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$BIN" = target/release/churnwise ] && cargo build --release --workspace --bin churnwise >&2
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"

timed() { # label, command...: prints the wall time and peak memory
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || {
    cat "$WORK/err" >&2; exit 1; }
  read -r secs kb <"$WORK/time"
  printf "%-34s %8.2f s %8d MB\n" "$label" "$secs" "$((kb / 1024))"
}

for n in $SIZES; do
  dir="$DATA/$n-$ORDER"
  if [ ! -f "$dir/invoices.csv" ]; then
    mkdir -p "$dir"
    "$BIN" generate --customers "$n" --order "$ORDER" --seed 7 --out "$dir" >&2
  fi
  if [ -n "${DATABASE:-}" ]; then
    schema="bench_scale_$$"
    psql "$DATABASE" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    url="${DATABASE}?options=-c%20search_path%3D${schema}"
  else
    url="sqlite://$WORK/bench-$n.db"
  fi
  echo
  echo "== $n customers ($ORDER order): $(wc -l <"$dir/subscriptions.csv") subscription rows, $(wc -l <"$dir/invoices.csv") invoice rows, ${url%%\?*}"
  printf "%-34s %10s %11s\n" "step" "wall" "peak RSS"
  echo "$PASSWORD" | "$BIN" --database "$url" user add --email "$EMAIL" --workspace Bench \
    --role owner --name Bench --password-stdin >/dev/null
  for kind in customers subscriptions invoices; do
    timed "import $kind" "$BIN" --database "$url" import "$kind" "$dir/$kind.csv" --workspace Bench
  done
  if [ "$USAGE_DAYS" -gt 0 ]; then
    # Every client, three metrics, one row per day ending today, written in
    # key order; the by-day index is built after (same end state, faster).
    # Values vary by client and day; every tenth client's use stops 40 days
    # ago, so that the usage signal has fading clients to find.
    metrics_sql="INSERT INTO usage_metrics (workspace_id, key, label_en, label_es, higher_is_better)
      SELECT w.id, m.k, m.k, m.k, TRUE FROM workspaces w,
      (SELECT 'jobs_sent' AS k UNION ALL SELECT 'logins' UNION ALL SELECT 'reports.opened') m
      WHERE w.name = 'Bench' ON CONFLICT DO NOTHING;"
    value="((c.id * 7 + d.n * 13) % 11) * (CASE WHEN c.id % 10 = 0 AND d.n < 40 THEN 0 ELSE 1 END)"
    if [ -n "${DATABASE:-}" ]; then
      cat >"$WORK/usage.sql" <<SQL
$metrics_sql
DROP INDEX usage_daily_by_day;
INSERT INTO usage_daily (workspace_id, client_id, metric_key, day, total)
  SELECT c.workspace_id, c.id, m.key, CURRENT_DATE - d.n, $value
  FROM clients c JOIN usage_metrics m ON m.workspace_id = c.workspace_id
  CROSS JOIN generate_series(0, $USAGE_DAYS - 1) AS d(n)
  ORDER BY c.workspace_id, c.id, m.key, CURRENT_DATE - d.n;
CREATE INDEX usage_daily_by_day ON usage_daily (workspace_id, day);
ANALYZE usage_daily;
SQL
      fill=(psql "$url" -q -v ON_ERROR_STOP=1 -f "$WORK/usage.sql")
    else
      cat >"$WORK/usage.sql" <<SQL
$metrics_sql
DROP INDEX usage_daily_by_day;
-- CROSS JOIN keeps this loop order (clients by id, metrics by key, days
-- oldest first), which is the key's order: no sort of 110M rows.
WITH RECURSIVE d(n) AS (SELECT $USAGE_DAYS - 1 UNION ALL SELECT n - 1 FROM d WHERE n > 0)
INSERT INTO usage_daily (workspace_id, client_id, metric_key, day, total)
  SELECT c.workspace_id, c.id, m.key, date('now', '-' || d.n || ' days'), $value
  FROM clients c CROSS JOIN usage_metrics m CROSS JOIN d
  WHERE m.workspace_id = c.workspace_id;
CREATE INDEX usage_daily_by_day ON usage_daily (workspace_id, day);
ANALYZE;
SQL
      fill=(sqlite3 -bail "${url#sqlite://}" ".read $WORK/usage.sql")
    fi
    timed "usage: $USAGE_DAYS days x 3 metrics (SQL)" "${fill[@]}"
  fi
  token=$("$BIN" --database "$url" token create --email "$EMAIL" --name bench | grep -Eo '[A-Za-z0-9_-]{32,}' | head -1)
  timed "health scores (CLI, recompute all)" "$BIN" --database "$url" health --workspace Bench --format json
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN" --database "$url" serve --bind 127.0.0.1 --port "$port" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  # Wait for the server (up to 10 minutes, a generous bound: it answered
  # in 0.3 s on 1M clients), say how long it took, and if it stops, show
  # its log (a refused setting once ended a run with no word of why).
  started=$EPOCHREALTIME
  for _ in $(seq 1 3000); do
    curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 || { cat "$WORK/serve.log" >&2; exit 1; }
  printf "%-34s %8.2f s\n" "server answering after" \
    "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
  python3 scripts/bench_scale.py "http://127.0.0.1:$port" "$token" "$EMAIL" "$PASSWORD" "$SERVER" "$REPEATS" "$CASES" | tee "$WORK/scale.txt"
  if command -v wrk >/dev/null; then
    # Throughput of API reads under concurrent load (wrk shares the 2 cores
    # with the server): one record, and a page of 50.
    some_client=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/clients?per_page=1&page=50" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    echo
    printf "%-34s %10s %9s %9s %9s\n" "wrk (${WRK_THREADS}t ${WRK_CONNECTIONS}c ${WRK_SECONDS}s)" "req/s" "p50 ms" "p99 ms" "errors"
    for pair in "one client|/api/v1/clients/$some_client" "page of 50 clients|/api/v1/clients?per_page=50" \
                "page 1000 of 50 clients|/api/v1/clients?per_page=50&page=1000"; do
      label=${pair%%|*}; path=${pair#*|}
      wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency \
        -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >"$WORK/wrk.txt"
      python3 - "$label" "$WORK/wrk.txt" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
def ms(v):
    n, unit = float(re.match(r"[\d.]+", v).group()), re.sub(r"[\d.]+", "", v)
    return n * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs = re.search(r"Socket errors: (.*)", text)
bad = (int(non2xx.group(1)) if non2xx else 0)
print(f"{label:<34} {rps:>10.0f} {p50:>9.2f} {p99:>9.2f} {bad:>9}{'  ' + errs.group(1) if errs else ''}")
PY
    done
  fi
  echo "server RSS after: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$SERVER/status), peak $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$SERVER/status)"
  echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
done
