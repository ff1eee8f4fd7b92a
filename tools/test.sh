#!/usr/bin/env bash
# The test command: set up what is missing, then run the whole suite; then the CLI's
# end-to-end tests once more against the release binary, the one people install (static PIE,
# start-up symbol order, its own compiler options), so a break there cannot go unseen.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
swift build --build-tests
swift test --skip-build
# Every fuzz target for a short while from its committed seeds (the long runs are
# tools/fuzz/run.sh --runs N; their results are in tools/fuzz/FUZZING.md).
echo "test: each fuzz target for ${FRL_VAULT_FUZZ_SECONDS:-10} s" >&2
bash tools/fuzz/run.sh --seconds "${FRL_VAULT_FUZZ_SECONDS:-10}"
release="$(bash tools/build-release.sh)"
echo "test: the CLI's end-to-end tests against the release binary ($release)" >&2
FRL_VAULT_BINARY="$release" swift test --skip-build --filter FrlVaultCLITests

