#!/usr/bin/env bash
# Install what the `browser` pytest marker needs: Debian's chromium and Python playwright.
# Never run `playwright install`: it downloads its own browser build, which fails here;
# the tests launch /usr/bin/chromium instead.  Idempotent; safe to call on every CI run.
# --system: the Debian package only (.ci/run installs it while pip runs; a second pip would race the first).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
[ "${1:-}" = --system ] && exit 0
python3 -c 'import playwright' 2>/dev/null || python3 -m pip install -q 'playwright>=1.40'
echo "browser deps ok: $(chromium --version 2>/dev/null)"
