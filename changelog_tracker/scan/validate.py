"""A call's payload validated like ``check --mode strict``, by check's own compiled validator.

What the code leaves unknown is never an error: an ``UNKNOWN`` value matches anything, and a dict
with ``SPREAD`` (``**kwargs``) or a computed key may hold any member, so nothing is missing from it,
no key of it is unknown, and its count (a union's, a map's length) is not known.
"""

from __future__ import annotations

from typing import Any

from ..check.compile import (
    INVALID_LENGTH,
    MISSING_REQUIRED,
    UNION_CONFLICT,
    UNKNOWN_MEMBER,
    Error,
    MapKey,
    Raw,
    Segment,
    compiler,
    render,
)
from ..model import CUT_SIDE, Overlay, Shape, Structure
from .calls import UNKNOWN

_ABSENT = object()
# What boto3 takes beside the operation's members and never sends: a paginator's and a waiter's settings.
HANDLED = {"paginator": "PaginationConfig", "waiter": "WaiterConfig"}
# botocore's parameter aliases (handlers.py, _add_parameter_aliases): (service, method or "*", alias) ->
# the member it stands for, where the request has that member (a model's name; a page shows the alias).
ALIASES = {
    ("ec2", "*", "Filters"): "Filter",
    ("logs", "create_export_task", "fromTime"): "from",
    ("cloudsearchdomain", "search", "returnFields"): "return",
}


def request(shape: Shape | None, payload: dict[Any, Any], service: str, method: str, via: str) -> dict[Any, Any]:
    """What boto3 makes of a call's keyword arguments before it sends them: its own settings taken
    out, botocore's aliases renamed to the members they stand for."""
    sent = {k: v for k, v in payload.items() if k != HANDLED.get(via)}
    names = {m.name for m in shape.members} if isinstance(shape, Structure) else set()
    for key in list(sent):
        original = ALIASES.get((service, method, key)) or ALIASES.get((service, "*", key))
        if original in names and key not in names and original not in sent:
            sent[original] = sent.pop(key)
    return sent


def payload_errors(shape: Shape, payload: dict[Any, Any], traits: Overlay | None = None) -> list[Error] | None:
    """The errors of a request (see ``request``) against ``shape`` (an operation's input) and the
    constraints of its ``traits`` overlay where known, or None where the page cut the request."""
    if shape == CUT_SIDE:
        return None
    found = compiler("strict")(shape, traits)(payload) or []
    return [render(raw) for raw in found if not _excused(raw, payload)]


def _excused(raw: Raw, payload: dict[Any, Any]) -> bool:
    kind, _message, segments = raw
    steps = list(reversed(segments))  # outermost first
    if kind in (MISSING_REQUIRED, UNKNOWN_MEMBER):
        container = _at(payload, steps[:-1])
        if kind == MISSING_REQUIRED:
            return container is UNKNOWN or _is_open(container)
        return container is UNKNOWN or not _has_str_key(container, steps[-1])  # SPREAD is no member name
    value = _at(payload, steps)
    return value is UNKNOWN or (kind in (UNION_CONFLICT, INVALID_LENGTH) and _is_open(value))  # a count unknown


def _is_open(value: Any) -> bool:
    return isinstance(value, dict) and any(not isinstance(key, str) for key in value)


def _has_str_key(container: Any, step: Segment) -> bool:
    return isinstance(container, dict) and isinstance(step, str) and step in container


def _at(value: Any, steps: list[Segment]) -> Any:
    """The part of the payload a validator error's segments lead to (``UNKNOWN`` where it is unknown)."""
    for step in steps:
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(step, int) and isinstance(value, list) and step < len(value):
            value = value[step]
        elif isinstance(value, dict):
            name = step.key if isinstance(step, MapKey) else step
            value = value.get(name, _ABSENT) if name in value else _by_text(value, str(name))
        else:
            return _ABSENT
    return value


def _by_text(value: dict[Any, Any], name: str) -> Any:
    """A dict's entry whose key the validator wrote as ``name`` (it writes every key as text)."""
    return next((item for key, item in value.items() if str(key) == name), _ABSENT)
