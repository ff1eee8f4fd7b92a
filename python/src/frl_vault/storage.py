"""`VaultTokenStorage`: the vault as a token storage for Fair Research Login's `NativeClient`
(`write_tokens`, `read_tokens`, `clear_tokens`), reading and writing the same files as the
Swift library and `frl-vault`, under the same lock, with the same rules (SECURITY.md)."""

from __future__ import annotations

import errno
import math
import os
import threading
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar, cast

import nacl.utils

from . import _files, _format, _keys
from ._format import Argon2idCosts, DerivedKeys, Header, Key, Keyfile
from ._lock import lock_file_of, vault_lock
from ._paths import Location, NotRegularFile, PathIsDirectory, PathNotFound, locate
from ._permissions import check_directory, check_vault, refusal_of_unreadable
from ._plaintext import Namespaces, encode, parse
from ._tokens import TokenMap, clean_token_map, name_key, tokens_leave
from .errors import (
    DamagedVaultError,
    InvalidTokenDataError,
    KeyKindMismatchError,
    NotAVaultError,
    UnsafeKDFParametersError,
    UnsupportedVersionError,
    VaultIOError,
    VaultPermissionError,
    WrongKeyError,
)

DEFAULT_FILE_NAME = ".globus-native-apps.vault"
# A writer replaces a vault in well under a millisecond; a name that changes this often while
# we read is someone rewriting it in a loop.
_REREAD_LIMIT = 64
_ABOUT_CONTENTS = (WrongKeyError, KeyKindMismatchError, DamagedVaultError, NotAVaultError,
                   UnsupportedVersionError, UnsafeKDFParametersError, InvalidTokenDataError)

Result = TypeVar("Result")


def default_vault_path() -> str:
    """`$FRL_VAULT`, else `~/.globus-native-apps.vault`, as `frl-vault` chooses."""
    return os.environ.get("FRL_VAULT") or os.path.join(os.path.expanduser("~"), DEFAULT_FILE_NAME)


class _Verified:
    """The exact bytes of the last vault this instance verified or wrote, and what they hold:
    the same ciphertext under the same key can only open to the same document."""

    __slots__ = ("data", "header", "namespaces")

    def __init__(self, data: bytes, header: Header, namespaces: Namespaces) -> None:
        self.data = data
        self.header = header
        self.namespaces = namespaces


class VaultTokenStorage:
    """An encrypted token storage: pass it as `NativeClient(..., token_storage=...)`.

    - `path`: the vault file (default `$FRL_VAULT`, else `~/.globus-native-apps.vault`).
    - `keyfile=` (written by `frl-vault keygen` or `generate_keyfile`) or `passphrase=` (bytes,
      or a zero-argument callable returning bytes); with neither, the key sources of
      `frl-vault` (`$FRL_VAULT_KEYFILE`, `$FRL_VAULT_PASSPHRASE_FD`, `$FRL_VAULT_PASSPHRASE_FILE`,
      `$FRL_VAULT_PASSCOMMAND`, then a prompt on a terminal). The key is read, and a passphrase
      stretched, once per instance, at its first operation.
    - `namespace`: this client's token map inside the vault (several clients can share one).
    - `lock_timeout`: seconds to wait for another writer, Swift or Python.
    - `kdf`: the Argon2id preset for a new passphrase vault ("interactive", "moderate",
      "sensitive"); an existing vault keeps the cost its header records.

    Reads take no lock and need no write access; every write is a read-modify-write under the
    vault's lock, so concurrent writers lose nothing; a vault this key does not open is never
    written over. Errors are `frl_vault.VaultError` subclasses and never contain a secret."""

    def __init__(
        self,
        path: Optional[str] = None,
        *,
        keyfile: Optional[str] = None,
        passphrase: Optional[_keys.PassphraseInput] = None,
        namespace: str = "tokens",
        lock_timeout: float = 10.0,
        kdf: str = "moderate",
    ) -> None:
        if keyfile is not None and passphrase is not None:
            raise ValueError("give keyfile= or passphrase=, not both")
        if not isinstance(namespace, str):
            raise TypeError("namespace must be a string")
        if not (isinstance(lock_timeout, (int, float)) and math.isfinite(lock_timeout) and lock_timeout >= 0):
            raise ValueError("lock_timeout must be a number of seconds, zero or more")
        self.path = os.path.expanduser(path) if path else default_vault_path()
        self.namespace = namespace
        self.lock_timeout = float(lock_timeout)
        self._costs = Argon2idCosts.preset(kdf)
        self._keyfile = keyfile
        self._passphrase = passphrase
        self._key: Optional[Key] = None
        self._derived: Optional[DerivedKeys] = None
        self._verified: Optional[_Verified] = None
        self._mutex = threading.RLock()

    def __repr__(self) -> str:
        kind = "keyfile" if self._keyfile else "passphrase" if self._passphrase is not None else "environment"
        return f"VaultTokenStorage(path={self.path!r}, namespace={self.namespace!r}, key={kind})"

    # The three methods NativeClient calls.

    def read_tokens(self) -> TokenMap:
        """This namespace's token map; empty when there is no vault or no such namespace."""
        with self._mutex:
            try:
                location = locate(self.path, for_writing=False)
            except PathNotFound:
                return {}
            except (PathIsDirectory, NotRegularFile):
                raise NotAVaultError(self.path) from None
            loaded = self._load(location)
            if loaded is None:
                return {}
            return _copy(_find(loaded.namespaces, self.namespace) or {})

    def write_tokens(self, tokens: Mapping[str, Mapping[str, Any]]) -> None:
        """Replaces this namespace's map. Every set is validated first (`verify_token_group`'s
        rules): a map that reading would refuse is refused, and nothing is written."""
        cleaned = _copy(clean_token_map(tokens, self.path))
        self._modify(lambda namespaces: _replaced(namespaces, self.namespace, cleaned))

    def clear_tokens(self) -> None:
        """Removes this namespace. When no namespace then holds a token, the vault is securely
        wiped: renamed away from its name, overwritten in place (random bytes, then zeros),
        unlinked with its lock file (SECURITY.md section 10). A vault this key does not open is
        left alone (the error says why)."""
        with self._mutex:
            location = self._locate_for_writing()
            with vault_lock(location, self.lock_timeout):
                loaded = self._load(location)
                self._wipe_leftovers(location)
                if loaded is None:
                    return
                self._verified = None
                remaining = {name: tokens for name, tokens in loaded.namespaces.items()
                             if name_key(name) != name_key(self.namespace)}
                if not any(remaining.values()):
                    self._wipe_vault(location)
                elif len(remaining) != len(loaded.namespaces):
                    sealed = self._seal(remaining, loaded.header)
                    _files.write_atomically_wiping_replaced(location, sealed)

    # More than NativeClient needs.

    def update(self, change: Callable[[TokenMap], Result]) -> Result:
        """Read-modify-write of this namespace under the vault's lock: `change` gets the map
        and may modify it in place; it is written only if it changed. Do not write to the same
        vault from inside `change`: the lock is held, and that write would wait for it."""
        outcome: Dict[str, Any] = {}

        def modify(namespaces: Namespaces) -> Optional[Namespaces]:
            before = _find(namespaces, self.namespace)
            tokens = _copy(before or {})
            outcome["value"] = change(tokens)
            cleaned = clean_token_map(tokens, self.path)
            if before is not None and cleaned == before:
                return None
            if before is None and not cleaned:
                return None
            return _replaced(namespaces, self.namespace, cleaned)

        self._modify(modify)
        return cast(Result, outcome["value"])

    def close(self) -> None:
        """Zeroes the key material this instance holds (also done when it is collected)."""
        with self._mutex:
            for secret in (self._key, self._derived):
                if secret is not None:
                    secret.wipe()
            self._key = None
            self._derived = None
            self._verified = None

    def __enter__(self) -> "VaultTokenStorage":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    # Reading.

    def _load(self, location: Location) -> Optional[_Verified]:
        """The verified vault at `location`, or None when there is none. A failure on the
        contents while the name no longer leads to the inode read (a writer replaced or wiped
        it mid-read) means read again, or no vault if nothing is there any more."""
        attempts = 0
        while True:
            opened = self._open_vault(location)
            if opened is None:
                self._verified = None
                return None
            fd, size = opened
            try:
                data = _read_vault(fd, size, location.path)
                try:
                    return self._decode(data, location.path)
                except _ABOUT_CONTENTS:
                    now = location.status()
                    attempts += 1
                    if now is None:
                        self._verified = None
                        return None
                    held = os.fstat(fd)
                    if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino) and attempts < _REREAD_LIMIT:
                        continue
                    raise
            finally:
                os.close(fd)

    def _open_vault(self, location: Location) -> Optional[Tuple[int, int]]:
        try:
            fd = location.open(os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except PermissionError:
            raise refusal_of_unreadable(location) from None
        except OSError as error:
            if error.errno == errno.ENXIO:  # a socket
                raise NotAVaultError(location.path) from None
            raise VaultIOError(location.path, "open", error.errno) from None
        try:
            info = os.fstat(fd)
            check_vault(info, location.path)
            if info.st_size > _format.MAXIMUM_FILE_SIZE:
                raise NotAVaultError(location.path)
        except BaseException:
            os.close(fd)
            raise
        return fd, info.st_size

    def _decode(self, data: bytes, path: str) -> _Verified:
        verified = self._verified
        if verified is not None and verified.data == data:
            return verified
        self._verified = None
        header = _format.parse_header(data, path)
        keys = self._keys_for(header, path)
        plaintext = _format.open_box(data, header, keys, path)
        # Confirmed by the commitment and the box: only now may this key seal anything.
        self._adopt(keys)
        namespaces = parse(plaintext, path)
        self._verified = _Verified(data, header, namespaces)
        return self._verified

    def _keys_for(self, header: Header, path: str) -> DerivedKeys:
        if self._derived is not None and self._derived.matches(header):
            return self._derived
        return _format.derive(self._resolved_key(), header.kdf, header.costs, header.salt, path)

    def _adopt(self, keys: DerivedKeys) -> None:
        if keys is not self._derived:
            if self._derived is not None:
                self._derived.wipe()
            self._derived = keys

    def _resolved_key(self) -> Key:
        if self._key is None:
            self._key = _keys.resolve_key(
                self.path, self._keyfile, self._passphrase, self._costs, self._vault_exists)
        return self._key

    def _vault_exists(self) -> bool:
        return os.path.lexists(self.path)

    # Writing.

    def _locate_for_writing(self) -> Location:
        try:
            location = locate(self.path)
        except PathNotFound:
            raise VaultIOError(self.path, "open directory", 2) from None
        except (PathIsDirectory, NotRegularFile):
            raise NotAVaultError(self.path) from None
        check_directory(location)
        return location

    def _modify(self, change: Callable[[Namespaces], Optional[Namespaces]]) -> None:
        """Under the lock: re-read and decrypt (any failure ends the call before anything is
        written), apply `change`, and replace the vault if `change` returned a document."""
        with self._mutex:
            location = self._locate_for_writing()
            with vault_lock(location, self.lock_timeout):
                loaded = self._load(location)
                original: Namespaces = loaded.namespaces if loaded is not None else {}
                changed = change(dict(original))
                if changed is None:
                    return
                sealed = self._seal(changed, loaded.header if loaded is not None else None)
                self._wipe_leftovers(location)
                self._verified = None
                if any(tokens_leave(tokens, _find(changed, name) or {}) for name, tokens in original.items()):
                    _files.write_atomically_wiping_replaced(location, sealed, wiping_only_if_safe=True)
                else:
                    _files.write_atomically(location, sealed)
                header = _format.parse_header(sealed, location.path)
                self._verified = _Verified(sealed, header, changed)

    def _seal(self, namespaces: Namespaces, header: Optional[Header]) -> bytes:
        """The whole new file: a rewrite keeps the vault's kdf, costs and salt (and so the key
        derived for them); a new vault gets a fresh salt and this instance's costs."""
        document = encode(namespaces, self.path)
        if header is not None:
            keys = self._keys_for(header, self.path)
        else:
            key = self._resolved_key()
            salt = nacl.utils.random(_format.SALT_SIZE)
            if isinstance(key, Keyfile):
                keys = _format.derive(key, _format.KDF_KEYFILE, None, salt, self.path)
            else:
                _format.check_writable_costs(key.costs, self.path)
                keys = _format.derive(key, _format.KDF_ARGON2ID, key.costs, salt, self.path)
            self._adopt(keys)
        if keys.costs is not None:
            _format.check_writable_costs(keys.costs, self.path)
        return _format.seal(document, keys, nacl.utils.random(_format.NONCE_SIZE), self.path)

    def _wipe_leftovers(self, location: Location) -> None:
        for leftover in _files.leftover_temp_files(location):
            _files.wipe_leftover(leftover, _format.MAGIC)

    def _wipe_vault(self, location: Location) -> None:
        """Overwrites the vault in place after taking its name away, unlinks it, a link of ours
        that named it (it would dangle), and the lock file, which we hold."""
        try:
            vault = _files.OverwritableFile.open(location)
        except OSError as error:
            raise VaultIOError(location.path, "open", error.errno) from None
        if vault is None:
            return
        with vault:
            vault.check_safe_to_wipe(_format.MAGIC)
            vault.overwrite_and_remove(taking_name_away_first=True)
        if location.link is not None:
            location.link.unlink()
        lock_file_of(location).unlink()


def generate_keyfile(path: str) -> None:
    """A new keyfile: 32 random bytes from libsodium as `frl-vault-key-v1:<hex>`, mode 0600,
    given its name only when complete; an existing file is never replaced."""
    path = os.path.expanduser(path)
    try:
        location = locate(path, follow_final_link=False)
    except PathNotFound:
        raise VaultIOError(path, "open directory", 2) from None
    except (PathIsDirectory, NotRegularFile):
        raise VaultPermissionError(path) from None
    check_directory(location)
    key = bytearray(nacl.utils.random(_format.KEY_SIZE))
    text = _keys.keyfile_text(key)
    try:
        _files.create_exclusively(location, bytes(text))
    finally:
        key[:] = bytes(len(key))
        text[:] = bytes(len(text))


def _read_vault(fd: int, size: int, path: str) -> bytes:
    chunks = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, max(size + 1 - total, 65536))
        except OSError as error:
            raise VaultIOError(path, "read", error.errno) from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > _format.MAXIMUM_FILE_SIZE:
            raise NotAVaultError(path)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _find(namespaces: Namespaces, name: str) -> Optional[TokenMap]:
    found = namespaces.get(name)
    if found is not None or name.isascii():
        return found
    key = name_key(name)
    for candidate, tokens in namespaces.items():
        if name_key(candidate) == key:
            return tokens
    return None


def _replaced(namespaces: Namespaces, name: str, tokens: TokenMap) -> Namespaces:
    key = name_key(name)
    existing = next((candidate for candidate in namespaces if name_key(candidate) == key), name)
    result = dict(namespaces)
    result[existing] = tokens
    return result


def _copy(tokens: TokenMap) -> TokenMap:
    """The caller's own dicts: the instance keeps what it verified, and must not see it change."""
    return {server: dict(token_set) for server, token_set in tokens.items()}
