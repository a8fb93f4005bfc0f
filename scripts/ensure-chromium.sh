#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core; nothing downloads a browser.
# Installs it when missing and we are root; otherwise says how.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing; installing Debian's chromium package…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null 2>&1 && exit 0
fi
echo "The browser tests need Debian's Chromium. Install it with:  sudo apt-get install -y chromium" >&2
exit 1
