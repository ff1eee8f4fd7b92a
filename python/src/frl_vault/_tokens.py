"""Token sets as Fair Research Login's `verify_token_group` accepts them, with the stricter
rules SECURITY.md section 5 adds (expiries in 64 bits, each set filed under its own resource
server). The same rules apply to what is read and to what is given to write, so a vault that
was written can always be read."""

from __future__ import annotations

import unicodedata
from typing import Any, Dict, Mapping

from .errors import InvalidTokenDataError

TokenSet = Dict[str, Any]
TokenMap = Dict[str, TokenSet]

TOKEN_KEYS = frozenset(
    ("access_token", "refresh_token", "expires_at_seconds", "scope", "token_type", "resource_server"))
REQUIRED_KEYS = frozenset(("access_token", "expires_at_seconds", "scope", "resource_server"))
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


def name_key(name: str) -> str:
    """The form in which two names compare equal exactly when they are canonically equivalent."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def clean_token_map(tokens: Any, path: str) -> TokenMap:
    """Every set validated and in its clean form (all six keys); `tokens` maps resource
    servers to sets."""
    if not isinstance(tokens, Mapping):
        raise InvalidTokenDataError(path, "a token map must be a dict of token sets")
    cleaned: TokenMap = {}
    ascii_only = True
    for server, token_set in tokens.items():
        if type(server) is not str:
            raise InvalidTokenDataError(path, "a resource server name must be a string")
        cleaned[server] = _clean_set(token_set, server, path)
        ascii_only = ascii_only and server.isascii()
    if not ascii_only and len({name_key(server) for server in cleaned}) != len(cleaned):
        raise InvalidTokenDataError(path, "two resource server names are canonically equivalent")
    return cleaned


def _clean_set(token_set: Any, server: str, path: str) -> TokenSet:
    # The common case, a set exactly as this library writes it, is checked in one pass and
    # kept as it is: every map read from a vault goes through here.
    if (type(token_set) is dict and token_set.keys() == TOKEN_KEYS
            and type(token_set["access_token"]) is str and type(token_set["scope"]) is str
            and token_set["resource_server"] == server and token_set["token_type"] == "Bearer"
            and type(token_set["expires_at_seconds"]) is int
            and INT64_MIN <= token_set["expires_at_seconds"] <= INT64_MAX):
        refresh = token_set["refresh_token"]
        if refresh is None or (type(refresh) is str and refresh):
            return token_set
    return _clean_set_in_full(token_set, server, path)


def _clean_set_in_full(token_set: Any, server: str, path: str) -> TokenSet:
    where = f"token set {server!r}"
    if not isinstance(token_set, Mapping):
        raise InvalidTokenDataError(path, f"{where} is not an object (not_dict)")
    keys = set(token_set)
    if not keys <= TOKEN_KEYS:
        unexpected = ", ".join(sorted(str(key) for key in keys - TOKEN_KEYS))
        raise InvalidTokenDataError(path, f"{where} has unexpected keys: {unexpected} (unexpected_values)")
    if not keys >= REQUIRED_KEYS:
        missing = ", ".join(sorted(REQUIRED_KEYS - keys))
        raise InvalidTokenDataError(path, f"{where} is missing {missing} (missing_required)")
    for key in ("access_token", "scope", "resource_server"):
        if not isinstance(token_set[key], str):
            raise InvalidTokenDataError(path, f"{where}: {key} must be a string (invalid_type)")
    token_type = token_set.get("token_type")
    if token_type and token_type != "Bearer":
        raise InvalidTokenDataError(path, f'{where}: token_type must be "Bearer" (invalid_token_type)')
    refresh = token_set.get("refresh_token")
    if refresh and not isinstance(refresh, str):
        raise InvalidTokenDataError(path, f"{where}: refresh_token must be a string or falsy (invalid_type)")
    expires = _expiry(token_set["expires_at_seconds"], where, path)
    resource_server = str(token_set["resource_server"])
    if name_key(resource_server) != name_key(server):
        raise InvalidTokenDataError(path, f"{where} names another resource_server")
    return {
        "scope": str(token_set["scope"]),
        "access_token": str(token_set["access_token"]),
        "refresh_token": str(refresh) if refresh else None,
        "token_type": "Bearer",
        "expires_at_seconds": expires,
        "resource_server": resource_server,
    }


def _expiry(value: Any, where: str, path: str) -> int:
    """What Python's int() makes of it, if that fits in 64 bits (never rounded into range)."""
    try:
        seconds = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidTokenDataError(path, f"{where}: expires_at_seconds must be an integer (invalid_type)") from None
    if not INT64_MIN <= seconds <= INT64_MAX:
        raise InvalidTokenDataError(path, f"{where}: expires_at_seconds is outside the 64-bit range")
    return seconds


def tokens_leave(before: TokenMap, after: TokenMap) -> bool:
    """Whether a token held before is gone after: a set removed, or its access or refresh
    token replaced. Such a write overwrites the replaced file (SECURITY.md section 10)."""
    for server, old in before.items():
        new = after.get(server)
        if new is None or new["access_token"] != old["access_token"] or new["refresh_token"] != old["refresh_token"]:
            return True
    return False
