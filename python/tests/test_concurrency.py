"""Real processes of both languages on one vault (SECURITY.md section 9): writers that lose no
update, writers killed with SIGKILL that leave only states they wrote and no plaintext, one
lock shared by Python and the Swift `frl-vault`, and readers that never see a half-wiped
vault. Each test prints its counts (run with -s to see them)."""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import frl_vault.storage as storage_module
from frl_vault import LockTimeoutError, VaultError, VaultTokenStorage, generate_keyfile
from vault_child import SECRET_MARK, STATE_SERVER, full_map, state, token_set, writer_server, writer_set
from vault_test_support import (
    EXIT_LOCK_TIMEOUT,
    EXIT_MISSING,
    Child,
    Children,
    SecretWatch,
    VaultCLI,
    file_names,
    files_containing,
    leftover_names,
    lock_is_held,
)

VAULT_NAME = "v.vault"
# How long the writers of test 1 run: long enough for hundreds of interleaved updates.
WRITE_SECONDS = 4.0
# Python writers pause up to this long between updates: the lock is polled, not queued, so
# back-to-back updates would win nearly every turn and starve the Swift importers.
PYTHON_PAUSE_MS = 20
# The 30 random kills SECURITY.md section 9 describes (about 4 s).
KILL_ROUNDS = 30
READ_RACE_SECONDS = 2.5


def _new_vault(tmp_path: Path, watch: SecretWatch) -> Tuple[str, str, Path]:
    """(vault path, keyfile path, vault directory): the keyfile kept out of the vault's
    directory, as `frl-vault keygen` advises, so a scan of that directory sees only vault
    files."""
    vault_dir = tmp_path / "vaults"
    key_dir = tmp_path / "keys"
    for directory in (vault_dir, key_dir):
        directory.mkdir(mode=0o700)
        directory.chmod(0o700)
    key = str(key_dir / "vault.key")
    generate_keyfile(key)
    watch.keyfile(key)
    return str(vault_dir / VAULT_NAME), key, vault_dir


def _ok(outcome: Any, watch: SecretWatch) -> str:
    watch.text(outcome.stderr)
    assert outcome.returncode == 0, f"{outcome.args}: status {outcome.returncode}: {outcome.stderr}"
    return outcome.stdout


def _json_source(directory: Path, name: str, tokens: Dict[str, Any]) -> str:
    """A JSONTokenStorage-style file for `frl-vault import`, outside the vault's directory."""
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / name
    path.write_text(json.dumps(tokens))
    path.chmod(0o600)
    return str(path)


# 1. Writers of both languages at once.

def test_python_and_swift_writers_at_once_lose_no_update(
    tmp_path: Path, vault_cli: VaultCLI, vault_children: Children, secret_watch: SecretWatch,
) -> None:
    vault, key, vault_dir = _new_vault(tmp_path, secret_watch)
    inputs = tmp_path / "inputs"
    # Swift makes the vault and Python then rewrites it (and the reverse, many times below).
    _ok(vault_cli.run("init", "--vault", vault, "--keyfile", key), secret_watch)
    bystander = {"bystander.example.org": token_set("bystander.example.org", "bystander", 42)}
    VaultTokenStorage(vault, keyfile=key, namespace="bystander").write_tokens(bystander)

    python_writers = {f"py{n}": vault_children.python("update-loop", vault, key, f"py{n}", str(WRITE_SECONDS),
                                                      str(PYTHON_PAUSE_MS))
                      for n in range(2)}

    swift_landed: Dict[str, List[str]] = {"sw0": [], "sw1": []}
    swift_failures: List[str] = []

    def swift_writer(prefix: str) -> None:
        # `import` merges (an imported set replaces only the vault's set for the same server),
        # so one new server per import into the shared namespace is a read-modify-write too.
        deadline = time.monotonic() + WRITE_SECONDS
        i = 0
        while time.monotonic() < deadline:
            source = _json_source(inputs, f"{prefix}-{i}.json", {writer_server(prefix, i): writer_set(prefix, i)})
            outcome = vault_cli.run("import", source, "--vault", vault, "--keyfile", key, "--lock-timeout", "60")
            secret_watch.text(outcome.stderr)
            if outcome.returncode != 0:
                swift_failures.append(f"{prefix}-{i}: status {outcome.returncode}: {outcome.stderr}")
                return
            swift_landed[prefix].append(writer_server(prefix, i))
            i += 1

    threads = [threading.Thread(target=swift_writer, args=(prefix,)) for prefix in swift_landed]
    for thread in threads:
        thread.start()
    python_landed: Dict[str, List[str]] = {}
    for prefix, child in python_writers.items():
        lines = child.remaining_lines(timeout=60)
        status = child.wait(60)
        stderr = child.stderr_text()
        secret_watch.text(stderr)
        assert status == 0, f"{prefix} exited {status}: {stderr}"
        python_landed[prefix] = [line.split(" ", 1)[1] for line in lines if line.startswith("did ")]
        assert lines and lines[-1] == f"done {len(python_landed[prefix])}", lines[-3:]
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive()
    assert swift_failures == []

    expected = {writer_server(prefix, i): writer_set(prefix, i)
                for prefix, landed in [*python_landed.items(), *swift_landed.items()]
                for i in range(len(landed))}
    # Each writer's reports are its servers in order, none skipped: the map above is exact.
    for prefix, landed in [*python_landed.items(), *swift_landed.items()]:
        assert landed == [writer_server(prefix, i) for i in range(len(landed))]
    counts = {prefix: len(landed) for prefix, landed in [*python_landed.items(), *swift_landed.items()]}
    print(f"\nwriters' updates that landed: {counts}, {len(expected)} in all")
    assert all(count > 0 for count in counts.values()), counts

    tokens = VaultTokenStorage(vault, keyfile=key).read_tokens()
    missing = sorted(set(expected) - set(tokens))
    unexpected = sorted(set(tokens) - set(expected))
    assert not missing, f"lost updates: {missing[:10]} ({len(missing)} in all)"
    assert not unexpected, unexpected
    assert tokens == expected
    assert VaultTokenStorage(vault, keyfile=key, namespace="bystander").read_tokens() == bystander
    verdict = _ok(vault_cli.run("verify", "--vault", vault, "--keyfile", key), secret_watch)
    assert f"{len(expected) + 1} token sets" in verdict, verdict
    # Both languages read the same map out of the final file.
    exported = _ok(vault_cli.run("export", "--vault", vault, "--keyfile", key), secret_watch)
    assert json.loads(exported) == expected
    # No dead writer's temp file and no wipe leftover: only the vault and its lock file.
    assert file_names(vault_dir) == [VAULT_NAME, VAULT_NAME + ".lock"]


# 2. Writers killed at random moments.

def test_python_writer_killed_at_random_moments_leaves_a_state_it_wrote(
    tmp_path: Path, vault_cli: VaultCLI, vault_children: Children, secret_watch: SecretWatch,
) -> None:
    vault, key, vault_dir = _new_vault(tmp_path, secret_watch)
    VaultTokenStorage(vault, keyfile=key).write_tokens(state(0))
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    written = {0}
    states_seen = set()
    rounds_with_leftover = 0
    writes_reported = 0
    previous_leftovers: List[str] = []
    for round_number in range(1, KILL_ROUNDS + 1):
        start = round_number * 100_000
        child = vault_children.python("write-loop", vault, key, str(start))
        # Wait until it is inside its loop, then kill it somewhere in the next few writes
        # (each is a few milliseconds: seal, temp file, fsync, rename, fsync).
        first = child.read_line(timeout=30)
        assert first == f"wrote {start}", f"round {round_number} (seed {seed}): {first!r} {child.stderr_text()}"
        time.sleep(rng.uniform(0.0, 0.025))
        child.kill(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
        reported = [int(line.split()[1]) for line in child.remaining_lines() if line.startswith("wrote ")]
        writes_reported += 1 + len(reported)
        written.update(reported)
        written.add(start)

        # Swift's verdict on what the kill left, then Python's: exactly one state written.
        _ok(vault_cli.run("verify", "--vault", vault, "--keyfile", key), secret_watch)
        tokens = VaultTokenStorage(vault, keyfile=key).read_tokens()
        k = tokens[STATE_SERVER]["expires_at_seconds"]
        assert tokens == state(k), f"round {round_number} (seed {seed}): not a state that was written"
        # The write in flight when the kill came may have landed without being reported.
        assert k in written or (k - 1 in written and k // 100_000 == round_number), \
            f"round {round_number} (seed {seed}): state {k}"
        states_seen.add(k)
        # Every write wipes earlier dead writers' leftovers: only the last kill's may remain.
        leftovers = leftover_names(vault_dir, VAULT_NAME)
        assert len(leftovers) <= 1, leftovers
        rounds_with_leftover += bool(leftovers)
        # This round's first write wiped the previous kill's leftover.
        assert not set(previous_leftovers) & set(leftovers), f"not wiped: {previous_leftovers}"
        previous_leftovers = leftovers
        assert files_containing(vault_dir, [SECRET_MARK.encode()]) == [], f"plaintext on disk (seed {seed})"

    print(f"\nkills: {KILL_ROUNDS} (seed {seed}); writes reported: {writes_reported}; distinct states found "
          f"after a kill: {len(states_seen)}; kills that left a temp file: {rounds_with_leftover}")
    assert len(states_seen) > 1

    # A leftover holds ciphertext of an earlier version under the same key: the next write of
    # either language must overwrite and remove it. If no kill happened to land between a temp
    # file's creation and its rename, plant one exactly like it (a copy of the vault).
    planted = _plant_leftover_if_none(vault_dir)
    held = _hold_leftovers(vault_dir)
    assert held
    VaultTokenStorage(vault, keyfile=key).write_tokens(state(999))
    assert leftover_names(vault_dir, VAULT_NAME) == []
    for name, (fd, old) in held.items():
        now = os.pread(fd, len(old), 0)
        os.close(fd)
        survived = [offset for offset in range(0, len(old) - 32, 32) if old[offset:offset + 32] in now]
        assert not survived, f"{name}: old ciphertext survived the wipe at {survived[:5]}"
    print(f"leftover wiped by the next Python write: {sorted(held)} ({'planted' if planted else 'from a kill'})")

    # The Swift writer wipes a leftover with Python's naming too (one naming scheme, one lock).
    _plant_leftover_if_none(vault_dir)
    held = _hold_leftovers(vault_dir)
    source = _json_source(tmp_path / "inputs", "extra.json",
                          {"extra.example.org": token_set("extra.example.org", "extra", 5)})
    _ok(vault_cli.run("import", source, "--vault", vault, "--keyfile", key), secret_watch)
    assert leftover_names(vault_dir, VAULT_NAME) == []
    for fd, _ in held.values():
        os.close(fd)
    assert file_names(vault_dir) == [VAULT_NAME, VAULT_NAME + ".lock"]


def _plant_leftover_if_none(vault_dir: Path) -> bool:
    if leftover_names(vault_dir, VAULT_NAME):
        return False
    data = (vault_dir / VAULT_NAME).read_bytes()
    name = f".{VAULT_NAME}.tmp-{os.urandom(8).hex()}"
    fd = os.open(vault_dir / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, data)
    os.close(fd)
    return True


def _hold_leftovers(vault_dir: Path) -> Dict[str, Tuple[int, bytes]]:
    """Each leftover opened (a descriptor, not a hard link: a file with a second name is not
    one the wipe may touch) with its current bytes, to see what the wipe did to the inode."""
    held = {}
    for name in leftover_names(vault_dir, VAULT_NAME):
        fd = os.open(vault_dir / name, os.O_RDONLY)
        held[name] = (fd, os.pread(fd, 1 << 20, 0))
        assert SECRET_MARK.encode() not in held[name][1]
    return held


# 3. One lock for both languages.

def test_python_lock_holder_makes_swift_and_python_writers_time_out(
    tmp_path: Path, vault_cli: VaultCLI, vault_children: Children, secret_watch: SecretWatch,
) -> None:
    vault, key, _ = _new_vault(tmp_path, secret_watch)
    VaultTokenStorage(vault, keyfile=key).write_tokens(state(1))
    source = _json_source(tmp_path / "inputs", "late.json", {"late.example.org": token_set("late.example.org", "late", 9)})
    holder = vault_children.python("hold-lock", vault, key)
    assert holder.read_line(timeout=30) == "locked", holder.stderr_text()
    assert lock_is_held(vault + ".lock")
    before = Path(vault).read_bytes()

    started = time.monotonic()
    blocked = vault_cli.run("import", source, "--vault", vault, "--keyfile", key, "--lock-timeout", "0.5")
    waited = time.monotonic() - started
    secret_watch.text(blocked.stderr)
    assert blocked.returncode == EXIT_LOCK_TIMEOUT, blocked.stderr
    assert "lock" in blocked.stderr
    assert 0.5 <= waited < 5.0, waited

    storage = VaultTokenStorage(vault, keyfile=key, lock_timeout=0.5)
    for attempt in (lambda: storage.write_tokens(state(2)), storage.clear_tokens):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            attempt()
        assert 0.5 <= time.monotonic() - started < 3.0
        secret_watch.error(caught.value)
        # Both languages say it in the same words.
        assert f"frl-vault: error: {caught.value}\n" in blocked.stderr, (str(caught.value), blocked.stderr)
    # Reads take no lock, in either language.
    assert storage.read_tokens() == state(1)
    _ok(vault_cli.run("verify", "--vault", vault, "--keyfile", key, "--lock-timeout", "0.5"), secret_watch)
    assert json.loads(_ok(vault_cli.run("export", "--vault", vault, "--keyfile", key), secret_watch)) == state(1)
    assert Path(vault).read_bytes() == before

    # The lock dies with its holder: no stale lock after SIGKILL.
    holder.kill(signal.SIGKILL)
    assert holder.wait() == -signal.SIGKILL
    assert not lock_is_held(vault + ".lock")
    started = time.monotonic()
    _ok(vault_cli.run("import", source, "--vault", vault, "--keyfile", key, "--lock-timeout", "5"), secret_watch)
    assert time.monotonic() - started < 2.0
    assert storage.read_tokens() == {**state(1), "late.example.org": token_set("late.example.org", "late", 9)}


def _swift_holding_the_lock(vault_cli: VaultCLI, children: Children, vault: str, arguments: List[str]) -> Child:
    """A `frl-vault import` stopped (SIGSTOP) while it holds the vault's lock.

    The CLI stretches the passphrase (Argon2id) after taking the lock, so an import into a
    passphrase vault holds it for a quarter second or so: we watch the lock with F_OFD_GETLK,
    stop the process as soon as it is taken, and check that it is still taken (only that
    process can hold it, so it is the one that does); otherwise we let it go and try again."""
    lock = vault + ".lock"
    for _ in range(10):
        child = children.adopt(vault_cli.popen(*arguments))
        deadline = time.monotonic() + 20
        while not lock_is_held(lock) and child.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        if child.process.poll() is not None:
            continue
        os.kill(child.pid, signal.SIGSTOP)
        if lock_is_held(lock):
            return child
        os.kill(child.pid, signal.SIGCONT)
        child.wait()
    raise AssertionError("could not catch frl-vault holding the lock in 10 tries")


def test_swift_lock_holder_makes_python_writer_time_out(
    tmp_path: Path, vault_cli: VaultCLI, vault_children: Children, secret_watch: SecretWatch,
) -> None:
    vault, _, _ = _new_vault(tmp_path, secret_watch)
    passphrase = ("correct horse " + os.urandom(6).hex()).encode()
    secret_watch.secret(passphrase)
    passphrase_file = tmp_path / "keys" / "passphrase"
    passphrase_file.write_bytes(passphrase + b"\n")
    passphrase_file.chmod(0o600)
    # The cheapest cost a writer accepts, so the test pays a quarter second per derivation.
    storage = VaultTokenStorage(vault, passphrase=passphrase, kdf="interactive", lock_timeout=0.5)
    storage.write_tokens(state(1))
    source = _json_source(tmp_path / "inputs", "swift.json", {"swift.example.org": token_set("swift.example.org", "s", 3)})
    holder = _swift_holding_the_lock(
        vault_cli, vault_children, vault,
        ["import", source, "--vault", vault, "--passphrase-file", str(passphrase_file), "--lock-timeout", "30"])
    before = Path(vault).read_bytes()

    for attempt in (lambda: storage.write_tokens(state(2)), storage.clear_tokens,
                    lambda: storage.update(lambda tokens: tokens.pop(STATE_SERVER))):
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            attempt()
        assert 0.5 <= time.monotonic() - started < 3.0
        secret_watch.error(caught.value)
        assert str(caught.value).startswith(vault + ": ")
    # Python reads go on while Swift holds the lock.
    assert storage.read_tokens()[STATE_SERVER] == state(1)[STATE_SERVER]
    # A second Swift writer is refused with the lock-timeout status as well.
    blocked = vault_cli.run("import", source, "--vault", vault, "--passphrase-file", str(passphrase_file),
                            "--lock-timeout", "0.5")
    secret_watch.text(blocked.stderr)
    assert blocked.returncode == EXIT_LOCK_TIMEOUT, blocked.stderr
    assert Path(vault).read_bytes() == before

    holder.kill(signal.SIGKILL)
    assert holder.wait() == -signal.SIGKILL
    assert not lock_is_held(vault + ".lock")
    started = time.monotonic()
    storage.lock_timeout = 5.0
    storage.write_tokens(state(3))
    assert time.monotonic() - started < 2.0
    assert storage.read_tokens() == state(3)
    _ok(vault_cli.run("verify", "--vault", vault, "--passphrase-file", str(passphrase_file)), secret_watch)


# 4. Readers never see a half-wiped vault.

class _ReadTally:
    """What a lock-free reader saw: the whole map, nothing, or (never) anything else."""

    def __init__(self, full: Dict[str, Any]) -> None:
        self.full = full
        self.whole = 0
        self.empty = 0
        self.struck = 0
        self.wrong: List[str] = []

    def widen_the_window(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every other Python read pauses between opening the vault and reading it, as the
        Swift WipeWhileReadingTests' writer strikes there: a real clear then lands inside most
        of those windows, so the reader really meets an inode overwritten under it (counted
        in `struck`) and must find the name gone or moved on, not report damage. Reads
        otherwise take microseconds and a clear would almost never fall in between."""
        real_read = storage_module._read_vault
        calls = [0]

        def slow_read(fd: int, size: int, path: str) -> bytes:
            calls[0] += 1
            if calls[0] % 2:
                time.sleep(0.01)
            data = real_read(fd, size, path)
            if not data.startswith(b"FRLVAULT"):
                self.struck += 1  # random bytes or zeros: the wipe's overwrite
            return data

        monkeypatch.setattr(storage_module, "_read_vault", slow_read)

    def see(self, tokens: Dict[str, Any]) -> None:
        if tokens == self.full:
            self.whole += 1
        elif tokens == {}:
            self.empty += 1
        else:
            self.wrong.append(f"a partial map: {sorted(tokens)}")

    def python_reads_until(self, done: Any, vault: str, key: str, watch: SecretWatch) -> None:
        """Reads until `done()`: a long-lived instance (its cache of the verified file) and a
        fresh one (no cache) in turn."""
        kept = VaultTokenStorage(vault, keyfile=key)
        n = 0
        while not done():
            storage = kept if n % 2 else VaultTokenStorage(vault, keyfile=key)
            try:
                self.see(storage.read_tokens())
            except VaultError as error:
                watch.error(error)
                self.wrong.append(f"{type(error).__name__}: {error}")
            n += 1


def test_python_reader_never_sees_a_half_wiped_vault_while_swift_clears(
    tmp_path: Path, vault_cli: VaultCLI, secret_watch: SecretWatch, monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault, key, vault_dir = _new_vault(tmp_path, secret_watch)
    full = full_map()
    source = _json_source(tmp_path / "inputs", "full.json", full)
    _ok(vault_cli.run("init", "--vault", vault, "--keyfile", key), secret_watch)
    _ok(vault_cli.run("import", source, "--vault", vault, "--keyfile", key), secret_watch)
    stop = threading.Event()
    cycles = [0]
    failures: List[str] = []

    def swift_clear_loop() -> None:
        while not stop.is_set():
            for arguments in (["clear", "--yes"], ["init"], ["import", source]):
                outcome = vault_cli.run(*arguments, "--vault", vault, "--keyfile", key)
                secret_watch.text(outcome.stderr)
                if outcome.returncode != 0:
                    failures.append(f"{arguments[0]}: status {outcome.returncode}: {outcome.stderr}")
                    return
            cycles[0] += 1
            # Left whole for a moment: otherwise the next clear starts a couple of milliseconds
            # after the import, and a run could see no whole read at all (one did, under load).
            stop.wait(0.02)

    tally = _ReadTally(full)
    tally.widen_the_window(monkeypatch)
    writer = threading.Thread(target=swift_clear_loop)
    writer.start()
    deadline = time.monotonic() + READ_RACE_SECONDS
    try:
        tally.python_reads_until(lambda: time.monotonic() > deadline or bool(failures), vault, key, secret_watch)
    finally:
        stop.set()
        writer.join(60)
    print(f"\nSwift clear+init+import cycles: {cycles[0]}; Python reads: {tally.whole} whole, {tally.empty} empty, "
          f"{tally.struck} of them after a clear overwrote the file they had open")
    assert failures == []
    assert tally.wrong == [], tally.wrong[:5]
    assert cycles[0] > 0 and tally.whole > 0 and tally.empty > 0
    assert tally.struck > 0, "no read met a wipe: the race was not exercised"
    assert leftover_names(vault_dir, VAULT_NAME) == []


def test_readers_of_both_languages_never_see_a_half_wiped_vault_while_python_clears(
    tmp_path: Path, vault_cli: VaultCLI, vault_children: Children, secret_watch: SecretWatch,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault, key, vault_dir = _new_vault(tmp_path, secret_watch)
    full = full_map()
    clearer = vault_children.python("clear-loop", vault, key, str(READ_RACE_SECONDS))
    swift_tally = _ReadTally(full)
    swift_missing = [0]

    def swift_reader() -> None:
        while clearer.process.poll() is None:
            outcome = vault_cli.run("export", "--vault", vault, "--keyfile", key)
            secret_watch.text(outcome.stderr)
            if outcome.returncode == 0:
                swift_tally.see(json.loads(outcome.stdout))
            elif outcome.returncode == EXIT_MISSING:
                swift_missing[0] += 1  # between a clear and the next write: no vault
            else:
                swift_tally.wrong.append(f"status {outcome.returncode}: {outcome.stderr.strip()}")

    reader = threading.Thread(target=swift_reader)
    reader.start()
    python_tally = _ReadTally(full)
    python_tally.widen_the_window(monkeypatch)
    try:
        python_tally.python_reads_until(lambda: clearer.process.poll() is not None, vault, key, secret_watch)
    finally:
        reader.join(60)
    lines = clearer.remaining_lines()
    assert clearer.wait() == 0, clearer.stderr_text()
    print(f"\nPython write+clear cycles: {lines[-1] if lines else '?'}; Python reads: {python_tally.whole} whole, "
          f"{python_tally.empty} empty ({python_tally.struck} met a wipe); Swift exports: {swift_tally.whole} whole, "
          f"{swift_tally.empty} empty, {swift_missing[0]} no vault")
    assert python_tally.wrong == [], python_tally.wrong[:5]
    assert swift_tally.wrong == [], swift_tally.wrong[:5]
    assert python_tally.whole > 0 and python_tally.empty > 0 and python_tally.struck > 0
    assert swift_tally.whole + swift_tally.empty + swift_missing[0] > 0
    # The last clear wiped everything: not even a lock file or a wipe leftover stays.
    assert file_names(vault_dir) == []
