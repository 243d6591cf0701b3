"""Shape path syntax: member names joined by ``.``, ``[]`` after a list, ``{}`` after a map.

``Filters[].Values[]``, ``input.Tags{}``: a path names a place in a shape, not in a value (a
payload's concrete path has indexes and keys there instead). Imports nothing from the package.
"""

from __future__ import annotations

LIST = "[]"  # a list's member
MAP = "{}"  # a map's value
MAP_KEY = "{key}"  # a map's key: an edge of a stored node, never in a change path


def join(path: str, name: str) -> str:
    """The member ``name`` under ``path`` (the root's members have no leading dot)."""
    return f"{path}.{name}" if path else name


def members_of(path: str) -> str:
    """What every member path under ``path`` starts with: ``join(path, name) == members_of(path) + name``
    (one concatenation per member, for walks over every member of an ingest)."""
    return f"{path}." if path else ""
