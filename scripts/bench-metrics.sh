#!/usr/bin/env bash
# Benchmark of `churnwise metrics` file mode, side by side in the same run
# with a bare csv-crate parse of the same files and with DuckDB computing the
# month table as SQL over them (see docs/benchmarks.md, "File mode in any
# row order").
#
#   scripts/bench-metrics.sh                              # 100k and 1M, all orders
#   SIZES="1000000" ORDERS="date shuffled" scripts/bench-metrics.sh
#   RUNS=5 scripts/bench-metrics.sh                       # best of 5
#
# Builds the release binary and the bare-parse example, generates the data
# with `churnwise generate --order date|shuffled|customer` under
# target/bench-data/<customers>-<order> (kept between runs), installs DuckDB
# from PyPI into target/bench-venv, and prints, per size and row order:
# churnwise's best wall time with its CPU time and peak memory, the bare
# parse's best wall time and its CPU time, the ratios of wall times (the
# primary figure: both measured in the same run, alternately, under the same
# load) and of CPU times (which a loaded machine does not skew against
# churnwise's two threads), DuckDB's time, and the check of DuckDB's month
# figures against churnwise's JSON.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100000 1000000"}
ORDERS=${ORDERS:-"date shuffled customer"}
RUNS=${RUNS:-3}
FROM=2023-01
TO=2024-12
AS_OF=2024-12-31
GRACE=30
SEED=7
BIN=target/release/churnwise
BARE=target/release/examples/bare_parse
DATA=target/bench-data
VENV=target/bench-venv

cargo build --release --workspace --bin churnwise >&2
cargo build --release -p churnwise-ingest --example bare_parse >&2
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet duckdb
fi
if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (apt-get install time)" >&2
  exit 1
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg) (wall times are only comparable on an idle machine; the ratio compares runs under the same load)"
printf "%-9s %-9s %6s %11s %7s %8s %8s %10s %7s %9s %9s %-14s %s\n" \
  customers order csv_MB churnwise_s cpu_s peak_MB bare_s bare_cpu_s ratio cpu_ratio duckdb_s check load
for n in $SIZES; do
  for order in $ORDERS; do
    dir="$DATA/$n-$order"
    if [ ! -f "$dir/invoices.csv" ]; then
      "$BIN" generate --customers "$n" --seed "$SEED" --order "$order" --out "$dir" >&2
    fi
    files=("$dir/customers.csv" "$dir/subscriptions.csv" "$dir/invoices.csv")
    mb=$(du -cm "${files[@]}" | tail -1 | cut -f1)
    # Warm the page cache so that every tool reads from memory.
    cat "${files[@]}" > /dev/null
    best="" bare="" bare_cpu=""
    for _ in $(seq "$RUNS"); do
      # The bare parse and churnwise alternate, so that both meet the same load.
      /usr/bin/time -f "%e %U %S" -o "$dir/bare-time.txt" "$BARE" "${files[@]}" > "$dir/bare.txt"
      read -r b buser bsys < "$dir/bare-time.txt"
      if [ -z "$bare" ] || awk "BEGIN {exit !($b < $bare)}"; then
        bare=$b
        bare_cpu=$(awk "BEGIN {printf \"%.2f\", $buser + $bsys}")
      fi
      /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$BIN" metrics \
        --customers "${files[0]}" --subscriptions "${files[1]}" \
        --invoices "${files[2]}" --from "$FROM" --to "$TO" --as-of "$AS_OF" \
        --grace-days "$GRACE" --format json > "$dir/churnwise.json"
      read -r wall kb user sys < "$dir/time.txt"
      if [ -z "$best" ] || awk "BEGIN {exit !($wall < $best)}"; then
        best=$wall
        peak=$kb
        cpu=$(awk "BEGIN {printf \"%.2f\", $user + $sys}")
      fi
    done
    load=$(cut -d" " -f1 /proc/loadavg)
    out=$("$VENV/bin/python" scripts/bench_duckdb.py "$dir" "$FROM" "$TO" "$AS_OF" "$GRACE" "$dir/churnwise.json")
    duck=$(echo "$out" | sed -n 's/^duckdb_seconds=//p')
    check=$(echo "$out" | sed -n 's/^months_compared=.* mismatches=\(.*\)$/mismatches=\1/p')
    ratio=$(awk "BEGIN {printf \"%.2f\", $best / $bare}")
    cpu_ratio=$(awk "BEGIN {printf \"%.2f\", $cpu / ($bare_cpu > 0 ? $bare_cpu : 0.01)}")
    printf "%-9s %-9s %6s %11s %7s %8s %8s %10s %7s %9s %9s %-14s %s\n" \
      "$n" "$order" "$mb" "$best" "$cpu" "$((peak / 1024))" "$bare" "$bare_cpu" "${ratio}x" "${cpu_ratio}x" "$duck" "$check" "$load"
  done
done
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
