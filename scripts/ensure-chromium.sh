#!/usr/bin/env bash
# The end-to-end tests drive Debian's Chromium (Playwright cannot download browsers here).
# Installs it with apt-get when missing and running as root; otherwise says what to install.
set -euo pipefail
browser=${PROVIDERDESK_CHROMIUM:-/usr/bin/chromium}
if [ -x "$browser" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the end-to-end tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is missing at $browser." >&2
echo "Install it with: sudo apt-get install chromium" >&2
echo "(or point PROVIDERDESK_CHROMIUM at a Chromium binary)" >&2
exit 1
