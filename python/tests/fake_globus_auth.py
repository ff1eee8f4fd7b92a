"""A Globus-Auth-like server on 127.0.0.1 for tests: the native-app (PKCE) endpoints that Fair
Research Login and globus-sdk 3.x call, with real checks, over real HTTP.

    with FakeGlobusAuth() as auth:                     # or FakeGlobusAuth(client_id="...")
        os.environ["GLOBUS_SDK_SERVICE_URL_AUTH"] = auth.base_url
        ...

Endpoints:

- GET  /v2/oauth2/authorize      checks client_id, redirect_uri (a loopback http URL, or this
                                 server's /v2/web/auth-code page), response_type=code, PKCE S256
                                 challenge, state and scopes; then "consents" and answers 302 to
                                 redirect_uri?code=...&state=... (or ?error=access_denied when
                                 `consent` is False).
- GET  /v2/web/auth-code         the page a pasted-code flow lands on; shows the code.
- POST /v2/oauth2/token          grant_type=authorization_code (single-use code, same client_id and
                                 redirect_uri, SHA-256 of code_verifier equals the challenge) and
                                 grant_type=refresh_token (a live refresh token of this client;
                                 the same refresh token is returned, not rotated).
- POST /v2/oauth2/token/revoke   marks the token revoked (RFC 7009: unknown tokens are fine too).

Answers have Globus Auth's shape: the auth.globus.org token at the top level (when requested,
else the first resource server's), the other resource servers' tokens in `other_tokens`, each
with access_token, expires_in, resource_server, scope, token_type "Bearer", refresh_token (null
without access_type=offline) and state. Every request is recorded (`requests`), every token
issued is kept (`issued`), and `access_token_lifetime` sets the `expires_in` of the tokens issued
from then on (0 makes tokens that are expired on arrival).

Nothing here depends on Fair Research Login or globus-sdk, so a bug in their encoding cannot
hide behind the same bug here. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit

AUTH_RESOURCE_SERVER = "auth.globus.org"
TRANSFER_RESOURCE_SERVER = "transfer.api.globus.org"
TRANSFER_SCOPE = "urn:globus:auth:scope:transfer.api.globus.org:all"
# Globus Auth's own scopes that carry no resource server in their name.
AUTH_SCOPES = frozenset({"openid", "profile", "email"})

# A made-up native app client id (Globus client ids are UUIDs).
DEFAULT_CLIENT_ID = "5c9b0a3e-6f1d-4b7e-9a2c-1d8e4f7a6b30"

AUTHORIZE_PATH = "/v2/oauth2/authorize"
AUTH_CODE_PAGE_PATH = "/v2/web/auth-code"
TOKEN_PATH = "/v2/oauth2/token"
REVOKE_PATH = "/v2/oauth2/token/revoke"

_SCOPE_URN = re.compile(r"^urn:globus:auth:scope:([A-Za-z0-9.-]+):[A-Za-z0-9_.:-]+$")
# RFC 7636: the S256 challenge is base64url(SHA-256(verifier)) without padding, 43 characters;
# the verifier is 43-128 characters of [A-Za-z0-9-._~].
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_MAX_BODY_BYTES = 64 * 1024


def resource_server_of(scope: str) -> Optional[str]:
    """The resource server a scope belongs to, or None for a scope this server does not know."""
    if scope in AUTH_SCOPES:
        return AUTH_RESOURCE_SERVER
    match = _SCOPE_URN.match(scope)
    return match.group(1) if match else None


def s256_challenge(verifier: str) -> str:
    """RFC 7636 S256, computed here independently of globus-sdk."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived. `query` is the URL's query, `form` the urlencoded POST body."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorization: Optional[str]


@dataclass
class IssuedToken:
    """A token this server handed out."""

    value: str
    kind: Literal["access", "refresh"]
    resource_server: str
    scope: str
    # The grant that produced it: "authorization_code" or "refresh_token".
    grant_type: str
    revoked: bool = False
    # For refresh tokens: how many refresh grants spent it successfully.
    times_spent: int = 0


@dataclass
class _CodeGrant:
    client_id: str
    redirect_uri: str
    challenge: str
    scopes: list[str]
    offline: bool
    used: bool = False


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def json(status: int, document: Any) -> "_Response":
        return _Response(status, json.dumps(document, sort_keys=True).encode("utf-8"),
                         [("Content-Type", "application/json")])

    @staticmethod
    def oauth_error(code: str, description: str, status: int = 400) -> "_Response":
        return _Response.json(status, {"error": code, "error_description": description})

    @staticmethod
    def redirect(location: str) -> "_Response":
        return _Response(302, b"", [("Location", location)])


class FakeGlobusAuth:
    """The server. Start it with `start()` or `with`; it listens on 127.0.0.1 on a free port."""

    def __init__(self, client_id: str = DEFAULT_CLIENT_ID, *, access_token_lifetime: int = 3600) -> None:
        self.client_id = client_id
        # `expires_in` of every token issued from now on; tests change it to make expired tokens.
        self.access_token_lifetime = access_token_lifetime
        # False: the "user" declines at the consent page (redirect with error=access_denied).
        self.consent = True
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._issued: list[IssuedToken] = []
        self._codes: dict[str, _CodeGrant] = {}
        self._handler_errors: list[str] = []
        self._counter = 0
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "FakeGlobusAuth":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake_auth = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval: shutdown() waits for the serve loop's next poll, and the
        # default half second per test adds up.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-globus-auth", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "FakeGlobusAuth":
        return self.start()

    def __exit__(self, exc_type: Optional[type[BaseException]], exc: Optional[BaseException],
                 traceback: Optional[TracebackType]) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeGlobusAuth is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """In the form globus-sdk wants in GLOBUS_SDK_SERVICE_URL_AUTH (it slash-joins paths)."""
        return f"http://127.0.0.1:{self.port}/"

    # -- observations ----------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path == path]

    def token_requests(self, grant_type: str) -> list[RecordedRequest]:
        return [request for request in self.requests_to(TOKEN_PATH)
                if request.form.get("grant_type") == grant_type]

    @property
    def issued(self) -> list[IssuedToken]:
        with self._lock:
            return [IssuedToken(**vars(token)) for token in self._issued]

    def issued_values(self) -> set[str]:
        """Every access and refresh token value this server ever issued."""
        return {token.value for token in self.issued}

    def revoked_values(self) -> set[str]:
        return {token.value for token in self.issued if token.revoked}

    def latest_access_token(self, resource_server: str) -> str:
        tokens = [token for token in self.issued
                  if token.kind == "access" and token.resource_server == resource_server]
        if not tokens:
            raise KeyError(resource_server)
        return tokens[-1].value

    @property
    def handler_errors(self) -> list[str]:
        """Exceptions inside the request handler (a bug in this server, not in the client)."""
        with self._lock:
            return list(self._handler_errors)

    # -- request handling (called by _Handler, one thread per request) ---------------------------

    def _handle(self, method: str, target: str, body: bytes, authorization: Optional[str]) -> _Response:
        parts = urlsplit(target)
        query, query_ok = _decode_form(parts.query)
        form, form_ok = _decode_form(body.decode("utf-8", "replace")) if method == "POST" else ({}, True)
        with self._lock:
            self._requests.append(RecordedRequest(method, parts.path, query, form, authorization))
            if not (query_ok and form_ok):
                # OAuth 2.0 (RFC 6749, 3.1 and 3.2): parameters must not be repeated.
                return _Response.oauth_error("invalid_request", "a parameter was repeated or malformed")
            if method == "GET" and parts.path == AUTHORIZE_PATH:
                return self._authorize(query)
            if method == "GET" and parts.path == AUTH_CODE_PAGE_PATH:
                code = query.get("code", "")
                page = f"<html><body><p>Your authorization code: <code>{code}</code></p></body></html>"
                return _Response(200, page.encode("utf-8"), [("Content-Type", "text/html")])
            if method == "POST" and parts.path == TOKEN_PATH:
                return self._token(form)
            if method == "POST" and parts.path == REVOKE_PATH:
                return self._revoke(form)
            return _Response.json(404, {"error": "not_found"})

    def _new_value(self, prefix: str) -> str:
        # Distinctive, unguessable and URL-safe: a leak of one is unmistakable in any output.
        self._counter += 1
        return f"{prefix}-{self._counter}-{secrets.token_urlsafe(24)}"

    def _is_allowed_redirect(self, redirect_uri: str) -> bool:
        if redirect_uri == self.base_url.rstrip("/") + AUTH_CODE_PAGE_PATH:
            return True
        parts = urlsplit(redirect_uri)
        # Native apps may use any port on a loopback host (RFC 8252, 7.3), plain http.
        return (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
                and parts.port is not None and not parts.fragment and not parts.username)

    def _authorize(self, query: dict[str, str]) -> _Response:
        client_id = query.get("client_id", "")
        redirect_uri = query.get("redirect_uri", "")
        # RFC 6749, 4.1.2.1: with an unknown client or a bad redirect_uri the server must not
        # redirect; it tells the user instead.
        if client_id != self.client_id:
            return _Response.oauth_error("invalid_client", "unknown client_id")
        if not self._is_allowed_redirect(redirect_uri):
            return _Response.oauth_error("invalid_request", "redirect_uri is not allowed for this client")

        state = query.get("state", "")

        def error_redirect(code: str, description: str) -> _Response:
            separator = "&" if "?" in redirect_uri else "?"
            fields = {"error": code, "error_description": description}
            if state:
                fields["state"] = state
            return _Response.redirect(redirect_uri + separator + urlencode(fields))

        if query.get("response_type") != "code":
            return error_redirect("unsupported_response_type", "response_type must be code")
        if query.get("code_challenge_method") != "S256":
            return error_redirect("invalid_request", "code_challenge_method must be S256")
        challenge = query.get("code_challenge", "")
        if not _CHALLENGE.match(challenge):
            return error_redirect("invalid_request", "code_challenge is not an S256 challenge")
        if not state:
            return error_redirect("invalid_request", "state is missing")
        scopes = query.get("scope", "").split()
        if not scopes or any(resource_server_of(scope) is None for scope in scopes):
            return error_redirect("invalid_scope", "unknown or missing scope")
        if not self.consent:
            return error_redirect("access_denied", "the user declined")

        code = self._new_value("code")
        self._codes[code] = _CodeGrant(client_id=client_id, redirect_uri=redirect_uri,
                                       challenge=challenge, scopes=scopes,
                                       offline=query.get("access_type") == "offline")
        separator = "&" if "?" in redirect_uri else "?"
        return _Response.redirect(redirect_uri + separator + urlencode({"code": code, "state": state}))

    def _token(self, form: dict[str, str]) -> _Response:
        # A native app has no secret: it names itself with client_id in the body.
        if form.get("client_id") != self.client_id:
            return _Response.oauth_error("invalid_client", "unknown client_id", status=401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form)
        return _Response.oauth_error("unsupported_grant_type", "unsupported grant_type")

    def _exchange_code(self, form: dict[str, str]) -> _Response:
        grant = self._codes.get(form.get("code", ""))
        verifier = form.get("code_verifier", "")
        if grant is None or grant.used:
            return _Response.oauth_error("invalid_grant", "unknown or used authorization code")
        # A code is spent by the first attempt, right or wrong (RFC 6749, 4.1.2).
        grant.used = True
        if grant.client_id != form.get("client_id") or grant.redirect_uri != form.get("redirect_uri"):
            return _Response.oauth_error("invalid_grant", "client_id or redirect_uri differs from the authorization")
        if not _VERIFIER.match(verifier) or s256_challenge(verifier) != grant.challenge:
            return _Response.oauth_error("invalid_grant", "code_verifier does not match code_challenge")

        by_server: dict[str, list[str]] = {}
        for scope in grant.scopes:
            server = resource_server_of(scope)
            assert server is not None  # checked at the authorize step
            by_server.setdefault(server, []).append(scope)
        # auth.globus.org's token (if any) is the top-level one, as Globus Auth does it.
        order = sorted(by_server, key=lambda server: (server != AUTH_RESOURCE_SERVER, server))
        answers = [self._issue(server, " ".join(by_server[server]), grant.offline, "authorization_code")
                   for server in order]
        primary = answers[0]
        primary["other_tokens"] = answers[1:]
        if "openid" in grant.scopes:
            # Globus Auth sends an OpenID Connect id_token; neither FRL nor globus-sdk decodes it
            # unless asked (decode_id_token), so an opaque placeholder is enough here.
            primary["id_token"] = "fake-header.fake-payload.fake-signature"
        return _Response.json(200, primary)

    def _refresh(self, form: dict[str, str]) -> _Response:
        value = form.get("refresh_token", "")
        token = next((token for token in self._issued
                      if token.value == value and token.kind == "refresh"), None)
        if token is None or token.revoked:
            return _Response.oauth_error("invalid_grant", "unknown or revoked refresh token")
        token.times_spent += 1
        answer = self._issue(token.resource_server, token.scope, offline=False, grant_type="refresh_token")
        # Not rotated: the same refresh token stays valid (Globus Auth's default for native apps).
        answer["refresh_token"] = token.value
        answer["other_tokens"] = []
        return _Response.json(200, answer)

    def _issue(self, resource_server: str, scope: str, offline: bool, grant_type: str) -> dict[str, Any]:
        access = self._new_value(f"fake-access-{resource_server}")
        self._issued.append(IssuedToken(access, "access", resource_server, scope, grant_type))
        refresh: Optional[str] = None
        if offline:
            refresh = self._new_value(f"fake-refresh-{resource_server}")
            self._issued.append(IssuedToken(refresh, "refresh", resource_server, scope, grant_type))
        return {
            "access_token": access,
            "expires_in": self.access_token_lifetime,
            "resource_server": resource_server,
            "scope": scope,
            "token_type": "Bearer",
            "refresh_token": refresh,
            "state": "_default",
        }

    def _revoke(self, form: dict[str, str]) -> _Response:
        if form.get("client_id") != self.client_id:
            return _Response.oauth_error("invalid_client", "unknown client_id", status=401)
        value = form.get("token", "")
        if not value:
            return _Response.oauth_error("invalid_request", "token is missing")
        for token in self._issued:
            if token.value == value:
                token.revoked = True
        # RFC 7009, 2.2: 200 whether or not the token was known.
        return _Response.json(200, {"active": False})


def _decode_form(text: str) -> tuple[dict[str, str], bool]:
    """Decode application/x-www-form-urlencoded text; False when a name repeats or it is malformed."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        return {}, False
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            return fields, False
        fields[name] = value
    return fields, True


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so shutting the server down never waits on an idle
    # keep-alive connection.
    protocol_version = "HTTP/1.0"

    def _serve(self, method: str) -> None:
        fake: FakeGlobusAuth = self.server.fake_auth  # type: ignore[attr-defined]
        try:
            body = b""
            if method == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                if length > _MAX_BODY_BYTES:
                    raise ValueError("request body too large")
                body = self.rfile.read(length)
            response = fake._handle(method, self.path, body, self.headers.get("Authorization"))
        except Exception as error:  # noqa: BLE001 - recorded so the test can fail on it
            with fake._lock:
                fake._handler_errors.append(f"{method} {urlsplit(self.path).path}: {error!r}")
            response = _Response.json(500, {"error": "server_error"})
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(response.body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming convention
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        # Quiet: the tests read stderr to prove that nothing prints a token.
        return
