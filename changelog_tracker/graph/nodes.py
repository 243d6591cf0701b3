"""Reading content-addressed shape nodes (written by encode.NodeEncoder) back into shapes.

Identical sub-shapes, across operations and releases, are one node (a Merkle DAG like git
trees): storing a release costs only what changed, and equal ids mean equal subtrees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure
from ..paths import LIST, MAP, MAP_KEY

NodeBody = dict[str, Any]


def child_edges(body: NodeBody) -> list[tuple[str, str]]:
    """(edge label, child id) pairs of a stored node: member names, then the path module's
    segments for list members, map values and map keys. (``children`` elsewhere means DOM nodes.)"""
    kind = body["type"]
    if kind == "structure":
        return [(name, child) for name, _required, child in body["members"]]
    if kind == "list":
        return [(LIST, body["member"])]
    if kind == "map":
        return [(MAP, body["value"]), (MAP_KEY, body["key"])]
    return []


class NodeReader:
    """Rebuilds shapes from stored nodes; equal ids give the very same shape object."""

    def __init__(self, fetch: Callable[[str], NodeBody], is_union: Callable[[str], bool]) -> None:
        self.fetch, self.is_union = fetch, is_union
        self._shapes: dict[str, Shape] = {}

    def shape(self, node: str) -> Shape:
        found = self._shapes.get(node)
        if found is None:
            found = self._shapes[node] = self._build(node, self.fetch(node))
        return found

    def _build(self, node: str, body: NodeBody) -> Shape:
        kind = body["type"]
        if kind == "structure":
            members = tuple(Member(name, self.shape(child), req) for name, req, child in body["members"])
            return Structure(members, bool(body.get("event_stream")), union=self.is_union(node))
        if kind == "list":
            return ListShape(self.shape(body["member"]))
        if kind == "map":
            return MapShape(self.shape(body["key"]), self.shape(body["value"]))
        return Scalar(kind, tuple(body.get("enum", ())), bool(body.get("streaming")), bool(body.get("json_value")))
