#!/usr/bin/env bash
# Writes the fuzzers' seed corpora (tools/fuzz/seeds/TARGET/), from the project's own fixtures
# and from vaults the CLI writes under the fuzz key (32 bytes of 0x42, see FuzzKey). Run once
# when the formats change; the seeds are committed, so a fuzz run needs no network or key.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/setup.sh
swift build --product frl-vault >/dev/null
frl=.build/debug/frl-vault
seeds=tools/fuzz/seeds
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$seeds"
mkdir -p "$seeds"/{vault-file,vault-plaintext,import-json,import-ini,keyfile}

key="$work/fuzz.key"
printf 'frl-vault-key-v1:%s\n' "$(printf '42%.0s' {1..32})" >"$key"
chmod 600 "$key"
cp "$key" "$seeds/keyfile/valid"
printf 'frl-vault-key-v1:%s\r\n' "$(printf 'AB%.0s' {1..32})" >"$seeds/keyfile/upper-crlf"
printf 'frl-vault-key-v1:%s' "$(printf '0f%.0s' {1..32})" >"$seeds/keyfile/no-newline"

# Token maps: the Python library's own files, an empty map, escapes and non-ASCII names,
# and a large one (a vault above 4 KiB pads differently).
cp Tests/TokensTests/Fixtures/python-written.json "$work/python.json"
printf '{}' >"$work/empty.json"
cat >"$work/escapes.json" <<'JSON'
{"caf\u00e9.example.org": {"scope": "openid \"quoted\" \\ back\tslash \u65e5\u672c", "access_token": "A\u0001B", "refresh_token": null, "token_type": "Bearer", "expires_at_seconds": -1, "resource_server": "caf\u00e9.example.org"}}
JSON
python3 tools/bench/make_tokens.py 40 "$work/forty.json"
for map in python empty escapes forty; do
    cp "$work/$map.json" "$seeds/import-json/$map.json"
done

for map in python empty escapes forty; do
    vault="$work/$map.vault"
    "$frl" init --vault "$vault" --keyfile "$key" >/dev/null
    "$frl" import "$work/$map.json" --vault "$vault" --keyfile "$key" >/dev/null
    "$frl" import "$work/python.json" --vault "$vault" --keyfile "$key" --namespace "other-client" >/dev/null
    cp "$vault" "$seeds/vault-file/$map"
    if python3 -c 'import nacl.secret' 2>/dev/null; then
        python3 tools/vectors/independent_vault.py decrypt "$vault" --keyfile "$key" >"$seeds/vault-plaintext/$map"
    fi
done
# The frozen vectors' plaintexts (a layout other than the writer's) and headers of other kinds.
python3 - "$seeds" <<'PY'
import json, shutil, sys
seeds = sys.argv[1]
vectors = "Tests/TokenVaultTests/Vectors"
for vector in json.load(open(f"{vectors}/vectors.json")):
    open(f"{seeds}/vault-plaintext/vector-{vector['name']}", "w").write(vector["plaintext"])
    shutil.copy(f"{vectors}/{vector['file']}", f"{seeds}/vault-file/vector-{vector['name']}")
PY
cp Tests/TokensTests/Fixtures/*.cfg "$seeds/import-ini/"
"$frl" export --format cfg --vault "$work/forty.vault" --keyfile "$key" >"$seeds/import-ini/forty.cfg"
echo "seeds written to $seeds: $(find "$seeds" -type f | wc -l) files" >&2
