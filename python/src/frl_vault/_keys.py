"""Where a vault's key comes from, the way `frl-vault` finds it (SECURITY.md section 2):
`keyfile=` or `passphrase=` given to the storage, else `$FRL_VAULT_KEYFILE`,
`$FRL_VAULT_PASSPHRASE_FD`, `$FRL_VAULT_PASSPHRASE_FILE`, `$FRL_VAULT_PASSCOMMAND` (first set,
non-empty one wins), else a prompt when standard input is a terminal, else an error at once.

Passphrase and key bytes are copied into bytearrays that are zeroed when the storage is done
with them; the copies Python makes on the way (see SECURITY.md section 13) cannot be."""

from __future__ import annotations

import errno
import getpass
import os
import re
import stat
import subprocess
import sys
from typing import Callable, Optional, Union

from ._format import Argon2idCosts, Key, Keyfile, Passphrase
from ._paths import NotRegularFile, PathIsDirectory, PathNotFound, locate
from ._permissions import check_secret_file, refusal_of_unreadable
from .errors import (
    InvalidKeyfileError,
    InvalidPassphraseError,
    MissingKeyfileError,
    MissingKeySourceError,
    VaultIOError,
)

KEYFILE_PREFIX = b"frl-vault-key-v1:"
KEYFILE_LIMIT = 4096
PASSPHRASE_LINE_LIMIT = 4096
PASSPHRASE_FILE_LIMIT = 64 << 10
COMMAND_OUTPUT_LIMIT = 1 << 20
_KEYFILE_BODY = re.compile(rb"[0-9a-fA-F]{64}(?:\r\n|\n|\r)?")

PassphraseInput = Union[bytes, bytearray, Callable[[], Union[bytes, bytearray]]]


def read_keyfile(path: str) -> Keyfile:
    """The keyfile's 32 bytes, after its permissions are checked on the very file read."""
    try:
        location = locate(path)
        fd = location.open(os.O_RDONLY | os.O_NONBLOCK)
    except PathNotFound:
        raise MissingKeyfileError(path) from None
    except PathIsDirectory:
        raise InvalidKeyfileError(path, "it is a directory") from None
    except NotRegularFile:
        raise InvalidKeyfileError(path, "not a regular file") from None
    except FileNotFoundError:
        raise MissingKeyfileError(path) from None
    except PermissionError:
        raise refusal_of_unreadable(location) from None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):
            raise InvalidKeyfileError(path, "not a regular file") from None
        raise VaultIOError(path, "open", error.errno) from None
    try:
        check_secret_file(os.fstat(fd), location.path)
        text = _read_up_to(fd, KEYFILE_LIMIT + 1, path)
    finally:
        os.close(fd)
    try:
        if len(text) > KEYFILE_LIMIT:
            raise InvalidKeyfileError(path, f"larger than {KEYFILE_LIMIT} bytes")
        if not text.startswith(KEYFILE_PREFIX):
            raise InvalidKeyfileError(path, "it does not start with frl-vault-key-v1:")
        if not _KEYFILE_BODY.fullmatch(text, len(KEYFILE_PREFIX)):
            raise InvalidKeyfileError(path, "expected 64 hexadecimal digits and at most one line end")
        return Keyfile(bytearray.fromhex(text[len(KEYFILE_PREFIX):len(KEYFILE_PREFIX) + 64].decode("ascii")))
    finally:
        _zero(text)


def keyfile_text(key: Union[bytes, bytearray]) -> bytearray:
    return bytearray(KEYFILE_PREFIX) + bytearray(key.hex().encode("ascii")) + bytearray(b"\n")


def resolve_key(
    vault_path: str,
    keyfile: Optional[str],
    passphrase: Optional[PassphraseInput],
    costs: Argon2idCosts,
    vault_exists: Callable[[], bool],
) -> Key:
    """The key this storage instance uses, read (or asked for) once."""
    if keyfile is not None:
        return read_keyfile(os.path.expanduser(keyfile))
    if passphrase is not None:
        given = passphrase() if callable(passphrase) else passphrase
        if not isinstance(given, (bytes, bytearray)):
            raise TypeError("passphrase= must be bytes (or a callable returning bytes), e.g. 'text'.encode()")
        material = bytearray(given)
        if isinstance(given, bytearray) and callable(passphrase):
            _zero(given)
        return _passphrase(material, costs, "passphrase=")
    source = _variable("FRL_VAULT_KEYFILE")
    if source is not None:
        return read_keyfile(source)
    source = _variable("FRL_VAULT_PASSPHRASE_FD")
    if source is not None:
        if not (source.isascii() and source.isdigit()):
            raise InvalidPassphraseError("$FRL_VAULT_PASSPHRASE_FD", "must be a file descriptor number")
        origin = f"$FRL_VAULT_PASSPHRASE_FD ({source})"
        return _passphrase(read_line(int(source), origin), costs, origin)
    source = _variable("FRL_VAULT_PASSPHRASE_FILE")
    if source is not None:
        return _passphrase(_first_line_of_file(source), costs, source)
    source = _variable("FRL_VAULT_PASSCOMMAND")
    if source is not None:
        return _passphrase(_first_line_of_command(source), costs, "$FRL_VAULT_PASSCOMMAND")
    if _stdin_is_terminal():
        return _passphrase(_prompt(vault_path, confirm=not vault_exists()), costs, "the terminal")
    raise MissingKeySourceError(vault_path)


def _variable(name: str) -> Optional[str]:
    # Empty counts as unset: `FOO= cmd` is the shell's way of switching a variable off.
    value = os.environ.get(name)
    return value or None


def _passphrase(material: bytearray, costs: Argon2idCosts, origin: str) -> Passphrase:
    if not material:
        raise InvalidPassphraseError(origin, "the passphrase is empty")
    if len(material) > 0xFFFFFFFF:
        _zero(material)
        raise InvalidPassphraseError(origin, "the passphrase is longer than 2^32 - 1 bytes")
    return Passphrase(material, costs)


def first_line(data: bytearray, origin: str) -> bytearray:
    """The bytes up to the first line feed, one final carriage return of that line dropped;
    the line, its carriage return counted, at most 4096 bytes. `data` is zeroed."""
    try:
        end = data.find(b"\n")
        end = len(data) if end < 0 else end
        if end > PASSPHRASE_LINE_LIMIT:
            raise InvalidPassphraseError(origin, f"the passphrase line is longer than {PASSPHRASE_LINE_LIMIT} bytes")
        if end and data[end - 1] == 0x0D:
            end -= 1
        return bytearray(data[:end])
    finally:
        _zero(data)


def read_line(fd: int, origin: str) -> bytearray:
    """The first line from an inherited descriptor, read a byte at a time so that nothing
    past the line is taken from a shared pipe."""
    # One buffer of the largest size, filled in place: a growing bytearray would leave
    # unwiped copies of the passphrase behind each reallocation.
    data = bytearray(PASSPHRASE_LINE_LIMIT + 1)
    count = 0
    try:
        while count < len(data):
            byte = os.read(fd, 1)
            if not byte or byte == b"\n":
                break
            data[count] = byte[0]
            count += 1
    except OSError as error:
        _zero(data)
        raise InvalidPassphraseError(origin, f"could not be read ({os.strerror(error.errno or errno.EIO).lower()})") from None
    with memoryview(data) as view:
        line = bytearray(view[:count])
    _zero(data)
    return first_line(line, origin)


def _first_line_of_file(path: str) -> bytearray:
    try:
        location = locate(path)
        fd = location.open(os.O_RDONLY | os.O_NONBLOCK)
    except (PathNotFound, FileNotFoundError):
        raise InvalidPassphraseError(path, "no such passphrase file") from None
    except (PathIsDirectory, NotRegularFile, IsADirectoryError):
        raise InvalidPassphraseError(path, "the passphrase file is not a regular file") from None
    except PermissionError:
        raise refusal_of_unreadable(location) from None
    except OSError as error:
        raise VaultIOError(path, "open", error.errno) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidPassphraseError(path, "the passphrase file is not a regular file")
        check_secret_file(info, location.path, "passphrase file")
        data = _read_up_to(fd, PASSPHRASE_FILE_LIMIT + 1, path)
    finally:
        os.close(fd)
    if len(data) > PASSPHRASE_FILE_LIMIT:
        _zero(data)
        raise InvalidPassphraseError(path, f"the passphrase file is larger than {PASSPHRASE_FILE_LIMIT} bytes")
    return first_line(data, path)


def _first_line_of_command(command_line: str) -> bytearray:
    """A password manager's output: no shell, the line split on blanks, PATH searched; our
    stdin and stderr are inherited so it can ask its own questions."""
    words = command_line.split()
    origin = "$FRL_VAULT_PASSCOMMAND"
    if not words:
        raise InvalidPassphraseError(origin, "the passphrase command is empty")
    name = f"passphrase command '{words[0]}'"
    try:
        child = subprocess.Popen(words, stdout=subprocess.PIPE, close_fds=True)
    except FileNotFoundError:
        raise InvalidPassphraseError(origin, f"{name} was not found") from None
    except OSError as error:
        raise InvalidPassphraseError(origin, f"{name} could not be run ({os.strerror(error.errno or errno.EIO).lower()})") from None
    assert child.stdout is not None
    output = bytearray()
    try:
        while len(output) <= COMMAND_OUTPUT_LIMIT:
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
    finally:
        child.stdout.close()
        status = child.wait()
    if status != 0:
        _zero(output)
        raise InvalidPassphraseError(origin, f"{name} exited with status {status}")
    return first_line(output, name)


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and os.isatty(sys.stdin.fileno())
    except (ValueError, OSError):
        return False


def _prompt(vault_path: str, confirm: bool) -> bytearray:
    label = "New passphrase" if confirm else "Passphrase"
    first = bytearray(getpass.getpass(f"{label} for {vault_path}: ").encode("utf-8", "surrogateescape"))
    if confirm and first:
        second = bytearray(getpass.getpass("Repeat the new passphrase: ").encode("utf-8", "surrogateescape"))
        same = first == second
        _zero(second)
        if not same:
            _zero(first)
            raise InvalidPassphraseError("the terminal", "the passphrases do not match")
    return first


def _read_up_to(fd: int, limit: int, path: str) -> bytearray:
    # Read into one buffer of the final size: growing a bytearray would leave unwiped copies.
    data = bytearray(limit)
    filled = 0
    try:
        with memoryview(data) as view:
            while filled < limit:
                count = os.readv(fd, [view[filled:]])
                if count == 0:
                    break
                filled += count
    except OSError as error:
        _zero(data)
        raise VaultIOError(path, "read", error.errno) from None
    with memoryview(data) as view:
        exact = bytearray(view[:filled])
    _zero(data)
    return exact


def _zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))
