#!/usr/bin/env bash
# The test command: set up what is missing, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
swift build --build-tests
swift test --skip-build
