#!/usr/bin/env bash
# Checks survival by group (`churnwise metrics --survival-by segment|owner|plan`)
# against lifelines: the groups' Kaplan–Meier curves and medians, and the
# k-group log-rank test (chi2, df, p-value) of multivariate_logrank_test, on a
# data set written by scripts/check_logrank_lifelines.py and one from
# `churnwise generate`; the subjects, durations and groups are recomputed
# from the CSV files in Python, independently of churnwise. lifelines comes
# from PyPI (pinned) when missing. Exits non-zero on any difference > 1e-6.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import lifelines" 2>/dev/null; then
    python3 -m pip install --quiet "lifelines==0.30.0"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --bin churnwise --locked
python3 scripts/check_logrank_lifelines.py target/debug/churnwise "$work"
