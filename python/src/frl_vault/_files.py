"""Whole-file replacement, exclusive creation, in-place overwrites and dead writers' leftovers
(SECURITY.md sections 9 and 10), all relative to a `Location`'s open directory. Raises the
vault's errors, with the path a message should name."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from typing import List, Optional

from ._paths import Location, my_uids, quoted
from .errors import AlreadyExistsError, NotAVaultError, UnsafePermissionsError, VaultError, VaultIOError, VaultPermissionError

TEMP_SUFFIX_LENGTH = 16
_HEX = frozenset("0123456789abcdef")
_CHUNK = 64 << 10


def temp_prefix(name: str) -> str:
    return f".{name}.tmp-"


def wipe_prefix(name: str) -> str:
    return f".{name}.wipe-"


def random_suffix() -> str:
    return secrets.token_hex(TEMP_SUFFIX_LENGTH // 2)


def _io(path: str, operation: str, error: OSError) -> VaultError:
    if isinstance(error, PermissionError):
        return VaultPermissionError(path)
    return VaultIOError(path, operation, error.errno or errno.EIO)


def write_all(fd: int, data: bytes, path: str) -> None:
    with memoryview(data) as view:
        written = 0
        while written < len(view):
            try:
                written += os.write(fd, view[written:])
            except InterruptedError:
                continue
            except OSError as error:
                raise _io(path, "write", error) from None


def write_atomically(location: Location, data: bytes, mode: Optional[int] = None) -> None:
    """Replaces the file at `location` so that a reader or a crash sees the old file or the
    new one, never a mix. `mode` wins, else an existing file keeps its permission bits, else
    0600; set with fchmod on our descriptor, so the umask cannot loosen it."""
    existing = location.status()
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise _io(location.path, "rename", IsADirectoryError(errno.EISDIR, "is a directory"))
    if mode is None:
        mode = stat.S_IMODE(existing.st_mode) & 0o777 if existing is not None and stat.S_ISREG(existing.st_mode) else 0o600
    temp = _write_temp_file(location, data, mode)
    try:
        os.rename(temp.name, location.name, src_dir_fd=location.directory.fd, dst_dir_fd=location.directory.fd)
    except OSError as error:
        _unlink_quietly(temp)
        raise _io(location.path, "rename", error) from None
    location.directory.sync()


def _write_temp_file(location: Location, data: bytes, mode: int) -> Location:
    for _ in range(8):
        temp = location.sibling_named(temp_prefix(location.name) + random_suffix())
        try:
            fd = temp.open(os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as error:
            raise _io(location.path, "create temp file", error) from None
    else:
        raise AlreadyExistsError(temp.path)
    try:
        os.fchmod(fd, mode)
        write_all(fd, data, location.path)
        os.fsync(fd)
    except BaseException as error:
        os.close(fd)
        _unlink_quietly(temp)
        if isinstance(error, OSError):
            raise _io(location.path, "write", error) from None
        raise
    os.close(fd)
    return temp


def _unlink_quietly(location: Location) -> None:
    try:
        os.unlink(location.name, dir_fd=location.directory.fd)
    except OSError:
        pass


def create_exclusively(location: Location, data: bytes, mode: int = 0o600) -> None:
    """A new file that gets its only name when complete (O_TMPFILE, then linkat), so a kill
    mid-write leaves nothing behind; `AlreadyExistsError` if anything is at the name. Where
    the file system has no O_TMPFILE (NFS), a named temp file published with link(2)."""
    directory = location.directory
    try:
        fd = os.open(".", os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600, dir_fd=directory.fd)
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            raise _io(location.path, "create", error) from None
        fd = -1
    if fd >= 0:
        try:
            os.fchmod(fd, mode)
            write_all(fd, data, location.path)
            os.fsync(fd)
            try:
                os.link(f"/proc/self/fd/{fd}", location.name, dst_dir_fd=directory.fd, follow_symlinks=True)
            except FileExistsError:
                raise AlreadyExistsError(location.path) from None
            except FileNotFoundError:
                fd_linked = False  # no /proc: fall back below
            else:
                fd_linked = True
        except OSError as error:
            raise _io(location.path, "write", error) from None
        finally:
            os.close(fd)
        if fd_linked:
            directory.sync()
            return
    temp = _write_temp_file(location, data, mode)
    try:
        os.link(temp.name, location.name, src_dir_fd=directory.fd, dst_dir_fd=directory.fd, follow_symlinks=False)
    except FileExistsError:
        raise AlreadyExistsError(location.path) from None
    except OSError as error:
        raise _io(location.path, "link", error) from None
    finally:
        _unlink_quietly(temp)
    directory.sync()


class OverwritableFile:
    """A file opened to be overwritten in place, with the status of the very inode opened.

    Opened read-only first (O_NOFOLLOW|O_NONBLOCK: a link is refused, a FIFO cannot hang the
    open) so that what is really there can be checked before anything is written. Write
    access is taken by `prepare` on the same inode; a read-only file of ours gets the owner's
    write bit on this descriptor for the overwrite, and its mode back afterwards."""

    def __init__(self, location: Location, fd: int) -> None:
        self.location = location
        self.path = location.path
        self._read_fd = fd
        self._write_fd = -1
        self._mode_to_restore: Optional[int] = None
        self.status = os.fstat(fd)

    @classmethod
    def open(cls, location: Location) -> Optional["OverwritableFile"]:
        """None when nothing is at the name. Raises OSError for what cannot be opened."""
        try:
            fd = location.open(os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        try:
            return cls(location, fd)
        except OSError:
            os.close(fd)
            raise

    def __enter__(self) -> "OverwritableFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def starts_with(self, prefix: bytes, accepting_shorter_file: bool = False) -> bool:
        if not stat.S_ISREG(self.status.st_mode):
            return False
        if self.status.st_size < len(prefix) and not accepting_shorter_file:
            return False
        count = min(self.status.st_size, len(prefix))
        try:
            return os.pread(self._read_fd, count, 0) == prefix[:count]
        except OSError as error:
            raise _io(self.path, "read", error) from None

    def check_safe_to_wipe(self, magic: Optional[bytes] = None) -> None:
        """Refuses unless this is provably a file of ours that nothing else shares."""
        info = self.status
        if stat.S_ISDIR(info.st_mode) or not stat.S_ISREG(info.st_mode):
            raise NotAVaultError(self.path)
        if info.st_uid not in my_uids():
            raise UnsafePermissionsError(
                self.path, f"the file is owned by another user (uid {info.st_uid}); only its owner may overwrite it",
                f"sudo rm {quoted(self.path)}")
        if info.st_nlink != 1:
            raise UnsafePermissionsError(
                self.path,
                f"the file has {info.st_nlink} names (hard links), and overwriting it would destroy what the "
                "other names hold too; remove the names you did not make",
                f"find / -xdev -samefile {quoted(self.path)}")
        if magic is not None and not self.starts_with(magic):
            raise NotAVaultError(self.path)

    def prepare(self) -> None:
        """Takes write access on the opened inode, before anything irreversible."""
        if self._write_fd >= 0:
            return
        if not stat.S_ISREG(self.status.st_mode):
            raise NotAVaultError(self.path)
        try:
            self._write_fd = self._reopen_for_writing()
            return
        except PermissionError:
            if self.status.st_uid != os.geteuid() or self.status.st_mode & 0o200:
                raise VaultPermissionError(self.path) from None
        try:
            os.fchmod(self._read_fd, stat.S_IMODE(self.status.st_mode) | 0o200)
        except OSError as error:
            raise _io(self.path, "fchmod", error) from None
        self._mode_to_restore = stat.S_IMODE(self.status.st_mode)
        try:
            self._write_fd = self._reopen_for_writing()
        except BaseException:
            self._restore_mode()
            raise

    def _reopen_for_writing(self) -> int:
        fd = self.location.open(os.O_WRONLY | os.O_NONBLOCK)
        info = os.fstat(fd)
        if (info.st_dev, info.st_ino) != (self.status.st_dev, self.status.st_ino):
            os.close(fd)
            raise VaultIOError(self.path, "reopen (the file was replaced meanwhile)", errno.EAGAIN)
        return fd

    def overwrite(self) -> None:
        """Random bytes, then zeros, over every byte, each pass fsynced; then the mode back."""
        try:
            self.prepare()
            size = self.status.st_size
            for random_pass in (True, False):
                offset = 0
                zeros = bytes(min(max(size, 1), _CHUNK))
                while offset < size:
                    length = min(_CHUNK, size - offset)
                    chunk = os.urandom(length) if random_pass else zeros[:length]
                    written = 0
                    while written < length:
                        written += os.pwrite(self._write_fd, chunk[written:], offset + written)
                    offset += length
                os.fsync(self._write_fd)
        except OSError as error:
            raise _io(self.path, "overwrite", error) from None
        finally:
            self._restore_mode()

    def overwrite_and_remove(self, taking_name_away_first: bool = False) -> None:
        """`overwrite`, then unlink. For a vault, which lock-free readers open by name, the
        name is taken away first (a rename to `.<name>.wipe-<hex>`), so a reader finds no
        vault rather than a half-overwritten one."""
        self.prepare()
        if not taking_name_away_first:
            self.overwrite()
            self.location.unlink()
            return
        location = self.location
        wipe_name = location.sibling_named(wipe_prefix(location.name) + random_suffix())
        directory = location.directory.fd
        try:
            os.rename(location.name, wipe_name.name, src_dir_fd=directory, dst_dir_fd=directory)
        except OSError as error:
            raise _io(self.path, "rename", error) from None
        moved = wipe_name.status()
        if moved is None or (moved.st_dev, moved.st_ino) != (self.status.st_dev, self.status.st_ino):
            # Someone put another file at the name between our open and the rename: give it back.
            try:
                os.rename(wipe_name.name, location.name, src_dir_fd=directory, dst_dir_fd=directory)
            except OSError:
                pass
            raise VaultIOError(self.path, "rename (the file was replaced meanwhile)", errno.EAGAIN)
        location.directory.sync()
        self.overwrite()
        wipe_name.unlink()

    def _restore_mode(self) -> None:
        if self._mode_to_restore is not None:
            try:
                os.fchmod(self._read_fd, self._mode_to_restore)
            except OSError:
                pass  # the bit we added is the owner's own: nobody else gains anything
            self._mode_to_restore = None

    def close(self) -> None:
        self._restore_mode()
        for name in ("_write_fd", "_read_fd"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)

    def __del__(self) -> None:
        self.close()


def write_atomically_wiping_replaced(
    location: Location, data: bytes, mode: Optional[int] = None, only_if_magic: Optional[bytes] = None,
    wiping_only_if_safe: bool = False,
) -> None:
    """`write_atomically`, then the replaced inode overwritten through a descriptor kept
    across the rename (after a rename the old inode has no name left to reach it by)."""
    try:
        old = OverwritableFile.open(location)
    except OSError as error:
        raise _io(location.path, "open", error) from None
    try:
        if old is not None:
            if stat.S_ISDIR(old.status.st_mode):
                raise _io(location.path, "rename", IsADirectoryError(errno.EISDIR, "is a directory"))
            if only_if_magic is not None and not old.starts_with(only_if_magic):
                old.close()
                old = None
            else:
                try:
                    old.check_safe_to_wipe()
                    old.prepare()
                except UnsafePermissionsError:
                    if not wiping_only_if_safe:
                        raise
                    old.close()
                    old = None
        original_mode = stat.S_IMODE(old.status.st_mode) if old is not None else None
        write_atomically(location, data, mode if mode is not None else original_mode)
        if old is not None:
            old.overwrite()
    finally:
        if old is not None:
            old.close()


def leftover_temp_files(location: Location) -> List[Location]:
    """Names a dead writer or an interrupted wipe leaves: "." + name + ".tmp-" or ".wipe-" +
    16 lowercase hex digits. Only candidates: `wipe_leftover` decides. Call under the lock."""
    directory = location.directory
    if not directory.readable:
        raise VaultPermissionError(directory.path)
    prefixes = (temp_prefix(location.name), wipe_prefix(location.name))
    try:
        names = os.listdir(directory.fd)
    except OSError as error:
        raise _io(directory.path, "opendir", error) from None
    found = []
    for name in names:
        for prefix in prefixes:
            if name.startswith(prefix):
                suffix = name[len(prefix):]
                if len(suffix) == TEMP_SUFFIX_LENGTH and set(suffix) <= _HEX:
                    found.append(name)
    return [location.sibling_named(name) for name in sorted(found)]


def wipe_leftover(location: Location, magic: bytes) -> bool:
    """Overwrites and removes a candidate only when it is provably a dead writer's temp file
    of ours: a regular file, owned by us, with one name, starting with the magic (or holding
    only the start of it), or bearing the `.wipe-` name. Anything else is left alone."""
    try:
        file = OverwritableFile.open(location)
    except (PermissionError, IsADirectoryError):
        return False
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):
            return False
        raise _io(location.path, "open", error) from None
    if file is None:
        return False
    with file:
        info = file.status
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_nlink != 1:
            return False
        interrupted_wipe = location.name[:-TEMP_SUFFIX_LENGTH].endswith(".wipe-")
        if not interrupted_wipe:
            if not file.starts_with(magic, accepting_shorter_file=True):
                return False
        file.overwrite_and_remove()
        return True
