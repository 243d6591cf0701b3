"""Loading the .lark grammars: found beside the package when installed, or in the repo's grammars/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import ParseError
from .lalr import MAX_NESTING, Driver, SyntaxErrorAt, TooDeep

_PACKAGED = Path(__file__).resolve().parent.parent / "grammars"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / "grammars"


@cache
def grammar_text(name: str) -> str:
    for folder in (_PACKAGED, _SOURCE_TREE):
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"grammar {name} not found in {_PACKAGED} or {_SOURCE_TREE}")


def lalr(name: str, transformer: object, start: list[str]) -> Driver:
    """An LALR parser whose transformer runs while parsing: no parse tree is ever built.

    Lark compiles the grammar (its analysis cached on disk by lark: start-up matters for a CLI);
    our driver runs the tables and calls ``transformer`` (see lalr.py). Lark loads here, on first use."""
    from lark import Lark

    grammar = Lark(
        grammar_text(name), parser="lalr", lexer="contextual", start=start, maybe_placeholders=False, cache=True
    )
    return Driver(grammar, transformer)


def to_parse_error(err: SyntaxErrorAt, text: str, source: str, line0: int, what: str) -> ParseError:
    """Our error from the driver's, in the page's lines (``line0`` is the block's first line)."""
    line = text.count("\n", 0, err.pos) + line0
    column = err.pos - (text.rfind("\n", 0, err.pos) + 1) + 1
    if isinstance(err, TooDeep):
        expected = f"brackets nested at most {MAX_NESTING} deep in {what}"
        return ParseError(source, line, column, expected, f"nesting deeper than {MAX_NESTING}")
    shown = ", ".join(sorted({_TERMINAL_NAMES.get(n, n.lower()) for n in err.expected}))
    expected = f"one of {shown}" if shown else "more input"
    return ParseError(source, line, column, f"{expected} in {what}", err.found)


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
    "ENUM": "quoted values between '|'",
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
