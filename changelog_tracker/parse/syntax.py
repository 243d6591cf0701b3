"""Request/Response Syntax blocks -> model shapes, in one LALR pass (grammars/syntax.lark).

The grammar is the specification and says where a bad block goes wrong; blocks it reads the same
way go through parse/fastpath.py first (several times as fast)."""

from __future__ import annotations

from functools import cache

from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure
from .fastpath import ENUM_VALUE, SDK_UNKNOWN_MEMBER, STRING, TERMINAL_SHAPES, fast_request, fast_response
from .grammar import lalr, to_parse_error
from .lalr import Driver, SyntaxErrorAt

__all__ = ["SDK_UNKNOWN_MEMBER", "parse_request", "parse_response"]


def _unquote(token: str) -> str:
    return token[1:-1]


def _fixed(terminal: str):  # type: ignore[no-untyped-def]
    shape = TERMINAL_SHAPES[terminal]
    return lambda self, _token: shape


class _ToShapes:
    """One method per grammar rule, called with the rule's children (tokens are plain strings)."""

    integer = _fixed("INTEGER")
    double = _fixed("DOUBLE")
    float = _fixed("ELLIPSIS")
    boolean = _fixed("BOOLEAN")
    timestamp = _fixed("DATETIME")
    blob = _fixed("BYTES")
    document = _fixed("DOCUMENT")
    recursive = _fixed("RECURSIVE")
    streaming_input = _fixed("STREAMING_INPUT")
    streaming_output = _fixed("STREAMING_OUTPUT")
    opaque_structure = _fixed("OPAQUE_STRUCTURE")  # a request's bare {...}: an event stream the page does not show

    def string(self, token: str) -> Scalar:
        # A lone quoted value other than 'string' is an enum with one value.
        value = _unquote(token)
        return STRING if value == "string" else Scalar("string", (value,))

    def enum(self, token: str) -> Scalar:
        return Scalar("string", tuple(ENUM_VALUE.findall(token)))

    def event_stream(self, _open: str, body: Shape) -> Structure:
        members = body.members if isinstance(body, Structure) else ()
        return Structure(members, event_stream=True)

    def pair(self, key: str, value: Shape) -> tuple[str, Shape]:
        return key[1 : key.rindex("'")], value

    def dict(self, *pairs: tuple[str, Shape]) -> Shape:
        if len(pairs) == 1 and pairs[0][0] == "string":
            return MapShape(STRING, pairs[0][1])  # maps are always written {'string': value}
        return Structure(tuple(Member(name, shape) for name, shape in pairs if name != SDK_UNKNOWN_MEMBER))

    def list(self, member: Shape) -> ListShape:
        return ListShape(member)

    def arg(self, name: str, value: Shape) -> tuple[str, Shape]:
        return name[: name.index("=")].rstrip(), value

    def request(self, method: str, *args: tuple[str, Shape]) -> tuple[str, Structure]:
        return method, Structure(tuple(Member(name, shape) for name, shape in args))

    def response(self, value: Shape) -> Shape:
        return value


@cache
def _parser() -> Driver:
    return lalr("syntax.lark", _ToShapes(), start=["request", "response"])


def parse_request(text: str, source: str = "<page>", line0: int = 1) -> tuple[str, Structure]:
    """``client.method(...)`` -> (method name, input structure with required=False placeholders).

    >>> parse_request("client.get_thing( id='string', mode='A'|'B' )")[1].to_json()["members"]["mode"]
    {'required': False, 'shape': {'type': 'string', 'enum': ['A', 'B']}}
    """
    fast = fast_request(text)
    if fast is not None:
        return fast
    try:
        result: tuple[str, Structure] = _parser().parse(text, "request")
    except SyntaxErrorAt as err:
        raise to_parse_error(err, text, source, line0, "the Request Syntax") from None
    return result


def parse_response(text: str, source: str = "<page>", line0: int = 1) -> Shape:
    """A Response Syntax block -> its shape."""
    fast = fast_response(text)
    if fast is not None:
        return fast
    try:
        result: Shape = _parser().parse(text, "response")
    except SyntaxErrorAt as err:
        raise to_parse_error(err, text, source, line0, "the Response Syntax") from None
    return result
