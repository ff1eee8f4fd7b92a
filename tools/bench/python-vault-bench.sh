#!/usr/bin/env bash
# The Python package's benchmark (tools/bench/python_vault_bench.py) in the repository's .venv,
# which is created when missing (python3 -m venv .venv; pip install ./python and
# fair-research-login 0.3.1). An installed copy of frl_vault that differs from python/src is
# reinstalled first, so the run measures the code in the tree (an editable install, as
# tools/setup-python.sh makes, is left alone); installs build from a copy of python/, leaving no
# build/ or egg-info behind in it. Arguments go to the script: --sizes 5,1000,10000, --rounds N,
# --no-results, --profile, --help.
#
#   bash tools/bench/python-vault-bench.sh              # ~2-3 minutes; updates RESULTS.md
#   bash tools/bench/python-vault-bench.sh --profile --sizes 5,10000
set -euo pipefail
cd "$(dirname "$0")/../.."

install_package() {
    local copy
    copy="$(mktemp -d /tmp/python-vault-bench-src-XXXXXX)"
    cp -r python "$copy/python"
    rm -rf "$copy/python/build" "$copy/python/src/"*.egg-info
    .venv/bin/pip install -q "$@" "$copy/python" >&2 || { rm -rf "$copy"; return 1; }
    rm -rf "$copy"
}

if [ ! -x .venv/bin/python ]; then
    echo "python-vault-bench: creating .venv" >&2
    python3 -m venv .venv
    install_package fair-research-login==0.3.1
elif ! .venv/bin/python tools/bench/python_vault_bench.py --check-package; then
    # An editable install (tools/setup-python.sh) imports python/src itself and passes the check.
    echo "python-vault-bench: .venv's frl_vault is not python/src as it is now; reinstalling it" >&2
    install_package --no-deps --force-reinstall
fi
exec .venv/bin/python tools/bench/python_vault_bench.py "$@"
