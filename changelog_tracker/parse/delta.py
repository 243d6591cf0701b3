"""Delta summaries -> plain Python values (dict / frozenset / str / list), never via eval."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .lalr import Driver

_ESCAPE = re.compile(r"\\(.)")
# The grammar's first tokens (grammars/delta.lark): "{", then "}" or a pair (adjacent strings, ":",
# the first token of a value). A block that does not open so fails there, one bracket deep.
_STRING = r"""(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_WS = r"[ \t\f\r\n]*"  # lark's common.WS, ignored
_OPENING = re.compile(rf"\{{{_WS}(?:\}}|{_STRING}(?:{_WS}{_STRING})*{_WS}:{_WS}(?:[{{'\"[(]|set\(\)))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
Delta = dict[str, Any]  # named here: inside the transformer, `dict` is a rule method


def _unquote(token: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


class _ToValues:
    """One method per grammar rule, called with the rule's children (tokens are plain strings)."""

    def string(self, *tokens: str) -> str:
        return "".join(_unquote(t) for t in tokens)

    def pair(self, key: str, value: Any) -> tuple[str, Any]:
        return key, value

    def dict(self, *pairs: tuple[str, Any]) -> dict[str, Any]:
        return dict(pairs)

    def set(self, *values: str) -> frozenset[str]:
        return frozenset(values)

    def empty_set(self, _token: str) -> frozenset[str]:
        return frozenset()

    def list(self, *values: Any) -> list[Any]:
        return list(values)

    def parens(self, *parts: str) -> Any:
        # pprint wraps a long string as adjacent literals; () alone is the recursion marker.
        return "".join(parts) if parts else ()

    def start(self, value: Delta) -> Delta:
        return value


def may_be_delta(text: str) -> bool:
    """False where ``parse_delta`` would fail at the block's first tokens (so never as too deep): a
    page's documentation holds ``{`` blocks (JSON policies, code) that are no delta, and telling them
    apart this way needs no grammar (loading lark costs a worker 0.15 s)."""
    return _OPENING.match(text) is not None


@cache
def _parser() -> Driver:
    # lark loads when a summary is parsed, not when stored ones are read back (show, log, diff).
    from .grammar import lalr

    return lalr("delta.lark", _ToValues(), start=["start"])


def parse_delta(text: str, source: str = "<page>", line0: int = 1) -> dict[str, Any]:
    """A pprint-ed delta summary -> nested dicts, frozensets of enum values and type strings.

    >>> parse_delta("{'protocolConfiguration': {'serverProtocol': {'AGUI'}}}")
    {'protocolConfiguration': {'serverProtocol': frozenset({'AGUI'})}}
    """
    from .grammar import to_parse_error
    from .lalr import SyntaxErrorAt

    try:
        result: Delta = _parser().parse(text, "start")
    except SyntaxErrorAt as err:
        raise to_parse_error(err, text, source, line0, "the delta summary") from None
    return result


def delta_to_json(value: Any) -> Any:
    """JSON form of a parsed delta: sets become {"$set": [...]}, the recursion marker {"$recursive": true}."""
    if isinstance(value, dict):
        return {key: delta_to_json(item) for key, item in value.items()}
    if isinstance(value, frozenset):
        return {"$set": sorted(value)}
    if isinstance(value, tuple):
        return {"$recursive": True}
    if isinstance(value, list):
        return [delta_to_json(item) for item in value]
    return value


def delta_from_json(value: Any) -> Any:
    """Inverse of ``delta_to_json``."""
    if isinstance(value, dict):
        if "$set" in value:
            return frozenset(value["$set"])
        if "$recursive" in value:
            return ()
        return {key: delta_from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [delta_from_json(item) for item in value]
    return value
