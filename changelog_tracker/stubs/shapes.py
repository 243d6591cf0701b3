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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import ListShape, MapShape, Scalar, Shape, Structure
from ..paths import LIST, MAP


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


class Interner:
    """Every node seen, by id; ``add`` returns the id of a whole side of an operation."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._ids: dict[Node, int] = {}

    def add(self, shape: Shape) -> int:
        return self._add(shape, [""])

    def _add(self, shape: Shape, labels: list[str]) -> int:
        """``labels``: how each level of the path was entered (member name, ``[]`` or ``{}``)."""
        if isinstance(shape, Structure):
            fields = tuple(Field(m.name, m.required, self._child(m.shape, labels, m.name)) for m in shape.members)
            free = self._free(f.node for f in fields)
            return self._intern(Node("struct", fields=fields, event_stream=shape.event_stream, free=free))
        if isinstance(shape, ListShape):
            child = self._child(shape.member, labels, LIST)
            return self._intern(Node("list", child=child, free=self._free([child])))
        if isinstance(shape, MapShape):
            child = self._child(shape.value, labels, MAP)
            return self._intern(Node("map", child=child, free=self._free([child])))
        if shape.type == "recursive":
            up = _repeated_level(labels)
            return self._intern(Node("recursive", up=up, free=(up,) if up else ()))
        return self._intern(Node("scalar", scalar=shape))

    def _child(self, shape: Shape, labels: list[str], label: str) -> int:
        labels.append(label)
        try:
            return self._add(shape, labels)
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


def _repeated_level(labels: list[str]) -> int:
    """How many levels up the nearest shape entered through the marker's own member name is."""
    name = labels[-1]
    if name in (LIST, MAP, ""):
        return 0
    depth = len(labels) - 1
    for level in range(depth - 1, 0, -1):
        if labels[level] == name:
            return depth - level
    return 0
