"""The plaintext document's rules (SECURITY.md section 5) on hostile documents: each one sealed
into a real vault and read through the public API, and, where the Swift binary is available,
read by `frl-vault verify` too, which must accept and refuse exactly the same documents."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List, Optional

import pytest

import frl_vault
from frl_vault import _format
from vault_test_support import find_binary
from frl_vault._format import Keyfile

KEY = bytes(range(32))
SET = ('{"access_token":"AT","expires_at_seconds":1900000000,"refresh_token":null,'
       '"resource_server":"rs","scope":"s","token_type":"Bearer"}')


def document(token_set: str = SET, namespaces: Optional[str] = None, extra: str = "") -> str:
    body = namespaces if namespaces is not None else '{"tokens":{"rs":' + token_set + "}}"
    return '{"frl_vault":1,"namespaces":' + body + extra + "}"


def with_field(field: str, value: str) -> str:
    import re

    return re.sub(f'"{field}":(null|"[^"]*"|-?[0-9]+)', lambda _: f'"{field}":{value}', SET, count=1)


ACCEPTED: List[str] = [
    document(),
    ' \t\r\n' + document() + '\n',
    document(extra=',"comment":{"deep":[[[[[1]]]]],"n":1e400}'),
    document(namespaces='{"tokens":{},"empty":{}}'),
    document(with_field("expires_at_seconds", "123.9")),
    document(with_field("expires_at_seconds", "-1.9")),
    document(with_field("expires_at_seconds", "1e3")),
    document(with_field("expires_at_seconds", "true")),
    document(with_field("expires_at_seconds", '" -1_000 "')),
    document(with_field("expires_at_seconds", '"\u0661\u0662\u0663"')),
    document(with_field("expires_at_seconds", "-9223372036854775808")),
    document(with_field("expires_at_seconds", "9223372036854775807")),
    document(with_field("token_type", "null")),
    document(with_field("token_type", "0")),
    document(with_field("token_type", "[]")),
    document(with_field("refresh_token", '""')),
    document(with_field("refresh_token", "{}")),
    document(with_field("access_token", '"\\ud83d\\ude00 \\u00e9 \\/"')),
    document(namespaces='{"client-\u00e9":{"serv\u00e9":' + SET.replace('"rs"', '"serve\u0301"') + "}}"),
    '{"namespaces":{},"frl_vault":1}',
]

REFUSED: List[str] = [
    "",
    "not json",
    "\ufeff" + document(),
    document() + ",",
    document().replace(":1,", ":1,,"),
    '{"frl_vault":1.0,"namespaces":{}}',
    '{"frl_vault":true,"namespaces":{}}',
    '{"frl_vault":"1","namespaces":{}}',
    '{"frl_vault":2,"namespaces":{}}',
    '{"frl_vault":1}',
    '{"frl_vault":1,"namespaces":[]}',
    '{"frl_vault":1,"namespaces":{},"frl_vault":1}',
    document(namespaces='{"a":{},"a":{}}'),
    document(namespaces='{"\u00e9":{},"e\u0301":{}}'),
    document(SET.replace('"scope":"s"', '"scope":"s","scope":"t"')),
    document(extra=',"x":' + "[" * 32 + "]" * 32),
    document(extra=',"x":NaN'),
    document(extra=',"x":Infinity'),
    document(extra=',"x":01'),
    document(extra=',"x":+1'),
    document(extra=',"x":"\\ud800"'),
    document(extra=',"x":"a\tb"'),
    document(extra=',/* c */"x":1'),
    document(with_field("expires_at_seconds", "9223372036854775808")),
    document(with_field("expires_at_seconds", "-9223372036854775809")),
    document(with_field("expires_at_seconds", "1e19")),
    document(with_field("expires_at_seconds", "null")),
    document(with_field("expires_at_seconds", '"1.5"')),
    document(with_field("expires_at_seconds", '""')),
    document(with_field("expires_at_seconds", "[1]")),
    document(with_field("token_type", '"bearer"')),
    document(with_field("token_type", "1")),
    document(with_field("refresh_token", "7")),
    document(with_field("access_token", "null")),
    document(with_field("scope", "1")),
    document(with_field("resource_server", '"other"')),
    document(SET.replace(',"scope":"s"', "")),
    document(SET.replace('"scope"', '"id_token":"x","scope"')),
    document(namespaces='{"tokens":{"rs":[]}}'),
    document(namespaces='{"tokens":[]}'),
]


@pytest.fixture(scope="module")
def frl_vault_cli() -> Optional[str]:
    """The Swift binary if there is one: the Python rules are checked either way, the agreement
    with Swift where it can be (always in the test command, which sets $FRL_VAULT_BINARY)."""
    binary, why_not = find_binary()
    if binary is None and os.environ.get("FRL_VAULT_BINARY"):
        pytest.fail(why_not)
    return str(binary) if binary else None


def seal(plaintext: bytes) -> bytes:
    keys = _format.derive(Keyfile(bytearray(KEY)), _format.KDF_KEYFILE, None, bytes(16), "v")
    return _format.seal(plaintext, keys, bytes(24), "v")


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("plaintext")
    keyfile = directory / "k"
    keyfile.write_bytes(b"frl-vault-key-v1:" + KEY.hex().encode() + b"\n")
    os.chmod(keyfile, 0o600)
    return directory


def read(place: Path, plaintext: bytes, name: str) -> None:
    vault = place / f"{name}.vault"
    vault.write_bytes(seal(plaintext))
    os.chmod(vault, 0o600)
    frl_vault.VaultTokenStorage(str(vault), keyfile=str(place / "k")).read_tokens()


def swift_accepts(binary: Optional[str], place: Path, name: str) -> Optional[bool]:
    if binary is None:
        return None
    result = subprocess.run([binary, "verify", "--vault", str(place / f"{name}.vault"), "--keyfile", str(place / "k")],
                            capture_output=True, timeout=60)
    assert result.returncode in (0, 65), result.stderr
    return result.returncode == 0


@pytest.mark.parametrize("index", range(len(ACCEPTED)))
def test_accepted(place: Path, frl_vault_cli: Optional[str], index: int) -> None:
    read(place, ACCEPTED[index].encode("utf-8", "surrogatepass"), f"accepted-{index}")
    assert swift_accepts(frl_vault_cli, place, f"accepted-{index}") in (None, True)


@pytest.mark.parametrize("index", range(len(REFUSED)))
def test_refused(place: Path, frl_vault_cli: Optional[str], index: int) -> None:
    with pytest.raises(frl_vault.InvalidTokenDataError):
        read(place, REFUSED[index].encode("utf-8", "surrogatepass"), f"refused-{index}")
    assert swift_accepts(frl_vault_cli, place, f"refused-{index}") in (None, False)


@pytest.mark.parametrize("raw", [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf"])
def test_invalid_utf8_refused(place: Path, frl_vault_cli: Optional[str], raw: bytes) -> None:
    plaintext = document().replace('"AT"', '"A' + "\x00" + 'T"').encode().replace(b"\x00", raw)
    with pytest.raises(frl_vault.InvalidTokenDataError):
        read(place, plaintext, f"utf8-{raw.hex()}")
    assert swift_accepts(frl_vault_cli, place, f"utf8-{raw.hex()}") in (None, False)


def test_depth_limit_is_exactly_32(place: Path) -> None:
    # The document is depth 0, so the member's outermost array is depth 1 and its 31st depth 31.
    read(place, document(extra=',"x":' + "[" * 31 + "]" * 31).encode(), "depth-ok")
    with pytest.raises(frl_vault.InvalidTokenDataError, match="deeper than 32"):
        read(place, document(extra=',"x":' + "[" * 32 + "]" * 32).encode(), "depth-over")
    with pytest.raises(frl_vault.InvalidTokenDataError):
        read(place, document(extra=',"x":' + "[" * 100_000 + "]" * 100_000).encode(), "depth-huge")
