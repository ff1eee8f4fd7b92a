"""Support for test_concurrency.py and test_hostile.py (their fixtures are in conftest.py, in
the "concurrency fixtures" block): the Swift `frl-vault` binary, child processes that can be
followed line by line and killed, a watch on every error text for secrets, and real Unix
users with an interpreter they can run."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pwd
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

import vault_child

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[1]
CHILD_SCRIPT = TESTS_DIR / "vault_child.py"

# The CLI's exit statuses (frl-vault --help).
EXIT_DATA = 65  # damaged vault, not a vault, invalid token data
EXIT_MISSING = 66
EXIT_LOCK_TIMEOUT = 75
EXIT_UNSAFE = 78

# Key-source variables the CLI (and frl_vault) would otherwise pick up from the test's
# environment; every child gets an environment without them.
_KEY_VARIABLES = ("FRL_VAULT", "FRL_VAULT_KEYFILE", "FRL_VAULT_PASSPHRASE_FD", "FRL_VAULT_PASSPHRASE_FILE",
                  "FRL_VAULT_PASSCOMMAND")
_F_OFD_GETLK = getattr(fcntl, "F_OFD_GETLK", 36)
_WRITE_LOCK_PROBE = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)


def clean_environment(**extra: str) -> Dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name not in _KEY_VARIABLES}
    environment.update(extra)
    return environment


def find_binary() -> Tuple[Optional[Path], str]:
    """The Swift CLI ($FRL_VAULT_BINARY, else the debug build), or None with why not."""
    configured = os.environ.get("FRL_VAULT_BINARY")
    if configured:
        binary = Path(configured)
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary, ""
        return None, f"FRL_VAULT_BINARY={configured} is not an executable file"
    debug_build = REPO_ROOT / ".build" / "debug" / "frl-vault"
    if debug_build.is_file() and os.access(debug_build, os.X_OK):
        return debug_build, ""
    return None, f"no frl-vault binary: set FRL_VAULT_BINARY or build it (looked for {debug_build})"


class VaultCLI:
    """`frl-vault`, run without a terminal and without key variables from the environment."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def command(self, *arguments: str) -> List[str]:
        return [str(self.binary), *arguments]

    def run(self, *arguments: str, timeout: float = 60.0) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(self.command(*arguments), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, env=clean_environment())

    def popen(self, *arguments: str) -> "subprocess.Popen[bytes]":
        return subprocess.Popen(self.command(*arguments), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=clean_environment())


class Child:
    """A child process whose stdout is read line by line with a deadline (select on the raw
    descriptor, our own buffer: a TextIOWrapper's buffer would hide lines from select)."""

    def __init__(self, process: "subprocess.Popen[bytes]") -> None:
        self.process = process
        self._buffer = b""
        self._eof = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def read_line(self, timeout: float) -> Optional[str]:
        """The next line, or None at end of output or when `timeout` seconds pass first."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if self._eof:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.process.stdout.fileno()], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                self._eof = True
            self._buffer += chunk
        if b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            return line.decode()
        if self._buffer:
            line, self._buffer = self._buffer, b""
            return line.decode()
        return None

    def remaining_lines(self, timeout: float = 30.0) -> List[str]:
        """Every line until the child's output ends (after it exits or is killed)."""
        lines = []
        while True:
            line = self.read_line(timeout)
            if line is None:
                return lines
            lines.append(line)

    def stderr_text(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read().decode(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        # By our own child's pid, never by name.
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)

    def wait(self, timeout: float = 30.0) -> int:
        return self.process.wait(timeout)


class Children:
    """Children a test starts; whatever is still alive at teardown is killed."""

    def __init__(self) -> None:
        self._started: List[Child] = []

    def start(self, argv: Sequence[str], *, env: Optional[Dict[str, str]] = None,
              cwd: Optional[str] = None) -> Child:
        process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env if env is not None else clean_environment(),
                                   cwd=cwd)
        child = Child(process)
        self._started.append(child)
        return child

    def python(self, *arguments: str) -> Child:
        """vault_child.py under this interpreter (the venv's), unbuffered."""
        return self.start([sys.executable, "-u", str(CHILD_SCRIPT), *arguments])

    def adopt(self, process: "subprocess.Popen[bytes]") -> Child:
        child = Child(process)
        self._started.append(child)
        return child

    def close(self) -> None:
        for child in self._started:
            try:
                if child.process.poll() is None:
                    os.kill(child.process.pid, signal.SIGKILL)
                child.process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            for stream in (child.process.stdout, child.process.stderr):
                if stream is not None:
                    stream.close()


def lock_is_held(lock_path: Union[str, Path]) -> bool:
    """Whether some open file description holds a lock on the vault's lock file, asked with
    F_OFD_GETLK on our own descriptor (which takes no lock)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        # A read-only descriptor may still ask about a write lock.
        answer = fcntl.fcntl(fd, _F_OFD_GETLK, _WRITE_LOCK_PROBE)
        return struct.unpack("hhqqi4x", answer)[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


class SecretWatch:
    """Collects every error text a test saw and, at teardown, fails if any contains a secret
    (a token value, keyfile hex, a passphrase). SECURITY.md section 1: errors can be logged."""

    def __init__(self) -> None:
        # Every token in these tests carries the mark: catches any token value at all.
        self.secrets: List[str] = [vault_child.SECRET_MARK]
        # A set: the bit-flip test records tens of thousands of errors with few distinct texts.
        self.texts: Set[str] = set()

    def secret(self, value: Union[str, bytes]) -> None:
        text = value.decode() if isinstance(value, bytes) else value
        if text:
            self.secrets.append(text)

    def keyfile(self, path: Union[str, Path]) -> None:
        """The key's hex, and every 16-digit run of it (a partial dump is a leak too)."""
        key_hex = Path(path).read_text().strip().split(":", 1)[1]
        self.secrets.append(key_hex)
        self.secrets.extend(key_hex[i:i + 16] for i in range(0, len(key_hex) - 15, 8))

    def error(self, error: BaseException) -> BaseException:
        self.texts.add(str(error))
        self.texts.add(repr(error))
        for name in ("reason", "fix", "path"):
            value = getattr(error, name, None)
            if isinstance(value, str):
                self.texts.add(value)
        return error

    def text(self, text: Optional[str]) -> None:
        if text:
            self.texts.add(text)

    def leaks(self) -> List[Tuple[str, str]]:
        found = []
        for text in sorted(self.texts):
            lowered = text.lower()
            for secret in self.secrets:
                if secret.lower() in lowered:
                    found.append((secret, text))
        return found


@dataclass(frozen=True)
class UnixUser:
    name: str
    uid: int
    gid: int

    def command(self, argv: Sequence[str]) -> List[str]:
        """`argv` run as this user, with no supplementary groups (root's would leak in)."""
        return ["/usr/bin/setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", *argv]

    def run(self, argv: Sequence[str], *, env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
            timeout: float = 60.0) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(self.command(argv), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd or "/",
                              env=env if env is not None else {"PATH": "/usr/bin:/bin", "HOME": "/"})

    def own(self, path: Union[str, Path]) -> None:
        os.lchown(path, self.uid, self.gid)


def make_user(name: str) -> Tuple[Optional[UnixUser], str]:
    """The user `name`, created the way the Swift tests' UnixUsers.swift does (system user, no
    home, no shell) if missing, so both suites share the same two users; or None and why."""
    if os.getuid() != 0:
        return None, "not root: separate Unix users cannot be created"
    for tool in ("/usr/sbin/useradd", "/usr/bin/setpriv"):
        if not os.access(tool, os.X_OK):
            return None, f"{tool} is missing"
    try:
        pwd.getpwnam(name)
    except KeyError:
        made = subprocess.run(["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                               name], capture_output=True, text=True, timeout=30,
                              env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        if made.returncode != 0:
            try:
                pwd.getpwnam(name)  # created meanwhile by a parallel run: fine
            except KeyError:
                return None, f"useradd {name}: {made.stderr.strip()}"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None, f"user {name} not found after useradd"
    return UnixUser(name, entry.pw_uid, entry.pw_gid), ""


def _module_path(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__).resolve()  # type: ignore[arg-type]


class UserPython:
    """An interpreter other users can run, with frl_vault, PyNaCl and cffi copied into a
    world-readable temporary directory beside vault_child.py.

    The venv's interpreter is a link into /root/.pyenv, which other users cannot traverse
    (/root is 0700), and the repository must not be chmodded: so the packages are copied, and
    the first interpreter the user can run (the venv's, else the system's of the same
    major.minor, which the copied extension modules were built for) is used."""

    def __init__(self, interpreter: str, lib: Path) -> None:
        self.interpreter = interpreter
        self.lib = lib

    @classmethod
    def build(cls, probe_as: UnixUser) -> Tuple[Optional["UserPython"], str, Path]:
        lib = Path(tempfile.mkdtemp(prefix="frl-vault-userpy-"))
        lib.chmod(0o755)
        shutil.copy2(CHILD_SCRIPT, lib / CHILD_SCRIPT.name)
        for package in ("frl_vault", "nacl", "cffi"):
            source = _module_path(package).parent
            shutil.copytree(source, lib / package, ignore=shutil.ignore_patterns("__pycache__"))
        backend = _module_path("_cffi_backend")
        shutil.copy2(backend, lib / backend.name)
        for root, directories, files in os.walk(lib):
            for directory in directories:
                os.chmod(os.path.join(root, directory), 0o755)
            for file in files:
                os.chmod(os.path.join(root, file), 0o644)
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        candidates = []
        for candidate in (sys.executable, os.path.realpath(sys.executable), f"/usr/bin/python{version}",
                          f"/usr/local/bin/python{version}"):
            if candidate not in candidates and os.path.exists(candidate):
                candidates.append(candidate)
        tried = []
        for candidate in candidates:
            python = cls(candidate, lib)
            outcome = probe_as.run(python.argv("probe"), cwd=str(lib))
            if outcome.returncode == 0 and outcome.stdout.strip() == "ok":
                return python, "", lib
            tried.append(f"{candidate}: {(outcome.stderr.strip().splitlines() or ['?'])[-1]}")
        return None, "no interpreter that user " + probe_as.name + " can run loads frl_vault: " + "; ".join(tried), lib

    def argv(self, *arguments: str) -> List[str]:
        # -s -E: no user site, no PYTHON* variables; -B: no bytecode written into the copy.
        # The script's directory (the copy) is sys.path[0], which is how the packages load.
        return [self.interpreter, "-s", "-E", "-B", str(self.lib / CHILD_SCRIPT.name), *arguments]

    def op(self, user: UnixUser, request: Dict[str, Any], home: str) -> Dict[str, Any]:
        """One storage operation as `user`; the JSON the child printed."""
        outcome = user.run(self.argv("op", json.dumps(request)), cwd=home,
                           env={"PATH": "/usr/bin:/bin", "HOME": home})
        parsed = vault_child.parse_op_output(outcome.stdout)
        if parsed is None:
            raise AssertionError(f"the child as {user.name} printed no result (status {outcome.returncode}): "
                                 f"{outcome.stderr}")
        return parsed


def file_names(directory: Union[str, Path]) -> List[str]:
    return sorted(os.listdir(directory))


def leftover_names(directory: Union[str, Path], vault_name: str) -> List[str]:
    """Dead writers' temp files and interrupted wipes of `vault_name` (SECURITY.md section 9)."""
    prefixes = (f".{vault_name}.tmp-", f".{vault_name}.wipe-")
    return [name for name in file_names(directory) if name.startswith(prefixes)]


def files_containing(directory: Union[str, Path], needles: Iterable[bytes]) -> List[str]:
    """Names of regular files in `directory` holding any of `needles`."""
    found = []
    wanted = list(needles)
    for name in file_names(directory):
        path = os.path.join(directory, name)
        try:
            with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NOFOLLOW | os.O_NONBLOCK)) as file:
                if not os.path.isfile(path):
                    continue
                data = file.read()
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENOENT, errno.ENXIO):
                continue
            raise
        if any(needle in data for needle in wanted):
            found.append(name)
    return found
