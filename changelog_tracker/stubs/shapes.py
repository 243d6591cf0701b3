"""Shapes interned by structure, with each recursion marker resolved to the shape it repeats.

Structurally identical shapes get one id (``Node`` is a frozen dataclass keyed on its children's
ids, so identity is checked in O(1) per node instead of re-hashing whole subtrees; it is the same
equality as the model's dataclasses, documentation and ``union`` aside).

Recursion: a page writes ``{'... recursive ...'}`` where botocore meets a shape already on the
path, without saying which one. When the marker is a member ``x`` and an enclosing shape was
entered through a member also called ``x`` (``children[].children``), the nearest such shape is
the one repeated; checked against botocore's shape names for every marker of every service, that
rule is never wrong, while e.g. "the enclosing structure" is wrong for a third of them. Any other
marker stays undetermined (typed ``Any``). A resolved marker is stored as "the shape ``up`` levels
above me" (like a de Bruijn index), so a subtree's id does not depend on where it sits; ``free``
says which of the levels above a subtree its markers point to.

Where the source knows the operation's traits (a model: ``Operation.traits``), a node also carries
what they say: a structure's or enum's botocore shape name (two shapes are two TypedDicts however
alike, as in mypy-boto3), a map's key enum, a response member's required flag, and a recursion
marker's shape, which names the enclosing shape it repeats exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .. import traits
from ..model import ListShape, MapShape, Member, Overlay, Scalar, Shape, Structure
from ..paths import LIST, MAP, members_of


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    required: bool | None
    node: int


@dataclass(frozen=True, slots=True)
class Node:
    kind: str  # "struct", "list", "map", "scalar" or "recursive"
    scalar: Scalar | None = None
    fields: tuple[Field, ...] = ()  # struct members
    child: int = -1  # list member, map value
    event_stream: bool = False
    up: int = 0  # recursive: the repeated shape is this many levels up; 0 when undetermined
    free: tuple[int, ...] = ()  # levels above this node that markers inside it refer to, ascending
    shape: str = ""  # a struct's or scalar's botocore shape name ("" unknown)
    key: int = -1  # a map's key: an enum scalar's node where the model gives the key an enum
    known: bool = False  # the traits were known here: a response member's ``required`` is the model's


class Interner:
    """Every node seen, by id; ``add`` returns the id of a whole side of an operation."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._ids: dict[Node, int] = {}

    def add(self, shape: Shape, overlay: Overlay | None = None, side: str = "") -> int:
        """``overlay``, ``side``: the operation's traits and the side ``shape`` is (None: unknown)."""
        return self._add(shape, [("", "")], _Walk(overlay, side == traits.OUTPUT), side)

    def _add(self, shape: Shape, labels: list[tuple[str, str]], walk: _Walk, path: str) -> int:
        """``labels``: how each level of the path was entered (member name, ``[]`` or ``{}``) and its
        shape name; ``path``: the overlay path of this level."""
        found = walk.at(path)
        name = str(found.get(traits.SHAPE, "")) if found is not None else ""
        labels[-1] = (labels[-1][0], name)
        if isinstance(shape, Structure):
            fields = tuple(
                Field(m.name, walk.required(m.required, members_of(path) + m.name), self._child(m, labels, walk, path))
                for m in shape.members
            )
            free = self._free(f.node for f in fields)
            node = Node("struct", fields=fields, event_stream=shape.event_stream, free=free, shape=name)
            return self._intern(replace(node, known=found is not None))
        if isinstance(shape, ListShape):
            child = self._child_at(shape.member, labels, walk, path + LIST, LIST)
            return self._intern(Node("list", child=child, free=self._free([child])))
        if isinstance(shape, MapShape):
            child = self._child_at(shape.value, labels, walk, path + MAP, MAP)
            enum = tuple(found.get(traits.KEY_ENUM, ())) if found is not None else ()
            key = self._intern(Node("scalar", scalar=Scalar("string", enum))) if enum else -1
            return self._intern(Node("map", child=child, free=self._free([child]), key=key))
        if shape.type == "recursive":
            up = _repeated_level(labels)
            return self._intern(Node("recursive", up=up, free=(up,) if up else ()))
        return self._intern(Node("scalar", scalar=shape, shape=name))

    def _child(self, member: Member, labels: list[tuple[str, str]], walk: _Walk, path: str) -> int:
        return self._child_at(member.shape, labels, walk, members_of(path) + member.name, member.name)

    def _child_at(self, shape: Shape, labels: list[tuple[str, str]], walk: _Walk, path: str, label: str) -> int:
        labels.append((label, ""))
        try:
            return self._add(shape, labels, walk, path)
        finally:
            labels.pop()

    def _free(self, children: Iterable[int]) -> tuple[int, ...]:
        """A child's level ``h`` is ``h - 1`` from here; level 1 of a child is this node (bound)."""
        return tuple(sorted({h - 1 for c in children for h in self.nodes[c].free if h > 1}))

    def _intern(self, node: Node) -> int:
        found = self._ids.get(node)
        if found is None:
            found = self._ids[node] = len(self.nodes)
            self.nodes.append(node)
        return found


class _Walk:
    """The traits of the side being interned: at a path, and a member's required flag."""

    __slots__ = ("overlay", "response")

    def __init__(self, overlay: Overlay | None, response: bool) -> None:
        self.overlay, self.response = overlay, response

    def at(self, path: str) -> dict[str, Any] | None:
        return None if self.overlay is None or not path else self.overlay.get(path)

    def required(self, flag: bool | None, path: str) -> bool | None:
        """A request member's flag is the page's; a response member's is the model's (False unknown)."""
        if not self.response:
            return flag
        found = self.at(path)
        return bool(found and found.get(traits.REQUIRED))


def _repeated_level(labels: list[tuple[str, str]]) -> int:
    """How many levels up the shape a marker repeats is: the nearest of the marker's own shape name
    where the model names it, else the nearest entered through the marker's own member name."""
    name, shape = labels[-1]
    depth = len(labels) - 1
    if shape:
        for level in range(depth - 1, -1, -1):
            if labels[level][1] == shape:
                return depth - level
        return 0
    if name in (LIST, MAP, ""):
        return 0
    for level in range(depth - 1, 0, -1):
        if labels[level][0] == name:
            return depth - level
    return 0
