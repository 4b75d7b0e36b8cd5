#!/usr/bin/env bash
# The whole test suite: unit, property, storage (SQLite and PostgreSQL) and
# application tests (the digest ones through a local SMTP server, aiosmtpd).
# PostgreSQL tests use CHURNWISE_TEST_POSTGRES (default
# postgres://postgres@127.0.0.1:5432/test) and fail, never skip, when the
# server does not answer. Then the reasons export is opened in LibreOffice
# headless (installed with apt-get when missing) and its numbers checked, and
# the pages are tested in headless Chromium (scripts/browser-tests.sh).
# Schemathesis checks the API against its OpenAPI document
# (scripts/schemathesis.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHURNWISE_TEST_POSTGRES="${CHURNWISE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
# The digest tests send through a real SMTP server on loopback: Python's
# aiosmtpd, installed from PyPI when missing.
if ! python3 -c "import aiosmtpd" 2>/dev/null; then
    python3 -m pip install --quiet "aiosmtpd==1.4.6"
fi
# The Stripe sync tests read from a local fake of Stripe's API on loopback:
# localstripe, installed from PyPI when missing.
if ! python3 -c "import localstripe" 2>/dev/null; then
    python3 -m pip install --quiet "localstripe==1.15.10"
fi
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
# The JSON API against its own OpenAPI document with a token (Schemathesis
# from PyPI, installed when missing): no 5xx, every answer documented.
bash scripts/schemathesis.sh
bash scripts/check-xlsx-libreoffice.sh
# Two server processes behind nginx on one PostgreSQL database, one killed
# midway (installs Debian's nginx when missing).
bash scripts/scale-out-test.sh
# Survival by group and the log-rank test against lifelines (from PyPI when
# missing), on generated data, a few seconds.
bash scripts/check-logrank-lifelines.sh
# The pages in a real browser (installs chromium and Node.js when missing).
bash scripts/browser-tests.sh
