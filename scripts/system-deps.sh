#!/usr/bin/env bash
# The Debian packages the test suite needs besides the venv: chromium (the report's PDF and
# the browser tests), poppler-utils (pdftoppm, the PDF's first page as an image) and
# fonts-dejavu-core (the charts' font). Installs them with apt-get when missing and running
# as root (CI); otherwise stops before any test runs and prints the one command to run.
set -euo pipefail

PACKAGES="chromium poppler-utils fonts-dejavu-core"

missing=()
# render.py calls /usr/bin/chromium by path (Debian's package), not whatever is on PATH.
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

command_line="apt-get update && apt-get install -y --no-install-recommends $PACKAGES"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing ${missing[*]}; the tests need them. Run:" >&2
    echo "    sudo sh -c '$command_line'" >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]} (apt-get, as root)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $PACKAGES
