#!/usr/bin/env bash
# Makes sure a Chromium exists for the auditor, in the order auditor/gather/browser.py resolves one:
# an explicit CONSENT_AUDIT_CHROMIUM, Playwright's own browser, a system Chromium; failing all three,
# Debian's chromium package when we are root and apt-get exists. Idempotent: a no-op when one is found.
set -euo pipefail
PY="${1:-.venv/bin/python}"
if [ -n "${CONSENT_AUDIT_CHROMIUM:-}" ] && [ -x "$CONSENT_AUDIT_CHROMIUM" ]; then exit 0; fi
if "$PY" - <<'PYEOF' 2>/dev/null; then exit 0; fi
import pathlib, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if pathlib.Path(p.chromium.executable_path).is_file() else 1)
PYEOF
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium (no Chromium found)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium found. Install one: 'sudo apt-get install -y chromium' (Debian/Ubuntu) or" >&2
echo "'.venv/bin/playwright install chromium', or set CONSENT_AUDIT_CHROMIUM to a Chromium executable." >&2
exit 2
