"""What a model knows beyond the shapes a page shows: the trait keys of an overlay (``model.Overlay``)
and the helpers that read one.

An overlay maps member paths (``paths.py`` syntax: ``''`` the operation, ``'input'``/``'output'`` the
side roots, ``'input.Tags[].Key'``...) to trait dicts. A path present is known (``{}``: known to
carry no trait), a path absent is unknown, an overlay of None leaves the whole operation unknown.
A key absent from a known path means the model says nothing: no such trait.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .model import Overlay
from .paths import members_of

OPERATION = ""  # the operation's own path
INPUT, OUTPUT = "input", "output"
SIDES = (INPUT, OUTPUT)

# At a member or side root (botocore's shape and member-reference traits; botocore/model.py).
MIN, MAX = "min", "max"  # numbers as in the model: length of strings, blobs, lists, maps; value of numbers
PATTERN = "pattern"  # a string's regular expression, as in the model
DEPRECATED = "deprecated"  # the message, or True without one (also at OPERATION)
UNION = "union"  # True: a tagged union, exactly one member may be set
KEY_ENUM = "key_enum"  # a map's key enum values, sorted
KEY_MIN, KEY_MAX, KEY_PATTERN = "key_min", "key_max", "key_pattern"  # a map key's length and pattern
HOST_LABEL = "host_label"  # True: a member bound into the host name (botocore requires min length 1)
IDEMPOTENCY_TOKEN = "idempotency_token"  # True: botocore fills it in when a request leaves it out
REQUIRED = "required"  # True on a RESPONSE member the model lists as required (requests: the node says)
# The botocore name of a member's structure or enum target (also at the side roots): it names, not constrains.
SHAPE = "shape"
CONSTRAINTS = (MIN, MAX, KEY_MIN, KEY_MAX)
PATTERNS = (PATTERN, KEY_PATTERN)
MEMBER_KEYS = frozenset(
    {*CONSTRAINTS, *PATTERNS, DEPRECATED, UNION, KEY_ENUM, HOST_LABEL, IDEMPOTENCY_TOKEN, REQUIRED, SHAPE}
)
NAMING_KEYS = frozenset({SHAPE})  # keys that name, not constrain: no change, no check, not shown

# At OPERATION.
ERRORS = "errors"  # sorted error shape names (possibly empty)
PAGINATOR = "paginator"  # the operation's paginators-1.json entry as is (absent: none)
WAITERS = "waiters"  # sorted names of the waiters that call the operation (absent: none)
OPERATION_KEYS = frozenset({DEPRECATED, ERRORS, PAGINATOR, WAITERS})

# Service-level (Page.traits, Store.service_traits).
PROTOCOL, PROTOCOLS, API_VERSION = "protocol", "protocols", "api_version"
MODULE_NAME = "module_name"  # botocore's get_service_module_name: the client class boto3 makes (`S3`, `Lambda`)


def side_of(path: str) -> str | None:
    """``'input'`` or ``'output'`` for a path of that side (its root included), None for the operation."""
    for side in SIDES:
        if path == side or path.startswith(members_of(side)):
            return side
    if path == OPERATION:
        return None
    raise ValueError(f"not an overlay path: {path!r}")


def relative(path: str) -> str:
    """``path`` relative to its side, as a Change's path: ``'input.Tags[]'`` -> ``'Tags[]'``, ``'input'`` -> ``''``."""
    side = side_of(path)
    if side is None:
        raise ValueError("the operation's path '' belongs to no side")
    return path[len(members_of(side)) :] if path != side else ""


def absolute(side: str, path: str) -> str:
    """Inverse of ``relative``: the overlay key of ``path`` (side-relative) on ``side``."""
    return members_of(side) + path if path else side


def side_items(overlay: Overlay, side: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The known paths of one side, relative to it, with their traits."""
    for path, traits in overlay.items():
        if path and side_of(path) == side:
            yield relative(path), traits


def at(overlay: Overlay | None, side: str | None, path: str = "") -> dict[str, Any] | None:
    """The traits at ``path`` (side-relative; ``side`` None: the operation), None where unknown."""
    if overlay is None:
        return None
    return overlay.get(OPERATION if side is None else absolute(side, path))


def constraining(found: dict[str, Any]) -> dict[str, Any]:
    """The traits at one path less the NAMING_KEYS (what a change, a check or ``show`` looks at)."""
    return found if NAMING_KEYS.isdisjoint(found) else {k: v for k, v in found.items() if k not in NAMING_KEYS}


def canonical(value: Overlay | dict[str, Any]) -> str:
    """An overlay (or service traits) as stored: canonical JSON."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
