"""Paths resolved once, then acted on through descriptors (SECURITY.md section 11, "Paths").

A path string is a question put to the file system each time it is used, and anyone who can
write a directory on the way can change the answer. `locate` walks the path one component at
a time with O_PATH|O_NOFOLLOW, so the kernel never follows a symbolic link for us, and follows
a link itself only when it belongs to us or root and has no other name. What it returns is the
directory that holds the last component, kept open, and the name: every later step (open,
rename, link, unlink, stat, the leftover scan, the directory fsync) acts relative to it."""

from __future__ import annotations

import errno
import os
import shlex
import stat
from typing import List, Optional, Tuple

from .errors import UnsafePermissionsError, VaultIOError, VaultPermissionError

MAXIMUM_LINKS_FOLLOWED = 40
_PATH_ONLY = os.O_PATH | os.O_CLOEXEC


class PathNotFound(Exception):
    """A directory on the way is missing."""


class PathIsDirectory(Exception):
    """The path names a directory, not a file in one ("/", "..", "dir/..")."""


class NotRegularFile(Exception):
    """The path is a /proc link to a pipe, socket or other object without a path."""


def quoted(path: str) -> str:
    return shlex.quote(path)


def my_uids() -> Tuple[int, int]:
    return (os.getuid(), os.geteuid())


class Directory:
    """An open directory: the anchor of every location in it. Opened for reading where the
    directory allows it (the leftover scan and the fsync need that), else path-only."""

    def __init__(self, fd: int, path: str, readable: bool) -> None:
        self.fd = fd
        self.path = path
        self.readable = readable

    def __del__(self) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def path_of(self, name: str) -> str:
        if self.path == "/":
            return "/" + name
        if self.path == ".":
            return name
        return self.path + "/" + name

    def sync(self) -> None:
        """Makes a rename, link or unlink in this directory durable."""
        if not self.readable:
            raise VaultPermissionError(self.path)
        try:
            os.fsync(self.fd)
        except OSError as error:
            raise VaultIOError(self.path, "fsync", error.errno) from None


class Location:
    """An open directory and one name in it. `path` is what messages name: the caller's path,
    or the target spelled out when the caller named a link of ours that was followed."""

    def __init__(self, directory: Directory, name: str, path: str, link: Optional["Location"] = None) -> None:
        self.directory = directory
        self.name = name
        self.path = path
        self.link = link

    def sibling(self, suffix: str) -> "Location":
        return Location(self.directory, self.name + suffix, self.path + suffix)

    def sibling_named(self, name: str) -> "Location":
        return Location(self.directory, name, self.directory.path_of(name))

    def status(self) -> Optional[os.stat_result]:
        """What the name leads to now, never following a link there; None when nothing is."""
        try:
            return os.stat(self.name, dir_fd=self.directory.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise VaultIOError(self.path, "stat", error.errno) from None

    def open(self, flags: int, mode: int = 0) -> int:
        """The name opened relative to the directory, never followed. Raises OSError."""
        return os.open(self.name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=self.directory.fd)

    def unlink(self) -> None:
        """Removes the name and makes that durable; nothing there is not an error."""
        try:
            os.unlink(self.name, dir_fd=self.directory.fd)
        except FileNotFoundError:
            return
        except OSError as error:
            raise VaultIOError(self.path, "unlink", error.errno) from None
        self.directory.sync()


def locate(path: str, follow_final_link: bool = True, for_writing: bool = True) -> Location:
    """Resolves `path` to the directory holding its last component (which need not exist).
    For writing, the directory is opened for reading too (the leftover scan and the fsync
    need that); a read needs only the path-only handle.

    Raises PathNotFound when a directory on the way is missing, PathIsDirectory when the path
    names no last component, UnsafePermissionsError for a link another user owns or that has
    a second name, NotRegularFile for a /proc link to a pipe or socket."""
    if not path:
        raise PathNotFound(path)
    finish = _readable if for_writing else _as_is
    current = _starting_directory(path.startswith("/"), path)
    pending: List[str] = list(reversed(_components(path)))
    links_followed = 0
    named_link: Optional[Location] = None
    shown = path
    while pending:
        component = pending.pop()
        last = not pending
        if last and component == "..":
            raise PathIsDirectory(shown)
        try:
            fd = os.open(component, _PATH_ONLY | os.O_NOFOLLOW, dir_fd=current.fd)
        except FileNotFoundError:
            if last:
                return Location(finish(current), component, shown, named_link)
            raise PathNotFound(path) from None
        except NotADirectoryError:
            raise PathNotFound(path) from None
        except PermissionError:
            raise VaultPermissionError(path) from None
        except OSError as error:
            raise VaultIOError(path, "open", error.errno) from None
        info = os.fstat(fd)
        if stat.S_ISLNK(info.st_mode):
            try:
                if last and not follow_final_link:
                    return Location(finish(current), component, shown, named_link)
                _check_may_follow(info, shown if last else path)
                links_followed += 1
                if links_followed > MAXIMUM_LINKS_FOLLOWED:
                    raise VaultIOError(path, "open (too many symbolic links)", errno.ELOOP)
                target = os.readlink("", dir_fd=fd)
            finally:
                os.close(fd)
            if not target.startswith("/") and (":[" in target or target.startswith("anon_inode:")):
                # /proc/self/fd/N of a pipe or socket: no path to follow, and not a file.
                if last:
                    raise NotRegularFile(path)
                raise PathNotFound(path)
            if last:
                if named_link is None:
                    named_link = Location(finish(current), component, shown)
                shown = target if target.startswith("/") else current.path_of(target)
            if target.startswith("/"):
                current = _starting_directory(True, path)
            target_components = _components(target)
            if not target_components:
                raise PathIsDirectory(path)
            pending.extend(reversed(target_components))
        elif stat.S_ISDIR(info.st_mode) and not last:
            parent = _parent_path(current.path) if component == ".." else current.path_of(component)
            current = Directory(fd, parent, readable=False)
        else:
            os.close(fd)
            if not last:
                raise PathNotFound(path)
            return Location(finish(current), component, shown, named_link)
    raise PathIsDirectory(path)


def _check_may_follow(link: os.stat_result, path: str) -> None:
    """Only a link of ours or root's, with one name, can only point where we chose."""
    trusted = link.st_uid == 0 or link.st_uid in my_uids()
    if trusted and link.st_nlink == 1:
        return
    if not trusted:
        raise UnsafePermissionsError(
            path,
            f"a symbolic link owned by another user (uid {link.st_uid}) is never followed: "
            "it could point anywhere, at your own files too",
            f"sudo rm {quoted(path)}")
    raise UnsafePermissionsError(
        path,
        f"a symbolic link with {link.st_nlink} names (hard links) is never followed: "
        "another user may have linked it here",
        f"sudo rm {quoted(path)}")


def _starting_directory(absolute: bool, path: str) -> Directory:
    start = "/" if absolute else "."
    try:
        fd = os.open(start, _PATH_ONLY | os.O_DIRECTORY)
    except OSError as error:
        raise VaultIOError(path, "open", error.errno) from None
    return Directory(fd, start, readable=False)


def _as_is(directory: Directory) -> Directory:
    return directory


def _readable(directory: Directory) -> Directory:
    try:
        fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=directory.fd)
    except PermissionError:
        return directory
    except OSError as error:
        raise VaultIOError(directory.path, "open", error.errno) from None
    return Directory(fd, directory.path, readable=True)


def _components(path: str) -> List[str]:
    return [part for part in path.split("/") if part and part != "."]


def _parent_path(path: str) -> str:
    if path == "/":
        return "/"
    if path == "." or path == ".." or path.endswith("/.."):
        return path + "/.."
    head = os.path.dirname(path)
    return head or "."

