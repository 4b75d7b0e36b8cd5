#!/usr/bin/env bash
# Checks that the reasons-matrix Excel export opens in LibreOffice with the
# expected numbers: writes a sample .xlsx through the export crate's example,
# converts it to CSV with LibreOffice headless, and compares cell by cell
# (counts, money as formatted, SUM totals, and a neutralised "=cmd" cell).
# Then runs check-reasons-export-libreoffice.sh, the same check on an export
# made by `churnwise export reasons` from a small database. Exits non-zero
# on any mismatch.
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

# Built with the whole workspace, so it shares the features (and the build) of the tests.
cargo build --quiet --workspace --examples --bins --locked
target/debug/examples/reasons_matrix_sample "$work/reasons.xlsx"

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
    print("FAIL: the LibreOffice reading of the export differs:", file=sys.stderr)
    for f in failures:
        print("  " + f, file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)
print("xlsx export opens in LibreOffice with the expected numbers, totals and a neutralised =cmd cell")
print("1 passed, 0 failed")
PY

# The same check on a workbook made by the real command on a small database.
bash scripts/check-reasons-export-libreoffice.sh
