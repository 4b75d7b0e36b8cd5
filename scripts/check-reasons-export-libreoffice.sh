#!/usr/bin/env bash
# Checks the real command: builds churnwise, runs departure cases to closing
# on a small SQLite database through the CLI, exports the reasons matrix with
# `churnwise export reasons --format xlsx`, converts the workbook to CSV with
# LibreOffice headless and compares it cell by cell (counts, money as
# formatted, SUM totals, a neutralised "=cmd" segment, a saved case and a
# case outside the range left out). Exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v libreoffice >/dev/null 2>&1; then
    echo "libreoffice is missing: installing libreoffice-calc" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --workspace --examples --bins --locked
bin="$(pwd)/target/debug/churnwise"
export DATABASE_URL="sqlite://$work/churnwise.db"
export CHURNWISE_LOG=warn
cw() { "$bin" "$@"; }

printf 'a long password\n' | cw user add --email ana@example.com --workspace "Acme Agency" --password-stdin >/dev/null

# A case for a new client, closed lost: name, segment, reason, end date, lost MRR.
lost() {
    cw client add --name "$1" --segment "$2" >/dev/null
    local id received
    received="$(date -d "$4 -20 days" +%F)"
    id="$(cw case open "$1" --received-on "$received" --channel email --received-by ana \
        --fruitful yes --stumbles no --our-commitments-met yes --client-commitments-met yes \
        --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
    cw case reason "$id" --primary "$3" --words "Leaving" --controllable no --renegotiable no >/dev/null
    cw case check "$id" begin >/dev/null
    for item in 1 2 3 4 5 6 7 8; do
        cw case check "$id" done "$item" --on "$4" >/dev/null
    done
    cw case close "$id" --outcome lost --end-on "$4" --closed-on "$4" --lost-mrr "$5" >/dev/null
}

lost "Bakery Lola" SMB price_too_high 2024-01-15 500.00
lost "Big Corp" Enterprise price_too_high 2024-02-10 1234.56
lost "Mar Studio" SMB needs_changed 2024-03-02 1000.00
lost "Evil Ltd" "=cmd" no_results 2024-03-20 99.90
# Outside the range: left out.
lost "Old Co" SMB needs_changed 2023-12-31 999.99
# A saved case is not a departure: left out.
cw client add --name "Kept Co" --segment SMB >/dev/null
kept="$(cw case open "Kept Co" --received-on 2024-02-01 --channel phone --received-by ana \
    --fruitful yes --stumbles no --our-commitments-met yes --client-commitments-met yes \
    --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
cw case reason "$kept" --primary price_too_high --words "Too dear" --controllable yes --renegotiable yes >/dev/null
cw case plan "$kept" start >/dev/null
cw case plan "$kept" outcome retained --on 2024-02-11 >/dev/null

cw export reasons --format xlsx --from 2024-01 --to 2024-03 --by segment -o "$work/reasons.xlsx"

# A private profile so a running or stale LibreOffice does not get in the way.
# Filter options: comma, double quote, UTF-8, first line 1, cell formats as shown.
libreoffice -env:UserInstallation="file://$work/profile" --headless \
    --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true' \
    --outdir "$work" "$work/reasons.xlsx" >"$work/convert.log" 2>&1 || {
    cat "$work/convert.log" >&2
    echo "FAIL: libreoffice could not convert the workbook" >&2
    exit 1
}
if [ ! -s "$work/reasons.csv" ]; then
    cat "$work/convert.log" >&2
    echo "FAIL: libreoffice wrote no CSV" >&2
    exit 1
fi

python3 - "$work/reasons.csv" <<'PY'
import csv, sys

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))

expected = [
    ["Segment",
     "Price too high for the value (departures)", "Price too high for the value (lost MRR)",
     "Needs changed / no longer needed (departures)", "Needs changed / no longer needed (lost MRR)",
     "Did not get results / did not use the service fully (departures)",
     "Did not get results / did not use the service fully (lost MRR)",
     "Total (departures)", "Total (lost MRR)"],
    ["'=cmd", "0", "0.00", "0", "0.00", "1", "99.90", "1", "99.90"],
    ["Enterprise", "1", "1,234.56", "0", "0.00", "0", "0.00", "1", "1,234.56"],
    ["SMB", "1", "500.00", "1", "1,000.00", "0", "0.00", "2", "1,500.00"],
    ["Total", "2", "1,734.56", "1", "1,000.00", "1", "99.90", "4", "2,834.46"],
]

failures = []
if len(rows) != len(expected):
    failures.append(f"expected {len(expected)} rows, got {len(rows)}: {rows}")
for r, (want, got) in enumerate(zip(expected, rows), start=1):
    if want != got:
        for c, (w, g) in enumerate(zip(want, got + [""] * len(want))):
            if w != g:
                failures.append(f"row {r} column {c + 1}: expected {w!r}, got {g!r}")
        if len(got) != len(want):
            failures.append(f"row {r}: expected {len(want)} cells, got {len(got)}")
if failures:
    print("FAIL: the LibreOffice reading of `churnwise export reasons` differs:", file=sys.stderr)
    for f in failures:
        print("  " + f, file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)
print("`churnwise export reasons --format xlsx` opens in LibreOffice with the expected numbers, totals and a neutralised =cmd cell")
print("1 passed, 0 failed")
PY
