"""Shared pytest fixtures for the frl_vault Python package's tests."""

from __future__ import annotations

# ---- BEGIN fixtures for test_native_client.py (FRL NativeClient end to end over HTTP) ----------
# fake_auth, browser_follows_redirects, frl_vault_binary. Nothing else in this file depends on
# them; other tests may use them too.

import os
import shlex
import sys
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_globus_auth import FakeGlobusAuth

_TESTS_DIR = Path(__file__).resolve().parent
_BROWSER_FOLLOW = _TESTS_DIR / "browser_follow.py"


@pytest.fixture
def fake_auth(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGlobusAuth]:
    """A running FakeGlobusAuth, with globus-sdk pointed at it through the environment (the
    variable is read when an auth client is created, so clients made in the test use it)."""
    # requests (under globus-sdk) honours proxy variables; a proxy must never see this traffic.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("GLOBUS_SDK_ENVIRONMENT", raising=False)
    # A hung request fails the test in seconds instead of globus-sdk's default minute.
    monkeypatch.setenv("GLOBUS_SDK_HTTP_TIMEOUT", "10")
    with FakeGlobusAuth() as server:
        monkeypatch.setenv("GLOBUS_SDK_SERVICE_URL_AUTH", server.base_url)
        yield server
        # A handler exception is a bug in the fake, which could otherwise pass for a client bug.
        assert server.handler_errors == [], server.handler_errors


@pytest.fixture
def browser_follows_redirects(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make FRL's "open the browser" step run browser_follow.py, which takes the authorize URL
    through its redirect to FRL's local server, as a user's browser would."""
    # webbrowser splits $BROWSER on os.pathsep and, for an entry containing %s, shlex-splits it
    # and substitutes the URL; it waits for the command to exit.
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(_BROWSER_FOLLOW))} %s"
    monkeypatch.setenv("BROWSER", command)
    # FRL's code handlers skip the local server and the browser in an SSH session
    # (CodeHandler.is_remote_session reads SSH_TTY / SSH_CONNECTION).
    for name in ("SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    # Without these, webbrowser registers no real browser to fall back on if browser_follow.py
    # fails, so a failing test can never open a window or a console browser.
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TERM"):
        monkeypatch.delenv(name, raising=False)
    # webbrowser reads $BROWSER once per process, on first use, and caches the result in these
    # module globals; reset them (monkeypatch restores them) so this $BROWSER is the one used.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    # FRL keeps a process-wide "open the browser" switch that a ^C turns off; make sure it is on
    # (its default) whatever ran before.
    from fair_research_login.code_handler import CodeHandler

    monkeypatch.setattr(CodeHandler, "_browser_enabled", True)


@pytest.fixture(scope="session")
def frl_vault_binary() -> Path:
    """The Swift CLI: $FRL_VAULT_BINARY, else the debug build in this checkout, else skip. A
    $FRL_VAULT_BINARY that names no executable fails instead: it is a mistake to report."""
    from vault_test_support import find_binary

    binary, why_not = find_binary()
    if binary is None:
        if os.environ.get("FRL_VAULT_BINARY"):
            pytest.fail(why_not)
        pytest.skip(why_not)
    return binary


# ---- END fixtures for test_native_client.py ----------------------------------------------------


# --- interop fixtures ---
# interop_cli: the Swift `frl-vault` command as a child process, for test_interop.py and
# test_vectors.py. Self-contained (it uses no other block's fixture or helper), so blocks can
# change independently.

import os as _os
import subprocess
from pathlib import Path as _Path
from typing import Dict, Optional

import pytest as _pytest



class InteropCLI:
    """Runs `frl-vault` with a scrubbed environment: no $FRL_VAULT* variable of the developer's
    can pick the vault or the key, so every command names both on its command line, and stdin
    is /dev/null so a missing key source fails at once (status 64) instead of prompting."""

    def __init__(self, binary: _Path) -> None:
        self.binary = binary
        self.env: Dict[str, str] = {
            name: value for name, value in _os.environ.items() if not name.startswith("FRL_VAULT")}

    def run(self, *args: str, expect: Optional[int] = 0, timeout: float = 300.0) -> "subprocess.CompletedProcess[bytes]":
        """The finished process; with `expect`, fails the test unless that is its exit status.
        The timeout is generous because a sensitive-preset derivation on a loaded 2-core host
        takes several seconds."""
        result = subprocess.run(
            [str(self.binary), *args], stdin=subprocess.DEVNULL, capture_output=True,
            env=self.env, timeout=timeout, check=False)
        if expect is not None and result.returncode != expect:
            raise AssertionError(
                f"frl-vault {' '.join(args)}: exit status {result.returncode}, expected {expect}\n"
                f"stdout: {result.stdout.decode('utf-8', 'replace')}\n"
                f"stderr: {result.stderr.decode('utf-8', 'replace')}")
        return result


@_pytest.fixture(scope="session")
def interop_cli(frl_vault_binary: _Path) -> InteropCLI:
    """The binary `frl_vault_binary` finds (tools/test.sh points it at the release build)."""
    return InteropCLI(frl_vault_binary)


# --- end interop fixtures ---


# --- concurrency fixtures ---
# For test_concurrency.py and test_hostile.py; the helpers live in vault_test_support.py and the
# child processes' code in vault_child.py.

import vault_test_support as _vts


@pytest.fixture(scope="session")
def vault_cli(frl_vault_binary: Path) -> "_vts.VaultCLI":
    """The Swift `frl-vault` that `frl_vault_binary` finds, with this block's helpers."""
    return _vts.VaultCLI(frl_vault_binary)


@pytest.fixture
def vault_children() -> "Iterator[_vts.Children]":
    """Starts child processes; any still alive when the test ends is killed (by its pid)."""
    children = _vts.Children()
    try:
        yield children
    finally:
        children.close()


@pytest.fixture
def secret_watch() -> "Iterator[_vts.SecretWatch]":
    """Register secrets and record error texts; the test fails if any text holds a secret."""
    watch = _vts.SecretWatch()
    yield watch
    leaks = watch.leaks()
    assert not leaks, f"error texts contain secrets: {leaks[:5]}"


@pytest.fixture(scope="session")
def unix_users() -> "tuple[_vts.UnixUser, _vts.UnixUser]":
    """(victim, intruder): the real Unix users the Swift OtherUserTests use, made if missing;
    skips unless root with useradd and setpriv."""
    victim, why_not_victim = _vts.make_user("frlvault-victim")
    intruder, why_not_intruder = _vts.make_user("frlvault-intruder")
    if victim is None or intruder is None:
        pytest.skip(why_not_victim or why_not_intruder)
    if victim.uid == intruder.uid or 0 in (victim.uid, intruder.uid):
        pytest.skip(f"the test users are not two distinct non-root users: {victim}, {intruder}")
    return victim, intruder


@pytest.fixture(scope="session")
def user_python(unix_users: "tuple[_vts.UnixUser, _vts.UnixUser]") -> "Iterator[_vts.UserPython]":
    """An interpreter the test users can run, with frl_vault copied where they can read it."""
    import shutil as _shutil

    python, why_not, lib = _vts.UserPython.build(probe_as=unix_users[0])
    try:
        if python is None:
            pytest.skip(why_not)
        yield python
    finally:
        _shutil.rmtree(lib, ignore_errors=True)

# --- end concurrency fixtures ---
