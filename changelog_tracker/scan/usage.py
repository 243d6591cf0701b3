"""What one call's payload uses, in change-path terms: the member paths it sends, its literal values.

A payload is walked along the operation's request shape, so a map's keys become ``X{}`` and a
list's items ``X[]`` as in change paths (``paths``); where the shape says nothing (a member the
shape lacks), dicts read as structures. ``UNKNOWN`` values use their path and nothing below it; a
``SPREAD`` key (or a key not known statically) leaves its dict *open*: other members may be in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import ListShape, MapShape, Shape, Structure
from ..paths import LIST, MAP, join
from .calls import UNKNOWN


@dataclass
class Usage:
    sent: set[str] = field(default_factory=set)  # every member path given ('' is the request itself)
    structures: set[str] = field(default_factory=set)  # paths given as a dict literal of a structure
    open: set[str] = field(default_factory=set)  # ... of those, the ones **kwargs (or a computed key) may extend
    literals: dict[str, list[Any]] = field(default_factory=dict)  # known scalar values at each path
    sizes: dict[str, list[int]] = field(default_factory=dict)  # known lengths of list and map literals
    keys: dict[str, set[str]] = field(default_factory=dict)  # literal keys given to each map

    def missing_at(self, path: str) -> bool:
        """Whether the payload lacks member ``path`` for sure: its structure is given, closed, without it."""
        parent = parent_of(path)
        return parent in self.structures and parent not in self.open and path not in self.sent


def parent_of(path: str) -> str:
    """The structure a member path is in: ``a[].b`` -> ``a[]``, ``b`` -> ``''``."""
    cut = path.rfind(".")
    return path[:cut] if cut >= 0 else ""


def usage(shape: Shape | None, payload: dict[Any, Any]) -> Usage:
    found = Usage()
    _walk(found, shape, payload, "")
    return found


def _walk(found: Usage, shape: Shape | None, value: Any, path: str) -> None:
    found.sent.add(path)
    if value is UNKNOWN:
        return
    if isinstance(shape, MapShape) and isinstance(value, dict):
        _map(found, shape, value, path)
    elif isinstance(value, dict):
        _structure(found, shape if isinstance(shape, Structure) else None, value, path)
    elif isinstance(value, list):
        found.sizes.setdefault(path, []).append(len(value))
        member = shape.member if isinstance(shape, ListShape) else None
        for item in value:
            _walk(found, member, item, path + LIST)
    else:
        found.literals.setdefault(path, []).append(value)


def _structure(found: Usage, shape: Structure | None, value: dict[Any, Any], path: str) -> None:
    found.structures.add(path)
    members = {m.name: m.shape for m in shape.members} if shape else {}
    for key, item in value.items():
        if not isinstance(key, str):  # SPREAD, or a key computed at run time
            found.open.add(path)
            continue
        _walk(found, members.get(key), item, join(path, key))


def _map(found: Usage, shape: MapShape, value: dict[Any, Any], path: str) -> None:
    keys = found.keys.setdefault(path, set())
    if all(isinstance(key, str) for key in value):
        found.sizes.setdefault(path, []).append(len(value))
    for key, item in value.items():
        if isinstance(key, str):
            keys.add(key)
        _walk(found, shape.value, item, path + MAP)


def read_path(shape: Shape | None, read: str) -> str:
    """A path the code reads (``Tags.mykey``: code cannot tell a map from a structure) in change-path
    terms along the response shape (``Tags{}``); where the shape ends, the rest stays as written."""
    out = ""
    for part in read.split("."):
        name = part.rstrip("[]")
        lists = (len(part) - len(name)) // len(LIST)
        if isinstance(shape, MapShape):
            out, shape = out + MAP, shape.value
        else:
            members = {m.name: m.shape for m in shape.members} if isinstance(shape, Structure) else {}
            out, shape = join(out, name), members.get(name)
        for _ in range(lists):
            out += LIST
            shape = shape.member if isinstance(shape, ListShape) else None
    return out
