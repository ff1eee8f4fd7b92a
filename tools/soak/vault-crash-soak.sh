#!/usr/bin/env bash
# Crash-safety soak, longer than the test suite's 30 kills: a vault-child writing in a loop is
# killed with SIGKILL at a random moment, again and again; after every kill the vault must open
# to exactly one state the writer wrote, and no file in the directory may hold plaintext.
#   tools/soak/vault-crash-soak.sh [ROUNDS]     (default 500)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/setup.sh
rounds="${1:-500}"
swift build --product vault-child >&2
child="$(swift build --show-bin-path)/vault-child"

work="$(mktemp -d /tmp/vault-soak-XXXXXX)"
trap 'rm -rf "$work"' EXIT
vault="$work/tokens.vault"
key="$work/vault.key"
"$child" keygen "$key" 077 >/dev/null

leftovers=0
for round in $(seq 1 "$rounds"); do
    "$child" write-loop "$vault" "$key" "$((round * 100000))" >/dev/null &
    pid=$!
    # 0-60 ms: covers start-up, the first write and many later ones.
    sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ -e "$vault" ]; then
        "$child" check "$vault" "$key" >/dev/null || { echo "soak: round $round: the vault does not open to a written state" >&2; exit 1; }
    fi
    if grep -rl "PLAINTEXT-MARKER" "$work" >/dev/null 2>&1; then
        echo "soak: round $round: plaintext found on disk:" >&2
        grep -rl "PLAINTEXT-MARKER" "$work" >&2
        exit 1
    fi
    # Every write wipes earlier writers' leftovers, so at most the last kill's can be there.
    leftovers=$(find "$work" -name '.tokens.vault.tmp-*' | wc -l)
    [ "$leftovers" -le 1 ] || { echo "soak: round $round: $leftovers leftover temp files" >&2; exit 1; }
done
echo "soak: $rounds kills, the vault always opened to a written state, no plaintext on disk, leftovers never piled up"
