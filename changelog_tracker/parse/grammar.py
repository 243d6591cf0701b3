"""Loading the .lark grammars: found beside the package when installed, or in the repo's grammars/."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..errors import ParseError

_PACKAGED = Path(__file__).resolve().parent.parent / "grammars"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "grammars"


@cache
def grammar_text(name: str) -> str:
    for folder in (_PACKAGED, _SOURCE_TREE):
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"grammar {name} not found in {_PACKAGED} or {_SOURCE_TREE}")


def lalr(name: str, transformer: Transformer[Any, Any], start: list[str]) -> Lark:
    """An LALR parser whose transformer runs while parsing: no parse tree is ever built."""
    return Lark(
        grammar_text(name),
        parser="lalr",
        lexer="contextual",
        transformer=transformer,
        start=start,
        maybe_placeholders=False,
    )


def describe_expected(err: UnexpectedInput) -> str:
    if isinstance(err, UnexpectedToken):
        names = sorted(err.accepts or err.expected)
    elif isinstance(err, UnexpectedCharacters):
        names = sorted(err.allowed or ())
    else:
        names = sorted(getattr(err, "expected", ()) or ())
    shown = ", ".join(sorted({_TERMINAL_NAMES.get(n, n.lower()) for n in names}))
    return f"one of {shown}" if shown else "more input"


def to_parse_error(err: UnexpectedInput, text: str, source: str, line0: int, what: str) -> ParseError:
    """Our error from lark's, shifted to the page's line numbers (``line0`` is the block's first line)."""
    line = (getattr(err, "line", 1) or 1) + line0 - 1
    column = getattr(err, "column", 1) or 1
    if isinstance(err, UnexpectedEOF):
        found = "end of block"
    elif isinstance(err, UnexpectedToken):
        found = str(err.token)
    else:
        pos = getattr(err, "pos_in_stream", 0) or 0
        found = text[pos : pos + 20]
    return ParseError(source, line, column, f"{describe_expected(err)} in {what}", found)


_TERMINAL_NAMES = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "COLON": "':'",
    "EQUAL": "'='",
    "VBAR": "'|'",
    "STRING": "a quoted string",
    "METHOD": "a name",
    "ARG": "a parameter name and '='",
    "KEY": "a quoted member name and ':'",
    "INTEGER": "123",
    "DOUBLE": "123.0",
    "ELLIPSIS": "...",
    "BOOLEAN": "True|False",
    "DATETIME": "datetime(2015, 1, 1)",
    "BYTES": "b'bytes'",
    "STREAMING_INPUT": "b'bytes'|file",
    "STREAMING_OUTPUT": "StreamingBody()",
    "DOCUMENT": "{...}|[...]|123|123.4|'string'|True|None",
    "RECURSIVE": "{'... recursive ...'}",
    "OPAQUE_STRUCTURE": "{...}",
    "EVENTSTREAM": "EventStream(",
    "EMPTY_SET": "set()",
    "$END": "the end",
}
