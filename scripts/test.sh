#!/usr/bin/env bash
# The whole test suite: unit, property, storage (SQLite and PostgreSQL) and
# application tests. PostgreSQL tests use CHURNWISE_TEST_POSTGRES (default
# postgres://postgres@127.0.0.1:5432/test) and fail, never skip, when the
# server does not answer. Then the reasons export is opened in LibreOffice
# headless (installed with apt-get when missing) and its numbers checked.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHURNWISE_TEST_POSTGRES="${CHURNWISE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
bash scripts/check-xlsx-libreoffice.sh
