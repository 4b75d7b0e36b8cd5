#!/usr/bin/env bash
# End-to-end tests of the pages in headless Chromium: they start the real
# `churnwise serve` on a temporary SQLite database and a free port (see
# tests/browser/). Installs what it needs on a fresh Debian machine:
# Debian's chromium (Playwright's own browser download is not used) and
# Node.js, then `npm ci` from the committed package-lock.json.
#
#   bash scripts/browser-tests.sh                # the tests
#   bash scripts/browser-tests.sh --screenshots  # the tests, then docs/screenshots/
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests: installing Debian's chromium" >&2
  apt_install chromium fonts-dejavu-core
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "browser tests: installing Node.js" >&2
  apt_install nodejs npm
fi

# The billing page's test syncs from a local fake of Stripe's API
# (localstripe from PyPI, as scripts/test.sh installs it).
if ! python3 -c "import localstripe" 2>/dev/null; then
  python3 -m pip install --quiet "localstripe==1.15.10"
fi

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cargo build --workspace --bin churnwise --locked
export CHURNWISE_BIN="$PWD/target/debug/churnwise"

cd tests/browser
node --test --test-concurrency=1 tests/
if [ "${1:-}" = "--screenshots" ]; then
  node screenshots.mjs
fi
