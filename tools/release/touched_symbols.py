#!/usr/bin/env python3
"""Reads a `valgrind --tool=lackey --trace-mem=yes` trace of BINARY on stdin and prints, in
the order they were first touched, the binary's functions that ran and the zero-initialised
(.bss) variables that were read or written: the symbols whose placement decides how many
pages a short run of the program faults in. Other data is left out on purpose: the .data and
.data.rel.ro pages all hold pointers, so start-up relocation touches every one of them anyway.

    valgrind --tool=lackey --trace-mem=yes --log-fd=3 BINARY ARGS 3>&1 >/dev/null 2>&1 \
        | python3 tools/release/touched_symbols.py BINARY
"""
import bisect
import re
import subprocess
import sys

# glibc's CPU-specific variants of its string functions (__memmove_avx_unaligned_erms,
# __strlen_evex, ...): which one runs is chosen at start-up from the CPU, and valgrind's
# emulated CPU is not the real one, so a traced variant stands for its whole family.
CPU_VARIANT = re.compile(r"^(__(?:mem|str|stp|wmem|wcs|raw)[a-z0-9]*?)_(?:sse2|ssse3|sse4|sse42|avx|avx2|avx512|evex|erms|rtm)")


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def entry_point(binary):
    for line in run("readelf", "-h", binary).splitlines():
        if "Entry point address" in line:
            return int(line.split()[-1], 16)
    raise SystemExit(f"touched_symbols: {binary}: no entry point in its ELF header")


def kept_ranges(binary):
    """Address ranges of the sections whose symbols are kept: code and .bss."""
    ranges = []
    for line in run("readelf", "-SW", binary).splitlines():
        if "]" not in line:
            continue
        fields = line.split("]", 1)[1].split()
        if len(fields) < 5:
            continue
        name, address, size = fields[0], fields[2], fields[4]
        if name in (".text", ".init", ".fini", ".bss"):
            ranges.append((int(address, 16), int(address, 16) + int(size, 16)))
    return ranges


def sized_symbols(binary):
    """(start, end, name) for every symbol that lies in code or .bss, sorted by start. Thread-
    local symbols (whose values are offsets, not addresses) fall outside those ranges."""
    ranges = kept_ranges(binary)
    symbols = []
    for line in run("nm", "-S", binary).splitlines():
        fields = line.split()
        if len(fields) == 4:
            start, size, name = int(fields[0], 16), int(fields[1], 16), fields[3]
        elif len(fields) == 3 and fields[1] in "tTwW":
            start, size, name = int(fields[0], 16), 0, fields[2]  # nm prints no size for 0
        else:
            continue
        if any(low <= start < high for low, high in ranges):
            symbols.append((start, start + max(size, 1), name))
    symbols.sort()
    return symbols


def main():
    binary = sys.argv[1]
    symbols = sized_symbols(binary)
    starts = [symbol[0] for symbol in symbols]
    entry = entry_point(binary)
    load_base = None
    resolved = {}
    touched = {}
    for line in sys.stdin:
        # Trace lines: "I  04017a0,3" (an instruction), " L addr,size", " S ...", " M ..." (data).
        if len(line) < 4 or line[0] not in "I ":
            continue
        comma = line.find(",", 3)
        if comma < 0:
            continue
        try:
            address = int(line[3:comma], 16)
        except ValueError:
            continue
        if load_base is None:
            # Valgrind starts a static executable at its entry point, so the first
            # instruction gives the address the binary was loaded at.
            if line[0] != "I":
                continue
            load_base = address - entry
        if address in resolved:
            continue
        offset = address - load_base
        index = bisect.bisect_right(starts, offset) - 1
        name = None
        if index >= 0:
            start, end, symbol = symbols[index]
            if start <= offset < end:
                name = symbol
        resolved[address] = name
        if name is not None and name not in touched:
            touched[name] = True
    if load_base is None:
        raise SystemExit("touched_symbols: the trace has no instructions (was it lackey's --trace-mem output?)")
    families = {match.group(1) for match in map(CPU_VARIANT.match, touched) if match}
    for _, _, name in symbols:
        match = CPU_VARIANT.match(name)
        if match and match.group(1) in families and name not in touched:
            touched[name] = True
    sys.stdout.write("".join(name + "\n" for name in touched))


if __name__ == "__main__":
    main()
