#!/usr/bin/env bash
# Debian's Chromium (and a CJK font for screenshots) for the real-browser test; Playwright
# drives it through its executable path, so nothing is downloaded from a browser CDN.
# Without root or sudo it only warns: the browser test then skips with a clear reason.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wenquanyi; then exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "install-browser: not root and no sudo; skipping Chromium (browser test will skip)" >&2
  exit 0
fi
$SUDO apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null \
  || echo "install-browser: apt-get failed; the browser test will skip" >&2
exit 0
