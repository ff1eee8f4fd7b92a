"""Key sources as `frl-vault` finds them (SECURITY.md section 2): the keyfile's text rules, the
passphrase's first-line rules, the variables' order, and an error at once (never a hang) when
there is no key and no terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict

import pytest

import frl_vault
from frl_vault import VaultTokenStorage

KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
TOKENS = {"auth.globus.org": {"scope": "openid", "access_token": "AT-secret", "refresh_token": None,
                              "token_type": "Bearer", "expires_at_seconds": 1_900_000_000,
                              "resource_server": "auth.globus.org"}}
VARIABLES = ("FRL_VAULT_KEYFILE", "FRL_VAULT_PASSPHRASE_FD", "FRL_VAULT_PASSPHRASE_FILE", "FRL_VAULT_PASSCOMMAND")


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def write_private(path: Path, data: bytes, mode: int = 0o600) -> str:
    path.write_bytes(data)
    os.chmod(path, mode)
    return str(path)


@pytest.mark.parametrize("text", [
    f"frl-vault-key-v1:{KEY_HEX}\n", f"frl-vault-key-v1:{KEY_HEX}\r\n", f"frl-vault-key-v1:{KEY_HEX}\r",
    f"frl-vault-key-v1:{KEY_HEX}", f"frl-vault-key-v1:{KEY_HEX.upper()}\n",
])
def test_keyfile_text_accepted(tmp_path: Path, text: str) -> None:
    keyfile = write_private(tmp_path / "k", text.encode())
    VaultTokenStorage(str(tmp_path / "v"), keyfile=keyfile).write_tokens(TOKENS)
    canonical = write_private(tmp_path / "canonical", f"frl-vault-key-v1:{KEY_HEX}\n".encode())
    assert VaultTokenStorage(str(tmp_path / "v"), keyfile=canonical).read_tokens() == TOKENS


@pytest.mark.parametrize("text", [
    f"frl-vault-key-v1:{KEY_HEX} \n", f"frl-vault-key-v1:{KEY_HEX}\n\n", f"frl-vault-key-v1:{KEY_HEX[:-1]}\n",
    f"frl-vault-key-v2:{KEY_HEX}\n", f" frl-vault-key-v1:{KEY_HEX}\n", f"frl-vault-key-v1:{KEY_HEX}\n" + "#" * 5000,
])
def test_keyfile_text_refused(tmp_path: Path, text: str) -> None:
    keyfile = write_private(tmp_path / "k", text.encode())
    with pytest.raises(frl_vault.InvalidKeyfileError) as raised:
        VaultTokenStorage(str(tmp_path / "v"), keyfile=keyfile).write_tokens(TOKENS)
    assert KEY_HEX not in str(raised.value)
    assert not (tmp_path / "v").exists()


def test_keyfile_permissions_and_absence(tmp_path: Path) -> None:
    keyfile = write_private(tmp_path / "k", f"frl-vault-key-v1:{KEY_HEX}\n".encode(), mode=0o644)
    with pytest.raises(frl_vault.UnsafePermissionsError, match="chmod 600"):
        VaultTokenStorage(str(tmp_path / "v"), keyfile=keyfile).write_tokens(TOKENS)
    with pytest.raises(frl_vault.MissingKeyfileError, match="frl-vault keygen"):
        VaultTokenStorage(str(tmp_path / "v"), keyfile=str(tmp_path / "absent")).write_tokens(TOKENS)
    with pytest.raises(frl_vault.AlreadyExistsError):
        frl_vault.generate_keyfile(keyfile)


def test_variables_in_the_clis_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyfile = write_private(tmp_path / "k", f"frl-vault-key-v1:{KEY_HEX}\n".encode())
    vault = str(tmp_path / "v")
    monkeypatch.setenv("FRL_VAULT_PASSPHRASE_FILE", write_private(tmp_path / "p", b"correct horse\n"))
    monkeypatch.setenv("FRL_VAULT_KEYFILE", keyfile)
    VaultTokenStorage(vault, kdf="interactive").write_tokens(TOKENS)  # the keyfile wins
    assert VaultTokenStorage(vault, keyfile=keyfile).read_tokens() == TOKENS
    monkeypatch.setenv("FRL_VAULT_KEYFILE", "")  # empty is unset, as in the shell
    with pytest.raises(frl_vault.KeyKindMismatchError):
        VaultTokenStorage(vault).read_tokens()


@pytest.mark.parametrize("content, passphrase", [
    (b"correct horse\n", b"correct horse"), (b"correct horse\r\n", b"correct horse"),
    (b"correct horse", b"correct horse"), (b" spaced\tout \r\nsecond line", b" spaced\tout "),
    (b"a\rb\n", b"a\rb"), ("pässwörd\n".encode(), "pässwörd".encode()),
])
def test_passphrase_file_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    content: bytes, passphrase: bytes) -> None:
    vault = str(tmp_path / "v")
    monkeypatch.setenv("FRL_VAULT_PASSPHRASE_FILE", write_private(tmp_path / "p", content))
    VaultTokenStorage(vault, kdf="interactive").write_tokens(TOKENS)
    monkeypatch.delenv("FRL_VAULT_PASSPHRASE_FILE")
    assert VaultTokenStorage(vault, passphrase=passphrase).read_tokens() == TOKENS


@pytest.mark.parametrize("content, fragment", [
    (b"\nsecret on line two\n", "empty"), (b"x" * 4097 + b"\n", "longer than 4096"),
])
def test_passphrase_file_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, fragment: str) -> None:
    monkeypatch.setenv("FRL_VAULT_PASSPHRASE_FILE", write_private(tmp_path / "p", content))
    with pytest.raises(frl_vault.InvalidPassphraseError, match=fragment):
        VaultTokenStorage(str(tmp_path / "v"), kdf="interactive").write_tokens(TOKENS)


def test_passphrase_file_held_to_the_keyfiles_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRL_VAULT_PASSPHRASE_FILE", write_private(tmp_path / "p", b"correct horse\n", mode=0o640))
    with pytest.raises(frl_vault.UnsafePermissionsError):
        VaultTokenStorage(str(tmp_path / "v"), kdf="interactive").write_tokens(TOKENS)


def test_passphrase_descriptor_and_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault = str(tmp_path / "v")
    read_end, write_end = os.pipe()
    os.write(write_end, b"correct horse\nnot read\n")
    os.close(write_end)
    monkeypatch.setenv("FRL_VAULT_PASSPHRASE_FD", str(read_end))
    try:
        VaultTokenStorage(vault, kdf="interactive").write_tokens(TOKENS)
        assert os.read(read_end, 100) == b"not read\n"  # only the line was taken
    finally:
        os.close(read_end)
    monkeypatch.delenv("FRL_VAULT_PASSPHRASE_FD")
    script = write_private(tmp_path / "manager.sh", b"#!/bin/sh\nprintf 'correct horse\\nmore\\n'\n", mode=0o700)
    monkeypatch.setenv("FRL_VAULT_PASSCOMMAND", f"{script} --ignored-argument")
    assert VaultTokenStorage(vault).read_tokens() == TOKENS
    failing = write_private(tmp_path / "failing.sh", b"#!/bin/sh\necho correct horse\nexit 3\n", mode=0o700)
    monkeypatch.setenv("FRL_VAULT_PASSCOMMAND", failing)
    with pytest.raises(frl_vault.InvalidPassphraseError, match="status 3"):
        VaultTokenStorage(vault).read_tokens()
    monkeypatch.setenv("FRL_VAULT_PASSCOMMAND", str(tmp_path / "no-such-manager"))
    with pytest.raises(frl_vault.InvalidPassphraseError, match="not found"):
        VaultTokenStorage(vault).read_tokens()


def test_no_key_and_no_terminal_is_an_error_at_once(tmp_path: Path) -> None:
    """In a child whose stdin is not a terminal (a pipe that never closes): no prompt, no hang."""
    code = ("import frl_vault, sys\n"
            "try:\n    frl_vault.VaultTokenStorage(sys.argv[1]).read_tokens()\n"
            "except frl_vault.MissingKeySourceError as error:\n    print(error)\n")
    environment: Dict[str, str] = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    environment["FRL_VAULT_KEYFILE"] = ""
    vault = tmp_path / "v"
    keyfile = write_private(tmp_path / "k", f"frl-vault-key-v1:{KEY_HEX}\n".encode())
    VaultTokenStorage(str(vault), keyfile=keyfile).write_tokens(TOKENS)
    started = time.monotonic()
    child = subprocess.run([sys.executable, "-c", code, str(vault)], stdin=subprocess.PIPE, capture_output=True,
                           env=environment, timeout=30)
    assert time.monotonic() - started < 10
    assert "no key given" in child.stdout.decode(), child.stderr.decode()
