"""Request/Response Syntax blocks -> model shapes, in one LALR pass (grammars/syntax.lark)."""

from __future__ import annotations

import re
from functools import cache

from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure
from .grammar import lalr, to_parse_error
from .lalr import Driver, SyntaxErrorAt

# Newer botocore shows this inside tagged unions of responses; it is a marker, not a member.
SDK_UNKNOWN_MEMBER = "SDK_UNKNOWN_MEMBER"  # botocore's placeholder member of a tagged union

_SCALARS = {
    name: Scalar(kind)
    for name, kind in [
        ("integer", "integer"),
        ("double", "float"),
        ("float", "float"),
        ("boolean", "boolean"),
        ("timestamp", "timestamp"),
        ("blob", "blob"),
        ("document", "document"),
        ("recursive", "recursive"),
    ]
}
_STRING = Scalar("string")
_ENUM_VALUE = re.compile(r"'([^'\n]*)'")


def _unquote(token: str) -> str:
    return token[1:-1]


def _scalar(kind: str):  # type: ignore[no-untyped-def]
    shape = _SCALARS[kind]
    return lambda self, _token: shape


class _ToShapes:
    """One method per grammar rule, called with the rule's children (tokens are plain strings)."""

    integer = _scalar("integer")
    double = _scalar("double")
    float = _scalar("float")
    boolean = _scalar("boolean")
    timestamp = _scalar("timestamp")
    blob = _scalar("blob")
    document = _scalar("document")
    recursive = _scalar("recursive")

    def string(self, token: str) -> Scalar:
        # A lone quoted value other than 'string' is an enum with one value.
        value = _unquote(token)
        return _STRING if value == "string" else Scalar("string", (value,))

    def enum(self, token: str) -> Scalar:
        return Scalar("string", tuple(_ENUM_VALUE.findall(token)))

    def streaming_input(self, _token: str) -> Scalar:
        return Scalar("blob", streaming=True)

    def streaming_output(self, _token: str) -> Scalar:
        return Scalar("blob", streaming=True)

    def opaque_structure(self, _token: str) -> Structure:
        # A request's bare {...}: an event stream whose members the page does not show.
        return Structure((), event_stream=True)

    def event_stream(self, _open: str, body: Shape) -> Structure:
        members = body.members if isinstance(body, Structure) else ()
        return Structure(members, event_stream=True)

    def pair(self, key: str, value: Shape) -> tuple[str, Shape]:
        return key[1 : key.rindex("'")], value

    def dict(self, *pairs: tuple[str, Shape]) -> Shape:
        if len(pairs) == 1 and pairs[0][0] == "string":
            return MapShape(_STRING, pairs[0][1])  # maps are always written {'string': value}
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
    try:
        result: tuple[str, Structure] = _parser().parse(text, "request")
    except SyntaxErrorAt as err:
        raise to_parse_error(err, text, source, line0, "the Request Syntax") from None
    return result


def parse_response(text: str, source: str = "<page>", line0: int = 1) -> Shape:
    """A Response Syntax block -> its shape."""
    try:
        result: Shape = _parser().parse(text, "response")
    except SyntaxErrorAt as err:
        raise to_parse_error(err, text, source, line0, "the Response Syntax") from None
    return result
