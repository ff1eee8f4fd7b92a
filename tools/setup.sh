#!/usr/bin/env bash
# Installs what building and testing need, only when it is missing, so that a fresh Debian
# machine (as root, or with sudo) is ready after one run. Safe to run again.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "setup: error: the Swift 6 toolchain is not installed" >&2; exit 1; }

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
pkg-config --exists libsodium 2>/dev/null || missing+=(libsodium-dev pkg-config)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The login tests stand in for a browser with curl (and use Chromium where it is installed).
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PyNaCl lets the tests run the independent Python implementation of the vault format
# (tools/vectors/independent_vault.py) against the Swift code; without it those tests skip.
if ! python3 -c 'import nacl.secret' 2>/dev/null; then
    echo "setup: installing PyNaCl for the format interop tests" >&2
    python3 -m pip install --quiet --disable-pip-version-check pynacl >/dev/null 2>&1 ||
        echo "setup: warning: PyNaCl could not be installed; the format interop tests will skip" >&2
fi
