#!/usr/bin/env bash
# The Debian packages the product and its tests use beyond Python:
# - Chromium and a CJK font, for the real-browser test (Playwright drives Debian's Chromium
#   through its executable path, so nothing is downloaded from a browser CDN);
# - catdoc and antiword, which read Word 97–2003 .doc files;
# - Tesseract with its Simplified Chinese model and poppler's pdftoppm, for
#   `policy-search index --ocr` (scanned PDFs).
# Without root or sudo it only warns: .doc files and --ocr are then reported per file, and
# the tests that need a package skip with a clear reason.
set -uo pipefail
PACKAGES="chromium chromium-driver fonts-wqy-microhei catdoc antiword tesseract-ocr tesseract-ocr-chi-sim poppler-utils"
have_all() {
  command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wenquanyi \
    && command -v catdoc >/dev/null 2>&1 && command -v antiword >/dev/null 2>&1 \
    && command -v pdftoppm >/dev/null 2>&1 && command -v tesseract >/dev/null 2>&1 \
    && tesseract --list-langs 2>/dev/null | grep -qx chi_sim
}
if have_all; then exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "install-system: not root and no sudo; skipping $PACKAGES (the tests needing them will skip)" >&2
  exit 0
fi
# shellcheck disable=SC2086
$SUDO apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null \
  || echo "install-system: apt-get failed; the tests needing these packages will skip" >&2
exit 0
