"""The one lock every vault writer holds, in Swift and in Python alike (SECURITY.md section 9):
an open-file-description (OFD) fcntl record lock on the sidecar `<vault>.lock`.

OFD locks belong to the open file, so two locks in one process exclude each other (classic
POSIX locks would not, and would be dropped when any descriptor of the file is closed); they
vanish with their process, so a killed writer leaves no stale lock; the NFS client forwards
them to the server. A Python writer and a Swift writer on one vault exclude each other because
both lock the same byte range of the same file the same way."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import struct
import time
from contextlib import contextmanager
from typing import Iterator, Optional

from ._paths import Location, my_uids, quoted
from .errors import LockTimeoutError, UnsafePermissionsError, VaultIOError, VaultPermissionError

# F_OFD_SETLK from <fcntl.h>, which Python exposes from 3.9 on Linux only.
_SET_LOCK = getattr(fcntl, "F_OFD_SETLK", 37)
# struct flock on Linux x86_64 and aarch64: short l_type, short l_whence, off_t l_start,
# off_t l_len, pid_t l_pid (0, as OFD locks require), padded to 32 bytes.
_WRITE_LOCK_REQUEST = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
_ROUNDS = 16


def lock_file_of(vault: Location) -> Location:
    return vault.sibling(".lock")


def _acquire(lock: Location, timeout: float, vault_path: str) -> int:
    """The locked descriptor of the lock file (created 0600 if missing), waiting at most
    `timeout` seconds. A lock file that is not a private regular file of ours is refused at
    once: in a sticky shared directory another user could create it first and hold it."""
    try:
        fd = lock.open(os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600)
    except OSError as error:
        planted = lock.status()
        if planted is not None:
            _check_trusted(planted, lock.path)
        if isinstance(error, PermissionError):
            raise VaultPermissionError(lock.path) from None
        raise VaultIOError(lock.path, "open", error.errno) from None
    try:
        _check_trusted(os.fstat(fd), lock.path)
        deadline = time.monotonic() + max(timeout, 0.0)
        pause = 0.001
        while True:
            try:
                fcntl.fcntl(fd, _SET_LOCK, _WRITE_LOCK_REQUEST)
                return fd
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EINTR):
                    raise VaultIOError(lock.path, "fcntl(F_OFD_SETLK)", error.errno) from None
            if time.monotonic() >= deadline:
                raise LockTimeoutError(vault_path, timeout)
            # Back off up to 50 ms: short waits stay snappy, long ones do not spin a core.
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    except BaseException:
        os.close(fd)
        raise


def _check_trusted(info: os.stat_result, path: str) -> None:
    mine = info.st_uid in my_uids()
    remove = ("" if mine else "sudo ") + ("rmdir " if stat.S_ISDIR(info.st_mode) else "rm ") + quoted(path)
    if not stat.S_ISREG(info.st_mode):
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a symbolic link" if stat.S_ISLNK(info.st_mode)
                else "not a regular file (a FIFO, socket or device)")
        raise UnsafePermissionsError(path, f"the lock file is {kind}", remove)
    if not mine:
        raise UnsafePermissionsError(
            path, f"the lock file is owned by another user (uid {info.st_uid}), who could hold the lock forever", remove)
    if info.st_mode & 0o066:
        raise UnsafePermissionsError(
            path, f"the lock file can be opened by other users (mode {stat.S_IMODE(info.st_mode):04o})",
            f"chmod 600 {quoted(path)}")


@contextmanager
def vault_lock(vault: Location, timeout: float) -> Iterator[None]:
    """Holds the vault's lock for the body. When no vault is there afterwards, or the body
    failed and there was no lock file before, the lock file is removed while still held.

    Clearing unlinks the lock file while holding it; a process already waiting on it would then
    win a lock on a name nobody opens any more, while a newcomer locks a new file. So a lock
    only counts when the name still leads to the inode locked: a descriptor on the name's file
    is held from before acquiring, and the name must lead to that inode after (the held
    descriptor keeps the inode number from being reused)."""
    lock = lock_file_of(vault)
    existed = lock.status() is not None
    for _ in range(_ROUNDS):
        try:
            before: Optional[int] = lock.open(os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            before = None  # not there yet, or not ours to open: _acquire says why
        try:
            fd = _acquire(lock, timeout, vault.path)
            try:
                after = lock.status()
                if before is None or after is None or not _same_inode(os.fstat(before), after):
                    continue
                try:
                    yield
                except BaseException:
                    if existed:
                        _remove_if_no_vault(vault, lock, after)
                    else:
                        _remove_if_still(lock, after)
                    raise
                _remove_if_no_vault(vault, lock, after)
                return
            finally:
                os.close(fd)
        finally:
            if before is not None:
                os.close(before)
    raise LockTimeoutError(vault.path, timeout)


def _same_inode(left: os.stat_result, right: os.stat_result) -> bool:
    return (left.st_dev, left.st_ino) == (right.st_dev, right.st_ino)


def _remove_if_no_vault(vault: Location, lock: Location, locked: os.stat_result) -> None:
    try:
        if vault.status() is None:
            _remove_if_still(lock, locked)
    except VaultIOError:
        pass


def _remove_if_still(lock: Location, locked: os.stat_result) -> None:
    try:
        now = lock.status()
        if now is not None and _same_inode(now, locked):
            lock.unlink()
    except (VaultIOError, VaultPermissionError):
        pass  # best effort, and only ever our own locked file
