"""An independent reader of a request's traits: botocore's own shape objects, walked beside our
page-form input (so the paths are exactly the ones a model source lists, recursion cut where the
page cuts it). Only what ``check`` reads: min/max, map key min/max, hostLabel."""

from __future__ import annotations

from typing import Any

from botocore.model import Shape as BotoShape

from changelog_tracker.model import ListShape, MapShape, Overlay, Shape, Structure
from changelog_tracker.paths import LIST, MAP, members_of


def request_overlay(boto: BotoShape, ours: Shape) -> Overlay:
    found: Overlay = {"": {}}
    _visit(boto, ours, "input", found)
    return found


def _visit(boto: BotoShape, ours: Shape, path: str, found: Overlay) -> None:
    found[path] = _traits(boto)
    if isinstance(ours, Structure) and boto.type_name == "structure":
        for member in ours.members:
            _visit(boto.members[member.name], member.shape, members_of(path) + member.name, found)
    elif isinstance(ours, ListShape):
        _visit(boto.member, ours.member, path + LIST, found)
    elif isinstance(ours, MapShape):
        _visit(boto.value, ours.value, path + MAP, found)


def _traits(boto: BotoShape) -> dict[str, Any]:
    traits = {k: boto.metadata[k] for k in ("min", "max") if k in boto.metadata}
    if boto.serialization.get("hostLabel"):
        traits["host_label"] = True
    if boto.type_name == "map":
        traits |= {f"key_{k}": boto.key.metadata[k] for k in ("min", "max") if k in boto.key.metadata}
    return traits
