#!/usr/bin/env bash
# The test command: set up what is missing, then run the whole suite; then the CLI's
# end-to-end tests once more against the release binary, the one people install (static PIE,
# start-up symbol order, its own compiler options), so a break there cannot go unseen; then
# the Python package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
# The Python package's virtual environment (.venv, ignored): the Swift suite reads and writes
# vaults through the package too, and pytest runs from it at the end.
FRL_VAULT_PYTHON="$(bash tools/setup-python.sh)"
export FRL_VAULT_PYTHON
# A real browser for the login tests (headless Chromium), library and CLI alike.
bash tools/setup-chromium.sh
swift build --build-tests
swift test --skip-build
# Every fuzz target for a short while from its committed seeds (the long runs are
# tools/fuzz/run.sh --runs N; their results are in tools/fuzz/FUZZING.md).
echo "test: each fuzz target for ${FRL_VAULT_FUZZ_SECONDS:-10} s" >&2
bash tools/fuzz/run.sh --seconds "${FRL_VAULT_FUZZ_SECONDS:-10}"
release="$(bash tools/build-release.sh)"
echo "test: the CLI's end-to-end tests against the release binary ($release)" >&2
FRL_VAULT_BINARY="$release" swift test --skip-build --filter FrlVaultCLITests
# The Python package last: it drives the release binary (interop, shared lock, Fair Research
# Login's own NativeClient against a local Globus-Auth-like server).
echo "test: the Python package's tests (pytest, in .venv)" >&2
FRL_VAULT_BINARY="$release" "$FRL_VAULT_PYTHON" -m pytest -q python/tests
