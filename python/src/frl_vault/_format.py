"""The vault file format, version 1 (SECURITY.md sections 3, 4 and 7): the header, the key
derivations, the seal and the reader's checks in the specified order. Pure functions over
bytes; files, locks and token rules live elsewhere."""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass
from typing import Optional, Union

import nacl.bindings
import nacl.exceptions

from .errors import (
    DamagedVaultError,
    InvalidTokenDataError,
    KeyKindMismatchError,
    NotAVaultError,
    ResourcesUnavailableError,
    UnsafeKDFParametersError,
    UnsupportedVersionError,
    WrongKeyError,
)

MAGIC = b"FRLVAULT"
VERSION = 1
KDF_KEYFILE = 0
KDF_ARGON2ID = 1
HEADER_SIZE = 116
BOUND_PREFIX_SIZE = 68  # H: magic through nonce, what the box key and commitment bind
CHECKSUMMED_SIZE = 100  # bytes 0..99 are covered by the header checksum S
TAG_SIZE = 16
SALT_SIZE = 16
NONCE_SIZE = 24
KEY_SIZE = 32
MAXIMUM_FILE_SIZE = 64 << 20
BOX_KEY_LABEL = b"frl-vault v1 box key"
COMMITMENT_LABEL = b"frl-vault v1 key commitment"
_COSTS = struct.Struct("<QQ")

# Section 7: what a reader accepts, checked before any memory is requested.
OPSLIMIT_BOUNDS = (1, 16)
MEMLIMIT_BOUNDS = (8 << 10, 1 << 30)
MAXIMUM_WORK = 4 << 30
# Writers never seal below the interactive preset in either dimension.
WRITER_FLOOR = (2, 64 << 20)

PRESETS = {
    "interactive": (2, 64 << 20),
    "moderate": (3, 256 << 20),
    "sensitive": (4, 1 << 30),
}


@dataclass(frozen=True)
class Argon2idCosts:
    opslimit: int
    memlimit: int

    @classmethod
    def preset(cls, name: str) -> "Argon2idCosts":
        try:
            return cls(*PRESETS[name])
        except KeyError:
            raise ValueError(f"kdf must be one of {', '.join(PRESETS)}, not {name!r}") from None


class Keyfile:
    """A keyfile's 32 bytes. Held in a bytearray that `wipe` zeroes; see SECURITY.md section
    13 for what Python can and cannot promise about it."""

    __slots__ = ("material",)

    def __init__(self, material: bytearray) -> None:
        self.material = material

    def wipe(self) -> None:
        _zero(self.material)

    def __repr__(self) -> str:
        return "Keyfile(<32 bytes>)"


class Passphrase:
    """Passphrase bytes, never printed; `wipe` zeroes the copy held here."""

    __slots__ = ("material", "costs")

    def __init__(self, material: bytearray, costs: Argon2idCosts) -> None:
        self.material = material
        self.costs = costs

    def wipe(self) -> None:
        _zero(self.material)

    def __repr__(self) -> str:
        return "Passphrase(<redacted>)"


Key = Union[Keyfile, Passphrase]


@dataclass(frozen=True)
class Header:
    kdf: int
    costs: Optional[Argon2idCosts]
    salt: bytes
    nonce: bytes
    commitment: bytes


def _zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))


def check_readable_costs(opslimit: int, memlimit: int, path: str) -> None:
    problem = _bounds_problem(opslimit, memlimit)
    if problem:
        raise UnsafeKDFParametersError(path, f"Argon2id parameters out of bounds: {problem}")


def _bounds_problem(opslimit: int, memlimit: int) -> str:
    low, high = OPSLIMIT_BOUNDS
    if not low <= opslimit <= high:
        return f"opslimit {opslimit} is outside {low}...{high}"
    low, high = MEMLIMIT_BOUNDS
    if not low <= memlimit <= high:
        return f"memlimit {memlimit} bytes is outside {low}...{high}"
    if memlimit % 1024:
        return f"memlimit {memlimit} bytes is not a whole number of KiB"
    if opslimit * memlimit > MAXIMUM_WORK:
        return f"opslimit x memlimit ({opslimit} x {memlimit} bytes) exceeds the sensitive preset's work"
    return ""


def check_writable_costs(costs: Argon2idCosts, path: str) -> None:
    check_readable_costs(costs.opslimit, costs.memlimit, path)
    if costs.opslimit < WRITER_FLOOR[0] or costs.memlimit < WRITER_FLOOR[1]:
        raise UnsafeKDFParametersError(
            path,
            f"opslimit {costs.opslimit}, memlimit {costs.memlimit} bytes is below the interactive preset "
            f"(opslimit {WRITER_FLOOR[0]}, memlimit {WRITER_FLOOR[1]} bytes), too cheap to guess against; "
            "rekey the vault with a preset")


def parse_header(data: bytes, path: str) -> Header:
    """Steps 1 to 5 of SECURITY.md section 4, in that order."""
    if len(data) > MAXIMUM_FILE_SIZE or len(data) < len(MAGIC) or data[:8] != MAGIC:
        raise NotAVaultError(path)
    if len(data) < 9:
        raise DamagedVaultError(path, f"truncated header ({len(data)} bytes)")
    if data[8] != VERSION:
        raise UnsupportedVersionError(path, data[8])
    if len(data) < HEADER_SIZE:
        raise DamagedVaultError(path, f"truncated header ({len(data)} of {HEADER_SIZE} bytes)")
    if not hmac.compare_digest(_blake2b(data[:CHECKSUMMED_SIZE], 16), data[CHECKSUMMED_SIZE:HEADER_SIZE]):
        raise DamagedVaultError(path, "header checksum mismatch")
    kdf = data[9]
    if data[10:12] != b"\0\0":
        raise DamagedVaultError(path, "reserved header bytes are not zero")
    if kdf not in (KDF_KEYFILE, KDF_ARGON2ID):
        raise DamagedVaultError(path, f"unknown key derivation {kdf}")
    opslimit, memlimit = _COSTS.unpack_from(data, 12)
    costs = None
    if kdf == KDF_KEYFILE:
        if opslimit or memlimit:
            raise DamagedVaultError(path, "keyfile vault with nonzero Argon2id parameters")
    else:
        check_readable_costs(opslimit, memlimit, path)
        costs = Argon2idCosts(opslimit, memlimit)
    if len(data) < HEADER_SIZE + TAG_SIZE + 1:
        raise DamagedVaultError(path, "truncated ciphertext")
    return Header(kdf, costs, data[28:44], data[44:68], data[68:100])


def bound_prefix(kdf: int, costs: Optional[Argon2idCosts], salt: bytes, nonce: bytes) -> bytes:
    """H, the 68 bytes from the magic through the nonce."""
    opslimit, memlimit = (costs.opslimit, costs.memlimit) if costs else (0, 0)
    return MAGIC + bytes((VERSION, kdf, 0, 0)) + _COSTS.pack(opslimit, memlimit) + salt + nonce


class DerivedKeys:
    """K for one vault (one salt and one set of costs), reused across reads and writes of that
    vault by one storage instance, so only its first operation pays for Argon2id. K lives in a
    bytearray zeroed by `wipe`."""

    def __init__(self, kdf: int, costs: Optional[Argon2idCosts], salt: bytes, master: bytearray) -> None:
        self.kdf = kdf
        self.costs = costs
        self.salt = salt
        self.master = master

    def matches(self, header: Header) -> bool:
        return header.kdf == self.kdf and header.costs == self.costs and header.salt == self.salt

    def commitment(self, prefix: bytes) -> bytes:
        return _blake2b(COMMITMENT_LABEL + prefix, 32, self.master)

    def box_key(self, prefix: bytes) -> bytes:
        # An immutable bytes object, because PyNaCl takes nothing else; it cannot be wiped.
        return _blake2b(BOX_KEY_LABEL + prefix, 32, self.master)

    def wipe(self) -> None:
        _zero(self.master)


def derive(key: Key, kdf: int, costs: Optional[Argon2idCosts], salt: bytes, path: str) -> DerivedKeys:
    """Step 6 (the kind of key) and the derivation of K."""
    if isinstance(key, Keyfile):
        if kdf != KDF_KEYFILE:
            raise KeyKindMismatchError(path, "a passphrase")
        return DerivedKeys(kdf, None, salt, bytearray(key.material))
    if kdf != KDF_ARGON2ID or costs is None:
        raise KeyKindMismatchError(path, "a keyfile")
    try:
        master = nacl.bindings.crypto_pwhash_alg(
            KEY_SIZE, bytes(key.material), salt, costs.opslimit, costs.memlimit,
            nacl.bindings.crypto_pwhash_ALG_ARGON2ID13)
    except (MemoryError, nacl.exceptions.RuntimeError):
        raise ResourcesUnavailableError(path, f"{costs.memlimit >> 20} MiB of memory for Argon2id") from None
    return DerivedKeys(kdf, costs, salt, bytearray(master))


def open_box(data: bytes, header: Header, keys: DerivedKeys, path: str) -> memoryview:
    """Steps 7 to 9: the commitment, the box, the padding. Returns the JSON bytes, as a view
    of the decrypted buffer (a copy of a large vault's plaintext costs as much as parsing it)."""
    prefix = data[:BOUND_PREFIX_SIZE]
    if not hmac.compare_digest(keys.commitment(prefix), header.commitment):
        raise WrongKeyError(path)
    try:
        padded = nacl.bindings.crypto_secretbox_open_easy(data[HEADER_SIZE:], header.nonce, keys.box_key(prefix))
    except nacl.exceptions.CryptoError:
        raise DamagedVaultError(path, "ciphertext authentication failed") from None
    return unpad(padded, path)


def seal(document: bytes, keys: DerivedKeys, nonce: bytes, path: str) -> bytes:
    """The whole file for `document` (the JSON bytes) under `keys`, with `nonce`."""
    padded = pad(document)
    size = HEADER_SIZE + TAG_SIZE + len(padded)
    if size > MAXIMUM_FILE_SIZE:
        raise InvalidTokenDataError(
            path, f"the vault would be {size} bytes, over the {MAXIMUM_FILE_SIZE}-byte limit")
    prefix = bound_prefix(keys.kdf, keys.costs, keys.salt, nonce)
    checksummed = prefix + keys.commitment(prefix)
    box = nacl.bindings.crypto_secretbox_easy(padded, nonce, keys.box_key(prefix))
    return checksummed + _blake2b(checksummed, 16) + box


def padded_length(content: int) -> int:
    """Section 5: 4096 up to 4096 bytes (the JSON and the 0x80 marker), then a step of
    max(1 KiB, the enclosing power of two / 16)."""
    n = content + 1
    if n <= 4096:
        return 4096
    step = max(1024, (1 << (n - 1).bit_length()) // 16)
    return -(-n // step) * step


def pad(document: bytes) -> bytes:
    return document + b"\x80" + bytes(padded_length(len(document)) - len(document) - 1)


def unpad(padded: bytes, path: str) -> memoryview:
    """The bytes before the last 0x80 that only zeros follow; none such is damage. (The last
    0x80 anywhere is the marker if anything is: an earlier one has this one after it.)"""
    marker = padded.rfind(b"\x80")
    if marker < 0 or padded.count(b"\0", marker + 1) != len(padded) - marker - 1:
        raise DamagedVaultError(path, "invalid plaintext padding")
    return memoryview(padded)[:marker]


def _blake2b(message: bytes, size: int, key: Union[bytes, bytearray] = b"") -> bytes:
    return hashlib.blake2b(message, digest_size=size, key=key).digest()
