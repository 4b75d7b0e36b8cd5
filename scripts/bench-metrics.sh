#!/usr/bin/env bash
# Benchmark of `churnwise metrics` file mode against DuckDB computing the
# month table as SQL over the same CSV files (see docs/benchmarks.md).
#
#   scripts/bench-metrics.sh            # 100k and 1M customers
#   SIZES="100000" scripts/bench-metrics.sh
#
# Builds the release binary, generates the data under target/bench-data
# (kept between runs), installs DuckDB from PyPI into target/bench-venv,
# and prints wall time, peak memory and the DuckDB/churnwise ratio; DuckDB's
# month figures are also compared with churnwise's JSON.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000"}
FROM=2023-01
TO=2024-12
AS_OF=2024-12-31
GRACE=30
SEED=7
BIN=target/release/churnwise
DATA=target/bench-data
VENV=target/bench-venv

cargo build --release -p churnwise >&2
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet duckdb
fi
if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg) (figures are only comparable on an idle machine)"
printf "%-10s %-8s %12s %10s %9s %10s %7s %s\n" customers csv_MB churnwise_s cpu_s peak_MB duckdb_s ratio check
for n in $SIZES; do
  dir="$DATA/$n"
  if [ ! -f "$dir/invoices.csv" ]; then
    "$BIN" generate --customers "$n" --seed "$SEED" --out "$dir" >&2
  fi
  mb=$(du -cm "$dir"/*.csv | tail -1 | cut -f1)
  # Warm the page cache so that both tools read from memory.
  cat "$dir"/*.csv > /dev/null
  best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$BIN" metrics \
      --customers "$dir/customers.csv" --subscriptions "$dir/subscriptions.csv" \
      --invoices "$dir/invoices.csv" --from "$FROM" --to "$TO" --as-of "$AS_OF" \
      --grace-days "$GRACE" --format json > "$dir/churnwise.json"
    read -r wall kb user sys < "$dir/time.txt"
    if [ -z "$best" ] || awk "BEGIN {exit !($wall < $best)}"; then
      best=$wall
      peak=$kb
      cpu=$(awk "BEGIN {printf \"%.2f\", $user + $sys}")
    fi
  done
  out=$("$VENV/bin/python" scripts/bench_duckdb.py "$dir" "$FROM" "$TO" "$AS_OF" "$GRACE" "$dir/churnwise.json")
  duck=$(echo "$out" | sed -n 's/^duckdb_seconds=//p')
  check=$(echo "$out" | sed -n 's/^months_compared=.* mismatches=\(.*\)$/mismatches=\1/p')
  ratio=$(awk "BEGIN {printf \"%.1f\", $duck / $best}")
  printf "%-10s %-8s %12s %10s %9s %10s %7s %s\n" "$n" "$mb" "$best" "$cpu" "$((peak / 1024))" "$duck" "${ratio}x" "$check"
done
