#!/usr/bin/env bash
# Benchmark of `churnwise stripe sync` (issue #15, docs/benchmarks.md,
# "Stripe sync"): starts a read-only fake of Stripe's list API on loopback
# (scripts/bench_stripe_fake.py: N customers, N subscriptions, a paid
# invoice per month of each, up to 24; localstripe, which the tests use, is
# too slow to hold 10,000), then times a first sync into a fresh SQLite
# workspace and a second one (nothing changed), printing wall time and peak
# memory (RSS) of each.
#
#   scripts/bench-stripe-sync.sh              # 10,000 customers
#   N=2000 scripts/bench-stripe-sync.sh
#   BIN=target/debug/churnwise scripts/bench-stripe-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
BIN=${BIN:-target/release/churnwise}
WORK=$(mktemp -d)
PORT=${PORT:-8420}
STRIPE=

cleanup() {
  [ -n "$STRIPE" ] && kill "$STRIPE" 2>/dev/null && wait "$STRIPE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$BIN" = target/release/churnwise ] && cargo build --release --workspace --bin churnwise >&2
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"

python3 scripts/bench_stripe_fake.py "$PORT" "$N" &
STRIPE=$!
for _ in $(seq 600); do
  curl -s "http://127.0.0.1:$PORT/v1/customers?limit=1" >/dev/null 2>&1 && break
  sleep 0.2
done

DB="sqlite://$WORK/bench.db"
export CHURNWISE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export CHURNWISE_LOG=warn
echo "bench password 1234" | "$BIN" --database "$DB" user add --email bench@example.com \
  --workspace Bench --role owner --password-stdin >/dev/null
"$BIN" --database "$DB" stripe connect --api-key sk_test_bench \
  --stripe-api-base "http://127.0.0.1:$PORT" >/dev/null

for run in first second; do
  /usr/bin/time -f "%e %M" -o "$WORK/time" \
    "$BIN" --database "$DB" stripe sync --stripe-api-base "http://127.0.0.1:$PORT" \
    >"$WORK/report.json" 2>"$WORK/progress" || { cat "$WORK/progress" >&2; exit 1; }
  read -r secs kb <"$WORK/time"
  printf "%-14s sync of %6d customers: %7.2f s, peak RSS %5d MB\n" "$run" "$N" "$secs" "$((kb / 1024))"
  python3 - "$WORK/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("               " + ", ".join(
    f"{k} {r[k]['written']} written ({r[k]['created']} new)"
    for k in ("clients", "contacts", "segments", "invoices")) + f", {r['skipped_total']} skipped")
PY
done
