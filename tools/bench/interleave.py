#!/usr/bin/env python3
"""Whole-process wall time of several commands, measured round-robin.

On a shared machine the load drifts over seconds, so timing all runs of one command and then
all runs of the next (hyperfine's order) can hand one of them a quieter minute. Here every
round runs each command once, in a rotating order, and each command's median and 10th
percentile over the rounds are compared with the reference command's (the 10th percentile is
the steadier of the two when other work on the machine comes and goes). Each run is posix_spawn to wait4 with stdout and
stderr on /dev/null; spawning costs the same for every command.

    interleave.py --rounds 200 --warmup 10 --reference 'age -d ...' \
        --markdown out.md NAME=COMMAND [NAME=COMMAND ...]
"""
import argparse
import os
import shlex
import statistics
import sys
import time


def run_once(argv, devnull):
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, _ = os.wait4(pid, 0)
    elapsed = time.perf_counter_ns() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"interleave: {shlex.join(argv)} exited with status {os.waitstatus_to_exitcode(status)}")
    return elapsed / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--reference", help="name of the command the others are compared with")
    parser.add_argument("--markdown", help="write the table here")
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    options = parser.parse_args()

    commands = []
    for item in options.commands:
        name, _, command = item.partition("=")
        commands.append((name, shlex.split(command)))
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _ in range(options.warmup):
        for _, argv in commands:
            run_once(argv, devnull)
    times = {name: [] for name, _ in commands}
    for round_number in range(options.rounds):
        shift = round_number % len(commands)
        for name, argv in commands[shift:] + commands[:shift]:
            times[name].append(run_once(argv, devnull))

    def p10(samples):
        return sorted(samples)[len(samples) // 10]

    reference = times.get(options.reference)
    lines = [
        "| Command | Median [ms] | p10 [ms] | p90 [ms] | vs reference (median) | vs reference (p10) |",
        "|:---|---:|---:|---:|---:|---:|",
    ]
    for name, _ in commands:
        samples = sorted(times[name])
        median = statistics.median(samples)
        p90 = samples[(len(samples) * 9) // 10]
        by_median = f"{median / statistics.median(reference):.2f}x" if reference else ""
        by_p10 = f"{p10(samples) / p10(reference):.2f}x" if reference else ""
        lines.append(f"| `{name}` | {median:.2f} | {p10(samples):.2f} | {p90:.2f} | {by_median} | {by_p10} |")
    table = "\n".join(lines) + "\n"
    print(table, end="")
    if options.markdown:
        with open(options.markdown, "w") as handle:
            handle.write(table)


if __name__ == "__main__":
    main()
