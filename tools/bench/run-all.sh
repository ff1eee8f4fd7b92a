#!/usr/bin/env bash
# Reruns every benchmark and rewrites tools/bench/RESULTS.md from scratch, so that every number
# in it comes from this one run on this machine: the vault storage against its Python peers
# (vault-bench.sh), the Python package (python-vault-bench.sh), the CLI against age
# (cli-bench.sh) and `token` (cli-token-bench.sh). Each script still replaces only its own
# section when run alone.
#
# BASELINE_REV=COMMIT also builds that commit's release binary (in a git worktree under /tmp)
# and runs its reading verbs and import in cli-bench's rounds, and its vault-bench (if it has
# the serve mode) as a peer in vault-bench's rounds, for a with-and-without measurement of a
# change (or BASELINE=PATH and BASELINE_NOTE=TEXT for a binary built already). ~30 minutes on 2 cores (more with a baseline to build); run it on
# an otherwise idle machine.
#
#   bash tools/bench/run-all.sh
#   BASELINE_REV=23c9ee4 ROUNDS=200 bash tools/bench/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=tools/bench/RESULTS.md

if [ -n "${BASELINE_REV:-}" ]; then
    tree=/tmp/frl-vault-baseline-$(git rev-parse --short "$BASELINE_REV")
    [ -d "$tree" ] || git worktree add -q --detach "$tree" "$BASELINE_REV"
    echo "run-all: building the baseline $BASELINE_REV in $tree" >&2
    BASELINE=$(cd "$tree" && bash tools/build-release.sh 2>/dev/null)
    BASELINE_NOTE="the release build of commit $(git rev-parse --short "$BASELINE_REV"): $(git log -1 --format=%s "$BASELINE_REV" | cut -c1-100)"
    export BASELINE BASELINE_NOTE
    # vault-bench's baseline peer too, where that commit's vault-bench has the serve mode.
    if grep -q '"serve"' "$tree/tools/bench/vault-bench/VaultBench.swift"; then
        (cd "$tree" && source tools/setup.sh && swift build -c release --product vault-bench >&2)
        VAULT_BENCH_BASELINE="$(cd "$tree" && source tools/setup.sh && swift build -c release --show-bin-path)/vault-bench"
        VAULT_BENCH_BASELINE_NOTE="the build of commit $(git rev-parse --short "$BASELINE_REV")"
        export VAULT_BENCH_BASELINE VAULT_BENCH_BASELINE_NOTE
    fi
elif [ -n "${BASELINE:-}" ]; then
    export BASELINE BASELINE_NOTE="${BASELINE_NOTE:-a release build given as BASELINE}"
fi

cat > "$OUT" <<EOF
# Benchmark results

Written by \`tools/bench/run-all.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD),
on $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), which ran the sections below back to
back (each also says when it ran; a script run alone later replaces only its own section).
Peers (Fair Research Login, a PyNaCl vault, age, the file-system floors, an older build) run in
the same rounds as the rows they are compared with; no number is typed in. The machine's load
drifts, so compare rows of one table, not tables or runs. Each section judges its targets.
EOF

bash tools/bench/vault-bench.sh >/dev/null
bash tools/bench/python-vault-bench.sh >/dev/null
bash tools/bench/cli-bench.sh
BASELINE= bash tools/bench/cli-token-bench.sh >/dev/null
echo "run-all: wrote $ROOT/$OUT" >&2
