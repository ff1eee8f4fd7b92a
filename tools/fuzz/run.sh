#!/usr/bin/env bash
# Builds the libFuzzer targets (tools/fuzz/targets) with AddressSanitizer and LeakSanitizer and
# runs each from its committed seeds (tools/fuzz/seeds), for a time or a number of runs.
#
#   tools/fuzz/run.sh [--seconds S | --runs N] [--max-len BYTES] [TARGET ...]
#
# Default: every target for 30 seconds. A crash, a leak, a failed round trip (the target traps)
# or a timeout fails the run; the input that caused it is
# written to .build-fuzz/artifacts/. New corpus entries go to a scratch folder, never into
# the seeds. Prints libFuzzer's final stats (executions) per target.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/setup.sh

all=(fuzz-vault-file fuzz-vault-plaintext fuzz-import-json fuzz-import-ini fuzz-keyfile)
limit=(-max_total_time=30)
extra=()
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) limit=(-max_total_time="$2"); shift 2 ;;
        --runs) limit=(-runs="$2"); shift 2 ;;
        --max-len) extra=(-max_len="$2"); shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

build=(env FRL_VAULT_FUZZ=1 swift build -c release --scratch-path .build-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
for target in "${targets[@]}"; do
    echo "fuzz: building $target" >&2
    "${build[@]}" --product "$target" 2>&1 | grep -E "error|warning: unre" >&2 || true
    [ -x ".build-fuzz/release/$target" ] || { echo "fuzz: error: $target did not build" >&2; exit 1; }
done

mkdir -p .build-fuzz/artifacts
status=0
for target in "${targets[@]}"; do
    corpus="$(mktemp -d)"
    seeds="tools/fuzz/seeds/${target#fuzz-}"
    echo "fuzz: running $target (${limit[*]} ${extra[*]+"${extra[*]}"}) from $seeds" >&2
    if ! ".build-fuzz/release/$target" "$corpus" "$seeds" "${limit[@]}" ${extra[@]+"${extra[@]}"} -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix=".build-fuzz/artifacts/$target-" >".build-fuzz/$target.log" 2>&1; then
        status=1
        echo "fuzz: error: $target failed; see .build-fuzz/$target.log and .build-fuzz/artifacts/" >&2
        tail -30 ".build-fuzz/$target.log" >&2
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' ".build-fuzz/$target.log" | tail -1)"
    echo "fuzz: $target: ${runs:-?} executions, $(grep -c '^==.*ERROR' ".build-fuzz/$target.log" || true) sanitizer reports" >&2
    rm -rf "$corpus"
done
exit $status
