"""End to end: the real Fair Research Login (PyPI fair-research-login 0.3.1, unmodified, on
globus-sdk 3.x) keeps its tokens in frl_vault.VaultTokenStorage, against a Globus-Auth-like
server on 127.0.0.1 over real HTTP, and the Swift `frl-vault` CLI reads what it wrote.

The login is FRL's own flow, nothing stubbed: NativeClient.login() starts FRL's
LocalServerCodeHandler (its default first code handler), which calls webbrowser.open(); $BROWSER
runs browser_follow.py, which GETs the authorize URL on the fake server, follows its 302 to FRL's
local server on localhost with code and state, and exits; FRL then exchanges the code (PKCE
verifier checked by the server) and saves the tokens in the vault.

Every test runs twice: a keyfile vault (default namespace) and a passphrase vault (a
zero-argument callable passphrase, kdf="interactive" for speed, the client id as namespace).
Tests that need the CLI skip when no frl-vault binary is found (see conftest.frl_vault_binary).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Optional, Union

import pytest

# The package under test lives in python/src; make it importable without an install.
_SRC = Path(__file__).resolve().parents[1] / "src"
if str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

import frl_vault  # noqa: E402
from fair_research_login import NativeClient  # noqa: E402
from fake_globus_auth import (  # noqa: E402
    AUTH_RESOURCE_SERVER,
    AUTHORIZE_PATH,
    DEFAULT_CLIENT_ID,
    REVOKE_PATH,
    TRANSFER_RESOURCE_SERVER,
    TRANSFER_SCOPE,
    FakeGlobusAuth,
)

TokenMap = dict[str, dict[str, Any]]

# Every test logs in through the browser stand-in (conftest.browser_follows_redirects).
pytestmark = pytest.mark.usefixtures("browser_follows_redirects")

REQUESTED_SCOPES = ["openid", "profile", "email", TRANSFER_SCOPE]
BOTH_SERVERS = {AUTH_RESOURCE_SERVER, TRANSFER_RESOURCE_SERVER}
PASSPHRASE = b"correct horse battery staple / frl-vault end to end"
APP_NAME = "frl-vault end-to-end test"
REDACTED = "[redacted]"
# frl-vault's status when the vault (or another input) is missing (sysexits EX_NOINPUT).
CLI_STATUS_MISSING = 66
# A login that has not finished by then is stuck (FRL's local server would wait an hour).
LOGIN_DEADLINE_SECONDS = 30
FRESH_LIFETIME_SECONDS = 3600


# -- the vault under test --------------------------------------------------------------------


@dataclass(frozen=True)
class VaultUnderTest:
    kind: str  # "keyfile" or "passphrase"
    path: Path
    # None: VaultTokenStorage's default namespace ("tokens"), not passed at all.
    namespace: Optional[str]
    keyfile: Optional[Path]
    passphrase_file: Optional[Path]

    @property
    def cli_namespace(self) -> str:
        return self.namespace or "tokens"

    def storage(self) -> frl_vault.VaultTokenStorage:
        """A new storage object each time, so every read really goes to the file."""
        options: dict[str, Any] = {}
        if self.namespace is not None:
            options["namespace"] = self.namespace
        if self.keyfile is not None:
            options["keyfile"] = str(self.keyfile)
        else:
            # The callable form: the passphrase is fetched only when the key is needed.
            options["passphrase"] = lambda: PASSPHRASE
            options["kdf"] = "interactive"
        return frl_vault.VaultTokenStorage(str(self.path), **options)

    def cli_arguments(self) -> list[str]:
        key = (["--keyfile", str(self.keyfile)] if self.keyfile is not None
               else ["--passphrase-file", str(self.passphrase_file)])
        return ["--vault", str(self.path), *key]

    def key_secrets(self) -> set[str]:
        return {PASSPHRASE.decode()} if self.kind == "passphrase" else set()


@pytest.fixture(params=["keyfile", "passphrase"])
def vault(request: pytest.FixtureRequest, tmp_path: Path) -> VaultUnderTest:
    # The key material lives away from the vault's directory (README: whoever has both has the
    # tokens), which also lets the tests check that the vault's directory holds nothing else.
    vault_dir = tmp_path / "vault"
    keys_dir = tmp_path / "keys"
    vault_dir.mkdir(mode=0o700)
    keys_dir.mkdir(mode=0o700)
    vault_path = vault_dir / "tokens.vault"
    if request.param == "keyfile":
        keyfile = keys_dir / "vault.key"
        frl_vault.generate_keyfile(str(keyfile))
        assert stat.S_IMODE(keyfile.stat().st_mode) == 0o600
        return VaultUnderTest("keyfile", vault_path, None, keyfile, None)
    # The CLI reads the passphrase's first line from a 0600 file.
    passphrase_file = keys_dir / "passphrase"
    descriptor = os.open(passphrase_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(PASSPHRASE + b"\n")
    # One namespace per client, as README's NativeLogin example does (fake_auth's client id).
    return VaultUnderTest("passphrase", vault_path, DEFAULT_CLIENT_ID, None, passphrase_file)


# -- helpers ---------------------------------------------------------------------------------


@contextmanager
def deadline(seconds: int, what: str) -> Iterator[None]:
    """Fail instead of hanging: FRL's local server waits up to an hour for the redirect. SIGALRM
    interrupts the main thread's wait (pytest runs tests on the main thread)."""

    def expire(signum: int, frame: Optional[FrameType]) -> None:
        raise TimeoutError(f"{what} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def native_client(vault: VaultUnderTest, auth: FakeGlobusAuth) -> NativeClient:
    """A new FRL client on a new storage object, as a new process would make them."""
    return NativeClient(client_id=auth.client_id, app_name=APP_NAME, token_storage=vault.storage())


def login_through_browser(vault: VaultUnderTest, auth: FakeGlobusAuth) -> TokenMap:
    client = native_client(vault, auth)
    with deadline(LOGIN_DEADLINE_SECONDS, "NativeClient.login"):
        tokens = client.login(requested_scopes=REQUESTED_SCOPES, refresh_tokens=True)
    return {server: dict(token_set) for server, token_set in tokens.items()}


def token_values(tokens: TokenMap) -> set[str]:
    return {value for token_set in tokens.values()
            for value in (token_set["access_token"], token_set["refresh_token"]) if value}


def secrets_of(vault: VaultUnderTest, auth: FakeGlobusAuth) -> set[str]:
    """Everything that must never appear in clear: every token the server ever issued (also
    those since replaced by a refresh or revoked) and the passphrase."""
    return auth.issued_values() | vault.key_secrets()


def assert_no_secret_in(text: Union[str, bytes], secrets: Iterable[str], where: str) -> None:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    # Only a count reaches the report: pytest would print a list of the leaked values.
    leaked = sum(1 for secret in secrets if secret.encode() in data)
    assert leaked == 0, f"{leaked} secret value(s) in clear in {where}"


def assert_no_plaintext_in_vault_dir(vault: VaultUnderTest, secrets: Iterable[str]) -> None:
    """grep every file next to the vault (the vault, its lock file, any temp file) for them."""
    secret_list = list(secrets)
    for entry in vault.path.parent.iterdir():
        if entry.is_file():
            assert_no_secret_in(entry.read_bytes(), secret_list, f"file {entry.name}")


def assert_outputs_hold_no_secret(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
                                  secrets: Iterable[str]) -> None:
    """stdout and stderr at the file-descriptor level (so browser_follow.py's and FRL's output
    count too) and everything frl_vault logged."""
    secret_list = list(secrets)
    out, err = capfd.readouterr()
    assert_no_secret_in(out, secret_list, "stdout")
    assert_no_secret_in(err, secret_list, "stderr")
    assert_no_secret_in(caplog.text, secret_list, "the frl_vault log")


def run_cli(binary: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # No FRL_VAULT_* variable may choose a key or vault behind the test's back; stdin is not a
    # terminal, so the CLI never prompts.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("FRL_VAULT")}
    return subprocess.run([str(binary), *arguments], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=environment, timeout=60, check=False)


def expire_in_vault(vault: VaultUnderTest, tokens: TokenMap, server: str) -> TokenMap:
    """Rewrite one resource server's expiry into the past through the storage's own write."""
    stale = copy.deepcopy(tokens)
    stale[server]["expires_at_seconds"] = int(time.time()) - 600
    vault.storage().write_tokens(stale)
    return stale


@pytest.fixture(autouse=True)
def _log_frl_vault(caplog: pytest.LogCaptureFixture) -> None:
    # Capture everything the package logs, down to DEBUG, so the leak checks see it.
    caplog.set_level(logging.DEBUG, logger="frl_vault")


# -- 1. login ----------------------------------------------------------------------------------


def test_login_through_the_local_server_saves_the_tokens_in_the_vault(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    tokens = login_through_browser(vault, fake_auth)

    assert set(tokens) == BOTH_SERVERS
    # One authorize round trip, made by FRL's LocalServerCodeHandler: the redirect_uri is its
    # local server (http://localhost:PORT), and globus-sdk asked for PKCE S256 and refresh tokens.
    (authorize,) = fake_auth.requests_to(AUTHORIZE_PATH)
    assert authorize.query["client_id"] == fake_auth.client_id
    assert re.fullmatch(r"http://localhost:\d+", authorize.query["redirect_uri"])
    assert authorize.query["code_challenge_method"] == "S256"
    assert authorize.query["access_type"] == "offline"
    assert set(authorize.query["scope"].split()) == set(REQUESTED_SCOPES)
    # ... and one code exchange, for that redirect_uri; the server checked the verifier.
    (exchange,) = fake_auth.token_requests("authorization_code")
    assert exchange.form["redirect_uri"] == authorize.query["redirect_uri"]
    assert exchange.form["client_id"] == fake_auth.client_id
    assert fake_auth.token_requests("refresh_token") == []
    assert fake_auth.requests_to(REVOKE_PATH) == []

    issued_refresh = {token.value for token in fake_auth.issued if token.kind == "refresh"}
    for server, token_set in tokens.items():
        assert token_set["resource_server"] == server
        assert token_set["access_token"] == fake_auth.latest_access_token(server)
        assert token_set["refresh_token"] in issued_refresh
        assert token_set["expires_at_seconds"] > time.time() + FRESH_LIFETIME_SECONDS - 60
    assert set(tokens[AUTH_RESOURCE_SERVER]["scope"].split()) == {"openid", "profile", "email"}
    assert tokens[TRANSFER_RESOURCE_SERVER]["scope"] == TRANSFER_SCOPE

    # The tokens are in the vault: a new storage object reads back exactly what login returned.
    assert vault.storage().read_tokens() == tokens
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    assert_no_plaintext_in_vault_dir(vault, secrets_of(vault, fake_auth))
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))


def test_frl_vault_cli_reads_what_frl_saved_and_refreshed(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth, frl_vault_binary: Path,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    tokens = login_through_browser(vault, fake_auth)
    secrets = secrets_of(vault, fake_auth)

    # `show` lists both resource servers and redacts every token value.
    shown = run_cli(frl_vault_binary, "show", *vault.cli_arguments())
    assert shown.returncode == 0, shown.stderr
    for server in BOTH_SERVERS:
        assert server in shown.stdout
    assert REDACTED in shown.stdout
    assert_no_secret_in(shown.stdout + shown.stderr, secrets, "frl-vault show")

    # `show --json`: the same token sets, field for field, with the values redacted.
    shown_json = run_cli(frl_vault_binary, "show", "--json", *vault.cli_arguments())
    assert shown_json.returncode == 0, shown_json.stderr
    assert_no_secret_in(shown_json.stdout + shown_json.stderr, secrets, "frl-vault show --json")
    document = json.loads(shown_json.stdout)
    assert document["revealed"] is False
    assert set(document["namespaces"]) == {vault.cli_namespace}
    assert document["namespaces"][vault.cli_namespace] == {
        server: {**token_set, "access_token": REDACTED, "refresh_token": REDACTED}
        for server, token_set in tokens.items()
    }

    # `export` (in clear, by design) decrypts to exactly the token map FRL saved, so the Swift
    # reader and the Python writer agree on every byte that matters.
    exported = run_cli(frl_vault_binary, "export", *vault.cli_arguments(), "--namespace", vault.cli_namespace)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == tokens

    verified = run_cli(frl_vault_binary, "verify", *vault.cli_arguments())
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("ok: "), verified.stdout

    # After a refresh (which rewrites the vault, replacing a token) the CLI still opens it and
    # sees the new access token.
    expire_in_vault(vault, tokens, TRANSFER_RESOURCE_SERVER)
    refreshed = native_client(vault, fake_auth).load_tokens()
    assert refreshed[TRANSFER_RESOURCE_SERVER]["access_token"] == fake_auth.latest_access_token(TRANSFER_RESOURCE_SERVER)
    exported = run_cli(frl_vault_binary, "export", *vault.cli_arguments(), "--namespace", vault.cli_namespace)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) == refreshed

    assert_no_plaintext_in_vault_dir(vault, secrets_of(vault, fake_auth))
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))


# -- 2. loading --------------------------------------------------------------------------------


def test_load_tokens_returns_the_saved_tokens_without_any_request(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    tokens = login_through_browser(vault, fake_auth)
    requests_after_login = len(fake_auth.requests)

    assert native_client(vault, fake_auth).load_tokens() == tokens
    assert native_client(vault, fake_auth).load_tokens(requested_scopes=[TRANSFER_SCOPE]) == {
        TRANSFER_RESOURCE_SERVER: tokens[TRANSFER_RESOURCE_SERVER]}
    # login() with valid saved tokens returns them: no browser, no authorize, no exchange.
    with deadline(LOGIN_DEADLINE_SECONDS, "NativeClient.login with saved tokens"):
        again = native_client(vault, fake_auth).login(requested_scopes=REQUESTED_SCOPES, refresh_tokens=True)
    assert again == tokens

    assert len(fake_auth.requests) == requests_after_login
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))


@pytest.mark.parametrize("how_expired", ["issued-expired", "transfer-expired-in-vault"])
def test_load_tokens_refreshes_each_expired_resource_server_once_and_saves_the_result(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth, how_expired: str,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    if how_expired == "issued-expired":
        # The server hands out tokens with expires_in 0: expired on arrival (FRL's is_expired is
        # now >= expires_at_seconds). Refreshes after that get normal lifetimes.
        fake_auth.access_token_lifetime = 0
        tokens = login_through_browser(vault, fake_auth)
        fake_auth.access_token_lifetime = FRESH_LIFETIME_SECONDS
        expired = set(BOTH_SERVERS)
    else:
        tokens = expire_in_vault(vault, login_through_browser(vault, fake_auth), TRANSFER_RESOURCE_SERVER)
        expired = {TRANSFER_RESOURCE_SERVER}
    assert vault.storage().read_tokens() == tokens
    requests_before = len(fake_auth.requests)

    loaded = native_client(vault, fake_auth).load_tokens()

    # Exactly one refresh grant per expired resource server, each spending that server's
    # refresh token, and no other request at all.
    refreshes = fake_auth.token_requests("refresh_token")
    assert sorted(request.form["refresh_token"] for request in refreshes) == sorted(
        tokens[server]["refresh_token"] for server in expired)
    assert all(request.form["client_id"] == fake_auth.client_id for request in refreshes)
    assert len(fake_auth.requests) == requests_before + len(expired)

    assert set(loaded) == BOTH_SERVERS
    for server in BOTH_SERVERS:
        if server in expired:
            assert loaded[server]["access_token"] == fake_auth.latest_access_token(server)
            assert loaded[server]["access_token"] != tokens[server]["access_token"]
            assert loaded[server]["expires_at_seconds"] > time.time() + FRESH_LIFETIME_SECONDS - 60
            assert loaded[server]["refresh_token"] == tokens[server]["refresh_token"]
            assert loaded[server]["scope"] == tokens[server]["scope"]
        else:
            assert loaded[server] == tokens[server]

    # The refreshed tokens were saved in the vault: a new storage reads them, and a new client
    # loads them with no further request.
    assert vault.storage().read_tokens() == loaded
    assert native_client(vault, fake_auth).load_tokens() == loaded
    assert len(fake_auth.requests) == requests_before + len(expired)

    # Neither the new tokens nor the replaced ones are in clear anywhere.
    assert_no_plaintext_in_vault_dir(vault, secrets_of(vault, fake_auth))
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))


# -- 3. logout ---------------------------------------------------------------------------------


def test_logout_revokes_every_token_and_securely_clears_the_vault(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    login_through_browser(vault, fake_auth)
    saved = vault.storage().read_tokens()
    assert set(saved) == BOTH_SERVERS

    native_client(vault, fake_auth).logout()

    # Each access and refresh token of each resource server revoked exactly once, by this client.
    revocations = fake_auth.requests_to(REVOKE_PATH)
    assert sorted(request.form["token"] for request in revocations) == sorted(token_values(saved))
    assert all(request.form["client_id"] == fake_auth.client_id for request in revocations)
    assert fake_auth.revoked_values() == token_values(saved)

    # Cleared: nothing to read, and since no other namespace held tokens the vault is gone,
    # with its lock file and any wipe leftovers (SECURITY.md section 10); reading creates nothing.
    assert vault.storage().read_tokens() == {}
    assert not vault.path.exists()
    assert sorted(entry.name for entry in vault.path.parent.iterdir()) == []
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))


def test_frl_vault_cli_reports_no_vault_after_logout(
        vault: VaultUnderTest, fake_auth: FakeGlobusAuth, frl_vault_binary: Path,
        capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    login_through_browser(vault, fake_auth)
    native_client(vault, fake_auth).logout()

    shown = run_cli(frl_vault_binary, "show", *vault.cli_arguments())
    assert shown.returncode == CLI_STATUS_MISSING, (shown.returncode, shown.stderr)
    assert "no such vault" in shown.stderr
    assert shown.stdout == ""
    assert_no_secret_in(shown.stdout + shown.stderr, secrets_of(vault, fake_auth), "frl-vault show")
    assert_outputs_hold_no_secret(capfd, caplog, secrets_of(vault, fake_auth))
