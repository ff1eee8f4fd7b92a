#!/usr/bin/env bash
# The vault benchmark: a release build of tools/bench/vault-bench run in a private temp dir on
# the same disk as /tmp (real fsyncs), its section of tools/bench/RESULTS.md replaced in place.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/setup.sh
swift build -c release --product vault-bench >&2
bin="$(swift build -c release --show-bin-path)/vault-bench"

# The Python peers (Fair Research Login, PyNaCl) run from the project's .venv.
VAULT_BENCH_PYTHON="$(bash tools/setup-python.sh)"
VAULT_BENCH_PEER="$PWD/tools/bench/python_peer.py"
export VAULT_BENCH_PYTHON VAULT_BENCH_PEER

work="$(mktemp -d /tmp/vault-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT
# With a baseline (VAULT_BENCH_BASELINE), both builds' children run from copies side by side:
# where an executable lies changes how fast it runs (an A/A run of one binary, one child from
# the build folder and one from /tmp, showed the first 5-17% faster).
if [ -n "${VAULT_BENCH_BASELINE:-}" ]; then
    mkdir "$work/builds"
    cp "$bin" "$work/builds/current"
    cp "$VAULT_BENCH_BASELINE" "$work/builds/baseline"
    VAULT_BENCH_CURRENT="$work/builds/current" VAULT_BENCH_BASELINE="$work/builds/baseline"
    export VAULT_BENCH_CURRENT VAULT_BENCH_BASELINE
fi
"$bin" "$work" > "$work/section.md"

python3 - tools/bench/RESULTS.md "$work/section.md" <<'PY'
import datetime, os, platform, subprocess, sys
results, section_path = sys.argv[1], sys.argv[2]
begin, end = "<!-- vault-bench:begin -->", "<!-- vault-bench:end -->"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
fs = subprocess.run(["df", "-T", "/tmp"], capture_output=True, text=True).stdout.splitlines()[-1].split()[1]
body = open(section_path).read().strip()
section = "\n".join([
    begin,
    "## Vault storage (tools/bench/vault-bench.sh)",
    "",
    f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), "
    f"/tmp on {fs}, release build. Medians; every write is fsynced (file and directory).",
    "",
    body,
    end,
])
text = open(results).read() if os.path.exists(results) else "# Benchmark results\n"
if begin in text and end in text:
    text = text[: text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(results, "w").write(text)
print(body)
PY
