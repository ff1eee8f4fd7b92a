#!/usr/bin/env python3
"""The Python package (python/src/frl_vault) against its peers, in one interleaved run.

Targets (issue text): at 5, 1,000 and 10,000 resource servers, the vault's `read_tokens`
within 1.5x of Fair Research Login's own `JSONTokenStorage.read_tokens` on the same map,
its `write_tokens` within 1.3x of an atomic write with fsync of the same bytes, and the
second operation of a passphrase instance as fast as a keyfile one (one Argon2id per
instance).

For each size every round runs every row once, in an order rotated by one each round (as
tools/bench/interleave.py does for processes), so the drifting load of a shared machine falls
on the vault and its peers alike; medians and 10th/90th percentiles over the rounds are
compared. Every number printed is measured in this run: the peers are timed next to the
vault, never typed in. Outside the timer, every timed read is compared with the map, every
timed vault write is checked to have replaced the file, and at the end every vault written is
read back by a new instance.

    .venv/bin/python tools/bench/python_vault_bench.py [--sizes 5,1000,10000] [--rounds R]
        prints a Markdown section and writes it into tools/bench/RESULTS.md between the
        python-vault-bench markers (replaced if present, appended if not)
    ... --profile [--sizes 5,10000]
        cProfile of each vault operation instead (nothing written)

Run it through tools/bench/python-vault-bench.sh, which creates the repository's .venv
when it is missing and reinstalls an installed copy of the package that differs from
python/src. RESULTS.md is written only when the imported frl_vault is python/src's code.
"""
import argparse
import cProfile
import datetime
import gc
import hashlib
import importlib.metadata
import io
import json
import os
import platform
import pstats
import random
import re
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "tools" / "bench" / "RESULTS.md"
START_MARKER = "<!-- python-vault-bench:start -->"
END_MARKER = "<!-- python-vault-bench:end -->"
DEFAULT_SIZES = (5, 1000, 10000)
# Rounds per size for the default run (~1.5 minutes on this repository's 2-core machine).
DEFAULT_ROUNDS = {5: 400, 1000: 100, 10000: 40}
WARMUP_ROUNDS = 2
READ_TARGET = 1.5
WRITE_TARGET = 1.3
PASSPHRASE_KDF = "interactive"
PASSPHRASE = b"python-vault-bench passphrase"


# ---------------------------------------------------------------------------------------------
# Token maps

_TOKEN_ALPHABET = string.ascii_letters + string.digits


def token_map(count):
    """A Globus-like map of `count` token sets (what NativeClient hands to write_tokens),
    the same every run: auth, transfer and groups first, then srv-NNNNNN.api.globus.org;
    ~80-character access tokens, ~88-character refresh tokens (none on every tenth set), and
    urn: or https://auth.globus.org/scopes/UUID/all scopes."""
    rng = random.Random(f"python-vault-bench token map {count}")
    named = ["auth.globus.org", "transfer.api.globus.org", "groups.api.globus.org"]
    tokens = {}
    for index in range(count):
        server = named[index] if index < len(named) else f"srv-{index:06d}.api.globus.org"
        if server == "auth.globus.org":
            scope = "openid profile email urn:globus:auth:scope:auth.globus.org:view_identities"
        elif index % 4 == 3:
            scope = f"https://auth.globus.org/scopes/{uuid.UUID(int=rng.getrandbits(128), version=4)}/all"
        else:
            scope = f"urn:globus:auth:scope:{server}:all"
        access = "Ag" + "".join(rng.choices(_TOKEN_ALPHABET, k=78))
        refresh = None if index % 10 == 9 else "Ag" + "".join(rng.choices(_TOKEN_ALPHABET, k=86))
        tokens[server] = {
            "scope": scope,
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_at_seconds": 1_800_000_000 + rng.randrange(172_800),
            "resource_server": server,
        }
    return tokens


# ---------------------------------------------------------------------------------------------
# The floors

def atomic_write(data, path):
    """The write peer: the same bytes to a new temp file in the target's directory (O_CREAT |
    O_EXCL, mode 0600), fsync, rename over the target, fsync the directory."""
    directory = os.path.dirname(path) or "."
    temp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(temp, path)
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def bare_read(path):
    with open(path, "rb") as handle:
        return handle.read()


# ---------------------------------------------------------------------------------------------
# Statistics and formatting (percentiles as tools/bench/interleave.py takes them)

def median(samples):
    return statistics.median(samples)


def p10(samples):
    return sorted(samples)[len(samples) // 10]


def p90(samples):
    return sorted(samples)[(len(samples) * 9) // 10]


def fmt(microseconds):
    if microseconds >= 10_000:
        return f"{microseconds / 1000:.0f} ms"
    if microseconds >= 1_000:
        return f"{microseconds / 1000:.1f} ms"
    return f"{microseconds:.0f} µs"


def fmt_size(size):
    return f"{size} B" if size < 10_000 else f"{size / 1024:.0f} KiB"


def ratio(a, b):
    return a / b


# ---------------------------------------------------------------------------------------------
# Rows

class BenchFailure(Exception):
    pass


class Row:
    """One timed operation. `setup` runs untimed just before `body` (in the same step, so the
    rotation cannot separate them); `check` runs untimed on the body's result."""

    def __init__(self, key, label, body, *, setup=None, check=None, peer=None, target=None,
                 kind="info", every=1):
        self.key, self.label, self.body, self.setup, self.check = key, label, body, setup, check
        self.peer, self.target, self.kind, self.every = peer, target, kind, every
        self.samples = []

    def step(self, record=True):
        if self.setup is not None:
            self.setup()
        start = time.perf_counter_ns()
        result = self.body()
        elapsed = time.perf_counter_ns() - start
        if self.check is not None:
            self.check(result)
        if record:
            self.samples.append(elapsed / 1000)


def expect_map(expected, what):
    def check(result):
        if result != expected:
            got = "None" if result is None else f"{type(result).__name__} of {len(result)}"
            raise BenchFailure(f"{what} returned {got}, not the {len(expected)} token sets written")
    return check


def expect_bytes(length, what):
    def check(result):
        if len(result) != length:
            raise BenchFailure(f"{what} read {len(result)} bytes, not {length}")
    return check


def refreshed(tokens):
    """The map after one token refresh: the middle set gets a new access token of the same
    length and a later expiry, so the vault's size is unchanged."""
    rng = random.Random(f"python-vault-bench refresh {len(tokens)}")
    server = list(tokens)[len(tokens) // 2]
    changed = dict(tokens)
    changed[server] = dict(tokens[server], access_token="Ag" + "".join(rng.choices(_TOKEN_ALPHABET, k=78)),
                           expires_at_seconds=tokens[server]["expires_at_seconds"] + 172_800)
    return changed


class Alternating:
    """Hands out the two maps in turn, so every write stores a map that differs from the one
    in the file (as after a token refresh) and no writer can skip its work as "unchanged";
    `last` is what the file holds afterwards."""

    def __init__(self, first, second):
        self.maps, self.turn, self.last = (first, second), 0, first

    def next(self):
        self.turn ^= 1
        self.last = self.maps[self.turn]
        return self.last


def format_floor(path, keyfile):
    """What any reader of this file format has to do, at the least, in Python with PyNaCl,
    written apart from the package: read the file; the header checks, key commitment and box
    key of tools/vectors/independent_vault.py (an implementation from SECURITY.md alone);
    XSalsa20-Poly1305 by crypto_secretbox_open_easy; padding stripped by bytes.rstrip; one
    json.loads of the whole document. None when that module cannot be imported."""
    sys.path.insert(0, str(REPO / "tools" / "vectors"))
    try:
        import independent_vault as iv
        from nacl.bindings import crypto_secretbox_open_easy
    except ImportError:
        return None
    finally:
        sys.path.pop(0)
    key = iv.parse_keyfile(bare_read(keyfile))

    def read():
        data = bare_read(path)
        header = iv.parse_header(data)
        if not secrets.compare_digest(iv.blake2b(iv.COMMITMENT_LABEL + header["prefix"], 32, key), header["commitment"]):
            raise BenchFailure("format floor: wrong key")
        box_key = iv.blake2b(iv.BOX_KEY_LABEL + header["prefix"], 32, key)
        padded = crypto_secretbox_open_easy(data[iv.HEADER_LENGTH:], header["nonce"], box_key)
        content = padded.rstrip(b"\0")
        if not content.endswith(b"\x80"):
            raise BenchFailure("format floor: bad padding")
        return json.loads(content[:-1])

    return read


def run_size(frl_vault, JSONTokenStorage, work, keyfile, count, rounds, first_runs, log):
    """Builds the rows for one size, runs warm-up and measured rounds, returns (rows, facts)."""
    Vault = frl_vault.VaultTokenStorage
    tokens = token_map(count)
    other_tokens = refreshed(tokens)
    d = work / f"n{count}"
    d.mkdir()

    def keyed(name):
        return Vault(str(d / name), keyfile=str(keyfile))

    def passphrased(name):
        return Vault(str(d / name), passphrase=PASSPHRASE, kdf=PASSPHRASE_KDF)

    def writes(storage, maps=None):
        return (lambda: storage.write_tokens(maps.next())) if maps else (lambda: storage.write_tokens(tokens))

    def holds(maps, what):
        return lambda result: expect_map(maps.last, what)(result)

    def rewrote(storage):
        """A check that the call really replaced the file (a new inode or new first bytes:
        every seal has a fresh nonce), so no shortcut for an unchanged map goes unseen."""
        def signature():
            with open(storage.path, "rb") as handle:
                return os.fstat(handle.fileno()).st_ino, handle.read(4096)
        state = {"last": signature()}

        def check(_):
            now = signature()
            if now == state["last"]:
                raise BenchFailure(f"write_tokens left {os.path.basename(storage.path)} as it was")
            state["last"] = now
        return check

    # FRL's own storage: a file holding the same map, written by FRL itself.
    frl_read = JSONTokenStorage(str(d / "frl-read.json"))
    frl_read.write_tokens(tokens)
    frl_write = JSONTokenStorage(str(d / "frl-write.json"))
    frl_write.write_tokens(tokens)

    # (a) one instance reading a vault nobody changes.
    hit = keyed("hit.vault")
    hit.write_tokens(tokens)
    hit.read_tokens()
    # (b) two instances on one vault: the other writes (untimed), then the reader reads.
    reader, reader_other = keyed("contested-read.vault"), keyed("contested-read.vault")
    reader_other.write_tokens(tokens)
    reader.read_tokens()
    # Writes: one instance rewriting its own vault with the same map (the target); one writing
    # the map and its refreshed form in turn; a pair taking turns (information).
    writer = keyed("write.vault")
    writer.write_tokens(tokens)
    refresher, refresher_maps = keyed("refresh.vault"), Alternating(tokens, other_tokens)
    refresher.write_tokens(tokens)
    cold_writer, cold_other = keyed("contested-write.vault"), keyed("contested-write.vault")
    cold_other.write_tokens(tokens)
    cold_writer.write_tokens(tokens)
    # The write floor: the vault's own sealed bytes, as written by write_tokens.
    vault_bytes = bare_read(d / "write.vault")
    floor_path = str(d / "floor.vault")
    atomic_write(vault_bytes, floor_path)
    # Passphrase instances; each runs its one Argon2id here, untimed.
    pass_reader, pass_other = passphrased("pass-read.vault"), passphrased("pass-read.vault")
    pass_other.write_tokens(tokens)
    pass_reader.read_tokens()
    pass_writer = passphrased("pass-write.vault")
    pass_writer.write_tokens(tokens)
    first_path = str(d / "pass-first.vault")
    passphrased("pass-first.vault").write_tokens(tokens)

    json_size = os.path.getsize(d / "frl-read.json")
    vault_size = len(vault_bytes)
    hit_path = str(d / "hit.vault")
    every_first = max(1, rounds // first_runs) if first_runs else 0
    floor_read = format_floor(hit_path, keyfile)

    rows = [
        Row("frl-read", "FRL `JSONTokenStorage.read_tokens()` (file written by FRL)",
            frl_read.read_tokens, check=expect_map(tokens, "FRL read_tokens"), kind="read-peer"),
        Row("hit", "vault `read_tokens()`, (a) same instance, vault unchanged (cache hit)",
            hit.read_tokens, check=expect_map(tokens, "vault read (a)"),
            peer="frl-read", target=("read", READ_TARGET)),
        Row("after-writer", "vault `read_tokens()`, (b) after another writer (decrypt + parse; the other instance's write untimed)",
            reader.read_tokens, setup=writes(reader_other),
            check=expect_map(tokens, "vault read (b)"), peer="frl-read", target=("read", READ_TARGET)),
        Row("new-instance", "vault `read_tokens()`, (c) new keyfile instance: construct + first read",
            lambda: Vault(hit_path, keyfile=str(keyfile)).read_tokens(),
            check=expect_map(tokens, "vault read (c)"), peer="frl-read", target=("read", READ_TARGET)),
        Row("bare-read", "bare read of the vault file (open, read, close; information)",
            lambda: bare_read(hit_path), check=expect_bytes(vault_size, "bare read"), peer="frl-read"),
    ]
    if floor_read:
        rows.append(Row("format-floor", "format floor: bare read, header and key checks, XSalsa20-Poly1305, `rstrip` "
                                        "of the padding, one `json.loads` of the whole document, written apart from the "
                                        "package (information)",
                        floor_read, check=lambda document: expect_map(tokens, "format floor")(document["namespaces"]["tokens"]),
                        peer="frl-read"))
    rows += [
        Row("floor", "atomic write + fsync of the vault's bytes (O_EXCL 0600 temp, fsync, rename, fsync dir)",
            lambda: atomic_write(vault_bytes, floor_path), kind="write-peer"),
        Row("write", "vault `write_tokens(map)`, same instance, existing vault, the same map again",
            writes(writer), check=rewrote(writer), peer="floor", target=("write", WRITE_TARGET)),
        Row("write-refresh", "vault `write_tokens(map)` of a refreshed map (one access token replaced, so the "
                             "replaced file is also overwritten in place, SECURITY.md section 10; information)",
            writes(refresher, refresher_maps), check=rewrote(refresher), peer="floor"),
        Row("write-after-writer", "vault `write_tokens(map)` after another writer (information)",
            writes(cold_writer), setup=writes(cold_other), check=rewrote(cold_writer), peer="floor"),
        Row("frl-write", "FRL `JSONTokenStorage.write_tokens(map)` (no fsync; information)",
            writes(frl_write), peer="floor"),
        # What any writer of this format pays before a byte reaches the disk: the document in
        # the specified bytes (compact, sorted keys), with no check, seal or I/O.
        Row("encode-only", "`json.dumps` of the document alone, compact with sorted keys as the format "
                           "specifies (no validation, seal or I/O; information)",
            lambda: json.dumps({"frl_vault": 1, "namespaces": {"tokens": tokens}}, ensure_ascii=False,
                               separators=(",", ":"), sort_keys=True),
            peer="floor"),
        Row("pass-after-writer", f"passphrase instance (`{PASSPHRASE_KDF}`), 2nd+ op: `read_tokens()` after another writer",
            pass_reader.read_tokens, setup=writes(pass_other),
            check=expect_map(tokens, "passphrase read"), peer="after-writer", target=("same", None)),
        Row("pass-write", f"passphrase instance (`{PASSPHRASE_KDF}`), 2nd+ op: `write_tokens(map)`, same instance",
            writes(pass_writer), check=rewrote(pass_writer), peer="write", target=("same", None)),
    ]
    if every_first:
        rows.append(Row("pass-first", f"passphrase, new instance's first op: construct + `read_tokens()` "
                                      f"(one Argon2id, `{PASSPHRASE_KDF}`; information)",
                        lambda: Vault(first_path, passphrase=PASSPHRASE, kdf=PASSPHRASE_KDF).read_tokens(),
                        check=expect_map(tokens, "passphrase first read"), peer="new-instance",
                        every=every_first))

    log(f"n={count}: {WARMUP_ROUNDS} warm-up rounds, then {rounds} rounds")
    for _ in range(WARMUP_ROUNDS):
        for row in rows:
            if row.key != "pass-first":
                row.step(record=False)
    gc.collect()
    gc.freeze()
    started = last_report = time.monotonic()
    try:
        for number in range(rounds):
            due = [row for row in rows if number % row.every == 0]
            shift = number % len(due)
            for row in due[shift:] + due[:shift]:
                row.step()
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                log(f"n={count}: {number + 1}/{rounds} rounds in {last_report - started:.0f} s")
    finally:
        gc.unfreeze()

    # Everything written during the rounds reads back, through new instances, as last written.
    for name in ("hit.vault", "contested-read.vault", "write.vault", "contested-write.vault"):
        expect_map(tokens, f"read-back of {name}")(keyed(name).read_tokens())
    expect_map(refresher_maps.last, "read-back of refresh.vault")(keyed("refresh.vault").read_tokens())
    for name in ("pass-read.vault", "pass-write.vault"):
        expect_map(tokens, f"read-back of {name}")(passphrased(name).read_tokens())
    expect_map(tokens, "read-back of frl-write.json")(JSONTokenStorage(str(d / "frl-write.json")).read_tokens())
    if bare_read(floor_path) != vault_bytes:
        raise BenchFailure("the floor file does not hold the vault's bytes")
    if len(bare_read(d / "refresh.vault")) != vault_size:
        raise BenchFailure("the refreshed map's vault differs in size from the map's; the floor is not the same size")

    first = [row for row in rows if row.key == "pass-first"]
    facts = {"json_size": json_size, "vault_size": vault_size, "rounds": rounds,
             "first_runs": len(first[0].samples) if first else 0}
    shutil.rmtree(d)
    return rows, facts


# ---------------------------------------------------------------------------------------------
# Environment facts

def mount_of(path):
    """(mount point, fs type, source) of the mount holding path, from /proc/self/mountinfo."""
    real = os.path.realpath(path)
    best = None
    try:
        with open("/proc/self/mountinfo") as handle:
            for line in handle:
                fields = line.split()
                point = fields[4].replace("\\040", " ")
                dash = fields.index("-")
                inside = real == point or real.startswith(point.rstrip("/") + "/")
                if inside and (best is None or len(point) >= len(best[0])):
                    best = (point, fields[dash + 1], fields[dash + 2])
    except OSError:
        pass
    return best or ("?", "unknown", "?")


def pick_workdir(requested):
    if requested:
        base = Path(requested)
    else:
        temp = Path(tempfile.gettempdir())
        same_fs = os.stat(temp).st_dev == os.stat(REPO).st_dev
        base = temp if same_fs and mount_of(temp)[1] != "tmpfs" else REPO
    prefix = ".python-vault-bench-" if base == REPO else "python-vault-bench-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def libsodium_description():
    try:
        with open("/proc/self/maps") as handle:
            mapped = {line.split()[-1] for line in handle if "libsodium" in line}
    except OSError:
        mapped = set()
    if mapped:
        return "system " + ", ".join(sorted(os.path.basename(m) for m in mapped))
    try:
        text = importlib.metadata.metadata("PyNaCl").get_payload() or ""
        text = text or "\n".join(importlib.metadata.metadata("PyNaCl").get_all("Description") or [])
    except importlib.metadata.PackageNotFoundError:
        text = ""
    found = re.search(r"[Uu]pdated?\s+``libsodium``\s+to\s+([0-9][^\s]*(?:\s+\([^)]*\))?)", text)
    bundled = found.group(1) if found else "version not exposed"
    return f"bundled in PyNaCl, statically linked ({bundled}, from PyNaCl's changelog)"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def tree_digest(directory):
    digest = hashlib.sha256()
    for path in sorted(Path(directory).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def package_provenance(frl_vault):
    """Where the imported frl_vault comes from, and whether it is this tree's python/src."""
    imported = Path(frl_vault.__file__).resolve().parent
    source = REPO / "python" / "src" / "frl_vault"
    if imported == source.resolve():
        return "imported from the working tree's python/src", True
    same = source.is_dir() and tree_digest(imported) == tree_digest(source)
    where = f"imported from {imported}, " + ("identical to python/src" if same else "**not** identical to python/src")
    return where, same


def git_description():
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "python"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" (python/ has uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def version_of(distribution, module=None):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return getattr(module, "__version__", "(no version)")


# ---------------------------------------------------------------------------------------------
# The report

def verdict_cell(row, by_key):
    if row.target is None:
        return ""
    value = ratio(median(row.samples), median(by_key[row.peer].samples))
    kind, limit = row.target
    if kind == "same":
        limit = 1 + SAME_TOLERANCE
    met = value <= limit
    return f"{'met' if met else '**not met**'} ({value:.2f}x {'≤' if met else '>'} {limit:.2f}x)"


SAME_TOLERANCE = 0.10  # set from --same-within


def size_section(count, rows, facts):
    by_key = {row.key: row for row in rows}
    number = {row.key: str(index) for index, row in enumerate(rows, 1)}
    lines = [
        f"#### {count} resource servers",
        "",
        f"Vault {fmt_size(facts['vault_size'])}, FRL JSON {fmt_size(facts['json_size'])}; "
        f"{facts['rounds']} rounds" + (f" (the passphrase first op in {facts['first_runs']} of them)" if facts["first_runs"] else "") + ".",
        "",
        "| # | Operation | Median | p10 | p90 | Compared with | Ratio (median) | Ratio (p10) | Target |",
        "|:--|:---|---:|---:|---:|:--|---:|---:|:--|",
    ]
    for row in rows:
        s = row.samples
        if row.peer:
            peer = by_key[row.peer].samples
            compared = number[row.peer]
            by_median = f"{ratio(median(s), median(peer)):.2f}x"
            by_p10 = f"{ratio(p10(s), p10(peer)):.2f}x"
        else:
            compared, by_median, by_p10 = "(peer)" if row.kind.endswith("peer") else "", "", ""
        lines.append(f"| {number[row.key]} | {row.label} | {fmt(median(s))} | {fmt(p10(s))} | {fmt(p90(s))} "
                     f"| {compared} | {by_median} | {by_p10} | {verdict_cell(row, by_key)} |")
    return lines


def target_lines(results):
    def r(rows, key, peer):
        by_key = {row.key: row for row in rows}
        return ratio(median(by_key[key].samples), median(by_key[peer].samples))

    def mark(value, limit):
        return f"{'met' if value <= limit else '**not met**'} ({value:.2f}x)"

    lines = ["Targets, at the median:", ""]
    lines.append(f"- `read_tokens` within {READ_TARGET}x of FRL's `JSONTokenStorage.read_tokens`:")
    for count, rows, _ in results:
        lines.append(f"  - {count} resource servers: (a) cache hit {mark(r(rows, 'hit', 'frl-read'), READ_TARGET)}, "
                     f"(b) after another writer {mark(r(rows, 'after-writer', 'frl-read'), READ_TARGET)}, "
                     f"(c) new keyfile instance {mark(r(rows, 'new-instance', 'frl-read'), READ_TARGET)}")
    lines.append(f"- `write_tokens` within {WRITE_TARGET}x of an atomic write with fsync of the same bytes:")
    for count, rows, _ in results:
        by_key = {row.key: row for row in rows}
        extra = (f"; for information: a refresh write {r(rows, 'write-refresh', 'floor'):.2f}x, after another writer "
                 f"{r(rows, 'write-after-writer', 'floor'):.2f}x, FRL's unsynced write {r(rows, 'frl-write', 'floor'):.2f}x")
        lines.append(f"  - {count} resource servers: {mark(r(rows, 'write', 'floor'), WRITE_TARGET)}"
                     f" ({fmt(median(by_key['write'].samples))} against {fmt(median(by_key['floor'].samples))}{extra})")
    same = 1 + SAME_TOLERANCE
    lines.append(f"- Passphrase instance's second and later operations as fast as a keyfile instance's "
                 f"(met within {same:.2f}x, an allowance for noise; Argon2id `{PASSPHRASE_KDF}`):")
    for count, rows, _ in results:
        by_key = {row.key: row for row in rows}
        first = by_key.get("pass-first")
        first_text = ""
        if first and first.samples:
            first_text = (f"; a new instance's first read {fmt(median(first.samples))} "
                          f"({len(first.samples)} run{'' if len(first.samples) == 1 else 's'}), i.e. what one more Argon2id per operation would add")
        lines.append(f"  - {count} resource servers: read after another writer "
                     f"{mark(r(rows, 'pass-after-writer', 'after-writer'), same)}, write "
                     f"{mark(r(rows, 'pass-write', 'write'), same)}{first_text}")
    lines += [
        "",
        "Why the misses, from the information rows of the same run: a read that has to decrypt "
        "(b, c) pays what FRL's read does not do at all. The format floor row (decrypt and one "
        "plain `json.loads`, no checks) is already near FRL's read; the rest is the strict rules "
        "of SECURITY.md section 5 that FRL skips on reading (the duplicate-name check, every "
        "token set validated), the caller's copy of the map, and at 5 sets the descriptor walk "
        "of the path (section 11). A write cannot come within 1.3x of writing its own bytes "
        "once encoding them costs more than writing them: the `json.dumps` row alone, with no "
        "check, seal or I/O, is that ratio's floor, and Fair Research Login's own (unsynced) "
        "write is slower still. The cache hit (a), the read a long-lived `NativeClient` repeats, "
        "meets the read target at every size.",
    ]
    return lines


def section(results, facts):
    lines = [
        "## Python package frl_vault (tools/bench/python-vault-bench.sh)",
        "",
        f"Run {facts['date']} by `tools/bench/python_vault_bench.py` in {facts['elapsed']:.0f} s: "
        f"{facts['uname']}, {facts['cpus']} CPUs ({facts['cpu']}), load average {facts['load_start']} at the start "
        f"and {facts['load_end']} at the end. {facts['python']}; PyNaCl {facts['pynacl']} with libsodium "
        f"{facts['libsodium']}; fair-research-login {facts['frl']}; frl_vault {facts['frl_vault']} "
        f"({facts['provenance']}; repository at {facts['git']}). {facts['fs']}",
        "",
        "Every round runs every row once, in an order rotated by one each round, so the load of "
        "the shared machine falls on the vault and its peers alike; times are wall-clock per "
        "call (`time.perf_counter_ns`), medians and 10th/90th percentiles over the rounds. Each "
        "timed read is compared with the whole map outside the timer, and every vault is read "
        "back by a new instance at the end; after every timed vault write the file is checked to "
        "have been replaced. Writes store the same map again, except the refresh row, which "
        "alternates between the map and the map after one token refresh (the same size). "
        "Untimed: the other instance's write before each read or write \"after another writer\". "
        "The garbage collector is on; the benchmark's own fixtures are frozen (`gc.freeze`) so "
        "that collections do not walk them. Token maps: auth, transfer and groups.api.globus.org, "
        "then `srv-NNNNNN.api.globus.org`; 80-character access and 88-character refresh tokens "
        "(none on every tenth set), urn: and `https://auth.globus.org/scopes/UUID/all` scopes, "
        "the same each run. Ratios compare with the row numbered under \"Compared with\".",
        "",
    ]
    for count, rows, size_facts in results:
        lines += size_section(count, rows, size_facts) + [""]
    lines += target_lines(results)
    return "\n".join(lines) + "\n"


def write_results(path, body):
    block = f"{START_MARKER}\n{body.rstrip()}\n{END_MARKER}"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if START_MARKER in text and END_MARKER in text and text.index(START_MARKER) < text.index(END_MARKER):
        text = text[:text.index(START_MARKER)] + block + text[text.index(END_MARKER) + len(END_MARKER):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text)
    os.replace(temp, path)


# ---------------------------------------------------------------------------------------------
# Profiles

def profile(frl_vault, work, keyfile, count, log, seconds=3.0, top=22):
    Vault = frl_vault.VaultTokenStorage
    tokens = token_map(count)
    d = work / f"profile-{count}"
    d.mkdir()
    path = str(d / "v.vault")
    reader, other, writer = (Vault(path, keyfile=str(keyfile)) for _ in range(3))
    other.write_tokens(tokens)
    reader.read_tokens()
    pass_path = str(d / "p.vault")
    Vault(pass_path, passphrase=PASSPHRASE, kdf=PASSPHRASE_KDF).write_tokens(tokens)
    operations = [
        ("read (b) after another writer", lambda: reader.read_tokens(), lambda: other.write_tokens(tokens)),
        ("read (a) cache hit", lambda: reader.read_tokens(), None),
        ("read (c) new keyfile instance", lambda: Vault(path, keyfile=str(keyfile)).read_tokens(), None),
        ("write, same instance", lambda: writer.write_tokens(tokens), None),
        ("passphrase new instance first read", lambda: Vault(pass_path, passphrase=PASSPHRASE, kdf=PASSPHRASE_KDF).read_tokens(), None),
    ]
    out = []
    for name, body, setup in operations:
        # As many calls as fit in `seconds` unprofiled (at least 3), then the same number profiled.
        calls, spent = 0, 0.0
        while calls < 3 or spent < seconds and calls < 5000:
            if setup:
                setup()
            start = time.perf_counter()
            body()
            spent += time.perf_counter() - start
            calls += 1
        profiler = cProfile.Profile()
        for _ in range(calls):
            if setup:
                setup()
            profiler.enable()
            body()
            profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(top)
        out.append(f"### n={count}: {name}: {calls} calls, {fmt(spent / calls * 1e6)} per call unprofiled\n")
        out.append(stream.getvalue())
        log(f"profiled n={count} {name}")
    shutil.rmtree(d)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------

def parse_sizes(text):
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, comma-separated")
    return sizes


def default_rounds(count):
    if count in DEFAULT_ROUNDS:
        return DEFAULT_ROUNDS[count]
    return max(10, min(300, 60_000 // count))


def main():
    global SAME_TOLERANCE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="resource servers per map, comma-separated (default 5,1000,10000)")
    parser.add_argument("--rounds", type=int,
                        help="measured rounds for every size (default: "
                             + ", ".join(f"{n}: {r}" for n, r in DEFAULT_ROUNDS.items()) + ")")
    parser.add_argument("--first-op-runs", type=int, default=5,
                        help="runs of the passphrase first op (an Argon2id each) per size, spread over the rounds")
    parser.add_argument("--same-within", type=float, default=0.10,
                        help="passphrase vs keyfile: met when the ratio is at most 1 + this (default 0.10)")
    parser.add_argument("--workdir", help="where to make the temp dir (default: the system temp dir "
                                          "when it is on the repository's file system and not tmpfs, else the repository)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--check-package", action="store_true",
                        help="exit 0 when the importable frl_vault is python/src (or a copy identical to it), else 1")
    parser.add_argument("--profile", action="store_true",
                        help="print cProfile tables of each vault operation at --sizes instead of benchmarking")
    options = parser.parse_args()
    SAME_TOLERANCE = options.same_within

    def log(message):
        print(f"python-vault-bench: {message}", file=sys.stderr, flush=True)

    if options.check_package:
        try:
            import frl_vault
        except ImportError:
            sys.exit(1)
        sys.exit(0 if package_provenance(frl_vault)[1] else 1)
    import frl_vault
    from fair_research_login import JSONTokenStorage

    work = pick_workdir(options.workdir)
    try:
        keyfile = work / "bench.key"
        frl_vault.generate_keyfile(str(keyfile))
        if options.profile:
            for count in options.sizes:
                print(profile(frl_vault, work, keyfile, count, log))
            return
        mount = mount_of(work)
        repo_mount = mount_of(REPO)
        load_start = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        started = time.monotonic()
        results = []
        for count in options.sizes:
            rounds = options.rounds or default_rounds(count)
            rows, facts = run_size(frl_vault, JSONTokenStorage, work, keyfile, count, rounds,
                                   options.first_op_runs, log)
            results.append((count, rows, facts))
        provenance, from_this_tree = package_provenance(frl_vault)
        uname = platform.uname()
        facts = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "elapsed": time.monotonic() - started,
            "uname": f"{uname.system} {uname.release} {uname.machine}",
            "cpus": os.cpu_count(),
            "cpu": cpu_model(),
            "load_start": load_start,
            "load_end": ", ".join(f"{value:.2f}" for value in os.getloadavg()),
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "pynacl": version_of("PyNaCl"),
            "libsodium": libsodium_description(),
            "frl": version_of("fair-research-login"),
            "frl_vault": version_of("frl-vault", frl_vault),
            "provenance": provenance,
            "git": git_description(),
            "fs": f"Files in a temp dir under {work.parent} on {mount[1]} ({mount[2]}, mounted at {mount[0]}), "
                  + ("the repository's file system." if os.stat(work).st_dev == os.stat(REPO).st_dev
                     else f"**not** the repository's file system ({repo_mount[1]} at {repo_mount[0]})."),
        }
        body = section(results, facts)
        print(body, end="")
        if options.no_results:
            return
        if not from_this_tree and options.results == RESULTS:
            log(f"frl_vault was imported from {provenance}: not writing {RESULTS} (pass --results to force)")
            return
        write_results(options.results, body)
        log(f"wrote {options.results}")
    except BenchFailure as failure:
        sys.exit(f"python-vault-bench: {failure}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
