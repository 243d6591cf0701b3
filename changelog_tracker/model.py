"""The shape model: frozen dataclasses, their canonical JSON, and one walk and transform over them.

Equality and hashing cover structure only; documentation rides along with
``compare=False`` so that identical shapes are one node whatever their prose says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .paths import LIST, MAP, members_of

SCALAR_TYPES = frozenset(
    {"string", "integer", "float", "boolean", "timestamp", "blob", "document", "recursive", "undocumented"}
)


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf: string (maybe with enum values), number, blob, document, recursion marker..."""

    type: str
    enum: tuple[str, ...] = ()
    streaming: bool = False
    # A document botocore sends as a JSON header (its `jsonvalue` trait): valid when json.dumps takes
    # it. Known from botocore only, so it stays out of equality and canonical JSON (as unions do).
    json_value: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.streaming:
            out["streaming"] = True
        return out


@dataclass(frozen=True, slots=True)
class ListShape:
    member: Shape

    def to_json(self) -> dict[str, Any]:
        return {"type": "list", "member": self.member.to_json()}


@dataclass(frozen=True, slots=True)
class MapShape:
    key: Shape
    value: Shape

    def to_json(self) -> dict[str, Any]:
        return {"type": "map", "key": self.key.to_json(), "value": self.value.to_json()}


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    shape: Shape
    required: bool | None = False  # None: the page's parameter list was cut
    documentation: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"required": self.required, "shape": self.shape.to_json()}


@dataclass(frozen=True, slots=True)
class Structure:
    members: tuple[Member, ...] = ()
    event_stream: bool = False
    # A tagged union (one member at a time). Only HTML pages and botocore say so, text pages
    # cannot: it stays out of equality so every source gives the same graph node.
    union: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "structure", "members": {m.name: m.to_json() for m in self.members}}
        if self.event_stream:
            out["event_stream"] = True
        return out

    def member(self, name: str) -> Member | None:
        return next((m for m in self.members if m.name == name), None)


Shape = Scalar | ListShape | MapShape | Structure

CUT_SIDE = Scalar("undocumented")  # stands for a method's input or output where the page cut it
EMPTY_INPUT = Structure()

Visit = tuple[str, Shape, Member | None]

# Traits by member path ('' the operation itself, 'input', 'input.Arn', 'output.Items[]', ...):
# a path present is known (an empty dict: known to have none), a path absent is unknown.
Overlay = dict[str, dict[str, Any]]


def walk(shape: Shape, path: str = "") -> Iterator[Visit]:
    """Every shape in ``shape``, itself first, depth-first in member order, as ``(path, shape,
    member)``: ``member`` is the Member whose shape it is (None for the root, list members and map
    values). Map keys are not visited: paths name map values."""
    stack: list[Visit] = [(path, shape, None)]
    while stack:
        visit = stack.pop()
        yield visit
        path, shape, _member = visit
        if isinstance(shape, Structure):
            prefix = members_of(path)
            stack += [(prefix + m.name, m.shape, m) for m in reversed(shape.members)]
        elif isinstance(shape, ListShape):
            stack.append((path + LIST, shape.member, None))
        elif isinstance(shape, MapShape):
            stack.append((path + MAP, shape.value, None))


def transform(shape: Shape, fn: Callable[[Shape], Shape]) -> Shape:
    """``shape`` rebuilt bottom-up, each shape replaced by ``fn`` of it once its children are
    (map keys kept as they are, as in ``walk``)."""
    if isinstance(shape, Structure):  # constructors, not dataclasses.replace: that is 3x slower
        members = tuple(Member(m.name, transform(m.shape, fn), m.required, m.documentation) for m in shape.members)
        shape = Structure(members, shape.event_stream, shape.union)
    elif isinstance(shape, ListShape):
        shape = ListShape(transform(shape.member, fn))
    elif isinstance(shape, MapShape):
        shape = MapShape(shape.key, transform(shape.value, fn))
    return fn(shape)


@dataclass(frozen=True, slots=True)
class Operation:
    """One client method as of one release."""

    name: str  # boto3 method name, e.g. create_agent_runtime
    input: Shape = EMPTY_INPUT  # a Structure, or CUT_SIDE where the page cut it
    output: Shape | None = None  # None: the method returns None
    api_name: str | None = field(default=None, compare=False)  # e.g. CreateAgentRuntime, when known
    documentation: str = field(default="", compare=False)
    # What the model knows beyond the page's shapes (constraints, deprecations, errors, paginator...),
    # by member path: see changelog_tracker/traits.py. None: the source cannot say (a page).
    traits: Overlay | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input.to_json(),
            "output": None if self.output is None else self.output.to_json(),
        }


def shape_from_json(data: dict[str, Any]) -> Shape:
    """Inverse of ``Shape.to_json`` (documentation is not part of canonical JSON)."""
    kind = data["type"]
    if kind == "structure":
        members = tuple(Member(name, shape_from_json(m["shape"]), m["required"]) for name, m in data["members"].items())
        return Structure(members, bool(data.get("event_stream")))
    if kind == "list":
        return ListShape(shape_from_json(data["member"]))
    if kind == "map":
        return MapShape(shape_from_json(data["key"]), shape_from_json(data["value"]))
    if kind not in SCALAR_TYPES:
        raise ValueError(f"unknown shape type {kind!r}")
    return Scalar(kind, tuple(data.get("enum", ())), bool(data.get("streaming")))


def snake_case(api_name: str) -> str:
    """botocore's ``xform_name``: CreateAgentRuntime -> create_agent_runtime."""
    from botocore import xform_name  # local: botocore is heavy and only needed here

    return str(xform_name(api_name))


@dataclass(frozen=True, slots=True)
class PageMethod:
    """One method as a page lists it."""

    operation: Operation
    status: str  # "new" or "updated"
    deltas: tuple[dict[str, Any], ...] = field(default=(), compare=False)  # the page's delta summaries
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Page:
    """One doc drop page (or one service of a botocore baseline, with ``complete=True``)."""

    source: str
    date: dt.date | None
    full_name: str | None
    methods: tuple[PageMethod, ...]
    release_note: str | None = None
    service: str | None = None  # boto3 name, where the source knows it
    complete: bool = False  # lists every operation: those it lacks were removed
    line: int = 1
    traits: dict[str, Any] | None = None  # service-level facts a model knows ({"protocol": "json"}), else None
    model_digest: str | None = None  # a model source's digest of the files it was converted from
