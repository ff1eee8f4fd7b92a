"""The plaintext document (SECURITY.md section 5): strict JSON in, token maps out, and the
writer's exact bytes back. Python's own `json` does the parsing; what RFC 8259 and section 5
forbid and `json.loads` allows (NaN and Infinity, repeated member names, lone surrogate
escapes, nesting beyond 32) is refused here."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple, Union

from ._tokens import TokenMap, clean_token_map, name_key
from .errors import InvalidTokenDataError

DOCUMENT_VERSION = 1
MAXIMUM_DEPTH = 32  # containers at depth 32 or more are refused; the document is depth 0

Namespaces = Dict[str, TokenMap]


class _Refusal(Exception):
    """A rule broken while `json` runs one of our hooks; becomes InvalidTokenDataError."""


def _no_constants(name: str) -> Any:
    raise _Refusal(f"not valid JSON ({name} is not a JSON number)")


def _unique_ascii_members(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Refusal("duplicate member name")
    return members


def _unique_members(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    # Names are compared under canonical equivalence: "é" and "e" + U+0301 are one name.
    members = _unique_ascii_members(pairs)
    if len({name_key(name) for name in members}) != len(members):
        raise _Refusal("duplicate member name (canonically equivalent)")
    return members


def _wide_int(text: str) -> Any:
    # Python refuses to convert integers of more than 4300 digits; such a literal is out of
    # every range the document checks, so it is kept as an infinity, as the Swift reader does.
    if len(text) > 4000:
        return float("-inf") if text.startswith("-") else float("inf")
    return int(text)


def parse(plaintext: Union[bytes, memoryview], path: str) -> Namespaces:
    """Step 10 of section 4: the JSON document, every token set validated."""
    try:
        text = str(plaintext, "utf-8")
    except UnicodeDecodeError:
        raise InvalidTokenDataError(path, "the document is not valid UTF-8") from None
    hook = _unique_ascii_members if text.isascii() else _unique_members
    try:
        try:
            document = json.loads(text, object_pairs_hook=hook, parse_constant=_no_constants)
        except ValueError as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            document = json.loads(
                text, object_pairs_hook=hook, parse_constant=_no_constants, parse_int=_wide_int)
        if "\\u" in text:
            _refuse_lone_surrogates(document)
    except json.JSONDecodeError as error:
        raise InvalidTokenDataError(path, f"not valid JSON ({error.msg} at byte {_offset(text, error.pos)})") from None
    except RecursionError:
        raise InvalidTokenDataError(path, f"the plaintext nests deeper than {MAXIMUM_DEPTH} levels") from None
    except _Refusal as refusal:
        raise InvalidTokenDataError(path, str(refusal)) from None
    return _namespaces(document, path)


def _offset(text: str, position: int) -> int:
    return len(text[:position].encode("utf-8"))


def _namespaces(document: Any, path: str) -> Namespaces:
    if type(document) is not dict:
        raise InvalidTokenDataError(path, "the document is not a JSON object")
    version = document.get("frl_vault")
    if type(version) is not int or version != DOCUMENT_VERSION:
        if type(version) is int:
            raise InvalidTokenDataError(path, f"plaintext version {version} is not 1")
        raise InvalidTokenDataError(path, "frl_vault must be the integer 1")
    namespaces = document.get("namespaces")
    if type(namespaces) is not dict:
        raise InvalidTokenDataError(path, "namespaces is missing or not an object")
    for name, value in document.items():
        if name not in ("frl_vault", "namespaces"):
            _check_depth(value, 1, path)
    result: Namespaces = {}
    for name, tokens in namespaces.items():
        if type(tokens) is not dict:
            raise InvalidTokenDataError(path, f"namespace {name!r} is not an object")
        result[name] = clean_token_map(tokens, path)
    return result


def _check_depth(value: Any, depth: int, path: str) -> None:
    """Only members the reader ignores can nest deep without breaking another rule first."""
    pending = [(value, depth)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, (dict, list)):
            if level >= MAXIMUM_DEPTH:
                raise InvalidTokenDataError(path, f"the plaintext nests deeper than {MAXIMUM_DEPTH} levels")
            children = current.values() if isinstance(current, dict) else current
            pending.extend((child, level + 1) for child in children)


def _refuse_lone_surrogates(document: Any) -> None:
    # `json` decodes "\ud800" alone to a lone surrogate; escapes are rare, so only documents
    # that have one pay for this walk.
    pending = [document]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            strings = [current]
        elif isinstance(current, dict):
            strings = list(current)
            pending.extend(current.values())
        elif isinstance(current, list):
            strings = []
            pending.extend(current)
        else:
            continue
        for string in strings:
            try:
                string.encode("utf-8")
            except UnicodeEncodeError:
                raise _Refusal("not valid JSON (an unpaired surrogate escape)") from None


def encode(namespaces: Namespaces, path: str) -> bytes:
    """The writer's exact bytes (section 5): compact, keys in code-point order, only the
    bytes below 0x20, '"' and '\\' escaped. Token maps must already be clean."""
    document = {"frl_vault": DOCUMENT_VERSION, "namespaces": namespaces}
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidTokenDataError(path, "a string holds an unpaired surrogate, which UTF-8 cannot encode") from None

