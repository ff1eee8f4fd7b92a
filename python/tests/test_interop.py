"""The Python package and the Swift `frl-vault` command on the same vault files.

Real files in tmp_path, the real command as a child process (the `interop_cli` fixture in
conftest.py), no mocks: vaults the command writes (init, import, rekey, remove) are read by
`VaultTokenStorage`, vaults `VaultTokenStorage` writes are read by the command (export, show,
status, verify) and rekeyed, trimmed and cleared by it, and both write one vault in turn.
Throughout, every file next to the vault is checked for plaintext tokens and for its mode.

Argon2id costs real time on the 2-core host (sensitive: one 1 GiB derivation, several seconds),
so every command or storage instance that opens a passphrase vault is counted: the sensitive
vaults are opened as few times as their direction needs (noted where it matters), and the
checks that repeat (wrong passphrase, verify, show) run on the interactive preset.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Set, Tuple

import pytest
from fair_research_login import JSONTokenStorage

import frl_vault
from frl_vault import _format, _plaintext

if TYPE_CHECKING:
    from conftest import InteropCLI

TokenSet = Dict[str, Any]
TokenMap = Dict[str, TokenSet]
Namespaces = Dict[str, TokenMap]

PRESETS = ("interactive", "moderate", "sensitive")
# libsodium's presets, written out here rather than taken from the package under test.
PRESET_COSTS = {"interactive": (2, 64 << 20), "moderate": (3, 256 << 20), "sensitive": (4, 1 << 30)}
REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS_DIR = REPO_ROOT / "Tests" / "TokenVaultTests" / "Vectors"
SMALL_VAULT_SIZE = 4228  # up to ~10 token sets pad to 4096 bytes of plaintext (SECURITY.md section 5)

FAR_FUTURE = 4_102_444_800  # 2100-01-01T00:00:00Z: never expires while this suite is in use
LONG_AGO = 1_600_000_000  # 2020-09-13: an expired set, which every reader keeps all the same

AUTH = "auth.globus.org"
TRANSFER = "transfer.api.globus.org"
GROUPS = "groups.api.globus.org"
SEARCH = "search.api.globus.org"
FLOWS = "flows.globus.org"
# A Globus Connect Server collection is its own resource server, named by its UUID.
COLLECTION = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
SCOPES = {
    AUTH: "openid profile email",
    TRANSFER: "urn:globus:auth:scope:transfer.api.globus.org:all",
    GROUPS: "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
    SEARCH: "urn:globus:auth:scope:search.api.globus.org:search",
    FLOWS: "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/manage_flows "
           "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/view_flows",
    COLLECTION: f"https://auth.globus.org/scopes/{COLLECTION}/https",
}

# Namespaces: the default one, a second client, and a non-ASCII client name. The last is given
# in NFC by one side and NFD by the other: names are compared under canonical equivalence
# (SECURITY.md section 5), which each implementation does its own way.
DEFAULT = "tokens"
PORTAL = "portal-client"
CLIENT_NFC = unicodedata.normalize("NFC", "client-é")
CLIENT_NFD = unicodedata.normalize("NFD", "client-é")
assert CLIENT_NFC != CLIENT_NFD

# The order Fair Research Login's token sets (globus-sdk's by_resource_server) have, which
# `frl-vault export` reproduces so that its output is JSONTokenStorage's file byte for byte.
FRL_KEY_ORDER = ("scope", "access_token", "refresh_token", "token_type", "expires_at_seconds", "resource_server")
# Bytes that only a plaintext document could contain.
PLAINTEXT_MARKERS = (b'"access_token"', b'"frl_vault"', b"Bearer")

PASSPHRASE = "correct horse battery staple, ünïcödé ☃ and a\ttab".encode("utf-8")
OTHER_PASSPHRASE = "Tr0ub4dor&3 is not the passphrase".encode("utf-8")


# Token maps: deterministic, shaped like what Globus Auth hands Fair Research Login.


def token_set(resource_server: str, label: str, *, refresh: bool = True, expires_at: int = FAR_FUTURE) -> TokenSet:
    """One set; `label` makes its tokens unique (and so greppable) across the whole suite."""
    def opaque(kind: str, length: int) -> str:
        # Globus tokens are opaque alphanumeric strings starting "Ag"; these are derived from
        # the label so reruns produce the same vaults' contents.
        return "Ag" + hashlib.sha256(f"{kind}/{label}/{resource_server}".encode()).hexdigest()[:length]
    return {
        "scope": SCOPES[resource_server],
        "access_token": opaque("access", 52),
        "refresh_token": opaque("refresh", 60) if refresh else None,
        "token_type": "Bearer",
        "expires_at_seconds": expires_at,
        "resource_server": resource_server,
    }


def token_map(label: str, *servers: str, expired: Iterable[str] = (), without_refresh: Iterable[str] = ()) -> TokenMap:
    expired, without_refresh = set(expired), set(without_refresh)
    return {
        server: token_set(server, label, refresh=server not in without_refresh,
                          expires_at=LONG_AGO if server in expired else FAR_FUTURE)
        for server in servers
    }


def token_set_form(token_set_: TokenSet) -> TokenSet:
    """A set as readers return it (SECURITY.md section 5), for the simple inputs used here: all
    six keys, a falsy refresh token as None, token_type "Bearer", an integer expiry."""
    return {
        "scope": token_set_["scope"],
        "access_token": token_set_["access_token"],
        "refresh_token": token_set_.get("refresh_token") or None,
        "token_type": "Bearer",
        "expires_at_seconds": int(token_set_["expires_at_seconds"]),
        "resource_server": token_set_["resource_server"],
    }


def normalised(tokens: TokenMap) -> TokenMap:
    return {server: token_set_form(value) for server, value in tokens.items()}


def secrets_in(*documents: Namespaces) -> Set[str]:
    return {
        value
        for namespaces in documents
        for tokens in namespaces.values()
        for token_set_ in tokens.values()
        for value in (token_set_["access_token"], token_set_["refresh_token"])
        if value
    }


def json_token_storage_bytes(tokens: TokenMap) -> bytes:
    """What `frl-vault export` prints: JSONTokenStorage's `json.dump(indent=2)` of the map,
    resource servers sorted, each set in FRL's key order, plus the line end a command prints."""
    ordered = {server: {key: tokens[server][key] for key in FRL_KEY_ORDER} for server in sorted(tokens)}
    return (json.dumps(ordered, indent=2) + "\n").encode("utf-8")


def redacted(namespaces: Namespaces) -> Namespaces:
    return {
        name: {server: dict(value, access_token="[redacted]",
                            refresh_token="[redacted]" if value["refresh_token"] else None)
               for server, value in tokens.items()}
        for name, tokens in namespaces.items()
    }


def count_sets(namespaces: Namespaces) -> Tuple[int, int]:
    sets = [value for tokens in namespaces.values() for value in tokens.values()]
    return len(sets), sum(1 for value in sets if value["expires_at_seconds"] <= LONG_AGO)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# Files, keys and the two sides.


@dataclass
class Workspace:
    """The vault lives alone in `vault_dir`, so everything there can be grepped for plaintext;
    the plaintext token files given to `frl-vault import` are kept apart in `plain_dir`."""
    vault_dir: Path
    keys_dir: Path
    plain_dir: Path
    cli: "InteropCLI"
    imports: int = 0

    @property
    def vault(self) -> Path:
        return self.vault_dir / "globus.vault"

    @property
    def lock(self) -> Path:
        return self.vault_dir / "globus.vault.lock"

    def run(self, *args: str, key: Optional["Key"] = None, expect: Optional[int] = 0) -> "Any":
        return self.cli.run(*args, "--vault", str(self.vault), *(key.cli() if key else ()), expect=expect)


@pytest.fixture
def ws(tmp_path: Path, interop_cli: "InteropCLI") -> Workspace:
    directories = [tmp_path / name for name in ("vault", "keys", "plain")]
    for directory in directories:
        directory.mkdir(mode=0o700)
    return Workspace(*directories, cli=interop_cli)


@dataclass(frozen=True)
class Key:
    """A keyfile, or a passphrase with the 0600 file that holds it for the command."""
    kind: str
    path: Path
    passphrase: Optional[bytes] = None

    def cli(self) -> List[str]:
        return ["--keyfile" if self.kind == "keyfile" else "--passphrase-file", str(self.path)]

    def cli_new(self) -> List[str]:
        return ["--new-keyfile" if self.kind == "keyfile" else "--new-passphrase-file", str(self.path)]

    def storage(self, vault: Path, namespace: str = DEFAULT, kdf: str = "interactive") -> frl_vault.VaultTokenStorage:
        if self.kind == "keyfile":
            return frl_vault.VaultTokenStorage(str(vault), keyfile=str(self.path), namespace=namespace)
        return frl_vault.VaultTokenStorage(str(vault), passphrase=self.passphrase, namespace=namespace, kdf=kdf)

    def low_level(self, costs: Optional[_format.Argon2idCosts]) -> _format.Key:
        if self.kind == "keyfile":
            text = self.path.read_text("ascii")
            return _format.Keyfile(bytearray.fromhex(text.split(":", 1)[1].strip()))
        assert costs is not None and self.passphrase is not None
        return _format.Passphrase(bytearray(self.passphrase), costs)


def swift_keyfile(ws: Workspace, name: str) -> Key:
    """A keyfile written by `frl-vault keygen`, to be used by Python too."""
    path = ws.keys_dir / name
    ws.cli.run("keygen", str(path))
    return Key("keyfile", path)


def python_keyfile(ws: Workspace, name: str) -> Key:
    """A keyfile written by the package, to be used by the command too."""
    path = ws.keys_dir / name
    frl_vault.generate_keyfile(str(path))
    return Key("keyfile", path)


def passphrase_key(ws: Workspace, passphrase: bytes = PASSPHRASE, name: str = "passphrase") -> Key:
    # The command reads the file's first line, so the line end is not part of the passphrase.
    path = ws.keys_dir / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(passphrase + b"\n")
    return Key("passphrase", path, passphrase)


def cli_import(ws: Workspace, key: Key, namespace: str, tokens: TokenMap) -> None:
    """`frl-vault import` of a file written by Fair Research Login's own JSONTokenStorage, the
    migration path the command exists for."""
    ws.imports += 1
    source = ws.plain_dir / f"import-{ws.imports}.json"
    JSONTokenStorage(str(source)).write_tokens(tokens)
    result = ws.run("import", str(source), "--format", "json", "--namespace", namespace, key=key)
    assert f"imported {plural(len(tokens), 'token set')} into namespace".encode() in result.stdout


def cli_export(ws: Workspace, key: Key, namespace: str) -> bytes:
    return bytes(ws.run("export", "--namespace", namespace, key=key).stdout)


def cli_show(ws: Workspace, key: Key, *, reveal: bool = True) -> Namespaces:
    result = ws.run("show", "--json", *(["--reveal"] if reveal else []), key=key)
    shown = json.loads(result.stdout)
    assert shown["revealed"] is reveal and shown["path"] == str(ws.vault)
    return dict(shown["namespaces"])


def python_read(ws: Workspace, key: Key, namespace: str) -> TokenMap:
    with key.storage(ws.vault, namespace) as storage:
        return storage.read_tokens()


def header_of(path: Path) -> _format.Header:
    return _format.parse_header(path.read_bytes(), str(path))


def decrypted_plaintext(path: Path, key: Key) -> bytes:
    """The JSON inside the vault, opened with the package's primitives (one derivation)."""
    data = path.read_bytes()
    header = _format.parse_header(data, str(path))
    keys = _format.derive(key.low_level(header.costs), header.kdf, header.costs, header.salt, str(path))
    return _format.open_box(data, header, keys, str(path))


def assert_vault_files_safe(ws: Workspace, secrets: Set[str], *, vault_exists: bool = True) -> None:
    """The vault is 0600, its lock file (if any) empty and 0600, nothing else is next to them
    (no temp or wipe leftover), and no file there holds a token or any plaintext at all."""
    names = sorted(path.name for path in ws.vault_dir.iterdir())
    if not vault_exists:
        assert names == [], names
        return
    assert names in ([ws.vault.name], [ws.vault.name, ws.lock.name]), names
    info = ws.vault.lstat()
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600, oct(info.st_mode)
    if ws.lock.name in names:
        info = ws.lock.lstat()
        assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600 and info.st_size == 0
    data = ws.vault.read_bytes()
    assert data.startswith(b"FRLVAULT\x01")
    for secret in secrets:
        assert secret.encode("utf-8") not in data, "a token is in the vault file in plain text"
    for marker in PLAINTEXT_MARKERS:
        assert marker not in data


# 1. Swift writes, Python reads.


def test_swift_keyfile_vault_is_read_by_python(ws: Workspace) -> None:
    key = swift_keyfile(ws, "swift.key")
    ws.run("init", key=key)
    assert python_read(ws, key, DEFAULT) == {}  # a new vault holds no namespace
    imported: Namespaces = {
        DEFAULT: token_map("swift-keyfile", AUTH, TRANSFER, GROUPS, without_refresh=[GROUPS]),
        PORTAL: token_map("swift-keyfile-portal", SEARCH, COLLECTION, expired=[COLLECTION]),
        CLIENT_NFC: token_map("swift-keyfile-client", FLOWS),
    }
    for namespace, tokens in imported.items():
        cli_import(ws, key, namespace, tokens)
    assert_vault_files_safe(ws, secrets_in(imported))
    header = header_of(ws.vault)
    assert header.kdf == _format.KDF_KEYFILE and header.costs is None

    for namespace, tokens in imported.items():
        assert python_read(ws, key, namespace) == tokens, namespace
    # Swift stored the name as given (NFC); Python asks in NFD and finds it.
    assert python_read(ws, key, CLIENT_NFD) == imported[CLIENT_NFC]
    assert python_read(ws, key, "never-imported") == {}
    # Both writers produce the same plaintext for the same document, byte for byte.
    assert decrypted_plaintext(ws.vault, key) == _plaintext.encode(imported, "expected")

    other = python_keyfile(ws, "other.key")
    with pytest.raises(frl_vault.WrongKeyError):
        python_read(ws, other, DEFAULT)
    with pytest.raises(frl_vault.KeyKindMismatchError):
        python_read(ws, passphrase_key(ws), DEFAULT)


@pytest.mark.parametrize("preset", PRESETS)
def test_swift_passphrase_vault_is_read_by_python(ws: Workspace, preset: str) -> None:
    key = passphrase_key(ws)
    ws.run("init", "--kdf", preset, key=key)
    imported: Namespaces = {DEFAULT: token_map(f"swift-{preset}", AUTH, TRANSFER, without_refresh=[TRANSFER])}
    if preset != "sensitive":
        # Each import and each Python instance is one derivation; the sensitive vault gets one
        # namespace (init, import, read: three 1 GiB runs), the others show several.
        imported[PORTAL] = token_map(f"swift-{preset}-portal", SEARCH, GROUPS, expired=[GROUPS])
    for namespace, tokens in imported.items():
        cli_import(ws, key, namespace, tokens)
    assert_vault_files_safe(ws, secrets_in(imported))
    header = header_of(ws.vault)
    assert header.kdf == _format.KDF_ARGON2ID
    assert (header.costs.opslimit, header.costs.memlimit) == PRESET_COSTS[preset]

    for namespace, tokens in imported.items():
        assert python_read(ws, key, namespace) == tokens, namespace
    # The kind of key is checked before any derivation, so this costs nothing at any preset.
    with pytest.raises(frl_vault.KeyKindMismatchError):
        python_read(ws, python_keyfile(ws, "python.key"), DEFAULT)
    if preset == "interactive":
        with pytest.raises(frl_vault.WrongKeyError):
            python_read(ws, passphrase_key(ws, OTHER_PASSPHRASE, "other-passphrase"), DEFAULT)


def test_swift_rekey_from_keyfile_to_passphrase_and_back_is_read_by_python(ws: Workspace) -> None:
    first = swift_keyfile(ws, "first.key")
    ws.run("init", key=first)
    imported: Namespaces = {
        DEFAULT: token_map("swift-rekey", AUTH, TRANSFER),
        PORTAL: token_map("swift-rekey-portal", SEARCH, without_refresh=[SEARCH]),
    }
    for namespace, tokens in imported.items():
        cli_import(ws, first, namespace, tokens)
    # An application's storage that has already opened the vault with the keyfile.
    running = first.storage(ws.vault, DEFAULT)
    assert running.read_tokens() == imported[DEFAULT]
    salts = [header_of(ws.vault).salt]

    passphrase = passphrase_key(ws)
    ws.run("rekey", *passphrase.cli_new(), "--kdf", "interactive", key=first)
    header = header_of(ws.vault)
    assert header.kdf == _format.KDF_ARGON2ID
    assert (header.costs.opslimit, header.costs.memlimit) == PRESET_COSTS["interactive"]
    salts.append(header.salt)
    for namespace, tokens in imported.items():
        assert python_read(ws, passphrase, namespace) == tokens
    with pytest.raises(frl_vault.KeyKindMismatchError):
        python_read(ws, first, DEFAULT)
    # The running instance's cached key no longer opens the vault, and it fails closed: its
    # write is refused and the file is not touched.
    before = ws.vault.read_bytes()
    with pytest.raises(frl_vault.KeyKindMismatchError):
        running.read_tokens()
    with pytest.raises(frl_vault.KeyKindMismatchError):
        running.write_tokens(token_map("stale-writer", AUTH))
    running.close()
    assert ws.vault.read_bytes() == before

    second = python_keyfile(ws, "second.key")
    ws.run("rekey", *second.cli_new(), key=passphrase)
    header = header_of(ws.vault)
    assert header.kdf == _format.KDF_KEYFILE and header.costs is None
    salts.append(header.salt)
    for namespace, tokens in imported.items():
        assert python_read(ws, second, namespace) == tokens
    with pytest.raises(frl_vault.WrongKeyError):
        python_read(ws, first, DEFAULT)
    with pytest.raises(frl_vault.KeyKindMismatchError):
        python_read(ws, passphrase, DEFAULT)
    # Rekeying draws a new salt each time (SECURITY.md section 4, "Writing").
    assert len(set(salts)) == 3
    assert_vault_files_safe(ws, secrets_in(imported))


# 2. Python writes, Swift reads (and changes).


def python_writes(ws: Workspace, key: Key, written: Namespaces, kdf: str = "interactive") -> None:
    """One storage instance per namespace, as separate applications sharing a vault would."""
    for namespace, tokens in written.items():
        with key.storage(ws.vault, namespace, kdf) as storage:
            storage.write_tokens(tokens)


def python_keyfile_document() -> Tuple[Namespaces, Namespaces]:
    """What Python is given to write, and what every reader must then return."""
    minimal = {  # the fewest members verify_token_group accepts; readers return the full form
        "scope": SCOPES[FLOWS],
        "access_token": token_set(FLOWS, "python-minimal")["access_token"],
        "expires_at_seconds": FAR_FUTURE,
        "resource_server": FLOWS,
    }
    given: Namespaces = {
        DEFAULT: token_map("python-keyfile", AUTH, TRANSFER, GROUPS, without_refresh=[GROUPS]),
        PORTAL: token_map("python-keyfile-portal", SEARCH, COLLECTION, expired=[COLLECTION]),
        CLIENT_NFC: {FLOWS: minimal},
    }
    return given, {name: normalised(tokens) for name, tokens in given.items()}


def test_python_keyfile_vault_is_read_by_swift(ws: Workspace) -> None:
    key = python_keyfile(ws, "python.key")
    given, expected = python_keyfile_document()
    python_writes(ws, key, given)
    assert_vault_files_safe(ws, secrets_in(expected))
    assert ws.vault.stat().st_size == SMALL_VAULT_SIZE

    for namespace, tokens in expected.items():
        exported = cli_export(ws, key, namespace)
        assert json.loads(exported) == tokens, namespace
        assert exported == json_token_storage_bytes(tokens), namespace
    # Python stored the name in NFC; the command asks in NFD and finds it.
    assert cli_export(ws, key, CLIENT_NFD) == json_token_storage_bytes(expected[CLIENT_NFC])
    assert cli_export(ws, key, "never-written") == b"{}\n"

    sets, expired = count_sets(expected)
    verdict = ws.run("verify", key=key).stdout.decode("utf-8")
    assert verdict == (f"ok: {ws.vault}: {plural(len(expected), 'namespace')}, "
                       f"{plural(sets, 'token set')} ({expired} expired), keyfile\n")

    assert cli_show(ws, key) == expected
    assert cli_show(ws, key, reveal=False) == redacted(expected)
    listing = ws.run("show", key=key).stdout.decode("utf-8")
    for namespace, tokens in expected.items():
        assert f"namespace {namespace}\n" in listing
        for server in tokens:
            assert f"  {server}\n" in listing
    for secret in secrets_in(expected):
        assert secret not in listing  # redacted unless --reveal

    header_only = json.loads(ws.run("status", "--json").stdout)
    assert header_only["unlocked"] is False and header_only["namespaces"] is None
    assert header_only["kdf"] == {"algorithm": "keyfile"}
    assert (header_only["format_version"], header_only["file_size"]) == (1, SMALL_VAULT_SIZE)
    status = json.loads(ws.run("status", "--json", key=key).stdout)
    assert status["unlocked"] is True
    assert set(status["namespaces"]) == set(expected)
    for namespace, tokens in expected.items():
        for server, value in tokens.items():
            reported = status["namespaces"][namespace][server]
            assert reported["scopes"] == value["scope"].split(" ")
            assert reported["expires_at_seconds"] == value["expires_at_seconds"]
            assert reported["expired"] is (value["expires_at_seconds"] <= status["now_seconds"])
            assert reported["refresh_token_present"] is (value["refresh_token"] is not None)


@pytest.mark.parametrize("preset", PRESETS)
def test_python_passphrase_vault_is_read_by_swift(ws: Workspace, preset: str) -> None:
    key = passphrase_key(ws)
    written: Namespaces = {DEFAULT: token_map(f"python-{preset}", AUTH, TRANSFER, without_refresh=[AUTH])}
    if preset != "sensitive":
        # One instance (and one derivation) per namespace; the sensitive vault gets one
        # namespace: Python's write and the command's export are its two 1 GiB runs.
        written[PORTAL] = token_map(f"python-{preset}-portal", SEARCH, COLLECTION, expired=[SEARCH])
    python_writes(ws, key, written, kdf=preset)
    assert_vault_files_safe(ws, secrets_in(written))
    header = header_of(ws.vault)
    assert header.kdf == _format.KDF_ARGON2ID
    assert (header.costs.opslimit, header.costs.memlimit) == PRESET_COSTS[preset]
    ops, mem = PRESET_COSTS[preset]
    kdf = json.loads(ws.run("status", "--json").stdout)["kdf"]
    assert kdf == {"algorithm": "argon2id", "ops_limit": ops, "mem_limit_bytes": mem, "preset": preset}

    for namespace, tokens in written.items():
        assert cli_export(ws, key, namespace) == json_token_storage_bytes(tokens), namespace
    # The kind of key is checked before any derivation, so this costs nothing at any preset.
    mismatch = ws.run("export", key=python_keyfile(ws, "python.key"), expect=77)
    assert b"opened with a passphrase" in mismatch.stderr
    if preset == "interactive":
        sets, expired = count_sets(written)
        verdict = ws.run("verify", key=key).stdout.decode("utf-8")
        assert verdict == (f"ok: {ws.vault}: {plural(len(written), 'namespace')}, "
                           f"{plural(sets, 'token set')} ({expired} expired), passphrase, "
                           "argon2id ops=2 mem=64 MiB (interactive)\n")
        assert cli_show(ws, key) == written
        wrong = ws.run("export", key=passphrase_key(ws, OTHER_PASSPHRASE, "other"), expect=77)
        assert b"does not open this vault" in wrong.stderr


def test_swift_rekey_remove_and_python_clear_of_a_python_vault(ws: Workspace) -> None:
    key = python_keyfile(ws, "python.key")
    given, expected = python_keyfile_document()
    python_writes(ws, key, given)
    secrets = secrets_in(expected)
    first_salt = header_of(ws.vault).salt

    # The command rekeys what Python wrote; Python follows with the new key.
    passphrase = passphrase_key(ws)
    ws.run("rekey", *passphrase.cli_new(), "--kdf", "interactive", key=key)
    assert header_of(ws.vault).salt != first_salt
    for namespace, tokens in expected.items():
        assert python_read(ws, passphrase, namespace) == tokens, namespace
    with pytest.raises(frl_vault.KeyKindMismatchError):
        python_read(ws, key, DEFAULT)
    assert_vault_files_safe(ws, secrets)

    # `frl-vault clear` has no --namespace (it wipes the whole vault), so the command empties
    # one namespace by removing its every resource server; the namespace stays, empty
    # (SECURITY.md section 5), and Python sees the rest unchanged.
    ws.run("remove", *sorted(expected[PORTAL]), "--namespace", PORTAL, key=passphrase)
    expected[PORTAL] = {}
    for namespace, tokens in expected.items():
        assert python_read(ws, passphrase, namespace) == tokens, namespace
    assert cli_show(ws, passphrase) == expected
    assert_vault_files_safe(ws, secrets)

    # Python clears one namespace: the rest stays, for both sides.
    with passphrase.storage(ws.vault, DEFAULT) as storage:
        storage.clear_tokens()
        assert storage.read_tokens() == {}
    del expected[DEFAULT]
    assert cli_show(ws, passphrase) == expected
    assert cli_export(ws, passphrase, DEFAULT) == b"{}\n"
    assert_vault_files_safe(ws, secrets)

    # Python clears the last namespace that holds a token (the emptied one holds none): the
    # vault is wiped, and with it the lock file; the command then finds no vault.
    with passphrase.storage(ws.vault, CLIENT_NFD) as storage:
        storage.clear_tokens()
        assert storage.read_tokens() == {}
    assert_vault_files_safe(ws, secrets, vault_exists=False)
    for verb in ("verify", "status", "show"):
        missing = ws.run(verb, key=passphrase, expect=66)
        assert b"no such vault" in missing.stderr, verb
    assert python_read(ws, passphrase, CLIENT_NFC) == {}


def test_swift_clear_wipes_a_python_vault(ws: Workspace) -> None:
    key = python_keyfile(ws, "python.key")
    written: Namespaces = {DEFAULT: token_map("python-cleared", AUTH, TRANSFER)}
    python_writes(ws, key, written)
    salt = header_of(ws.vault).salt
    assert ws.run("clear", "--yes", key=key).stdout == f"wiped {ws.vault}\n".encode()
    assert_vault_files_safe(ws, secrets_in(written), vault_exists=False)
    assert python_read(ws, key, DEFAULT) == {}
    # Python starts a new vault there, with a salt of its own, which the command reads.
    again: Namespaces = {DEFAULT: token_map("python-after-clear", SEARCH)}
    python_writes(ws, key, again)
    assert header_of(ws.vault).salt != salt
    assert cli_show(ws, key) == again
    assert_vault_files_safe(ws, secrets_in(written, again))


def large_vector_document() -> Namespaces:
    """v1-keyfile-large's document (SECURITY.md section 12): non-ASCII names, scopes with '"',
    '\\', a tab, bytes 0x01 and 0x1F, DEL, U+0085, U+2028, characters outside the BMP, expiries
    at the bottom of the 64-bit range, and an empty namespace."""
    vectors = json.loads((VECTORS_DIR / "vectors.json").read_text("utf-8"))
    vector = next(v for v in vectors if v["name"] == "v1-keyfile-large")
    return dict(json.loads(vector["plaintext"])["namespaces"])


def test_awkward_strings_cross_in_both_directions(ws: Workspace) -> None:
    document = large_vector_document()
    assert {} in document.values() and len(document) == 3
    swift_plaintext = _plaintext.encode(document, "expected")
    # Python -> Swift: Python writes every namespace through the public API (the empty one too)
    # and seals exactly the plaintext Swift sealed for that vector; the command reads it all,
    # and its export is what JSONTokenStorage would write, escapes and surrogate pairs included.
    key = python_keyfile(ws, "python.key")
    python_writes(ws, key, document)
    assert decrypted_plaintext(ws.vault, key) == swift_plaintext
    assert cli_show(ws, key) == document
    for namespace, tokens in document.items():
        assert cli_export(ws, key, namespace) == json_token_storage_bytes(tokens), namespace
    assert_vault_files_safe(ws, secrets_in(document))

    # Swift -> Python: the command imports the same maps from JSONTokenStorage files (written
    # with ensure_ascii, so every non-ASCII character arrives as an escape) into a new vault.
    ws.run("clear", "--yes", key=key)
    swift_key = swift_keyfile(ws, "swift.key")
    ws.run("init", key=swift_key)
    imported = {name: tokens for name, tokens in document.items() if tokens}
    for namespace, tokens in imported.items():
        cli_import(ws, swift_key, namespace, tokens)
    for namespace, tokens in imported.items():
        assert python_read(ws, swift_key, namespace) == tokens, namespace
    assert decrypted_plaintext(ws.vault, swift_key) == _plaintext.encode(imported, "expected")
    assert_vault_files_safe(ws, secrets_in(document))


# 3. Both write one vault in turn.


@dataclass
class Interleaving:
    """The expected document and what every step must leave true, whichever side wrote."""
    ws: Workspace
    key: Key
    expected: Namespaces = field(default_factory=dict)
    secrets: Set[str] = field(default_factory=set)  # every token ever written, replaced ones too
    nonces: Set[bytes] = field(default_factory=set)
    salt: Optional[bytes] = None
    keys: Optional[_format.DerivedKeys] = None

    def plaintext(self) -> bytes:
        data = self.ws.vault.read_bytes()
        header = _format.parse_header(data, "vault")
        if self.keys is None:  # one derivation for the whole run: the salt never changes
            self.keys = _format.derive(self.key.low_level(header.costs), header.kdf, header.costs, header.salt, "vault")
        return _format.open_box(data, header, self.keys, "vault")

    def check(self, step: str, *storages: frl_vault.VaultTokenStorage) -> None:
        ws, key, expected = self.ws, self.key, self.expected
        self.secrets |= secrets_in(expected)
        # The command sees the union of what both sides wrote...
        assert cli_show(ws, key) == expected, step
        sets, expired = count_sets(expected)
        verdict = ws.run("verify", key=key).stdout.decode("utf-8")
        assert verdict.startswith(f"ok: {ws.vault}: {plural(len(expected), 'namespace')}, "
                                  f"{plural(sets, 'token set')} ({expired} expired), "), (step, verdict)
        # ...and so does Python: the instances an application keeps open and fresh ones.
        for storage in storages:
            assert storage.read_tokens() == _find(expected, storage.namespace), (step, storage.namespace)
        for namespace, tokens in expected.items():
            assert python_read(ws, key, namespace) == tokens, (step, namespace)
        # Whichever side wrote last, the plaintext is the one canonical encoding of the document.
        assert self.plaintext() == _plaintext.encode(expected, "expected"), step
        # A rewrite keeps the salt and draws a fresh nonce, on both sides.
        header = header_of(ws.vault)
        if self.salt is None:
            self.salt = header.salt
        assert header.salt == self.salt, step
        assert header.nonce not in self.nonces, step
        self.nonces.add(header.nonce)
        assert ws.vault.stat().st_size == SMALL_VAULT_SIZE, step
        assert_vault_files_safe(ws, self.secrets)


def _find(namespaces: Namespaces, name: str) -> TokenMap:
    wanted = unicodedata.normalize("NFC", name)
    for candidate, tokens in namespaces.items():
        if unicodedata.normalize("NFC", candidate) == wanted:
            return tokens
    return {}


@pytest.mark.parametrize("kind", ["keyfile", "passphrase"])
def test_alternating_writes_by_python_and_swift(ws: Workspace, kind: str) -> None:
    key = python_keyfile(ws, "shared.key") if kind == "keyfile" else passphrase_key(ws)
    run = Interleaving(ws, key)
    expected = run.expected
    # Two applications keep their storages open across the whole run, as NativeClient does.
    app = key.storage(ws.vault, DEFAULT)
    other_app = key.storage(ws.vault, CLIENT_NFC)

    # Python creates the vault.
    app.write_tokens(token_map("mixed-1", AUTH, TRANSFER))
    expected[DEFAULT] = token_map("mixed-1", AUTH, TRANSFER)
    run.check("python creates the vault", app, other_app)

    # The command imports another client's tokens.
    cli_import(ws, key, PORTAL, token_map("mixed-2", SEARCH, GROUPS, COLLECTION, expired=[COLLECTION]))
    expected[PORTAL] = token_map("mixed-2", SEARCH, GROUPS, COLLECTION, expired=[COLLECTION])
    run.check("swift imports a second namespace", app, other_app)

    # Python refreshes a token and adds a set from a new consent, in one update.
    refreshed = token_set(TRANSFER, "mixed-3")

    def refresh(tokens: TokenMap) -> str:
        tokens[TRANSFER] = dict(refreshed)
        tokens[SEARCH] = token_set(SEARCH, "mixed-3", refresh=False)
        return "refreshed"

    assert app.update(refresh) == "refreshed"
    expected[DEFAULT] = {**expected[DEFAULT], TRANSFER: refreshed, SEARCH: token_set(SEARCH, "mixed-3", refresh=False)}
    run.check("python updates its namespace", app, other_app)

    # The command removes one resource server from the other namespace.
    ws.run("remove", GROUPS, "--namespace", PORTAL, key=key)
    del expected[PORTAL][GROUPS]
    run.check("swift removes a resource server", app, other_app)

    # The command imports into Python's namespace: the imported set replaces Python's.
    cli_import(ws, key, DEFAULT, {AUTH: token_set(AUTH, "mixed-5")})
    expected[DEFAULT][AUTH] = token_set(AUTH, "mixed-5")
    run.check("swift replaces a set in python's namespace", app, other_app)

    # A third application, in Python, replaces the command's namespace wholesale.
    with key.storage(ws.vault, PORTAL) as portal:
        portal.write_tokens(token_map("mixed-6", FLOWS))
    expected[PORTAL] = token_map("mixed-6", FLOWS)
    run.check("python rewrites swift's namespace", app, other_app)

    # The command creates a namespace under the NFD spelling; Python's NFC instance uses it.
    cli_import(ws, key, CLIENT_NFD, token_map("mixed-7", AUTH, GROUPS, without_refresh=[GROUPS]))
    expected[CLIENT_NFD] = token_map("mixed-7", AUTH, GROUPS, without_refresh=[GROUPS])
    run.check("swift imports under the NFD name", app, other_app)

    def drop_groups(tokens: TokenMap) -> None:
        del tokens[GROUPS]

    other_app.update(drop_groups)
    del expected[CLIENT_NFD][GROUPS]  # the name stays as the command spelled it
    run.check("python updates through the NFC name", app, other_app)

    # The command empties a namespace; Python then clears its own.
    ws.run("remove", FLOWS, "--namespace", PORTAL, key=key)
    expected[PORTAL] = {}
    run.check("swift empties a namespace", app, other_app)
    app.clear_tokens()
    del expected[DEFAULT]
    run.check("python clears its namespace", app, other_app)

    # The command brings Python's namespace back; Python clears the others' last tokens.
    cli_import(ws, key, DEFAULT, token_map("mixed-11", TRANSFER))
    expected[DEFAULT] = token_map("mixed-11", TRANSFER)
    run.check("swift imports into the cleared namespace", app, other_app)
    other_app.clear_tokens()
    del expected[CLIENT_NFD]
    run.check("python clears the NFC namespace", app, other_app)

    # Clearing the last namespace that holds a token wipes the vault and its lock file.
    app.clear_tokens()
    assert_vault_files_safe(ws, run.secrets, vault_exists=False)
    assert b"no such vault" in ws.run("verify", key=key, expect=66).stderr
    assert app.read_tokens() == {} and other_app.read_tokens() == {}
    app.close()
    other_app.close()
