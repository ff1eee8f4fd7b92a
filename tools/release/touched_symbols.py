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
import subprocess
import sys

# nm's letters for code and for zero-initialised data.
KEPT_TYPES = set("tTwWbB")


def entry_point(binary):
    for line in subprocess.run(["readelf", "-h", binary], capture_output=True, text=True, check=True).stdout.splitlines():
        if "Entry point address" in line:
            return int(line.split()[-1], 16)
    raise SystemExit(f"touched_symbols: {binary}: no entry point in its ELF header")


def sized_symbols(binary):
    """(start, end, name, type) for every symbol with a size, sorted by start."""
    symbols = []
    listing = subprocess.run(["nm", "-S", binary], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4:
            start, size = int(fields[0], 16), int(fields[1], 16)
            symbols.append((start, start + max(size, 1), fields[3], fields[2]))
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
            start, end, symbol, kind = symbols[index]
            if start <= offset < end and kind in KEPT_TYPES:
                name = symbol
        resolved[address] = name
        if name is not None and name not in touched:
            touched[name] = True
    if load_base is None:
        raise SystemExit("touched_symbols: the trace has no instructions (was it lackey's --trace-mem output?)")
    sys.stdout.write("".join(name + "\n" for name in touched))


if __name__ == "__main__":
    main()
