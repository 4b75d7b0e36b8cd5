#!/usr/bin/env bash
# Benchmark of the database side (see docs/benchmarks.md):
#   - `churnwise import` of customers and about 1 million subscription rows
#     into a fresh SQLite file (target: well under a minute);
#   - `churnwise metrics` in database mode on that data, 1M customers
#     including invoices (target: under 10 s on SQLite).
#
#   scripts/bench-database.sh                  # SQLite
#   DATABASE=postgres://postgres@127.0.0.1/test scripts/bench-database.sh
#
# The PostgreSQL run imports into fresh schemas of the given database and
# drops them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

IMPORT_CUSTOMERS=${IMPORT_CUSTOMERS:-720000}   # about 1.0M subscription rows
METRICS_CUSTOMERS=${METRICS_CUSTOMERS:-1000000}
BIN=target/release/churnwise
# The 1M-customer files hold 5.98M invoice rows, past the default limit.
export CHURNWISE_IMPORT_MAX_ROWS=${CHURNWISE_IMPORT_MAX_ROWS:-20000000}
DATA=target/bench-data
cargo build --release --workspace --bin churnwise >&2
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"

# PostgreSQL schemas made by this run are dropped when it ends.
drop_schemas() {
  if [ -n "${DATABASE:-}" ]; then
    for name in import metrics; do
      psql "$DATABASE" -q -c "DROP SCHEMA IF EXISTS bench_${name}_$$ CASCADE" >/dev/null 2>&1 || true
    done
  fi
}
trap drop_schemas EXIT

db_url() {
  local name=$1
  if [ -n "${DATABASE:-}" ]; then
    local schema="bench_${name}_$$"
    psql "$DATABASE" -q -c "CREATE SCHEMA $schema" >/dev/null
    echo "${DATABASE}?options=-c%20search_path%3D${schema}"
  else
    rm -f "target/bench-$name.db"*
    echo "sqlite://target/bench-$name.db"
  fi
}

timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o target/bench-time.txt "$@" > target/bench-out.txt
  read -r secs kb < target/bench-time.txt
  printf "%-40s %8.2f s %8d MB peak\n" "$label" "$secs" $((kb / 1024))
}

for n in "$IMPORT_CUSTOMERS" "$METRICS_CUSTOMERS"; do
  [ -f "$DATA/$n/invoices.csv" ] || "$BIN" generate --customers "$n" --seed 7 --out "$DATA/$n" >&2
done

url=$(db_url import)
echo "a long password" | "$BIN" --database "$url" user add --email bench@example.com --workspace bench --password-stdin >/dev/null
rows=$(($(wc -l < "$DATA/$IMPORT_CUSTOMERS/subscriptions.csv") - 1))
timed "import customers ($IMPORT_CUSTOMERS)" "$BIN" --database "$url" import customers "$DATA/$IMPORT_CUSTOMERS/customers.csv"
timed "import subscriptions ($rows rows)" "$BIN" --database "$url" import subscriptions "$DATA/$IMPORT_CUSTOMERS/subscriptions.csv"
timed "re-import subscriptions (upsert)" "$BIN" --database "$url" import subscriptions "$DATA/$IMPORT_CUSTOMERS/subscriptions.csv"

url=$(db_url metrics)
echo "a long password" | "$BIN" --database "$url" user add --email bench@example.com --workspace bench --password-stdin >/dev/null
for kind in customers subscriptions invoices; do
  rows=$(($(wc -l < "$DATA/$METRICS_CUSTOMERS/$kind.csv") - 1))
  timed "import $kind ($rows rows, $METRICS_CUSTOMERS customers)" "$BIN" --database "$url" import "$kind" "$DATA/$METRICS_CUSTOMERS/$kind.csv"
done
timed "metrics, database mode ($METRICS_CUSTOMERS customers)" "$BIN" --database "$url" metrics --from 2023-01 --to 2024-12 --as-of 2024-12-31
cp target/bench-out.txt target/bench-db.json
timed "metrics, file mode (same files)" "$BIN" metrics --customers "$DATA/$METRICS_CUSTOMERS/customers.csv" \
  --subscriptions "$DATA/$METRICS_CUSTOMERS/subscriptions.csv" --invoices "$DATA/$METRICS_CUSTOMERS/invoices.csv" \
  --from 2023-01 --to 2024-12 --as-of 2024-12-31
if cmp -s target/bench-out.txt target/bench-db.json; then
  echo "database and file mode documents are identical"
else
  echo "MISMATCH between database and file mode documents" >&2
  exit 1
fi
