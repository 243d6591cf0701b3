"""A fast path for syntax blocks: one regex pass rewrites the block as JSON, CPython's C JSON
parser builds its nesting, and a hook per object makes the shapes.

The grammar (grammars/syntax.lark, parse/syntax.py) stays the specification: this path accepts
only what the grammar reads the same way, and answers None for anything else (a bad block, a
quote or backslash JSON would need escaped, nesting too deep), so the grammar reads it and says
exactly where it is wrong. The LALR loop spends several Python steps per token; here a token is
one regex match and one small call, and brackets cost nothing in Python.

The rewriting is context-free where the grammar's lexer is contextual, so each token is written
so that JSON only accepts it where the grammar does: a member name keeps its ``:`` (JSON keys
must have one, values must not), a request argument's name is marked (only the request's own
object may hold them, counted), a list's ``, ]`` becomes ``, 0]`` (JSON numbers come from nowhere
else, so a list is exactly ``[value, 0]``), and every other token the grammar knows becomes a
marked JSON string. Whitespace outside the grammar's (``\\f`` aside, JSON's) and every other
character is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure
from .lalr import MAX_NESTING

SDK_UNKNOWN_MEMBER = "SDK_UNKNOWN_MEMBER"  # botocore's placeholder member of a tagged union
_ENUM, _ARG, _STREAM = "\x01", "\x03", "\x04"  # JSON string prefixes: never in a block we read
_MARKERS = ("\x01", "\x02", "\x03", "\x04", '"', "\\")  # in the block: the grammar reads it
_WS = r"[ \t\f\r\n]*+"  # the grammar's ignored whitespace (lark's common.WS)
# The grammar's terminals (lark tries ENUM, then KEY, then STRING: here one scan of the quotes),
# the most frequent first, a KEY and its STRING value as one; any other character is BAD.
_TOKEN = re.compile(
    _WS
    + r"""(?:
  '(?P<NAME>[^'\n]*)'\s*:"""
    + _WS
    + r"""'(?P<PAIR>[^'\n]*)'(?!\s*\|)
| '(?P<QUOTED>[^'\n]*)'(?:(?P<KEY>\s*:)|(?P<ENUM>(?:\s*\|\s*'[^'\n]*')+))?
| (?P<CLOSE>\})
| (?P<LIST_END>,"""
    + _WS
    + r"""\])
| (?P<COMMA>,)
| \{(?:\.\.\.\}(?:(?P<DOCUMENT>\|\[\.\.\.\]\|123\|123\.4\|'string'\|True\|None)|(?P<OPAQUE_STRUCTURE>))
     | (?P<RECURSIVE>'\.\.\.[ ]recursive[ ]\.\.\.'\})
     | (?P<LBRACE>))
| (?P<LSQB>\[)
| (?P<STREAMING_INPUT>b'bytes'\|file)
| (?P<BYTES>b'bytes')
| (?P<DOUBLE>123\.0)
| (?P<INTEGER>123)
| (?P<ELLIPSIS>\.\.\.)
| (?P<BOOLEAN>True\|False)
| (?P<DATETIME>datetime\(2015,\s*1,\s*1\))
| (?P<STREAMING_OUTPUT>StreamingBody\(\))
| (?P<EVENTSTREAM>EventStream\()
| (?P<ARG>[A-Za-z_][A-Za-z0-9_]*)\s*=
| (?P<RPAR>\))
| (?P<END>\Z)
| (?P<BAD>[\s\S])
)""",
    re.VERBOSE,
)
_REQUEST = re.compile(_WS + r"client\." + _WS + r"([A-Za-z_][A-Za-z0-9_]*)" + _WS + r"\(")
_WS_CHARS = " \t\f\r\n"
_OPEN = {"LBRACE": "{", "LSQB": "[", "EVENTSTREAM": f'["{_STREAM}",'}
ENUM_VALUE = re.compile(r"'([^'\n]*)'")
STRING = Scalar("string")
# The grammar's terminals that are one fixed shape, by terminal name.
TERMINAL_SHAPES: dict[str, Shape] = {
    "INTEGER": Scalar("integer"),
    "DOUBLE": Scalar("float"),
    "ELLIPSIS": Scalar("float"),
    "BOOLEAN": Scalar("boolean"),
    "DATETIME": Scalar("timestamp"),
    "BYTES": Scalar("blob"),
    "DOCUMENT": Scalar("document"),
    "RECURSIVE": Scalar("recursive"),
    "STREAMING_INPUT": Scalar("blob", streaming=True),
    "STREAMING_OUTPUT": Scalar("blob", streaming=True),
    "OPAQUE_STRUCTURE": Structure((), event_stream=True),
}
_FIXED_TEXT = {kind: f'"\x02{kind}"' for kind in TERMINAL_SHAPES}  # their JSON strings
_SHAPES: dict[str, Shape] = {f"\x02{kind}": shape for kind, shape in TERMINAL_SHAPES.items()} | {"string": STRING}


_SCALAR_MEMBERS: dict[tuple[str, str], Member] = {}
_KNOWN_MEMBERS = 200_000  # bounds that memory (a whole release holds fewer)
_ENUMS: dict[str, Scalar] = {}  # by its JSON string here (the same bound)


class _Refused(Exception):
    """The block is not one this path reads: the grammar reads it."""


class _Args(tuple[tuple[str, Any], ...]):
    """A request's arguments (a JSON object of marked names): only valid as the whole request."""


# Answers by block text (shapes are immutable): the methods of a service repeat whole blocks (a
# response many operations return, the same arguments under another name), and pages of one
# service repeat them across releases. An answer depends on the text alone.
_REQUESTS: dict[str, Structure | None] = {}  # by the text between the request's parentheses
_RESPONSES: dict[str, Shape | None] = {}
_KNOWN_CHARS = [32_000_000]  # what the kept blocks may still hold (bounds that memory): then no more are kept


def fast_request(text: str) -> tuple[str, Structure] | None:
    """``parse_request``'s answer, or None where the grammar must read the block."""
    head = _REQUEST.match(text)
    body = text.rstrip(_WS_CHARS)
    if head is None or not body.endswith(")"):
        return None
    inner = body[head.end() : -1]
    if inner in _REQUESTS:
        structure = _REQUESTS[inner]
    else:
        structure = _arguments(inner)
        if _keep(inner):
            _REQUESTS[inner] = structure
    return None if structure is None else (head[1], structure)


def _arguments(inner: str) -> Structure | None:
    if not inner.strip(_WS_CHARS):
        return Structure()
    found = _read("{" + inner + "}", 1)
    if found is None or not isinstance(found[0], _Args) or len(found[0]) != found[1]:
        return None  # a name with ':' among the arguments, or arguments inside a value
    return Structure(tuple(Member(name[1:], shape) for name, shape in found[0]))


def fast_response(text: str) -> Shape | None:
    """``parse_response``'s answer, or None where the grammar must read the block."""
    if text in _RESPONSES:
        return _RESPONSES[text]
    shape = _response(text)
    if _keep(text):
        _RESPONSES[text] = shape
    return shape


def _keep(text: str) -> bool:
    """Whether there is room left to keep the answer for ``text`` (and count it)."""
    _KNOWN_CHARS[0] -= len(text)
    return _KNOWN_CHARS[0] >= 0


def _response(text: str) -> Shape | None:
    found = _read(text, 0)
    if found is None or found[1]:
        return None
    try:
        return _value(found[0])
    except _Refused:
        return None


def _read(text: str, depth: int) -> tuple[Any, int] | None:
    """The block's JSON value and how many request arguments it named, or None if refused."""
    for marker in _MARKERS:
        if marker in text:
            return None
    rewritten = _rewrite_pieces(text, depth)
    try:
        if rewritten is None:  # a piece the tokenizer refuses alone: the whole block in one scan
            counts = [depth, 0, depth]  # bracket depth now, arguments named, deepest
            rewritten = _TOKEN.sub(_rewriter(counts, MAX_NESTING), text), counts[1]
        return _decode(rewritten[0]), rewritten[1]
    except (_Refused, ValueError, RecursionError):
        return None


# A block is rewritten in pieces cut at its commas, each piece once whatever block it is in (the
# members of a service repeat: "'Name': 'string'", "'Tags': [ { 'Key': 'string'"), a cached piece
# costing a lookup where its tokens cost a call each. A cut is made only at a ',' that can be the
# COMMA token (LIST_END's ', ]' and datetime(2015, 1, 1)'s are not cut); where one is not (a comma
# inside a quoted value), a piece alone does not tokenize (a quote left open), and the block is
# read in one scan. Every piece tokenizing alone, the cuts fall between tokens: no token can hold
# a COMMA token's ',' but a quoted text (left open alone), datetime (not cut) or LIST_END (then
# the next piece opens with ']', which nothing else reads), and no lookahead of a token reaches
# past a ','. So the pieces' rewrites, joined by ',', are the block's; depths and counts add up.
_CUT = re.compile(r",(?<!datetime\(2015,)(?<!datetime\(2015, 1,)(?![ \t\f\r\n]*\])")  # ',' first: found by a scan
_PIECES: dict[str, tuple[str, int, int, int]] = {}  # piece -> (JSON text, depth change, deepest, arguments)
_PIECE_CHARS = [16_000_000]  # what the kept pieces may still hold (bounds that memory)
_SHALLOW = -(1 << 30)  # the "deepest" of a piece opening no bracket


def _rewrite_pieces(text: str, depth: int) -> tuple[str, int] | None:
    """The block's JSON text and its arguments named, from its pieces; None where a piece does not
    tokenize alone or the block nests too deep (the whole scan then says which)."""
    known, out, named = _PIECES, [], 0
    for piece in _CUT.split(text):
        found = known.get(piece)
        if found is None:
            counts = [0, 0, _SHALLOW]
            try:
                found = _TOKEN.sub(_rewriter(counts, 1 << 30), piece), counts[0], counts[2], counts[1]
            except _Refused:
                return None
            _PIECE_CHARS[0] -= len(piece)
            if _PIECE_CHARS[0] >= 0:
                known[piece] = found
        rewritten, change, deepest, arguments = found
        if depth + deepest > MAX_NESTING:
            return None
        depth += change
        named += arguments
        out.append(rewritten)
    return ",".join(out), named


def _rewriter(counts: list[int], limit: int) -> Callable[[re.Match[str]], str]:
    """The token rewriter; ``counts``: [bracket depth, arguments named, deepest], refused past ``limit``."""

    def rewrite(match: re.Match[str]) -> str:
        kind = match.lastgroup or "BAD"  # every alternative has a group
        if kind == "PAIR":  # a member and its quoted value (not an enum's first): one match
            return f'"{match["NAME"]}":"{match["PAIR"]}"'
        if kind == "QUOTED":
            return f'"{match["QUOTED"]}"'
        if kind == "KEY":
            return f'"{match["QUOTED"]}":'
        if kind == "CLOSE" or kind == "LIST_END":
            counts[0] -= 1
            return "}" if kind == "CLOSE" else ",0]"
        if kind == "COMMA":
            return ","
        if kind == "LBRACE" or kind == "LSQB" or kind == "EVENTSTREAM":
            depth = counts[0] = counts[0] + 1
            if depth > counts[2]:
                if depth > limit:
                    raise _Refused
                counts[2] = depth
            return _OPEN[kind]
        if kind == "ENUM":
            return f'"{_ENUM}{match[0].lstrip(_WS_CHARS)}"'
        if kind == "ARG":
            counts[1] += 1
            return f'"{_ARG}{match["ARG"]}":'
        if kind == "RPAR":
            counts[0] -= 1
            return "]"
        if kind == "END":
            return ""
        if kind == "BAD":
            raise _Refused
        return _FIXED_TEXT[kind]

    return rewrite


def _object(pairs: list[tuple[str, Any]]) -> Any:
    if pairs and pairs[0][0][:1] == _ARG:
        return _Args((name, _value(value)) for name, value in pairs)
    if len(pairs) == 1 and pairs[0][0] == "string":
        return _interned((MapShape, id(value := _value(pairs[0][1]))), MapShape, STRING, value)  # {'string': value}
    members, known = [], _SCALAR_MEMBERS
    for name, value in pairs:
        if name == SDK_UNKNOWN_MEMBER:
            continue
        if type(value) is not str:
            shape = _value(value)
            members.append(_interned((Member, name, id(shape)), Member, name, shape))
            continue
        # Most members are a scalar ('Name': 'string'), and frozen: one object per name and value.
        member = known.get((name, value))
        if member is None:
            member = Member(name, _value(value))
            if len(known) < _KNOWN_MEMBERS:
                known[name, value] = member
        members.append(member)
    return _interned((Structure, *map(id, members)), Structure, tuple(members))


# One decoder for every block (json.loads with a hook builds a decoder and its scanner per call).
_decode = json.JSONDecoder(object_pairs_hook=_object, strict=False).decode


# Sub-shapes interned by their parts (class first, then the interned parts' ids: a key names only
# objects its value keeps alive): the blocks of a service repeat sub-structures (tags, filters), and
# what is computed per shape object (parse/params.py's slots) is then computed once for each.
_NODES: dict[tuple[object, ...], Any] = {}


def _interned(key: tuple[object, ...], make: Callable[..., Any], *parts: Any) -> Any:
    found = _NODES.get(key)
    if found is None:
        found = make(*parts)
        if len(_NODES) < _KNOWN_MEMBERS:
            _NODES[key] = found
    return found


def _value(value: Any) -> Shape:
    if type(value) is str:
        shape = _SHAPES.get(value)
        if shape is not None:
            return shape
        shape = _ENUMS.get(value)
        if shape is None:  # one object per enum (a response repeats its enums): see parse/params.py's interning
            if value[:1] == _ENUM:
                shape = Scalar("string", tuple(ENUM_VALUE.findall(value)))
            else:
                shape = Scalar("string", (value,))  # a lone quoted value other than 'string': a one-value enum
            if len(_ENUMS) < _KNOWN_MEMBERS:
                _ENUMS[value] = shape
        return shape
    if type(value) is list and len(value) == 2:
        if type(value[1]) is int and value[1] == 0:
            member = _value(value[0])
            return _interned((ListShape, id(member)), ListShape, member)  # type: ignore[no-any-return]
        if value[0] == _STREAM and isinstance(value[1], (Structure, MapShape)):
            body = value[1]
            return Structure(body.members if isinstance(body, Structure) else (), event_stream=True)
    if isinstance(value, (Structure, MapShape)):
        return value
    raise _Refused
