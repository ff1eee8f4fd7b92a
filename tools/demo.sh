#!/usr/bin/env bash
# The main job on defaults: build the release frl-vault (tools/build-release.sh), then a real
# vault round trip in a private temp directory: a new keyfile and vault, a sample token map
# imported, read back (redacted and verified), exported and compared, then securely cleared.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
frl="$(bash tools/build-release.sh)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FRL_VAULT="$work/tokens.vault"
export FRL_VAULT_KEYFILE="$work/vault.key"

set -x
"$frl" keygen "$FRL_VAULT_KEYFILE"
"$frl" init
"$frl" import tools/demo/sample-tokens.json
"$frl" status
"$frl" show
"$frl" verify
"$frl" export --format json > "$work/exported.json"
set +x
python3 - "$work/exported.json" tools/demo/sample-tokens.json <<'PY'
import json, sys
exported, original = (json.load(open(p)) for p in sys.argv[1:3])
for tokens in (exported, original):
    for token_set in tokens.values():
        token_set["refresh_token"] = token_set.get("refresh_token") or None
assert exported == original, "exported tokens differ from the imported ones"
print("round trip: exported tokens equal the imported ones")
PY
set -x
"$frl" clear --yes
test ! -e "$FRL_VAULT"
set +x
echo "demo: ok (vault created, written, read back, verified and securely cleared)"
