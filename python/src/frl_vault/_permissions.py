"""Which files the vault trusts (SECURITY.md section 11, "Modes and owners"), in the spirit of
ssh's checks on private keys. Modes and owners, not access(2): the question is who *else* can
touch the file, and root passes every access check anyway."""

from __future__ import annotations

import os
import stat

from ._paths import Location, my_uids, quoted
from .errors import (
    InvalidKeyfileError,
    NotAVaultError,
    UnsafePermissionsError,
    VaultError,
    VaultIOError,
    VaultPermissionError,
)


def octal(mode: int) -> str:
    return format(stat.S_IMODE(mode), "04o")


def _who_else(mode: int, bits: int) -> str:
    group = mode & bits & 0o070
    other = mode & bits & 0o007
    if group and other:
        return "the group and other users"
    return "the group" if group else "other users"


def _check_owner(info: os.stat_result, path: str, what: str) -> None:
    me = os.getuid()
    if info.st_uid in (me, 0):
        return
    raise UnsafePermissionsError(
        path, f"the {what} is owned by another user (uid {info.st_uid})", f"sudo chown {me} {quoted(path)}")


def check_vault(info: os.stat_result, path: str) -> None:
    """Others may read a vault (it is ciphertext) but not write it."""
    if not stat.S_ISREG(info.st_mode):
        raise NotAVaultError(path)
    _check_owner(info, path, "vault")
    if info.st_mode & 0o022:
        raise UnsafePermissionsError(
            path,
            f"the vault is writable by {_who_else(info.st_mode, 0o022)} (mode {octal(info.st_mode)})",
            f"chmod go-w {quoted(path)}")


def check_secret_file(info: os.stat_result, path: str, what: str = "keyfile") -> None:
    """A keyfile or passphrase file is the key itself: nobody else may read or write it."""
    if stat.S_ISDIR(info.st_mode):
        raise InvalidKeyfileError(path, "it is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidKeyfileError(path, "not a regular file")
    _check_owner(info, path, what)
    if info.st_mode & 0o066:
        verb = "writable" if info.st_mode & 0o022 else "readable"
        raise UnsafePermissionsError(
            path,
            f"the {what} is {verb} by {_who_else(info.st_mode, 0o066)} (mode {octal(info.st_mode)})",
            f"chmod 600 {quoted(path)}")


def check_directory(location: Location) -> None:
    """Before a write: whoever can write the directory can rename and replace our files in it,
    unless it is sticky (/tmp), where only an entry's owner may."""
    directory = location.directory
    try:
        info = os.fstat(directory.fd)
    except OSError as error:
        raise VaultIOError(directory.path, "stat", error.errno) from None
    if not directory.readable:
        # Refused before anything changes: a write here would rename and then fail its fsync.
        raise VaultPermissionError(directory.path)
    _check_owner(info, directory.path, "directory")
    if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
        raise UnsafePermissionsError(
            directory.path,
            f"the vault's directory is writable by {_who_else(info.st_mode, 0o022)} (mode {octal(info.st_mode)})",
            f"chmod go-w {quoted(directory.path)}")


def refusal_of_unreadable(location: Location) -> VaultError:
    """Another user's file we may not read, where ours should be, is named as such."""
    info = location.status()
    if info is None or info.st_uid == 0 or info.st_uid in my_uids():
        return VaultPermissionError(location.path)
    return UnsafePermissionsError(
        location.path, f"the file is owned by another user (uid {info.st_uid}), not you",
        f"sudo rm {quoted(location.path)}")
