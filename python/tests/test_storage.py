"""The storage contract NativeClient relies on, and the promises SECURITY.md makes about one
instance: the key read once, a passphrase stretched once, fail-closed writes, nothing secret in
any text, key material zeroed on close."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Dict, List

import nacl.bindings
import pytest

import frl_vault
from frl_vault import VaultTokenStorage

SECRETS = ("AT-secret-", "RT-secret-", "correct horse")


def token_set(server: str, label: str = "one", expires: int = 1_900_000_000) -> Dict[str, Any]:
    return {
        "scope": f"openid {server}/all",
        "access_token": f"AT-secret-{label}-{server}",
        "refresh_token": f"RT-secret-{label}-{server}",
        "token_type": "Bearer",
        "expires_at_seconds": expires,
        "resource_server": server,
    }


def token_map(label: str = "one", count: int = 3) -> Dict[str, Dict[str, Any]]:
    servers = ["auth.globus.org"] + [f"rs{index}.example.org" for index in range(1, count)]
    return {server: token_set(server, label) for server in servers}


@pytest.fixture
def keyfile(tmp_path: Path) -> str:
    path = str(tmp_path / "vault.key")
    frl_vault.generate_keyfile(path)
    return path


@pytest.fixture
def vault(tmp_path: Path) -> str:
    return str(tmp_path / "tokens.vault")


def test_no_vault_reads_empty_and_creates_nothing(vault: str, keyfile: str) -> None:
    assert VaultTokenStorage(vault, keyfile=keyfile).read_tokens() == {}
    assert os.listdir(os.path.dirname(vault)) == ["vault.key"]


def test_round_trip_across_instances_and_namespaces(vault: str, keyfile: str) -> None:
    first = VaultTokenStorage(vault, keyfile=keyfile)
    second = VaultTokenStorage(vault, keyfile=keyfile, namespace="other-client")
    first.write_tokens(token_map("one"))
    second.write_tokens(token_map("two", count=1))
    assert VaultTokenStorage(vault, keyfile=keyfile).read_tokens() == token_map("one")
    assert VaultTokenStorage(vault, keyfile=keyfile, namespace="other-client").read_tokens() == token_map("two", 1)
    assert VaultTokenStorage(vault, keyfile=keyfile, namespace="absent").read_tokens() == {}
    assert stat.S_IMODE(os.stat(vault).st_mode) == 0o600
    data = Path(vault).read_bytes()
    for secret in SECRETS[:2]:
        assert secret.encode() not in data


def test_returned_maps_are_the_callers_own(vault: str, keyfile: str) -> None:
    storage = VaultTokenStorage(vault, keyfile=keyfile)
    written = token_map()
    storage.write_tokens(written)
    written["auth.globus.org"]["access_token"] = "changed by the caller"
    read = storage.read_tokens()
    read["auth.globus.org"]["scope"] = "changed too"
    assert storage.read_tokens() == token_map()


def test_clear_removes_only_this_namespace_then_wipes_the_vault(vault: str, keyfile: str) -> None:
    mine = VaultTokenStorage(vault, keyfile=keyfile)
    theirs = VaultTokenStorage(vault, keyfile=keyfile, namespace="other-client")
    mine.write_tokens(token_map("one"))
    theirs.write_tokens(token_map("two"))
    held = os.open(vault, os.O_RDONLY)  # the inode the namespace clear replaces
    try:
        mine.clear_tokens()
        assert mine.read_tokens() == {}
        assert theirs.read_tokens() == token_map("two")
        # The replaced file is overwritten in place: the key still opens the rest of the vault.
        old = os.pread(held, 1 << 20, 0)
        assert old.count(b"\0") == len(old)
    finally:
        os.close(held)
    held = os.open(vault, os.O_RDONLY)
    try:
        theirs.clear_tokens()
        assert not os.path.exists(vault)
        assert not os.path.exists(vault + ".lock")
        old = os.pread(held, 1 << 20, 0)
        assert old.count(b"\0") == len(old)
    finally:
        os.close(held)
    assert sorted(os.listdir(os.path.dirname(vault))) == ["vault.key"]
    mine.clear_tokens()  # clearing where there is no vault succeeds


def test_update_is_a_read_modify_write(vault: str, keyfile: str) -> None:
    storage = VaultTokenStorage(vault, keyfile=keyfile)
    storage.write_tokens(token_map("one", count=1))

    def add(tokens: Dict[str, Any]) -> int:
        tokens["transfer.api.globus.org"] = token_set("transfer.api.globus.org")
        return len(tokens)

    assert storage.update(add) == 2
    assert set(VaultTokenStorage(vault, keyfile=keyfile).read_tokens()) == {"auth.globus.org", "transfer.api.globus.org"}
    before = os.stat(vault).st_ino
    storage.update(lambda tokens: None)
    assert os.stat(vault).st_ino == before  # unchanged: nothing written


def test_a_passphrase_is_stretched_once_per_instance(vault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    derivations: List[int] = []
    real = nacl.bindings.crypto_pwhash_alg

    def counting(*arguments: Any) -> bytes:
        derivations.append(arguments[3])
        return real(*arguments)

    monkeypatch.setattr(nacl.bindings, "crypto_pwhash_alg", counting)
    storage = VaultTokenStorage(vault, passphrase=b"correct horse", kdf="interactive")
    storage.write_tokens(token_map("one"))
    other = VaultTokenStorage(vault, passphrase=lambda: b"correct horse", kdf="interactive")
    other.write_tokens(token_map("two"))  # another process's write: new nonce, same salt
    assert storage.read_tokens() == token_map("two")
    storage.write_tokens(token_map("three"))
    assert other.read_tokens() == token_map("three")
    assert derivations == [2, 2]  # one Argon2id for each instance, at interactive cost


def test_wrong_key_and_kind_fail_closed(vault: str, keyfile: str, tmp_path: Path) -> None:
    VaultTokenStorage(vault, keyfile=keyfile).write_tokens(token_map())
    before = Path(vault).read_bytes()
    other = str(tmp_path / "other.key")
    frl_vault.generate_keyfile(other)
    with pytest.raises(frl_vault.WrongKeyError):
        VaultTokenStorage(vault, keyfile=other).write_tokens(token_map("two"))
    with pytest.raises(frl_vault.WrongKeyError):
        VaultTokenStorage(vault, keyfile=other).clear_tokens()
    with pytest.raises(frl_vault.KeyKindMismatchError):
        VaultTokenStorage(vault, passphrase=b"correct horse").write_tokens(token_map("two"))
    assert Path(vault).read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["other.key", "tokens.vault", "tokens.vault.lock", "vault.key"]


@pytest.mark.parametrize("bad_set, fragment", [
    ({"token_type": "MAC"}, "token_type"),
    ({"resource_server": "elsewhere.org"}, "another resource_server"),
    ({"expires_at_seconds": 1 << 63}, "64-bit"),
    ({"expires_at_seconds": "soon"}, "expires_at_seconds"),
    ({"access_token": None}, "access_token"),
    ({"refresh_token": 5}, "refresh_token"),
    ({"id_token": "x"}, "unexpected"),
])
def test_a_map_reading_would_refuse_is_never_written(
        vault: str, keyfile: str, bad_set: Dict[str, Any], fragment: str) -> None:
    storage = VaultTokenStorage(vault, keyfile=keyfile)
    storage.write_tokens(token_map())
    before = Path(vault).read_bytes()
    broken = token_map()
    broken["auth.globus.org"].update(bad_set)
    with pytest.raises(frl_vault.InvalidTokenDataError) as raised:
        storage.write_tokens(broken)
    assert fragment in str(raised.value)
    assert Path(vault).read_bytes() == before


def test_falsy_values_are_cleaned_as_fair_research_login_cleans_them(vault: str, keyfile: str) -> None:
    loose = {"auth.globus.org": {"scope": "openid", "access_token": "AT-secret-x", "refresh_token": "",
                                 "token_type": None, "expires_at_seconds": "1_900_000_000",
                                 "resource_server": "auth.globus.org"}}
    storage = VaultTokenStorage(vault, keyfile=keyfile)
    storage.write_tokens(loose)
    assert storage.read_tokens()["auth.globus.org"] == {
        "scope": "openid", "access_token": "AT-secret-x", "refresh_token": None, "token_type": "Bearer",
        "expires_at_seconds": 1_900_000_000, "resource_server": "auth.globus.org"}


def test_canonically_equivalent_names_are_one_name(vault: str, keyfile: str) -> None:
    composed, decomposed = "serv\u00e9.org", "serve\u0301.org"
    storage = VaultTokenStorage(vault, keyfile=keyfile, namespace="client-\u00e9")
    with pytest.raises(frl_vault.InvalidTokenDataError):
        storage.write_tokens({composed: token_set(composed), decomposed: token_set(decomposed)})
    filed = token_set(composed)
    filed["resource_server"] = decomposed
    storage.write_tokens({composed: filed})
    assert VaultTokenStorage(vault, keyfile=keyfile, namespace="client-e\u0301").read_tokens()[composed] == filed


def test_close_zeroes_the_key_material(vault: str, keyfile: str) -> None:
    storage = VaultTokenStorage(vault, keyfile=keyfile)
    storage.write_tokens(token_map())
    key = storage._key
    derived = storage._derived
    assert key is not None and derived is not None and any(key.material) and any(derived.master)
    storage.close()
    assert not any(key.material) and not any(derived.master)
    assert storage.read_tokens() == token_map()  # a closed instance reads the key again


def test_no_secret_in_repr_or_any_error(vault: str, keyfile: str, tmp_path: Path) -> None:
    storage = VaultTokenStorage(vault, passphrase=b"correct horse", kdf="interactive")
    storage.write_tokens(token_map())
    texts = [repr(storage), repr(storage._key), repr(storage.read_tokens().keys())]
    for attempt in (
        lambda: VaultTokenStorage(vault, passphrase=b"correct horsE").read_tokens(),
        lambda: VaultTokenStorage(vault, keyfile=keyfile).read_tokens(),
        lambda: storage.write_tokens({"auth.globus.org": dict(token_set("auth.globus.org"), token_type="AT-secret-x")}),
        lambda: storage.write_tokens({"a": dict(token_set("a"), expires_at_seconds="RT-secret-y")}),
    ):
        with pytest.raises(frl_vault.VaultError) as raised:
            attempt()
        texts.append(str(raised.value))
        texts.append(repr(raised.value))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, text


def test_the_vault_path_defaults_like_the_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("FRL_VAULT", raising=False)
    assert VaultTokenStorage(keyfile="k").path == str(tmp_path / ".globus-native-apps.vault")
    monkeypatch.setenv("FRL_VAULT", str(tmp_path / "elsewhere.vault"))
    assert VaultTokenStorage(keyfile="k").path == str(tmp_path / "elsewhere.vault")
    assert VaultTokenStorage("~/mine.vault", keyfile="k").path == str(tmp_path / "mine.vault")


def test_kdf_and_timeout_are_checked_at_once() -> None:
    with pytest.raises(ValueError):
        VaultTokenStorage("v", keyfile="k", kdf="toy")
    with pytest.raises(ValueError):
        VaultTokenStorage("v", keyfile="k", lock_timeout=-1)
    with pytest.raises(ValueError):
        VaultTokenStorage("v", keyfile="k", passphrase=b"x")
