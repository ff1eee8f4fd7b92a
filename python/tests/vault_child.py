"""A child process for test_concurrency.py and test_hostile.py: real, separate processes
(killable with SIGKILL, holding their own OFD locks, running as other Unix users) doing what a
client of frl_vault does. Also the token fixtures both sides share, so that the parent can
tell exactly which state a child wrote.

Usage (one line of output per event, flushed at once, so the parent can follow along):

    vault_child.py probe
    vault_child.py update-loop VAULT KEYFILE PREFIX SECONDS [PAUSE_MS]
                                                              -> "did <server>" ..., "done <n>"
    vault_child.py write-loop VAULT KEYFILE START             -> "wrote <k>" ... until killed
    vault_child.py hold-lock VAULT KEYFILE                    -> "locked", then sleeps in update()
    vault_child.py clear-loop VAULT KEYFILE SECONDS           -> "done <writes> <clears>"
    vault_child.py op JSON                                    -> one JSON line (see `_op`)

Runs under the repository's venv and, for the other-user tests, under a system interpreter
with a copy of the packages beside this file: so nothing here may depend on the venv."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Dict, List, Optional

# Every token value carries this mark, so the tests can look for plaintext in files and for
# token material in error messages by one substring.
SECRET_MARK = "SECRET-TOKEN-"
# The server whose expiry numbers a crash-test state.
STATE_SERVER = "auth.globus.org"


def token_set(server: str, tag: str, expires: int, refresh: bool = True) -> Dict[str, Any]:
    """One valid token set in the exact form the writers store (so that a comparison after a
    round trip through either language is plain equality)."""
    return {
        "scope": f"urn:globus:auth:scope:{server}:all",
        "access_token": f"{SECRET_MARK}AT-{tag}",
        "refresh_token": f"{SECRET_MARK}RT-{tag}" if refresh else None,
        "token_type": "Bearer",
        "expires_at_seconds": expires,
        "resource_server": server,
    }


def state(k: int) -> Dict[str, Dict[str, Any]]:
    """State number k of the crash test: every value depends on k, so a vault holding any mix
    of two states (a torn write) cannot equal any state(j)."""
    return {
        STATE_SERVER: token_set(STATE_SERVER, f"auth-{k}", k),
        "transfer.api.globus.org": token_set("transfer.api.globus.org", f"transfer-{k}", k, refresh=k % 2 == 0),
    }


def writer_server(prefix: str, i: int) -> str:
    return f"{prefix}-{i}.example.org"


def writer_set(prefix: str, i: int) -> Dict[str, Any]:
    """What writer `prefix` stores under its i-th resource server."""
    server = writer_server(prefix, i)
    return token_set(server, f"{prefix}-{i}", 1_700_000_000 + i)


def full_map() -> Dict[str, Dict[str, Any]]:
    """The map the reader-race tests expect to see whole or not at all."""
    return {server: token_set(server, f"full-{n}", 1_800_000_000 + n)
            for n, server in enumerate(["auth.globus.org", "transfer.api.globus.org", "groups.api.globus.org"])}


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _update_loop(vault: str, keyfile: str, prefix: str, seconds: float, pause_ms: float) -> None:
    import random

    from frl_vault import VaultTokenStorage

    storage = VaultTokenStorage(vault, keyfile=keyfile, lock_timeout=60)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        def add(tokens: Dict[str, Any], i: int = i) -> None:
            tokens[writer_server(prefix, i)] = writer_set(prefix, i)

        storage.update(add)
        # Reported only once update() returned: the parent expects exactly these.
        _say(f"did {writer_server(prefix, i)}")
        i += 1
        # The lock is polled (SECURITY.md section 9), so a writer that takes it again the
        # moment it let go would starve the other writers; a client does other work between
        # writes, and a random pause makes the writers' turns interleave.
        time.sleep(random.uniform(0, pause_ms / 1000))
    _say(f"done {i}")


def _write_loop(vault: str, keyfile: str, start: int) -> None:
    from frl_vault import VaultTokenStorage

    storage = VaultTokenStorage(vault, keyfile=keyfile, lock_timeout=60)
    k = start
    while True:
        storage.write_tokens(state(k))
        _say(f"wrote {k}")
        k += 1


def _hold_lock(vault: str, keyfile: str) -> None:
    from frl_vault import VaultTokenStorage

    storage = VaultTokenStorage(vault, keyfile=keyfile, lock_timeout=60)

    def hold(tokens: Dict[str, Any]) -> None:
        _say("locked")
        # Bounded, so a parent that died without killing us does not leave a lock forever.
        time.sleep(120)

    storage.update(hold)


def _clear_loop(vault: str, keyfile: str, seconds: float) -> None:
    from frl_vault import VaultTokenStorage

    storage = VaultTokenStorage(vault, keyfile=keyfile, lock_timeout=60)
    deadline = time.monotonic() + seconds
    writes = clears = 0
    while time.monotonic() < deadline:
        storage.write_tokens(full_map())
        writes += 1
        storage.clear_tokens()
        clears += 1
    _say(f"done {writes} {clears}")


def _op(request: Dict[str, Any]) -> Dict[str, Any]:
    """One storage operation, reported as JSON: {"ok": true, "result": ...} or
    {"ok": false, "error": <class name>, "message": str(error), "fix": ...}."""
    import frl_vault

    try:
        action = request["action"]
        if action == "keygen":
            frl_vault.generate_keyfile(request["keyfile"])
            return {"ok": True, "result": None}
        storage = frl_vault.VaultTokenStorage(
            request["vault"], keyfile=request["keyfile"], namespace=request.get("namespace", "tokens"),
            lock_timeout=request.get("lock_timeout", 5.0))
        result: Any = None
        if action == "read":
            result = storage.read_tokens()
        elif action == "write":
            storage.write_tokens(request["tokens"])
        elif action == "clear":
            storage.clear_tokens()
        else:
            raise ValueError(f"unknown action {action!r}")
        return {"ok": True, "result": result}
    except frl_vault.VaultError as error:
        return {"ok": False, "error": type(error).__name__, "message": str(error),
                "fix": getattr(error, "fix", None)}


def main(argv: List[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "probe":
        import frl_vault  # noqa: F401  (the point: can this interpreter load the package?)
        import nacl.bindings  # noqa: F401

        _say("ok")
    elif command == "update-loop":
        _update_loop(argv[2], argv[3], argv[4], float(argv[5]), float(argv[6]) if len(argv) > 6 else 0.0)
    elif command == "write-loop":
        _write_loop(argv[2], argv[3], int(argv[4]))
    elif command == "hold-lock":
        _hold_lock(argv[2], argv[3])
    elif command == "clear-loop":
        _clear_loop(argv[2], argv[3], float(argv[4]))
    elif command == "op":
        _say(json.dumps(_op(json.loads(argv[2]))))
    else:
        sys.stderr.write(__doc__ or "")
        return 64
    return 0


def parse_op_output(stdout: str) -> Optional[Dict[str, Any]]:
    """The JSON line `op` printed, or None if it printed none (it crashed)."""
    for line in stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv))
