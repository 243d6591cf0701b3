"""Model -> Request/Response Syntax text in botocore's style (the inverse of parse/syntax.py)."""

from __future__ import annotations

from ..model import ListShape, MapShape, Operation, Scalar, Shape, Structure

INDENT = "    "
_LITERALS = {
    "string": "'string'",
    "integer": "123",
    "float": "123.0",
    "boolean": "True|False",
    "timestamp": "datetime(2015, 1, 1)",
    "blob": "b'bytes'",
    "document": "{...}|[...]|123|123.4|'string'|True|None",
    "recursive": "{'... recursive ...'}",
    "undocumented": "# This section is too large to render.",
}


def render_request(op: Operation) -> str:
    """``client.method(\\n    name=value,\\n)`` as botocore writes it."""
    if not isinstance(op.input, Structure):
        return f"client.{op.name}(\n{INDENT}{_LITERALS['undocumented']}\n)"
    if not op.input.members:
        return f"client.{op.name}()"
    args = [f"{INDENT}{m.name}={_value(m.shape, 1, False)}" for m in op.input.members]
    return f"client.{op.name}(\n" + ",\n".join(args) + "\n)"


def render_response(shape: Shape) -> str:
    return _value(shape, 0, True)


def _value(shape: Shape, depth: int, response: bool) -> str:
    if isinstance(shape, Structure):
        return _structure(shape, depth, response)
    pad, inner = INDENT * depth, INDENT * (depth + 1)
    if isinstance(shape, ListShape):
        return f"[\n{inner}{_value(shape.member, depth + 1, response)},\n{pad}]"
    if isinstance(shape, MapShape):
        return f"{{\n{inner}'string': {_value(shape.value, depth + 1, response)}\n{pad}}}"
    return _scalar(shape, response)


def _structure(shape: Structure, depth: int, response: bool) -> str:
    if shape.event_stream and not response:
        return "{...}"
    if not shape.members:
        body = "{}"
    else:
        pad, inner = INDENT * depth, INDENT * (depth + 1)
        pairs = [f"{inner}'{m.name}': {_value(m.shape, depth + 1, response)}" for m in shape.members]
        body = "{\n" + ",\n".join(pairs) + f"\n{pad}}}"
    return f"EventStream({body})" if shape.event_stream else body


def _scalar(shape: Scalar, response: bool) -> str:
    if shape.enum:
        return "|".join(f"'{value}'" for value in shape.enum)
    if shape.streaming:
        return "StreamingBody()" if response else "b'bytes'|file"
    return _LITERALS[shape.type]
