"""What a value must be at one place of a request, and the errors it has when it is not.

Each place is an :class:`Entry`: ``check``, the whole check (``None`` when the value is valid, else
its raw errors), and an inline test (exact types, enum values, a length or value range) that a
caller may evaluate instead of calling it. Containers carry a node whose ``report`` is the
interpreted check: it gives the errors in payload order, and is what the fast functions written by
``generate`` fall back to as soon as anything fails. Paths are built only on the way back up from an
error (each parent appends its segment), so a valid payload costs no string work at all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.utils import parse_to_aware_datetime

from ..paths import LIST, MAP

# Error kinds. UNCHECKABLE: the page cut the request, so there is no shape to check against.
UNKNOWN_MEMBER, MISSING_REQUIRED, WRONG_TYPE = "unknown-member", "missing-required", "wrong-type"
NOT_IN_ENUM, UNION_CONFLICT, UNCHECKABLE = "not-in-enum", "union-conflict", "undocumented"
INVALID_LENGTH, INVALID_RANGE = "invalid-length", "invalid-range"  # botocore's "invalid length"/"invalid range"
_ENUM_SHOWN = 12  # enum values listed in a message before "... and N more"


@dataclass(frozen=True, slots=True)
class Error:
    """One problem in a payload: ``path`` is concrete (``a.b[0].c``, ``tags.mykey``); ``schema_path``
    is the shape path of change paths (``a.b[].c``, ``tags{}``, see ``paths``), for matching a change to it."""

    path: str
    kind: str
    message: str
    schema_path: str = field(default="", compare=False)

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "message": self.message}


class MapKey:
    """A path segment for a map entry (an ``int`` segment is a list index, a ``str`` a member)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


Segment = str | int | MapKey
Raw = tuple[str, str, list[Segment]]  # (kind, message, path segments innermost first)
Check = Callable[[Any], list[Raw] | None]
Limits = tuple[float | None, float | None]  # (least, most); None: no bound


def render(raw: Raw) -> Error:
    kind, message, segments = raw
    path, schema = [], []
    for segment in reversed(segments):
        if type(segment) is str:  # most segments: a member (neither an int nor a MapKey, as below)
            segment = "." + segment
            path.append(segment)
            schema.append(segment)
        elif isinstance(segment, int):
            path.append(f"[{segment}]")
            schema.append(LIST)
        elif isinstance(segment, MapKey):
            path.append("." + segment.key)
            schema.append(MAP)
        else:
            path.append("." + segment)
            schema.append("." + segment)
    # Error's own __init__ (frozen: one object.__setattr__ a field) is most of the cost of an error.
    error = _new(Error)
    _set_path(error, "".join(path).lstrip("."))
    _set_kind(error, kind)
    _set_message(error, message)
    _set_schema(error, "".join(schema).lstrip("."))
    return error


_new = object.__new__
_set_path, _set_kind, _set_message, _set_schema = (
    getattr(Error, name).__set__ for name in ("path", "kind", "message", "schema_path")
)


def describe(value: Any) -> str:
    """``integer 5``, ``object``: what was found, short enough for one line."""
    text = repr(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    kind = _TYPE_NAMES.get(type(value), type(value).__name__)
    return kind if isinstance(value, dict | list | tuple) else f"{kind} {shown}"


_TYPE_NAMES: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "float",
    dict: "object",
    list: "list",
    tuple: "list",
    type(None): "null",
    bytes: "bytes",
    dt.datetime: "timestamp",
    dt.date: "date",
    decimal.Decimal: "decimal",
}


class Entry:
    """A compiled place. Its inline test: ``type(x)`` in ``types`` (None: no inline test), then ``x``
    in ``values``, ``len(x)`` in ``sized`` and ``span[0] <= x <= span[1]`` where those are set; a
    value that passes it passes ``check``. ``node``: a container's node (the generated ``check``
    falls back to its ``report``); ``name``: the name ``generate`` gives ``check`` in its code."""

    __slots__ = ("check", "name", "node", "sized", "span", "types", "values")

    def __init__(
        self,
        check: Check,
        types: frozenset[type] | None = None,
        values: frozenset[str] | None = None,
        sized: range | None = None,
        span: tuple[float, float] | None = None,
        node: Node | None = None,
    ) -> None:
        self.check, self.types, self.values, self.sized, self.span, self.node = check, types, values, sized, span, node
        self.name: str | None = None


def wrong(expected: str, value: Any, hint: str = "") -> list[Raw]:
    return [(WRONG_TYPE, f"expected {expected}, found {describe(value)}{hint}", [])]


def accept(_value: Any) -> None:
    return None


def typed(types: tuple[type, ...], expected: str, exclude_bool: bool = False) -> Check:
    def check(value: Any) -> list[Raw] | None:
        if isinstance(value, types) and not (exclude_bool and isinstance(value, bool)):
            return None
        return wrong(expected, value)

    return check


def enum(values: tuple[str, ...]) -> Check:
    allowed = frozenset(values)
    listed = listing(values)

    def check(value: Any) -> list[Raw] | None:
        if not isinstance(value, str):
            return wrong("string", value)
        if value in allowed:
            return None
        return [(NOT_IN_ENUM, f"{value!r} is not one of: {listed}", [])]

    return check


def listing(names: tuple[str, ...]) -> str:
    more = len(names) - _ENUM_SHOWN
    return ", ".join(names[:_ENUM_SHOWN]) + (f" ... and {more} more" if more > 0 else "")


def timestamp(value: Any) -> list[Raw] | None:
    if isinstance(value, dt.datetime):
        return None
    try:
        parse_to_aware_datetime(value)  # botocore's own parser: the same strings pass
    except Exception:  # botocore's parser also raises RuntimeError/OverflowError on huge numbers
        hint = " (YAML reads an unquoted date as a date: quote it)" if isinstance(value, dt.date) else ""
        return wrong("timestamp (datetime, ISO 8601 string or epoch seconds)", value, hint)
    return None


def blob(value: Any) -> list[Raw] | None:
    if isinstance(value, bytes | bytearray | str) or hasattr(value, "read"):
        return None
    return wrong("blob (bytes, string or file-like object)", value)


def document(value: Any) -> list[Raw] | None:
    """botocore's document rules: JSON-like values, nested; ``None`` anywhere is fine."""
    if value is None or isinstance(value, str | int | bool | float):
        return None
    if isinstance(value, dict):
        items: list[tuple[Segment, Any]] = [(MapKey(str(k)), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return wrong("document (string, number, boolean, null, list or object)", value)
    errors: list[Raw] = []
    for segment, item in items:
        found = document(item)
        if found:
            errors.extend(prefixed(found, segment))
    return errors or None


def json_value(value: Any) -> list[Raw] | None:
    """botocore's rule for a JSON-value header: whatever ``json.dumps`` takes (tuples as lists, keys it
    turns into strings), unlike a document's rules; the SDK sends exactly that text."""
    try:
        json.dumps(value)
    except (TypeError, ValueError) as err:  # a type it cannot write, a key it cannot turn into a string
        return wrong("a JSON-serializable value", value, f" ({err})")
    return None


def container(value: Any) -> list[Raw] | None:
    """A recursive shape: the page cut it, so only its being a container is checked (see README)."""
    if isinstance(value, dict | list | tuple):
        return None
    return wrong("object or list (a recursive shape)", value)


def prefixed(found: list[Raw], segment: Segment) -> list[Raw]:
    for _kind, _message, segments in found:
        segments.append(segment)
    return found


def out_of(size: Any, limits: Limits | None, error: str, noun: str) -> list[Raw] | None:
    """The error of a size outside ``limits`` (comparisons as botocore's: NaN is never below a min)."""
    if size is None or limits is None:
        return None
    low, high = limits
    if low is not None and size < low:
        return [(error, f"expected a {noun} of at least {low}, found {size}", [])]
    if high is not None and size > high:
        return [(error, f"expected a {noun} of at most {high}, found {size}", [])]
    return None


# -- containers: their interpreted checks ------------------------------------------------------
# A fast function that fails hands over what it knows so that the report checks nothing twice:
# ``valid``, how many members (in the shape's order) it found valid, and ``hint``, the member's key
# (a list's item itself, a map's key) whose errors it found, ``known``. Without it, each level of a
# failing path would check the levels below it again (4**depth calls).
NO_HINT: Any = object()
_UNKNOWN_KEPT = 64  # unknown keys' messages kept per structure (a batch repeats its typos)


class StructureNode:
    __slots__ = ("_places", "_skips", "_unknown", "members", "names", "needed", "required", "union")

    def __init__(self, members: dict[str, Entry], required: tuple[str, ...], union: bool) -> None:
        self.members, self.required, self.union = members, required, union
        self.needed, self.names = frozenset(required), ", ".join(members)  # names: for union messages
        self._places = {name: (i, entry) for i, (name, entry) in enumerate(members.items())}
        self._unknown: dict[str, str] = {}  # messages by unknown key: difflib's closest match is slow
        self._skips: dict[int, frozenset[str]] = {0: frozenset()}  # the first n members' names, by n

    def unknown(self, key: Any) -> str:
        """The message of an unknown member (kept for string keys: equal strings, equal messages)."""
        if type(key) is not str:
            return _unknown(key, self.members)
        found = self._unknown.get(key)
        if found is None:
            found = _unknown(key, self.members)
            if len(self._unknown) < _UNKNOWN_KEPT:
                self._unknown[key] = found
        return found

    def report(
        self, value: Any, valid: int = 0, hint: Any = NO_HINT, known: list[Raw] | None = None
    ) -> list[Raw] | None:
        """The errors of ``value`` in its keys' order, its first ``valid`` members known valid and
        those of member ``hint`` known."""
        if not isinstance(value, dict):
            return wrong("object (a structure)", value)
        places, errors = self._places, None
        if (self.union and len(value) != 1) or (self.needed and not self.needed <= value.keys()):
            errors = _shape_errors(value, self.required, self.names if self.union else None)
        skip = self._skips.get(valid)
        if skip is None:  # the members known valid: one test a key (a report scans every key, in order)
            skip = self._skips[valid] = frozenset(list(self.members)[:valid])
        for key, item in value.items():
            if key in skip:
                continue
            place = places.get(key)
            if place is None:
                errors = errors or []
                errors.append((UNKNOWN_MEMBER, self.unknown(key), [str(key)]))
                continue
            found = known if key == hint else place[1].check(item)
            if found:
                errors = errors or []
                errors.extend(prefixed(found, key))
        return errors


def _shape_errors(value: dict[Any, Any], required: tuple[str, ...], union: str | None) -> list[Raw]:
    """Errors of the structure itself: its union rule (botocore counts unknown keys too), its required members."""
    errors = [_union_error(value, union)] if union is not None and len(value) != 1 else []
    errors.extend((MISSING_REQUIRED, f"missing required member {n!r}", [n]) for n in required if n not in value)
    return errors


def _unknown(key: Any, members: dict[str, Entry]) -> str:
    close = difflib.get_close_matches(str(key), members, n=1)
    if close:
        return f"unknown member {key!r}; did you mean {close[0]!r}?"
    if not members:
        return f"unknown member {key!r}: this structure has no members"
    return f"unknown member {key!r}; expected one of: {listing(tuple(members))}"


def _union_error(value: dict[Any, Any], names: str) -> Raw:
    found = f"{len(value)} are set: {', '.join(map(str, value))}" if value else "none is set"
    return (UNION_CONFLICT, f"a tagged union takes exactly one of: {names}; {found}", [])


def _count_error(count: int, sizes: range | None, limits: Limits | None, noun: str) -> list[Raw] | None:
    return None if sizes is None or count in sizes else out_of(count, limits, INVALID_LENGTH, noun)


class ListNode:
    __slots__ = ("limits", "member", "sizes")

    def __init__(self, member: Entry, limits: Limits | None, sizes: range | None) -> None:
        self.member, self.limits, self.sizes = member, limits, sizes

    def report(self, value: Any, hint: Any = NO_HINT, known: list[Raw] | None = None) -> list[Raw] | None:
        """The errors of ``value``; the items before ``hint`` (the first occurrence of that object)
        known valid, its own errors ``known``."""
        if not isinstance(value, list | tuple):
            return wrong("list", value)
        check, errors = self.member.check, _count_error(len(value), self.sizes, self.limits, "length")
        for index, item in enumerate(value):
            if hint is not NO_HINT:
                if item is not hint:
                    continue
                found, hint = known, NO_HINT  # the same object further on has the same errors, as new lists
            else:
                found = check(item)
            if found:
                errors = errors or []
                errors.extend(prefixed(found, index))
        return errors


class MapNode:
    __slots__ = ("keys", "limits", "member", "sizes")

    def __init__(self, keys: Entry, member: Entry, limits: Limits | None, sizes: range | None) -> None:
        self.keys, self.member, self.limits, self.sizes = keys, member, limits, sizes

    def report(self, value: Any, hint: Any = NO_HINT, known: list[Raw] | None = None) -> list[Raw] | None:
        """The errors of ``value``, keys and values in its order; the items before key ``hint`` known
        valid, its key too, and its value's errors ``known``."""
        if not isinstance(value, dict):
            return wrong("object (a map)", value)
        key_check, check = self.keys.check, self.member.check
        errors = _count_error(len(value), self.sizes, self.limits, "size")
        for key, item in value.items():
            if hint is not NO_HINT:  # the items before it are valid, its key too
                if key is not hint:
                    continue
                found, hint = known, NO_HINT
            else:
                bad = key_check(key)
                if bad:
                    errors = errors or []
                    errors.extend(prefixed([(k, f"map key: {m}", s) for k, m, s in bad], MapKey(str(key))))
                found = check(item)
            if found:
                errors = errors or []
                errors.extend(prefixed(found, MapKey(str(key))))
        return errors


Node = StructureNode | ListNode | MapNode
