"""Hostile files and hostile users (SECURITY.md sections 4, 9, 10 and 11): every one-bit flip
and every truncation of a vault is refused with the error its region calls for; files with
unsafe modes, FIFOs, directories and symbolic links where the vault or its lock should be are
refused without hanging and without touching what they point at; and, with real Unix users,
what another user can plant in a shared sticky directory never steers a read, write or clear.
Every error text seen is checked for token values, key hex and passphrases (`secret_watch`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Type

import pytest

from frl_vault import (
    DamagedVaultError,
    InvalidKeyfileError,
    InvalidTokenDataError,
    KeyKindMismatchError,
    NotAVaultError,
    UnsafePermissionsError,
    UnsupportedVersionError,
    VaultError,
    VaultTokenStorage,
    WrongKeyError,
    generate_keyfile,
)
from vault_child import SECRET_MARK, token_set
from vault_test_support import (
    EXIT_DATA,
    EXIT_UNSAFE,
    SecretWatch,
    UnixUser,
    UserPython,
    VaultCLI,
    file_names,
    find_binary,
    leftover_names,
)

VAULT_NAME = "v.vault"
HEADER_SIZE = 116
MINIMUM_SIZE = HEADER_SIZE + 16 + 1  # header, tag, at least one byte of ciphertext
SMALL_TOKENS = {"auth.globus.org": token_set("auth.globus.org", "small", 4102444800)}


@dataclass
class Place:
    """A private vault directory holding a small keyfile vault, the key kept elsewhere."""

    directory: Path
    vault: str
    key: str
    data: bytes

    def storage(self, **options: Any) -> VaultTokenStorage:
        return VaultTokenStorage(self.vault, keyfile=self.key, **options)

    def contents(self) -> bytes:
        return Path(self.vault).read_bytes()


@pytest.fixture
def place(tmp_path: Path, secret_watch: SecretWatch) -> Place:
    directory = tmp_path / "vaults"
    keys = tmp_path / "keys"
    for folder in (directory, keys):
        folder.mkdir(mode=0o700)
        folder.chmod(0o700)
    key = str(keys / "vault.key")
    generate_keyfile(key)
    secret_watch.keyfile(key)
    vault = str(directory / VAULT_NAME)
    VaultTokenStorage(vault, keyfile=key).write_tokens(SMALL_TOKENS)
    return Place(directory, vault, key, Path(vault).read_bytes())


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Turns a hang in the body into a failure (SIGALRM interrupts a blocking open or read in
    this, the main, thread)."""
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refusal(action: Callable[[], Any], watch: SecretWatch) -> VaultError:
    """The VaultError `action` raised (recorded for the secret check); fails if it returned."""
    try:
        result = action()
    except VaultError as error:
        watch.error(error)
        return error
    raise AssertionError(f"expected a VaultError, got {result!r}")


def in_thread(action: Callable[[], Any], timeout: float = 5.0) -> BaseException:
    """What `action` raised in a daemon thread, failing if it is still running after
    `timeout` (a FIFO opened without O_NONBLOCK would block forever; the thread is then left
    behind, but the test fails instead of hanging)."""
    outcome: List[Any] = []

    def run() -> None:
        try:
            outcome.append(("returned", action()))
        except BaseException as error:  # noqa: BLE001 (reported to the test thread)
            outcome.append(("raised", error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout} s: it hangs"
    kind, value = outcome[0]
    assert kind == "raised", f"expected an error, got {value!r}"
    return value


# 1. Bit flips and truncations.

def expected_for_flip(offset: int) -> Tuple[Type[VaultError], str]:
    """SECURITY.md section 4, in its order: the magic (step 1), the version byte (step 2),
    everything else in bytes 9..115 through the header checksum S over bytes 0..99 (step 3;
    S itself included), then the secretbox tag and ciphertext (step 8)."""
    if offset < 8:
        return NotAVaultError, ""
    if offset == 8:
        return UnsupportedVersionError, ""
    if offset < HEADER_SIZE:
        return DamagedVaultError, "checksum"
    return DamagedVaultError, "authentication"


def expected_for_length(length: int) -> Tuple[Type[VaultError], str]:
    if length < 8:
        return NotAVaultError, ""
    if length < MINIMUM_SIZE:
        # 8 bytes exactly is "fewer than 9 bytes: damaged (truncated)" (step 2), then a
        # truncated header (step 3) or ciphertext (step 5).
        return DamagedVaultError, "truncated"
    return DamagedVaultError, "authentication"


def test_every_one_bit_flip_is_refused_with_its_regions_error(place: Place, secret_watch: SecretWatch) -> None:
    data = place.data
    assert len(data) == 4228  # 116-byte header, 16-byte tag, 4096-byte padded plaintext
    storage = place.storage()
    assert storage.read_tokens() == SMALL_TOKENS
    fresh_every = 997  # now and then a new instance, without the one above's cached key
    counts: Dict[str, int] = {}
    wrong: List[str] = []
    started = time.monotonic()
    fd = os.open(place.vault, os.O_WRONLY)
    try:
        with watchdog(120):
            # All 33,824 flips, in place on the one vault path (two pwrites per flip).
            for offset in range(len(data)):
                expected, reason = expected_for_flip(offset)
                for bit in range(8):
                    os.pwrite(fd, bytes([data[offset] ^ (1 << bit)]), offset)
                    reader = storage if (offset * 8 + bit) % fresh_every else place.storage()
                    try:
                        result = reader.read_tokens()
                        wrong.append(f"byte {offset} bit {bit}: returned a map {sorted(result)}")
                    except VaultError as error:
                        secret_watch.error(error)
                        name = type(error).__name__
                        counts[name] = counts.get(name, 0) + 1
                        if type(error) is not expected or reason not in getattr(error, "reason", ""):
                            wrong.append(f"byte {offset} bit {bit}: {name}: {error}")
                os.pwrite(fd, data[offset:offset + 1], offset)
    finally:
        os.close(fd)
    elapsed = time.monotonic() - started
    print(f"\n{len(data) * 8} bit flips in {elapsed:.1f} s: {counts}")
    assert wrong == [], wrong[:10]
    assert sum(counts.values()) == len(data) * 8
    assert place.contents() == data and storage.read_tokens() == SMALL_TOKENS


def test_every_truncation_is_refused(place: Place, secret_watch: SecretWatch) -> None:
    data = place.data
    storage = place.storage()
    wrong: List[str] = []
    counts: Dict[str, int] = {}
    fd = os.open(place.vault, os.O_WRONLY)
    try:
        with watchdog(60):
            for length in range(len(data)):
                os.ftruncate(fd, length)
                expected, reason = expected_for_length(length)
                try:
                    result = storage.read_tokens()
                    wrong.append(f"{length} bytes: returned a map {sorted(result)}")
                except VaultError as error:
                    secret_watch.error(error)
                    counts[type(error).__name__] = counts.get(type(error).__name__, 0) + 1
                    if type(error) is not expected or reason not in getattr(error, "reason", ""):
                        wrong.append(f"{length} bytes: {type(error).__name__}: {error}")
                # Grow back to the next length: the bytes past `length` are the original's.
                os.pwrite(fd, data, 0)
    finally:
        os.close(fd)
    print(f"\n{len(data)} truncations: {counts}")
    assert wrong == [], wrong[:10]


def _corrupted(data: bytes, offset: Optional[int] = None, length: Optional[int] = None) -> bytes:
    if offset is not None:
        return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1:]
    return data[:length]


# A few offsets per region, and lengths at each boundary of section 4's steps.
SAMPLE_FLIPS = [0, 7, 8, 9, 10, 12, 28, 44, 67, 68, 99, 100, 115, 116, 131, 132, 2000, 4227]
SAMPLE_LENGTHS = [0, 1, 7, 8, 9, 67, 115, 116, 131, 132, 133, 4227]


def test_writers_fail_closed_on_a_damaged_vault(place: Place, secret_watch: SecretWatch) -> None:
    """No write or clear ever replaces or wipes a vault this key cannot open (section 9)."""
    cases = [(f"flip at {offset}", _corrupted(place.data, offset=offset), expected_for_flip(offset)[0])
             for offset in SAMPLE_FLIPS]
    cases += [(f"{length} bytes", _corrupted(place.data, length=length), expected_for_length(length)[0])
              for length in SAMPLE_LENGTHS]
    new_tokens = {"new.example.org": token_set("new.example.org", "new", 1)}
    for label, corrupted, expected in cases:
        Path(place.vault).write_bytes(corrupted)
        for action in (lambda: place.storage().write_tokens(new_tokens), lambda: place.storage().clear_tokens(),
                       lambda: place.storage().update(lambda tokens: tokens.clear())):
            error = refusal(action, secret_watch)
            assert type(error) is expected, f"{label}: {type(error).__name__}: {error}"
            assert place.contents() == corrupted, f"{label}: the damaged vault was changed"
        assert leftover_names(place.directory, VAULT_NAME) == []


def test_swift_agrees_on_damaged_vaults(place: Place, vault_cli: VaultCLI, secret_watch: SecretWatch) -> None:
    """`frl-vault verify` refuses the same damaged files with the same kind of error."""
    kinds = {NotAVaultError: "not a vault file", UnsupportedVersionError: "is newer than",
             DamagedVaultError: "the vault is damaged"}
    cases = [(f"flip at {offset}", _corrupted(place.data, offset=offset), expected_for_flip(offset)[0])
             for offset in SAMPLE_FLIPS]
    cases += [(f"{length} bytes", _corrupted(place.data, length=length), expected_for_length(length)[0])
              for length in SAMPLE_LENGTHS]
    for label, corrupted, expected in cases:
        Path(place.vault).write_bytes(corrupted)
        outcome = vault_cli.run("verify", "--vault", place.vault, "--keyfile", place.key)
        secret_watch.text(outcome.stderr)
        assert outcome.returncode == EXIT_DATA, f"{label}: status {outcome.returncode}: {outcome.stderr}"
        assert kinds[expected] in outcome.stderr, f"{label}: Python says {expected.__name__}, Swift: {outcome.stderr}"
        # And in the same words, reason included.
        error = refusal(place.storage().read_tokens, secret_watch)
        assert f"frl-vault: error: {error}\n" in outcome.stderr, (label, str(error), outcome.stderr)


# 2. Unsafe modes and files that are not what they should be.

@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602, 0o660], ids=oct)
def test_vault_writable_by_others_is_refused(place: Place, mode: int, secret_watch: SecretWatch) -> None:
    os.chmod(place.vault, mode)
    for action in (place.storage().read_tokens, lambda: place.storage().write_tokens(SMALL_TOKENS),
                   place.storage().clear_tokens):
        error = refusal(action, secret_watch)
        assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
        assert str(error).endswith(f"run: chmod go-w {place.vault}")
    assert place.contents() == place.data
    # Others may read a vault (ciphertext): read-only modes stay accepted.
    for readable in (0o644, 0o640, 0o444):
        os.chmod(place.vault, readable)
        assert place.storage().read_tokens() == SMALL_TOKENS


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620], ids=oct)
def test_keyfile_open_to_others_is_refused(place: Place, mode: int, secret_watch: SecretWatch) -> None:
    os.chmod(place.key, mode)
    error = refusal(place.storage().read_tokens, secret_watch)
    assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
    assert str(error).endswith(f"run: chmod 600 {place.key}")
    error = refusal(lambda: place.storage().write_tokens({}), secret_watch)
    assert isinstance(error, UnsafePermissionsError)
    assert place.contents() == place.data


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o757], ids=oct)
def test_directory_writable_by_others_without_sticky_bit_is_refused(
    place: Place, mode: int, secret_watch: SecretWatch,
) -> None:
    os.chmod(place.directory, mode)
    try:
        for action in (lambda: place.storage().write_tokens({}), place.storage().clear_tokens,
                       lambda: VaultTokenStorage(str(place.directory / "new.vault"), keyfile=place.key)
                       .write_tokens(SMALL_TOKENS)):
            error = refusal(action, secret_watch)
            assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
            assert str(error).endswith(f"run: chmod go-w {place.directory}")
        assert place.contents() == place.data
        assert file_names(place.directory) == [VAULT_NAME, VAULT_NAME + ".lock"]
        # Reads do not check the directory.
        assert place.storage().read_tokens() == SMALL_TOKENS
        # With the sticky bit (/tmp's 1777), others cannot rename or remove our entries.
        os.chmod(place.directory, mode | stat.S_ISVTX)
        more = {**SMALL_TOKENS, "more.example.org": token_set("more.example.org", "more", 2)}
        place.storage().write_tokens(more)
        assert place.storage().read_tokens() == more
    finally:
        os.chmod(place.directory, 0o700)


def test_fifo_at_the_vault_path_is_not_a_vault_and_never_hangs(
    place: Place, secret_watch: SecretWatch,
) -> None:
    fifo = str(place.directory / "fifo.vault")
    os.mkfifo(fifo, 0o600)
    storage = VaultTokenStorage(fifo, keyfile=place.key)
    for action in (storage.read_tokens, lambda: storage.write_tokens(SMALL_TOKENS), storage.clear_tokens):
        error = in_thread(action)
        assert isinstance(error, NotAVaultError), f"{type(error).__name__}: {error}"
        secret_watch.error(error)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not os.path.lexists(fifo + ".lock")  # a failed first write leaves no lock file
    binary, _ = find_binary()
    if binary is not None:
        outcome = VaultCLI(binary).run("verify", "--vault", fifo, "--keyfile", place.key, timeout=10)
        secret_watch.text(outcome.stderr)
        assert outcome.returncode == EXIT_DATA and "not a vault file" in outcome.stderr, outcome.stderr


def test_socket_at_the_vault_path_is_not_a_vault(place: Place, secret_watch: SecretWatch) -> None:
    import socket

    path = str(place.directory / "socket.vault")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(path)
        listener.listen(1)
        storage = VaultTokenStorage(path, keyfile=place.key)
        for action in (storage.read_tokens, lambda: storage.write_tokens(SMALL_TOKENS), storage.clear_tokens):
            error = in_thread(action)
            assert isinstance(error, NotAVaultError), f"{type(error).__name__}: {error}"
            secret_watch.error(error)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        listener.close()


def test_directory_at_the_vault_path_is_not_a_vault(place: Place, secret_watch: SecretWatch) -> None:
    directory = place.directory / "dir.vault"
    directory.mkdir(mode=0o700)
    (directory / "inside").write_text("untouched")
    storage = VaultTokenStorage(str(directory), keyfile=place.key)
    for action in (storage.read_tokens, lambda: storage.write_tokens(SMALL_TOKENS), storage.clear_tokens):
        error = refusal(action, secret_watch)
        assert isinstance(error, NotAVaultError), f"{type(error).__name__}: {error}"
    assert directory.is_dir() and file_names(directory) == ["inside"]
    assert (directory / "inside").read_text() == "untouched"


@pytest.mark.parametrize("target_exists", [True, False], ids=["target-exists", "no-target"])
def test_symlinked_lock_file_is_refused_and_its_target_untouched(
    place: Place, tmp_path: Path, target_exists: bool, secret_watch: SecretWatch,
) -> None:
    target = tmp_path / "elsewhere" / "precious"
    target.parent.mkdir(mode=0o700)
    if target_exists:
        target.write_text("precious\n")
        target.chmod(0o644)
    lock = place.vault + ".lock"
    os.unlink(lock)
    os.symlink(target, lock)
    for action in (lambda: place.storage().write_tokens({}), place.storage().clear_tokens):
        error = refusal(action, secret_watch)
        assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
        assert "symbolic link" in str(error) and str(error).endswith(f"run: rm {lock}")
    assert os.path.islink(lock)
    if target_exists:
        assert target.read_text() == "precious\n" and stat.S_IMODE(target.stat().st_mode) == 0o644
    else:
        assert not os.path.lexists(target)
    assert place.contents() == place.data
    assert place.storage().read_tokens() == SMALL_TOKENS  # reads take no lock


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_lock_file_that_is_not_a_regular_file_is_refused_without_hanging(
    place: Place, kind: str, secret_watch: SecretWatch,
) -> None:
    lock = place.vault + ".lock"
    os.unlink(lock)
    if kind == "fifo":
        os.mkfifo(lock, 0o600)
    else:
        os.mkdir(lock, 0o700)
    for action in (lambda: place.storage().write_tokens({}), place.storage().clear_tokens):
        error = in_thread(action)
        assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
        secret_watch.error(error)
        assert str(error).endswith(f"run: {'rm' if kind == 'fifo' else 'rmdir'} {lock}")
    assert place.contents() == place.data


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o606], ids=oct)
def test_lock_file_open_to_others_is_refused(place: Place, mode: int, secret_watch: SecretWatch) -> None:
    lock = place.vault + ".lock"
    os.chmod(lock, mode)
    error = refusal(lambda: place.storage().write_tokens({}), secret_watch)
    assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
    assert str(error).endswith(f"run: chmod 600 {lock}")
    assert stat.S_IMODE(os.stat(lock).st_mode) == mode
    assert place.contents() == place.data


def _make_lock(place: Place, kind: str) -> None:
    lock = place.vault + ".lock"
    os.unlink(lock)
    if kind == "symlink":
        os.symlink(str(place.directory / "elsewhere"), lock)
    elif kind == "fifo":
        os.mkfifo(lock, 0o600)
    else:
        os.mkdir(lock, 0o700)


UNSAFE_SETUPS: Dict[str, Callable[[Place], None]] = {
    "vault-0620": lambda place: os.chmod(place.vault, 0o620),
    "keyfile-0644": lambda place: os.chmod(place.key, 0o644),
    "directory-0777": lambda place: os.chmod(place.directory, 0o777),
    "lock-0644": lambda place: os.chmod(place.vault + ".lock", 0o644),
    "lock-symlink": lambda place: _make_lock(place, "symlink"),
    "lock-fifo": lambda place: _make_lock(place, "fifo"),
    "lock-directory": lambda place: _make_lock(place, "directory"),
}


@pytest.mark.parametrize("setup", sorted(UNSAFE_SETUPS))
def test_swift_refuses_the_same_unsafe_files_in_the_same_words(
    place: Place, tmp_path: Path, setup: str, vault_cli: VaultCLI, secret_watch: SecretWatch,
) -> None:
    """Python's UnsafePermissionsError and `frl-vault import`'s status 78 for the same file,
    naming the same path, reason and fixing command."""
    source = tmp_path / "import.json"
    source.write_text(json.dumps(SMALL_TOKENS))
    UNSAFE_SETUPS[setup](place)
    try:
        error = in_thread(lambda: place.storage().write_tokens(SMALL_TOKENS))
        assert isinstance(error, UnsafePermissionsError), f"{type(error).__name__}: {error}"
        secret_watch.error(error)
        outcome = vault_cli.run("import", str(source), "--vault", place.vault, "--keyfile", place.key, timeout=10)
        secret_watch.text(outcome.stderr)
        assert outcome.returncode == EXIT_UNSAFE, outcome.stderr
        assert f"frl-vault: error: {error.path}: {error.reason}\n" in outcome.stderr, (str(error), outcome.stderr)
        assert f"frl-vault: hint: fix it with: {error.fix}\n" in outcome.stderr, (str(error), outcome.stderr)
        assert place.contents() == place.data
    finally:
        os.chmod(place.directory, 0o700)


def test_only_provable_leftovers_are_wiped(place: Place, tmp_path: Path, secret_watch: SecretWatch) -> None:
    """A name is not proof (section 9): under a temp or wipe name, only a regular file of ours
    with one name that starts with the magic (a .wipe- one whatever its bytes) is overwritten
    and removed; anything else is left exactly as it is, and the write still succeeds."""
    def name(kind: str) -> str:
        return f".{VAULT_NAME}.{kind}-{os.urandom(8).hex()}"

    outside = tmp_path / "outside"
    outside.mkdir(mode=0o700)
    precious = outside / "precious"
    precious.write_bytes(b"FRLVAULT but not a leftover\n")
    wiped = {name("tmp"): b"FRLVAULT" + os.urandom(200), name("tmp"): b"", name("tmp"): b"FRLV",
             name("wipe"): os.urandom(300)}
    kept_files = {name("tmp"): b"#!/bin/sh\necho not a vault\n", name("tmp"): b"FRLVAULX" + bytes(100)}
    for entry, data in [*wiped.items(), *kept_files.items()]:
        (place.directory / entry).write_bytes(data)
        os.chmod(place.directory / entry, 0o600)
    link_name, hard_name, dir_name, fifo_name = name("tmp"), name("wipe"), name("tmp"), name("wipe")
    os.symlink(precious, place.directory / link_name)
    os.link(precious, place.directory / hard_name)
    os.mkdir(place.directory / dir_name, 0o700)
    os.mkfifo(place.directory / fifo_name, 0o600)
    odd_names = [f".{VAULT_NAME}.tmp-{os.urandom(8).hex().upper()}", f".{VAULT_NAME}.tmp-{os.urandom(7).hex()}"]
    for entry in odd_names:  # not 16 lowercase hex digits: not a name this code makes
        (place.directory / entry).write_bytes(b"FRLVAULT" + bytes(10))

    with watchdog(20):
        place.storage().write_tokens({**SMALL_TOKENS, "x.example.org": token_set("x.example.org", "x", 1)})
    left = set(file_names(place.directory))
    assert not left & set(wiped), sorted(left & set(wiped))
    for entry, data in kept_files.items():
        assert (place.directory / entry).read_bytes() == data
    assert os.path.islink(place.directory / link_name)
    assert (place.directory / dir_name).is_dir() and stat.S_ISFIFO(os.lstat(place.directory / fifo_name).st_mode)
    assert precious.read_bytes() == b"FRLVAULT but not a leftover\n" and os.stat(precious).st_nlink == 2
    assert all((place.directory / entry).exists() for entry in odd_names)
    # A clear wipes leftovers too, and leaves the same things alone.
    with watchdog(20):
        place.storage().clear_tokens()
    assert set(file_names(place.directory)) == set(kept_files) | {link_name, hard_name, dir_name, fifo_name,
                                                                    *odd_names}
    assert precious.read_bytes() == b"FRLVAULT but not a leftover\n"


# 4 (in part). Key and token material in error texts.

def test_errors_never_quote_keys_passphrases_or_tokens(
    place: Place, tmp_path: Path, secret_watch: SecretWatch,
) -> None:
    passphrase = ("a passphrase " + os.urandom(8).hex()).encode()
    wrong_passphrase = ("wrong passphrase " + os.urandom(8).hex()).encode()
    secret_watch.secret(passphrase)
    secret_watch.secret(wrong_passphrase)
    other_key = str(tmp_path / "keys" / "other.key")
    generate_keyfile(other_key)
    secret_watch.keyfile(other_key)
    # A keyfile one digit short: its text must not come back in the error.
    broken_key = tmp_path / "keys" / "broken.key"
    broken_text = Path(other_key).read_text().strip()[:-1] + "g\n"
    broken_key.write_text(broken_text)
    broken_key.chmod(0o600)

    passphrase_vault = str(place.directory / "pass.vault")
    VaultTokenStorage(passphrase_vault, passphrase=passphrase, kdf="interactive").write_tokens(SMALL_TOKENS)
    expectations: List[Tuple[Callable[[], Any], Type[VaultError]]] = [
        (VaultTokenStorage(passphrase_vault, passphrase=wrong_passphrase).read_tokens, WrongKeyError),
        (lambda: VaultTokenStorage(passphrase_vault, passphrase=wrong_passphrase).write_tokens({}), WrongKeyError),
        (VaultTokenStorage(passphrase_vault, keyfile=place.key).read_tokens, KeyKindMismatchError),
        (VaultTokenStorage(place.vault, passphrase=passphrase).read_tokens, KeyKindMismatchError),
        (VaultTokenStorage(place.vault, keyfile=other_key).read_tokens, WrongKeyError),
        (VaultTokenStorage(place.vault, keyfile=str(broken_key)).read_tokens, InvalidKeyfileError),
    ]
    invalid_sets = [
        {"auth.globus.org": {**token_set("auth.globus.org", "bad-type", 1), "token_type": "MAC"}},
        {"auth.globus.org": {**token_set("auth.globus.org", "bad-refresh", 1),
                             "refresh_token": [f"{SECRET_MARK}in-a-list"]}},
        {"auth.globus.org": {**token_set("auth.globus.org", "bad-expiry", 1),
                             "expires_at_seconds": f"{SECRET_MARK}not-a-number"}},
        {"auth.globus.org": {**token_set("auth.globus.org", "bad-expiry", 1), "expires_at_seconds": 1 << 64}},
        {"auth.globus.org": {**token_set("auth.globus.org", "bad-access", 1), "access_token": None}},
        {"auth.globus.org": token_set("transfer.api.globus.org", "misfiled", 1)},
    ]
    for tokens in invalid_sets:
        expectations.append((lambda tokens=tokens: place.storage().write_tokens(tokens), InvalidTokenDataError))
    for action, expected in expectations:
        error = refusal(action, secret_watch)
        assert type(error) is expected, f"{type(error).__name__}: {error}"
    assert place.contents() == place.data
    assert VaultTokenStorage(passphrase_vault, passphrase=passphrase).read_tokens() == SMALL_TOKENS
    # secret_watch checks every text recorded here at teardown; the check is not vacuous:
    assert len(secret_watch.texts) > 10


# 3. Real Unix users in a shared sticky directory.

VICTIM_TOKENS = {"transfer.api.globus.org": token_set("transfer.api.globus.org", "victim", 4102444800)}


class SharedMachine:
    """The victim's private home (0700) and a sticky world-writable directory beside it, as
    /tmp is; the victim's keyfile and vault made by the victim's own process."""

    def __init__(self, victim: UnixUser, intruder: UnixUser, python: UserPython, watch: SecretWatch) -> None:
        self.victim = victim
        self.intruder = intruder
        self.python = python
        self.watch = watch
        self.box = Path(tempfile.mkdtemp(prefix="frl-vault-hostile-"))
        self.box.chmod(0o755)
        self.home = self.box / "home"
        self.home.mkdir(mode=0o700)
        victim.own(self.home)
        self.shared = self.box / "shared"
        self.shared.mkdir()
        self.shared.chmod(0o1777)
        self.key = str(self.home / "vault.key")
        self.vault = str(self.home / "vault")
        self.victim_op({"action": "keygen", "keyfile": self.key}, expect_ok=True)
        watch.keyfile(self.key)
        self.victim_op({"action": "write", "vault": self.vault, "keyfile": self.key, "tokens": VICTIM_TOKENS},
                       expect_ok=True)
        assert os.stat(self.vault).st_uid == victim.uid

    def victim_op(self, request: Dict[str, Any], expect_ok: bool = False) -> Dict[str, Any]:
        result = self.python.op(self.victim, request, str(self.home))
        self.watch.text(result.get("message"))
        self.watch.text(result.get("fix"))
        if expect_ok:
            assert result["ok"], result
        return result

    def refused(self, path: str, action: str, keyfile: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
        """The victim's `action` on vault `path`, which must fail; the error's JSON."""
        request = {"action": action, "vault": path, "keyfile": keyfile or self.key, **extra}
        result = self.victim_op(request)
        assert not result["ok"], f"{action} {path} was not refused: {result}"
        return result

    def as_intruder(self, *argv: str) -> None:
        outcome = self.intruder.run(list(argv))
        assert outcome.returncode == 0, f"{argv} as the intruder: {outcome.stderr}"

    def as_victim_cli(self, *arguments: str) -> Optional[Any]:
        """frl-vault as the victim, or None when there is no binary (that part is then skipped)."""
        binary, _ = find_binary()
        if binary is None:
            return None
        outcome = self.victim.run([str(binary), *arguments], cwd=str(self.home),
                                  env={"PATH": "/usr/bin:/bin", "HOME": str(self.home)})
        self.watch.text(outcome.stderr)
        return outcome

    def swift_agrees(self, result: Dict[str, Any], *arguments: str) -> None:
        """`frl-vault ARGUMENTS` as the victim fails with 78 and the same words as the Python
        refusal `result` (Swift prints the reason and the fix on two lines)."""
        cli = self.as_victim_cli(*arguments)
        if cli is None:
            return
        assert cli.returncode == EXIT_UNSAFE, cli.stderr
        said = result["message"].rsplit("; run: ", 1)[0]
        assert f"frl-vault: error: {said}\n" in cli.stderr, (result["message"], cli.stderr)
        assert f"frl-vault: hint: fix it with: {result['fix']}\n" in cli.stderr, (result["fix"], cli.stderr)

    def close(self) -> None:
        shutil.rmtree(self.box, ignore_errors=True)


@pytest.fixture
def machine(unix_users: Tuple[UnixUser, UnixUser], user_python: UserPython,
            secret_watch: SecretWatch) -> Iterator[SharedMachine]:
    victim, intruder = unix_users
    shared = SharedMachine(victim, intruder, user_python, secret_watch)
    try:
        yield shared
    finally:
        shared.close()


def _bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def test_intruders_symlinks_are_never_followed(machine: SharedMachine) -> None:
    shell_rc = machine.home / ".bashrc"
    shell_rc.write_text("echo hello\n")
    shell_rc.chmod(0o644)
    machine.victim.own(shell_rc)
    vault_before = _bytes(machine.vault)
    link_to_vault = str(machine.shared / "mine.vault")
    link_to_rc = str(machine.shared / "rc.vault")
    machine.as_intruder("/bin/ln", "-s", machine.vault, link_to_vault)
    machine.as_intruder("/bin/ln", "-s", str(shell_rc), link_to_rc)

    for link in (link_to_vault, link_to_rc):
        for action, extra in (("read", {}), ("write", {"tokens": VICTIM_TOKENS}), ("clear", {})):
            result = machine.refused(link, action, **extra)
            assert result["error"] == "UnsafePermissionsError", result
            assert f"symbolic link owned by another user (uid {machine.intruder.uid})" in result["message"], result
            assert result["fix"] == f"sudo rm {link}"
    # A keyfile reached through another user's link would let them choose the key.
    key_link = str(machine.shared / "key.link")
    machine.as_intruder("/bin/ln", "-s", machine.key, key_link)
    result = machine.refused(machine.vault, "read", keyfile=key_link)
    assert result["error"] == "UnsafePermissionsError", result

    assert _bytes(machine.vault) == vault_before, "the victim's vault changed"
    assert shell_rc.read_text() == "echo hello\n", "the victim's shell start-up file changed"
    assert file_names(machine.shared) == ["key.link", "mine.vault", "rc.vault"], "something was left behind"

    for link in (link_to_vault, link_to_rc):
        machine.swift_agrees(machine.refused(link, "read"), "verify", "--vault", link, "--keyfile", machine.key)
    machine.swift_agrees(machine.refused(machine.vault, "read", keyfile=key_link),
                         "verify", "--vault", machine.vault, "--keyfile", key_link)
    # The victim's own link in the same directory is followed, as before.
    own_link = str(machine.shared / "own.vault")
    assert machine.victim.run(["/bin/ln", "-s", machine.vault, own_link]).returncode == 0
    result = machine.victim_op({"action": "read", "vault": own_link, "keyfile": machine.key}, expect_ok=True)
    assert result["result"] == VICTIM_TOKENS


@pytest.mark.parametrize("mode", ["600", "666"])
def test_intruders_lock_file_is_refused(machine: SharedMachine, mode: str) -> None:
    target = str(machine.shared / "target.vault")
    machine.as_intruder("/usr/bin/install", "-m", mode, "/dev/null", target + ".lock")
    result = machine.refused(target, "write", tokens=VICTIM_TOKENS)
    assert result["error"] == "UnsafePermissionsError", result
    assert f"owned by another user (uid {machine.intruder.uid})" in result["message"], result
    assert result["fix"] == f"sudo rm {target}.lock"
    machine.swift_agrees(result, "init", "--vault", target, "--keyfile", machine.key)
    assert not os.path.lexists(target)
    info = os.lstat(target + ".lock")
    assert info.st_uid == machine.intruder.uid and info.st_size == 0
    # Reads take no lock: a planted lock file cannot stop them (there is no vault: empty).
    assert machine.victim_op({"action": "read", "vault": target, "keyfile": machine.key}, expect_ok=True)["result"] == {}


def test_intruders_vault_file_is_refused(machine: SharedMachine) -> None:
    # One the victim cannot even read, and one they can: a copy of the victim's own ciphertext,
    # which the victim's key opens, but which the intruder owns and could replace at any time.
    unreadable = str(machine.shared / "other.vault")
    machine.as_intruder("/usr/bin/install", "-m", "600", "/dev/null", unreadable)
    readable = str(machine.shared / "copy.vault")
    shutil.copyfile(machine.vault, readable)
    os.chmod(readable, 0o644)
    machine.intruder.own(readable)
    copy_before = _bytes(readable)
    for path, fix in ((unreadable, f"sudo rm {unreadable}"), (readable, f"sudo chown {machine.victim.uid} {readable}")):
        for action, extra in (("read", {}), ("write", {"tokens": VICTIM_TOKENS}), ("clear", {})):
            result = machine.refused(path, action, **extra)
            assert result["error"] == "UnsafePermissionsError", result
            assert f"owned by another user (uid {machine.intruder.uid})" in result["message"], result
            assert result["fix"] == fix, result
        machine.swift_agrees(machine.refused(path, "read"), "verify", "--vault", path, "--keyfile", machine.key)
    assert _bytes(unreadable) == b"" and os.stat(unreadable).st_uid == machine.intruder.uid
    assert _bytes(readable) == copy_before and os.stat(readable).st_uid == machine.intruder.uid
    assert sorted(file_names(machine.shared)) == ["copy.vault", "other.vault"]


def test_intruders_keyfile_is_refused(machine: SharedMachine) -> None:
    # One the victim cannot read, and a readable one (0644: another user's file can only be
    # readable to the victim through group or other bits) holding a valid key the intruder
    # chose: a vault sealed with it would be open to the intruder.
    unreadable = str(machine.shared / "planted.key")
    machine.as_intruder("/usr/bin/install", "-m", "600", "/dev/null", unreadable)
    chosen = str(machine.shared / "chosen.key")
    generate_keyfile(chosen)
    machine.watch.keyfile(chosen)
    os.chmod(chosen, 0o644)
    machine.intruder.own(chosen)
    vault_before = _bytes(machine.vault)
    new_vault = str(machine.home / "new.vault")
    for key, fix in ((unreadable, f"sudo rm {unreadable}"), (chosen, f"sudo chown {machine.victim.uid} {chosen}")):
        for path, action, extra in ((machine.vault, "read", {}), (new_vault, "write", {"tokens": VICTIM_TOKENS})):
            result = machine.refused(path, action, keyfile=key, **extra)
            assert result["error"] == "UnsafePermissionsError", result
            assert f"owned by another user (uid {machine.intruder.uid})" in result["message"], result
            assert result["fix"] == fix, result
        machine.swift_agrees(machine.refused(machine.vault, "read", keyfile=key),
                             "verify", "--vault", machine.vault, "--keyfile", key)
    assert _bytes(machine.vault) == vault_before
    assert not os.path.lexists(new_vault) and not os.path.lexists(new_vault + ".lock")


def test_intruders_fake_leftovers_never_steer_the_victims_wipes(machine: SharedMachine) -> None:
    """In a sticky shared directory another user can create names that look like the victim's
    dead writers' temp files; the victim's writes and clears (Python, then Swift) leave them
    alone, and what they point at or share is untouched."""
    shell_rc = machine.home / ".bashrc"
    shell_rc.write_text("echo hello\n")
    shell_rc.chmod(0o644)
    machine.victim.own(shell_rc)
    vault = str(machine.shared / "victim.vault")
    machine.victim_op({"action": "write", "vault": vault, "keyfile": machine.key, "tokens": VICTIM_TOKENS},
                      expect_ok=True)
    home_vault_before = _bytes(machine.vault)

    def planted_name(kind: str) -> str:
        return str(machine.shared / f".victim.vault.{kind}-{os.urandom(8).hex()}")

    to_rc, to_vault, intruders_file, hard = (planted_name("tmp"), planted_name("wipe"), planted_name("tmp"),
                                             planted_name("tmp"))
    machine.as_intruder("/bin/ln", "-s", str(shell_rc), to_rc)
    machine.as_intruder("/bin/ln", "-s", machine.vault, to_vault)
    machine.as_intruder("/bin/sh", "-c", f"printf 'FRLVAULT-intruder' > {intruders_file}; chmod 644 {intruders_file}")
    # The victim's own vault under a leftover's name, through a second name: made by root, as
    # fs.protected_hardlinks=1 stops the intruder here.
    os.link(machine.vault, hard)
    planted = {to_rc, to_vault, intruders_file, hard}

    def unchanged() -> None:
        assert {str(machine.shared / entry) for entry in file_names(machine.shared)} >= planted
        assert shell_rc.read_text() == "echo hello\n"
        assert _bytes(machine.vault) == home_vault_before and os.stat(machine.vault).st_nlink == 2
        assert _bytes(intruders_file) == b"FRLVAULT-intruder"
        assert os.readlink(to_rc) == str(shell_rc) and os.readlink(to_vault) == machine.vault

    more = {**VICTIM_TOKENS, "more.example.org": token_set("more.example.org", "more", 7)}
    machine.victim_op({"action": "write", "vault": vault, "keyfile": machine.key, "tokens": more}, expect_ok=True)
    unchanged()
    source = machine.home / "import.json"
    source.write_text(json.dumps({"swift.example.org": token_set("swift.example.org", "swift", 8)}))
    machine.victim.own(source)
    cli = machine.as_victim_cli("import", str(source), "--vault", vault, "--keyfile", machine.key)
    if cli is not None:
        assert cli.returncode == 0, cli.stderr
        unchanged()
    machine.victim_op({"action": "clear", "vault": vault, "keyfile": machine.key}, expect_ok=True)
    unchanged()
    assert not os.path.lexists(vault) and not os.path.lexists(vault + ".lock")


def test_hard_link_to_the_victims_vault_is_never_wiped_through(machine: SharedMachine) -> None:
    vault_before = _bytes(machine.vault)
    # What any user can do where fs.protected_hardlinks is 0; made by root here, as the Swift
    # OtherUserTests do, so that the test does not depend on the sysctl.
    planted = str(machine.shared / "hard.vault")
    os.link(machine.vault, planted)
    for path in (planted, machine.vault):  # the victim's own name is now one of two, too
        result = machine.refused(path, "clear")
        assert result["error"] == "UnsafePermissionsError", result
        assert "2 names (hard links)" in result["message"], result
        machine.swift_agrees(result, "clear", "--yes", "--vault", path, "--keyfile", machine.key)
    assert _bytes(machine.vault) == vault_before and _bytes(planted) == vault_before
    assert os.stat(machine.vault).st_nlink == 2
    assert file_names(machine.shared) == ["hard.vault"], "a lock file was left behind"
    assert _bytes(machine.vault) == vault_before
    # Once the other name is gone, the victim's clear goes through.
    os.unlink(planted)
    machine.victim_op({"action": "clear", "vault": machine.vault, "keyfile": machine.key}, expect_ok=True)
    assert not os.path.lexists(machine.vault)
