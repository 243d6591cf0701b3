"""The differ: edits between two states of the graph, with no judgement (rules/ judges them).

It walks stored nodes, not shapes: two equal node ids are equal subtrees, so everything
unchanged is skipped without being read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..graph.encode import CUT_NODE
from ..graph.nodes import NodeBody
from ..graph.store import Store, Version
from ..model import Overlay
from ..paths import LIST, MAP, join
from ..taxonomy import ChangeKind as K
from ..taxonomy import Direction
from .traits import OPERATION, TraitEdit, overlay_edits, protocols

ReadTraits = Callable[[Version], Overlay | None]


@dataclass(frozen=True, slots=True)
class Change:
    """One edit to one operation, on one side (request or response), at one member path."""

    service: str
    operation: str
    direction: Direction
    path: str  # member names joined with '.', '[]' for list members, '{}' for map values
    kind: K
    old: Any = None
    new: Any = None
    node: str | None = field(default=None, compare=False)  # the changed parent shape (new side), for impact
    old_node: str | None = field(default=None, compare=False)

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.service, self.operation, self.direction, self.path, self.kind)


def service_removed(service: str) -> Change:
    """The service itself is gone (a complete source no longer has it): one edit, beside its operations'."""
    return Change(service, "", Direction.REQUEST, "", K.SERVICE_REMOVED)


def service_added(service: str) -> Change:
    """The service itself is new: a complete source before it lacked it (not merely first stored)."""
    return Change(service, "", Direction.REQUEST, "", K.SERVICE_ADDED)


def service_changes(service: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """The service-level edits between two states' facts (``Store.service_traits``, None: unknown)."""
    changed = protocols(old, new)
    return [] if changed is None else [Change(service, "", Direction.REQUEST, "", K.PROTOCOL_CHANGED, *changed)]


def diff_states(
    store: Store, service: str, old: dict[str, Version], new: dict[str, Version], traits: ReadTraits | None = None
) -> list[Change]:
    """Every change between two states of one service, by operation: its shapes' edits (by side and
    path), then its traits' (``traits`` reads an overlay: ``store.traits`` unless given, e.g. cached)."""
    changes: list[Change] = []
    fetch, read = store.node, traits or store.traits
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before is None:
            changes.append(Change(service, name, Direction.REQUEST, "", K.OPERATION_ADDED))
        elif after is None:
            changes.append(Change(service, name, Direction.REQUEST, "", K.OPERATION_REMOVED))
        elif before != after:  # one stored row: nothing can differ
            changes.extend(_diff_operation(fetch, service, name, before, after))
            changes.extend(_trait_changes(fetch, read, service, before, after))
    return changes


def _trait_changes(
    fetch: Callable[[str], NodeBody], read: ReadTraits, service: str, old: Version, new: Version
) -> Iterator[Change]:
    if old.traits is not None and old.traits == new.traits:
        return  # one stored overlay (content-addressed): nothing to read
    before = read(old)
    after = None if before is None else read(new)
    if before is None or after is None:
        return  # a whole side unknown: nothing to compare
    for edit in overlay_edits(before, after):
        parent = _parent_nodes(fetch, edit, old, new)
        yield Change(service, new.operation, edit.direction, edit.path, edit.kind, edit.old, edit.new, *parent)


# A side-relative path's steps: member names, '[]' list members, '{}' map values.
_STEP = re.compile(r"\[\]|\{\}|[^.\[\]{}]+")


def _parent_nodes(
    fetch: Callable[[str], NodeBody], edit: TraitEdit, old: Version, new: Version
) -> tuple[str | None, str | None]:
    """The (new, old) node ids of the structure holding the changed member, as member edits carry
    them, so impact lists the operations using that structure, not every one using "string" or
    "list<string>" (the side's root itself at a root; none for the operation: no shared shape)."""
    if edit.at == OPERATION:
        return None, None
    steps = _STEP.findall(edit.path)
    names = [i for i, step in enumerate(steps) if step not in (LIST, MAP)]
    steps = steps[: names[-1]] if names else []
    if edit.at.startswith("input"):
        return _node_at(fetch, new.input, steps), _node_at(fetch, old.input, steps)
    return _node_at(fetch, new.output, steps), _node_at(fetch, old.output, steps)


def _node_at(fetch: Callable[[str], NodeBody], node: str | None, steps: list[str]) -> str | None:
    for step in steps:
        if node is None or node == CUT_NODE:
            return None
        body = fetch(node)
        if body["type"] == "structure":
            node = next((child for name, _required, child in body["members"] if name == step), None)
        elif body["type"] == ("list" if step == LIST else "map" if step == MAP else None):
            node = body["member" if step == LIST else "value"]
        else:
            return None  # the path leaves the graph (a recursion cut): no parent to name
    return node


def _diff_operation(
    fetch: Callable[[str], NodeBody], service: str, name: str, old: Version, new: Version
) -> Iterator[Change]:
    walker = _Walker(fetch, service, name)
    yield from walker.side(Direction.REQUEST, old.input, new.input)
    yield from walker.side(Direction.RESPONSE, old.output, new.output)


@dataclass
class _Walker:
    fetch: Callable[[str], NodeBody]
    service: str
    operation: str

    def change(
        self,
        direction: Direction,
        path: str,
        kind: K,
        old: Any = None,
        new: Any = None,
        node: str | None = None,
        old_node: str | None = None,
    ) -> Change:
        return Change(self.service, self.operation, direction, path, kind, old, new, node, old_node)

    def side(self, direction: Direction, old: str | None, new: str | None) -> Iterator[Change]:
        if old == new or CUT_NODE in (old, new):
            return  # unchanged, or a side the page cut: what was cut is never guessed
        if old is None or new is None:
            yield self.change(
                direction, "", K.TYPE_CHANGED, _summary_or_none(self.fetch, old), _summary_or_none(self.fetch, new)
            )
            return
        yield from self.node(direction, "", old, new, None, None)

    def node(
        self, direction: Direction, path: str, old: str, new: str, parent: str | None, old_parent: str | None
    ) -> Iterator[Change]:
        if old == new:
            return
        a, b = self.fetch(old), self.fetch(new)
        if "recursive" in (a["type"], b["type"]):
            return  # the page cut the shape here: its other occurrence carries any change
        if _kind(a) != _kind(b):
            yield self.change(
                direction, path, K.TYPE_CHANGED, summary(self.fetch, old), summary(self.fetch, new), parent, old_parent
            )
        elif a["type"] == "structure":
            yield from self.structure(direction, path, a, b, old, new)
        elif a["type"] == "list":
            yield from self.node(direction, path + LIST, a["member"], b["member"], new, old)
        elif a["type"] == "map":
            yield from self.node(direction, path + MAP, a["value"], b["value"], new, old)
        elif "enum" in a:
            yield from self.enum(direction, path, a["enum"], b["enum"], parent, old_parent)

    def structure(
        self, direction: Direction, path: str, a: NodeBody, b: NodeBody, old: str, new: str
    ) -> Iterator[Change]:
        before = {m[0]: (m[1], m[2]) for m in a["members"]}
        after = {m[0]: (m[1], m[2]) for m in b["members"]}
        for name in before.keys() - after.keys():
            yield self.change(
                direction, join(path, name), K.MEMBER_REMOVED, _member(self.fetch, *before[name]), None, new, old
            )
        for name, (required, child) in after.items():
            member_path = join(path, name)
            if name not in before:
                yield self.change(
                    direction, member_path, K.MEMBER_ADDED, None, _member(self.fetch, required, child), new, old
                )
                continue
            was_required, old_child = before[name]
            if None not in (was_required, required) and was_required != required:
                kind = K.BECAME_REQUIRED if required else K.BECAME_OPTIONAL
                yield self.change(direction, member_path, kind, was_required, required, new, old)
            yield from self.node(direction, member_path, old_child, child, new, old)

    def enum(
        self,
        direction: Direction,
        path: str,
        old: list[str],
        new: list[str],
        parent: str | None,
        old_parent: str | None,
    ) -> Iterator[Change]:
        for value in (v for v in old if v not in new):
            yield self.change(direction, path, K.ENUM_VALUE_REMOVED, value, None, parent, old_parent)
        for value in (v for v in new if v not in old):
            yield self.change(direction, path, K.ENUM_VALUE_ADDED, None, value, parent, old_parent)


def _kind(body: NodeBody) -> tuple[str, bool, bool, bool]:
    """What makes two nodes different types: their type, enum-ness, streaming, event stream."""
    return (body["type"], "enum" in body, bool(body.get("streaming")), bool(body.get("event_stream")))


def summary(fetch: Callable[[str], NodeBody], node: str) -> str:
    """A short type description: 'string', 'enum', 'structure', 'list<string>', 'map<string>'."""
    body = fetch(node)
    kind = body["type"]
    if kind == "list":
        return f"list<{summary(fetch, body['member'])}>"
    if kind == "map":
        return f"map<{summary(fetch, body['value'])}>"
    if "enum" in body:
        return "enum"
    if body.get("event_stream"):
        return "event-stream"
    return f"streaming {kind}" if body.get("streaming") else str(kind)


def _summary_or_none(fetch: Callable[[str], NodeBody], node: str | None) -> str | None:
    return None if node is None else summary(fetch, node)


def _member(fetch: Callable[[str], NodeBody], required: bool | None, node: str) -> dict[str, Any]:
    return {"required": required, "type": summary(fetch, node)}
