"""Everything that can go wrong with a vault, one class per condition the Swift `VaultError`
distinguishes. Every error names the file; none carries key, passphrase or token material, so
an error can be printed, logged or shown to a user as it is (SECURITY.md, section 1)."""

from __future__ import annotations

import errno
import os
from typing import Optional


class VaultError(Exception):
    """Base class. `path` is the file the error is about; `str(error)` is one line naming it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class WrongKeyError(VaultError):
    """The keyfile or passphrase does not open this vault (the key commitment differs)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "the key or passphrase does not open this vault")


class KeyKindMismatchError(VaultError):
    """The vault is sealed with a passphrase and a keyfile was given, or the reverse."""

    def __init__(self, path: str, vault_uses: str) -> None:
        super().__init__(path, f"this vault is opened with {vault_uses}, not the key given")
        self.vault_uses = vault_uses


class DamagedVaultError(VaultError):
    """The file is a vault but its bytes are damaged (checksum, authentication, padding)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f"the vault is damaged ({reason})")
        self.reason = reason


class NotAVaultError(VaultError):
    """The file is not a vault at all (or not a regular file)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "not a vault file")


class UnsupportedVersionError(VaultError):
    """The vault was written by a newer format version."""

    def __init__(self, path: str, version: int) -> None:
        super().__init__(path, f"vault format version {version} is newer than this program understands")
        self.version = version


class UnsafeKDFParametersError(VaultError):
    """The header asks for Argon2id work outside the accepted bounds, or a writer was asked to
    seal with a cost below the interactive preset."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f"refusing the key-derivation cost in the header ({reason})")
        self.reason = reason


class UnsafePermissionsError(VaultError):
    """A file or directory that other users could write (or, for a keyfile, read), or that
    another user owns, or a symbolic link another user planted. Ends with the fixing command."""

    def __init__(self, path: str, reason: str, fix: str) -> None:
        super().__init__(path, f"{reason}; run: {fix}")
        self.reason = reason
        self.fix = fix


class LockTimeoutError(VaultError):
    """Another process held the vault's lock for longer than the timeout. Nothing changed."""

    def __init__(self, path: str, seconds: float) -> None:
        super().__init__(
            path, f"another process held the vault's lock ({path}.lock) for more than {seconds:g} s")
        self.seconds = seconds


class InvalidTokenDataError(VaultError):
    """The decrypted document is not a valid token document, or tokens given to write would
    not be one (then nothing is written)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f"invalid token data ({reason})")
        self.reason = reason


class MissingKeySourceError(VaultError):
    """No keyfile or passphrase was given and none can be asked for (no terminal)."""

    def __init__(self, path: str) -> None:
        super().__init__(
            path,
            "no key given: pass keyfile= or passphrase=, or set $FRL_VAULT_KEYFILE, "
            "$FRL_VAULT_PASSPHRASE_FD, $FRL_VAULT_PASSPHRASE_FILE or $FRL_VAULT_PASSCOMMAND "
            "(a passphrase prompt needs a terminal on standard input)")


class MissingKeyfileError(VaultError):
    """The keyfile does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(path, f"no such keyfile (create one with: frl-vault keygen {path})")


class InvalidKeyfileError(VaultError):
    """The keyfile exists but is not in the keyfile format."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f"not a vault keyfile ({reason})")
        self.reason = reason


class InvalidPassphraseError(VaultError):
    """A passphrase source gave nothing usable (empty, too long, unreadable). `path` names the
    source; the passphrase itself is never quoted."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(source, reason)
        self.reason = reason


class AlreadyExistsError(VaultError):
    """Refused to overwrite an existing keyfile or vault."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "already exists, refusing to overwrite")


class VaultPermissionError(VaultError):
    """The operating system refused access to the file or its directory."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "permission denied")


class ResourcesUnavailableError(VaultError):
    """The system could not give what the key needs (Argon2id's working memory)."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(path, f"the system could not provide {what}")


class VaultIOError(VaultError):
    """A system call failed."""

    def __init__(self, path: str, operation: str, errno_value: Optional[int]) -> None:
        code = errno_value if errno_value is not None else errno.EIO
        super().__init__(path, f"{operation} failed: {os.strerror(code).lower()}")
        self.operation = operation
        self.errno = code
