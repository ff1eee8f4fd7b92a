"""A stand-in web browser for login tests: `python browser_follow.py URL`.

Python's `webbrowser` module (which Fair Research Login's code handlers call) runs the command
in $BROWSER with the URL in place of %s, so a test sets

    BROWSER="<python> <this file> %s"

and the "user" then does what a real browser does with a login URL: GET the authorize URL on the
(fake) auth server, take its 302 redirect, and GET the redirect target, which is FRL's local
server on localhost carrying `code` and `state`. Then it exits 0.

Only loopback http URLs are fetched, and never through a proxy (http.client directly, so
$http_proxy is not consulted).

If anything goes wrong it says so on stderr and, so that the login fails at once instead of
waiting for the local server's one-hour timeout, delivers `error=...` to the redirect_uri named
in the authorize URL (the way an auth server reports a failure), then exits 1.

Standard library only; it prints nothing on success, and never a code or a URL.
"""

from __future__ import annotations

import http.client
import sys
from typing import Optional
from urllib.parse import parse_qsl, urlencode, urlsplit

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_TIMEOUT_SECONDS = 10.0


class FollowError(Exception):
    pass


def fetch(url: str) -> tuple[int, Optional[str]]:
    """GET a loopback http URL without following redirects: (status, Location header)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS:
        raise FollowError(f"refusing to fetch a non-loopback URL (scheme {parts.scheme!r}, host {parts.hostname!r})")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # "localhost" may resolve to ::1 first while FRL listens on 0.0.0.0 only; http.client tries
    # every address getaddrinfo returns, so it falls through to 127.0.0.1.
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=_TIMEOUT_SECONDS)
    try:
        connection.request("GET", target, headers={"User-Agent": "browser_follow (frl-vault tests)"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def follow(authorize_url: str) -> None:
    status, location = fetch(authorize_url)
    if status != 302 or not location:
        raise FollowError(f"the authorize URL answered {status}, not a 302 redirect")
    redirect_query = dict(parse_qsl(urlsplit(location).query))
    if "error" not in redirect_query and not ("code" in redirect_query and "state" in redirect_query):
        raise FollowError("the redirect carries neither code and state nor an error")
    status, _ = fetch(location)
    if status != 200:
        raise FollowError(f"the local server answered the redirect with {status}")


def report_failure_to_redirect_uri(authorize_url: str, reason: str) -> None:
    """Best effort: end the waiting local server with an OAuth-style error."""
    redirect_uri = dict(parse_qsl(urlsplit(authorize_url).query)).get("redirect_uri")
    if not redirect_uri:
        return
    separator = "&" if "?" in redirect_uri else "?"
    error = urlencode({"error": "browser_follow_failed", "error_description": reason})
    try:
        fetch(redirect_uri + separator + error)
    except (OSError, FollowError, http.client.HTTPException):
        pass


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: browser_follow.py URL", file=sys.stderr)
        return 2
    url = argv[1]
    try:
        follow(url)
    except (OSError, FollowError, http.client.HTTPException) as error:
        reason = f"browser_follow: {error}"
        print(reason, file=sys.stderr)
        report_failure_to_redirect_uri(url, reason)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
