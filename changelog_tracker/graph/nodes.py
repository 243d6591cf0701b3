"""Content-addressed shape nodes: id = hash of the node's canonical form with children as ids.

Identical sub-shapes, across operations and releases, are one node (a Merkle DAG like git
trees): storing a release costs only what changed, and equal ids mean equal subtrees.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure

NodeBody = dict[str, Any]


def _digest(body: NodeBody) -> str:
    text = json.dumps(body, separators=(",", ":"), sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


class NodeWriter:
    """Turns shapes into (id, body) nodes, remembering each shape object it has seen."""

    def __init__(self, emit: Callable[[str, NodeBody], None], mark_union: Callable[[str], None]) -> None:
        self.emit, self.mark_union = emit, mark_union
        self._ids: dict[int, tuple[Shape, str]] = {}  # id(shape) -> (shape kept alive, node id)

    def node_id(self, shape: Shape) -> str:
        seen = self._ids.get(id(shape))
        if seen is not None:
            return seen[1]
        body = self._body(shape)
        node = _digest(body)
        self.emit(node, body)
        if isinstance(shape, Structure) and shape.union:
            self.mark_union(node)  # not part of the id: text pages cannot tell unions
        self._ids[id(shape)] = (shape, node)
        return node

    def _body(self, shape: Shape) -> NodeBody:
        if isinstance(shape, Structure):
            members = [[m.name, m.required, self.node_id(m.shape)] for m in shape.members]
            body: NodeBody = {"type": "structure", "members": members}
            if shape.event_stream:
                body["event_stream"] = True
            return body
        if isinstance(shape, ListShape):
            return {"type": "list", "member": self.node_id(shape.member)}
        if isinstance(shape, MapShape):
            return {"type": "map", "key": self.node_id(shape.key), "value": self.node_id(shape.value)}
        return shape.to_json()


def children(body: NodeBody) -> list[tuple[str, str]]:
    """(edge label, child id) pairs: member names, '[]' for list members, '{}' for map values."""
    kind = body["type"]
    if kind == "structure":
        return [(name, child) for name, _required, child in body["members"]]
    if kind == "list":
        return [("[]", body["member"])]
    if kind == "map":
        return [("{}", body["value"]), ("{key}", body["key"])]
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
        return Scalar(kind, tuple(body.get("enum", ())), bool(body.get("streaming")))
