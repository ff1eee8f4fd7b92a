#!/usr/bin/env bash
# Installs Debian's chromium for the login tests that drive a real browser (headless), only
# when no Chromium is installed. The demo does not need it; only the test command runs this.
set -euo pipefail

for browser in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    [ -x "$browser" ] && exit 0
done
sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
echo "setup-chromium: installing chromium (the headless-browser login tests)" >&2
sudo_if_needed apt-get update -qq
if ! sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    echo "setup-chromium: warning: chromium could not be installed; the browser tests will say they skipped" >&2
fi
