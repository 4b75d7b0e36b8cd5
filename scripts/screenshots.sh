#!/usr/bin/env bash
# Refreshes docs/screenshots/: the main pages of the demo workspace in
# English and Spanish, taken in headless Chromium (runs the browser tests
# first, installing what they need).
set -euo pipefail
exec bash "$(dirname "$0")/browser-tests.sh" --screenshots
