"""The frozen test vectors of SECURITY.md section 12, read by the Python package.

The vectors are the contract between the implementations: Swift wrote the `v1-*` ones with a
fixed salt and nonce, the independent implementation (tools/vectors/independent_vault.py) the
`python-*` ones. Every intermediate value recorded in vectors.json is recomputed here, every file
is re-sealed byte for byte, and every negative vector must fail with the same `VaultError` case
in Python as in Swift, which the real `frl-vault` is asked too, so that a file one side refuses
the other refuses for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple, Type

import nacl.bindings
import pytest

import frl_vault
from frl_vault import _format, _plaintext

if TYPE_CHECKING:
    from conftest import InteropCLI

REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS_DIR = REPO_ROOT / "Tests" / "TokenVaultTests" / "Vectors"
SECURITY_MD = REPO_ROOT / "SECURITY.md"

if not (VECTORS_DIR / "vectors.json").is_file():  # e.g. an sdist of the package without the repository
    pytest.skip(f"no test vectors at {VECTORS_DIR}", allow_module_level=True)

Vector = Dict[str, Any]

VECTORS: List[Vector] = json.loads((VECTORS_DIR / "vectors.json").read_text("utf-8"))
NEGATIVE_VECTORS: List[Vector] = json.loads((VECTORS_DIR / "negative.json").read_text("utf-8"))
SWIFT_WRITER = "swift"
KEYFILE_PREFIX = "frl-vault-key-v1:"
MAXIMUM_FILE_SIZE = 64 << 20  # SECURITY.md section 5, written out rather than taken from the package

# Swift's `VaultError` case names, as negative.json records them, and the Python class and the
# `frl-vault` exit status (README, "Exit status") each must give.
SWIFT_CASES: Dict[str, Tuple[Type[frl_vault.VaultError], int]] = {
    "notAVault": (frl_vault.NotAVaultError, 65),
    "damaged": (frl_vault.DamagedVaultError, 65),
    "unsupportedVersion": (frl_vault.UnsupportedVersionError, 65),
    "unsafeKDFParameters": (frl_vault.UnsafeKDFParametersError, 78),
    "keyKindMismatch": (frl_vault.KeyKindMismatchError, 77),
    "wrongKey": (frl_vault.WrongKeyError, 77),
    "invalidTokenData": (frl_vault.InvalidTokenDataError, 65),
}

# The byte ranges of the header fields (SECURITY.md section 3), as the appendix names them.
FIELD_RANGES: Dict[str, Tuple[int, int]] = {
    "magic": (0, 8), "version": (8, 9), "kdf": (9, 10), "reserved": (10, 12),
    "opslimit": (12, 20), "memlimit": (20, 28), "salt": (28, 44), "nonce": (44, 68),
    "commitment": (68, 100), "checksum": (100, 116), "tag": (116, 132),
}


def vector_bytes(vector: Vector) -> bytes:
    return (VECTORS_DIR / vector["file"]).read_bytes()


def vector_key(vector: Vector) -> _format.Key:
    """The key from the vector's recorded inputs (the keyfile text, the passphrase bytes), never
    from its recorded K, so that comparing the derived K with the record means something."""
    if vector["keyDerivation"] == "keyfile":
        text: str = vector["keyfile"]
        assert text.startswith(KEYFILE_PREFIX) and text.endswith("\n") and len(text) == 82
        return _format.Keyfile(bytearray.fromhex(text[len(KEYFILE_PREFIX):-1]))
    assert vector["keyDerivation"] == "argon2id"
    return _format.Passphrase(
        bytearray.fromhex(vector["passphraseHex"]),
        _format.Argon2idCosts(vector["opsLimit"], vector["memLimitBytes"]))


def spec_blake2b(message: bytes, size: int, key: bytes = b"") -> bytes:
    """BLAKE2b exactly as SECURITY.md section 3 words it, independently of the package."""
    return hashlib.blake2b(message, digest_size=size, key=key).digest()


def copy_private(source: Path, destination: Path) -> Path:
    """A copy at mode 0600, as a vault of one's own is; the checkout's mode is whatever git gave."""
    shutil.copyfile(source, destination)
    os.chmod(destination, 0o600)
    return destination


def write_private(path: Path, text: str) -> Path:
    """A keyfile at 0600: the package refuses one that the group or others may read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def vector_id(vector: Vector) -> str:
    return str(vector["name"])


@pytest.fixture(scope="module")
def derived_keys() -> Callable[[Vector], _format.DerivedKeys]:
    """K per vector, derived once for the module: the sensitive vector costs a 1 GiB Argon2id
    run (seconds on the 2-core host), which every low-level test would otherwise repeat."""
    cache: Dict[str, _format.DerivedKeys] = {}

    def keys_for(vector: Vector) -> _format.DerivedKeys:
        if vector["name"] not in cache:
            header = _format.parse_header(vector_bytes(vector), vector["file"])
            cache[vector["name"]] = _format.derive(
                vector_key(vector), header.kdf, header.costs, header.salt, vector["file"])
        return cache[vector["name"]]

    return keys_for


def test_every_vector_file_is_listed_and_every_kind_is_covered() -> None:
    # A vector added on disk but not to vectors.json would otherwise never be checked.
    on_disk = sorted(path.name for path in VECTORS_DIR.glob("*.vault"))
    assert sorted(vector["file"] for vector in VECTORS) == on_disk
    swift = {(v["keyDerivation"], v["opsLimit"], v["memLimitBytes"]) for v in VECTORS if v["writer"] == SWIFT_WRITER}
    assert swift >= {("keyfile", 0, 0)} | {("argon2id", *costs) for costs in _format.PRESETS.values()}
    assert {v["writer"] for v in VECTORS} == {SWIFT_WRITER, "independent_vault.py"}
    negative_on_disk = sorted(path.name for path in (VECTORS_DIR / "negative").glob("*.vault"))
    assert sorted(Path(v["file"]).name for v in NEGATIVE_VECTORS) == negative_on_disk
    assert {v["error"] for v in NEGATIVE_VECTORS} == set(SWIFT_CASES)


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_header_fields_equal_the_record(vector: Vector) -> None:
    data = vector_bytes(vector)
    header = _format.parse_header(data, vector["file"])
    keyfile = vector["keyDerivation"] == "keyfile"
    # The raw bytes, read as section 3 lays them out...
    assert data[0:8] == b"FRLVAULT"
    assert data[8] == 1
    assert data[9] == (0 if keyfile else 1)
    assert data[10:12] == b"\0\0"
    assert int.from_bytes(data[12:20], "little") == vector["opsLimit"]
    assert int.from_bytes(data[20:28], "little") == vector["memLimitBytes"]
    assert data[28:44].hex() == vector["salt"]
    assert data[44:68].hex() == vector["nonce"]
    assert data[68:100].hex() == vector["commitment"]
    assert data[100:116].hex() == vector["checksum"]
    assert len(data) == 116 + 16 + vector["paddedLength"]
    # ...and as the package's parser returns them.
    assert header.kdf == (_format.KDF_KEYFILE if keyfile else _format.KDF_ARGON2ID)
    if keyfile:
        assert header.costs is None
    else:
        assert header.costs == _format.Argon2idCosts(vector["opsLimit"], vector["memLimitBytes"])
    assert (header.salt.hex(), header.nonce.hex(), header.commitment.hex()) == (
        vector["salt"], vector["nonce"], vector["commitment"])


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_key_box_key_commitment_and_checksum_equal_the_record(
        vector: Vector, derived_keys: Callable[[Vector], _format.DerivedKeys]) -> None:
    data = vector_bytes(vector)
    keys = derived_keys(vector)
    bound = data[:68]
    assert keys.master.hex() == vector["masterKey"]
    # The package's derivations and the spec's formulas computed here must both give the record.
    assert keys.box_key(bound).hex() == vector["boxKey"]
    assert keys.commitment(bound).hex() == vector["commitment"]
    master = bytes(keys.master)
    assert spec_blake2b(b"frl-vault v1 box key" + bound, 32, master).hex() == vector["boxKey"]
    assert spec_blake2b(b"frl-vault v1 key commitment" + bound, 32, master).hex() == vector["commitment"]
    assert spec_blake2b(data[:100], 16).hex() == vector["checksum"]


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_plaintext_and_padded_length_equal_the_record(
        vector: Vector, derived_keys: Callable[[Vector], _format.DerivedKeys]) -> None:
    data = vector_bytes(vector)
    plaintext = vector["plaintext"].encode("utf-8")
    # P straight from libsodium with the recorded box key: the padding as it is on disk.
    padded = nacl.bindings.crypto_secretbox_open_easy(
        data[116:], bytes.fromhex(vector["nonce"]), bytes.fromhex(vector["boxKey"]))
    assert len(padded) == vector["paddedLength"]
    assert padded == plaintext + b"\x80" + bytes(len(padded) - len(plaintext) - 1)
    # The package's reader (commitment, box, unpadding) gives the recorded JSON.
    header = _format.parse_header(data, vector["file"])
    assert _format.open_box(data, header, derived_keys(vector), vector["file"]) == plaintext
    if vector["writer"] == SWIFT_WRITER:
        # The padding length is the writer's choice; Swift's rule is the one the package writes.
        assert _format.padded_length(len(plaintext)) == vector["paddedLength"]


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_resealing_the_recorded_plaintext_reproduces_the_file(
        vector: Vector, derived_keys: Callable[[Vector], _format.DerivedKeys]) -> None:
    sealed = _format.seal(
        vector["plaintext"].encode("utf-8"), derived_keys(vector), bytes.fromhex(vector["nonce"]), vector["file"])
    assert sealed == vector_bytes(vector)


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_plaintext_parses_to_the_recorded_document(vector: Vector) -> None:
    plaintext = vector["plaintext"].encode("utf-8")
    namespaces = _plaintext.parse(plaintext, vector["file"])
    # Every vector's document is already in token-set form, so the stdlib's reading of it is the
    # expected result.
    assert namespaces == json.loads(plaintext)["namespaces"]
    if vector["writer"] == SWIFT_WRITER:
        # The Python writer's bytes are Swift's: parse-then-encode is the identity.
        assert _plaintext.encode(namespaces, vector["file"]) == plaintext
    else:
        # Another writer's layout (indented) re-encodes to the canonical form, which reads the same.
        canonical = _plaintext.encode(namespaces, vector["file"])
        assert canonical != plaintext
        assert _plaintext.parse(canonical, vector["file"]) == namespaces


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vault_token_storage_reads_every_namespace(vector: Vector, tmp_path: Path) -> None:
    vault = copy_private(VECTORS_DIR / vector["file"], tmp_path / vector["file"])
    before = vault.read_bytes()
    expected: Dict[str, Any] = json.loads(vector["plaintext"])["namespaces"]
    key: Dict[str, Any]
    if vector["keyDerivation"] == "keyfile":
        key = {"keyfile": str(write_private(tmp_path / "vector.key", vector["keyfile"]))}
    else:
        key = {"passphrase": bytes.fromhex(vector["passphraseHex"])}
    namespaces = sorted(expected)
    if vector["memLimitBytes"] == _format.PRESETS["sensitive"][1]:
        # One instance, one 1 GiB derivation: the other presets' vectors hold the same document,
        # so the per-namespace mapping is covered there.
        namespaces = namespaces[-1:]
    for namespace in namespaces:
        with frl_vault.VaultTokenStorage(str(vault), namespace=namespace, **key) as storage:
            assert storage.read_tokens() == expected[namespace], namespace
    if "keyfile" in key:
        # A namespace the vault lacks reads as empty (checked where it costs no derivation).
        with frl_vault.VaultTokenStorage(str(vault), namespace="no-such-namespace", **key) as storage:
            assert storage.read_tokens() == {}
    # Reading takes no lock and writes nothing (SECURITY.md section 9).
    assert vault.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [vault.name] + (["vector.key"] if "keyfile" in key else []))


@pytest.mark.parametrize(
    "vector",
    # Swift opening its own sensitive vector is the Swift suite's business and a 1 GiB
    # derivation; the independent writer's vectors are the ones that matter here.
    [v for v in VECTORS if v["memLimitBytes"] != _format.PRESETS["sensitive"][1]], ids=vector_id)
def test_swift_cli_reads_every_vector_alike(vector: Vector, tmp_path: Path, interop_cli: "InteropCLI") -> None:
    # The same files through the command: every namespace, every value, as Python read them.
    vault = copy_private(VECTORS_DIR / vector["file"], tmp_path / vector["file"])
    before = vault.read_bytes()
    if vector["keyDerivation"] == "keyfile":
        key = ["--keyfile", str(write_private(tmp_path / "vector.key", vector["keyfile"]))]
    else:
        passphrase_file = tmp_path / "vector.passphrase"
        fd = os.open(passphrase_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(bytes.fromhex(vector["passphraseHex"]) + b"\n")
        key = ["--passphrase-file", str(passphrase_file)]
    shown = json.loads(interop_cli.run("show", "--json", "--reveal", "--vault", str(vault), *key).stdout)
    assert shown["namespaces"] == json.loads(vector["plaintext"])["namespaces"]
    # The command's reads take no lock either.
    assert vault.read_bytes() == before
    assert not (tmp_path / (vector["file"] + ".lock")).exists()


def parse_appendix(text: str) -> Tuple[Dict[str, Dict[str, Any]], bytes]:
    """The values SECURITY.md's appendix prints for each Swift vector, and its hex dump of
    v1-keyfile.vault."""
    entries: Dict[str, Dict[str, Any]] = {}
    pattern = re.compile(
        r"^\*\*(?P<name>[\w.-]+)\*\* \(`(?P<file>[^`]+)`, (?P<size>[\d,]+) bytes, "
        r"SHA-256 `(?P<sha>[0-9a-f]{64})`\)\n\n(?P<body>(?: {4}\w+ +[0-9a-f]+\n)+)", re.M)
    for match in pattern.finditer(text):
        fields = dict(line.split() for line in match["body"].splitlines())
        entries[match["name"]] = {
            "file": match["file"], "size": int(match["size"].replace(",", "")), "sha256": match["sha"],
            "fields": fields}
    dump = re.search(r"The whole of `v1-keyfile.vault`, 32 bytes per line:\n\n((?: {4}[0-9a-f]+\n)+)", text)
    assert dump is not None, "SECURITY.md no longer has the hex dump of v1-keyfile.vault"
    return entries, bytes.fromhex("".join(dump.group(1).split()))


def test_security_md_appendix_matches_the_vector_files() -> None:
    # The spec's printed values are what an implementer without this repository checks against;
    # they must be the files' and the package's values.
    entries, dump = parse_appendix(SECURITY_MD.read_text("utf-8"))
    swift_vectors = {v["name"]: v for v in VECTORS if v["writer"] == SWIFT_WRITER}
    assert set(entries) == set(swift_vectors)
    for name, entry in entries.items():
        vector = swift_vectors[name]
        data = vector_bytes(vector)
        assert entry["file"] == vector["file"]
        assert entry["size"] == len(data), name
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        fields = entry["fields"]
        assert set(fields) == set(FIELD_RANGES) | {"K", "BK"}, name
        for field, (start, end) in FIELD_RANGES.items():
            assert fields[field] == data[start:end].hex(), (name, field)
        assert (fields["K"], fields["BK"]) == (vector["masterKey"], vector["boxKey"]), name
    assert dump == (VECTORS_DIR / "v1-keyfile.vault").read_bytes()


def negative_id(vector: Vector) -> str:
    return str(vector["name"])


# The token values of the fixed plaintext every negative vector starts from: no error message,
# Python's or Swift's, may quote one (SECURITY.md section 1).
FIXED_TOKEN_VALUES = sorted({
    value
    for token_map in json.loads(next(v for v in VECTORS if v["name"] == "v1-keyfile")["plaintext"])["namespaces"].values()
    for token_set in token_map.values()
    for value in (token_set["access_token"], token_set["refresh_token"])
    if value
})


def negative_setup(vector: Vector, tmp_path: Path) -> Tuple[Path, Path]:
    vault = copy_private(VECTORS_DIR / vector["file"], tmp_path / Path(vector["file"]).name)
    keyfile = write_private(tmp_path / "negative.key", vector["keyfile"])
    return vault, keyfile


@pytest.mark.parametrize("vector", NEGATIVE_VECTORS, ids=negative_id)
def test_negative_vector_raises_the_swift_case(vector: Vector, tmp_path: Path) -> None:
    vault, keyfile = negative_setup(vector, tmp_path)
    expected_class, _ = SWIFT_CASES[vector["error"]]
    before = vault.read_bytes()
    with frl_vault.VaultTokenStorage(str(vault), keyfile=str(keyfile)) as storage:
        with pytest.raises(frl_vault.VaultError) as raised:
            storage.read_tokens()
    error = raised.value
    # Exactly the class, not a subclass or sibling: each Swift case has one Python class.
    assert type(error) is expected_class, f"{type(error).__name__}: {error}"
    message = str(error)
    assert message.startswith(f"{vault}: "), message
    reason = vector["reason"]
    assert reason.lower() in message.lower(), f"Python's message lacks Swift's reason {reason!r}: {message}"
    for token in FIXED_TOKEN_VALUES:
        assert token not in message
    assert vault.read_bytes() == before


@pytest.mark.parametrize("vector", NEGATIVE_VECTORS, ids=negative_id)
def test_negative_vector_is_refused_by_the_swift_cli_alike(
        vector: Vector, tmp_path: Path, interop_cli: "InteropCLI") -> None:
    # The same file, through the real command: the exit status of the same case, the recorded
    # reason (it is Swift's own wording) and no token value in the message.
    vault, keyfile = negative_setup(vector, tmp_path)
    _, status = SWIFT_CASES[vector["error"]]
    result = interop_cli.run("verify", "--vault", str(vault), "--keyfile", str(keyfile), expect=status)
    stderr = result.stderr.decode("utf-8")
    assert result.stdout == b""
    assert stderr.startswith(f"frl-vault: error: {vault}: "), stderr
    assert vector["reason"] in stderr
    for token in FIXED_TOKEN_VALUES:
        assert token not in stderr


def grown_copy(source: Path, destination: Path, size: int) -> Path:
    """`source` followed by zeros up to `size` bytes, sparse, so a 64 MiB file costs no disk."""
    copy_private(source, destination)
    with open(destination, "r+b") as handle:
        handle.truncate(size)
    assert destination.stat().st_size == size
    return destination


def test_file_over_64_mib_is_not_a_vault_but_64_mib_is_read(tmp_path: Path, interop_cli: "InteropCLI") -> None:
    vector = next(v for v in VECTORS if v["name"] == "v1-keyfile")
    keyfile = write_private(tmp_path / "vector.key", vector["keyfile"])
    source = VECTORS_DIR / vector["file"]
    # One byte over the cap: refused before its first byte is checked, although that byte and
    # the whole header are a valid vault's.
    over = grown_copy(source, tmp_path / "over.vault", MAXIMUM_FILE_SIZE + 1)
    with frl_vault.VaultTokenStorage(str(over), keyfile=str(keyfile)) as storage:
        with pytest.raises(frl_vault.NotAVaultError):
            storage.read_tokens()
    refused = interop_cli.run("verify", "--vault", str(over), "--keyfile", str(keyfile), expect=65)
    assert b"not a vault" in refused.stderr
    # Exactly at the cap the file is read: the header and commitment pass, and the box, now
    # with 64 MiB of zeros appended, fails authentication. Both sides agree on the boundary.
    at_cap = grown_copy(source, tmp_path / "at-cap.vault", MAXIMUM_FILE_SIZE)
    with frl_vault.VaultTokenStorage(str(at_cap), keyfile=str(keyfile)) as storage:
        with pytest.raises(frl_vault.DamagedVaultError, match="authentication"):
            storage.read_tokens()
    damaged = interop_cli.run("verify", "--vault", str(at_cap), "--keyfile", str(keyfile), expect=65)
    assert b"authentication failed" in damaged.stderr
    for path in (over, at_cap):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
