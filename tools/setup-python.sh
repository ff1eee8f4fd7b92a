#!/usr/bin/env bash
# Creates (or refreshes) the virtual environment the Python package's tests run in: .venv at the
# top of the repository (ignored by git), with the package installed from ./python and what its
# tests need (pytest, and Fair Research Login itself from PyPI). Safe to run again; it installs
# only what is missing. Prints the environment's python on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's python3 leaves venv (ensurepip) to a separate package.
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "setup-python: installing python3-venv" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup-python: creating .venv" >&2
    python3 -m venv .venv
fi
# Editable, so the tests always run the package as it is in the tree.
if ! .venv/bin/python -c 'import pytest, fair_research_login, nacl, frl_vault' >/dev/null 2>&1 ||
    [ "$(.venv/bin/python -c 'import frl_vault, os; print(os.path.dirname(frl_vault.__file__))')" != "$PWD/python/src/frl_vault" ]; then
    echo "setup-python: installing ./python (editable) and its test dependencies into .venv" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e './python[test]' >&2
fi
echo "$PWD/.venv/bin/python"
