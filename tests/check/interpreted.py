"""The interpreted validator as it was before the generated fast path (a73af39^): the oracle that the
compiled one must agree with, error for error. Test code only: nothing in the package imports it."""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import difflib
import json
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.utils import parse_to_aware_datetime

from changelog_tracker.model import CUT_SIDE, ListShape, MapShape, Overlay, Scalar, Shape, Structure
from changelog_tracker.paths import LIST, MAP, members_of

MODES = ("strict", "botocore")
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


def render(raw: Raw) -> Error:
    kind, message, segments = raw
    path, schema = [], []
    for segment in reversed(segments):
        if isinstance(segment, int):
            path.append(f"[{segment}]")
            schema.append(LIST)
        elif isinstance(segment, MapKey):
            path.append("." + segment.key)
            schema.append(MAP)
        else:
            path.append("." + segment)
            schema.append("." + segment)
    return Error("".join(path).lstrip("."), kind, message, "".join(schema).lstrip("."))


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


def _wrong(expected: str, value: Any, hint: str = "") -> list[Raw]:
    return [(WRONG_TYPE, f"expected {expected}, found {describe(value)}{hint}", [])]


def _accept(_value: Any) -> None:
    return None


def _typed(types: tuple[type, ...], expected: str, exclude_bool: bool = False) -> Check:
    def check(value: Any) -> list[Raw] | None:
        if isinstance(value, types) and not (exclude_bool and isinstance(value, bool)):
            return None
        return _wrong(expected, value)

    return check


def _enum(values: tuple[str, ...]) -> Check:
    allowed = frozenset(values)
    listed = _listing(values)

    def check(value: Any) -> list[Raw] | None:
        if not isinstance(value, str):
            return _wrong("string", value)
        if value in allowed:
            return None
        return [(NOT_IN_ENUM, f"{value!r} is not one of: {listed}", [])]

    return check


def _listing(names: tuple[str, ...]) -> str:
    more = len(names) - _ENUM_SHOWN
    return ", ".join(names[:_ENUM_SHOWN]) + (f" ... and {more} more" if more > 0 else "")


def _timestamp(value: Any) -> list[Raw] | None:
    if isinstance(value, dt.datetime):
        return None
    try:
        parse_to_aware_datetime(value)  # botocore's own parser: the same strings pass
    except Exception:  # botocore's parser also raises RuntimeError/OverflowError on huge numbers
        hint = " (YAML reads an unquoted date as a date: quote it)" if isinstance(value, dt.date) else ""
        return _wrong("timestamp (datetime, ISO 8601 string or epoch seconds)", value, hint)
    return None


def _blob(value: Any) -> list[Raw] | None:
    if isinstance(value, bytes | bytearray | str) or hasattr(value, "read"):
        return None
    return _wrong("blob (bytes, string or file-like object)", value)


def _document(value: Any) -> list[Raw] | None:
    """botocore's document rules: JSON-like values, nested; ``None`` anywhere is fine."""
    if value is None or isinstance(value, str | int | bool | float):
        return None
    if isinstance(value, dict):
        items: list[tuple[Segment, Any]] = [(MapKey(str(k)), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return _wrong("document (string, number, boolean, null, list or object)", value)
    errors: list[Raw] = []
    for segment, item in items:
        found = _document(item)
        if found:
            errors.extend(_prefixed(found, segment))
    return errors or None


def _json_value(value: Any) -> list[Raw] | None:
    """botocore's rule for a JSON-value header: whatever ``json.dumps`` takes (tuples as lists, keys it
    turns into strings), unlike a document's rules; the SDK sends exactly that text."""
    try:
        json.dumps(value)
    except (TypeError, ValueError) as err:  # a type it cannot write, a key it cannot turn into a string
        return _wrong("a JSON-serializable value", value, f" ({err})")
    return None


def _prefixed(found: list[Raw], segment: Segment) -> list[Raw]:
    for _kind, _message, segments in found:
        segments.append(segment)
    return found


def _container(value: Any) -> list[Raw] | None:
    """A recursive shape: the page cut it, so only its being a container is checked (see README)."""
    if isinstance(value, dict | list | tuple):
        return None
    return _wrong("object or list (a recursive shape)", value)


# A compiled shape: (types a value may have to pass at once, the enum values it must then be one
# of, the full check). The first two let containers test plain members inline, without a call.
# ... and (strings) the lengths such a value must have to pass inline (``in`` a range: one C call).
Entry = tuple[frozenset[type] | None, frozenset[str] | None, Check, range | None]
_STRICT_FAST: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "integer": frozenset({int}),
    "float": frozenset({float, int, decimal.Decimal}),
    "boolean": frozenset({bool}),
    "timestamp": frozenset({dt.datetime}),
    "blob": frozenset({bytes, bytearray, str}),
    "document": frozenset({str, int, float, bool, type(None)}),
}
# bool is an int to botocore's isinstance tests
_BOTOCORE_FAST = {**_STRICT_FAST, "integer": _STRICT_FAST["integer"] | {bool}, "float": _STRICT_FAST["float"] | {bool}}


class Compiler:
    """Validators by shape, for one mode. Shapes read from the store are shared objects (one per
    node id), so caching by object identity compiles each content-addressed node once. With an
    operation's traits, only the subtrees above a checked trait are compiled again (per shape and
    :func:`constraints`); the rest are the shared validators."""

    def __init__(self, mode: str = "strict") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
        self.mode, self.strict = mode, mode == "strict"
        self._fast = _STRICT_FAST if self.strict else _BOTOCORE_FAST
        self._cache: dict[int, tuple[Shape, Entry]] = {}  # id -> (shape kept alive, compiled)
        self._bounded: dict[tuple[int, Constraints], tuple[Shape, Check]] = {}  # inputs, by their constraints
        self._subtrees: dict[tuple[int, Constraints], tuple[Shape, Entry]] = {}  # by constraints relative to them
        # (shape id, overlay id) -> (both kept alive, the validator)
        self._overlays: dict[tuple[int, int], tuple[Shape, Overlay, Check]] = {}

    def __call__(self, shape: Shape, traits: Overlay | None = None) -> Check:
        """The validator of an operation's input ``shape``, with the checks its ``traits`` add."""
        if not traits:
            return self.entry(shape)[2]
        hit = self._overlays.get((id(shape), id(traits)))  # per call: no hashing of the constraints
        if hit is None:
            hit = self._overlays[(id(shape), id(traits))] = (shape, traits, self._constrained(shape, traits))
        return hit[2]

    def __len__(self) -> int:
        return len(self._cache) + len(self._bounded) + len(self._subtrees) + len(self._overlays)

    def _constrained(self, shape: Shape, traits: Overlay) -> Check:
        """One validator per shape and :func:`constraints` (equal overlays of two versions share it)."""
        found = constraints(traits, self.mode)
        if not found:
            return self.entry(shape)[2]
        hit = self._bounded.get((id(shape), found))
        if hit is None:
            hit = self._bounded[(id(shape), found)] = (shape, self._at(shape, _INPUT, _Rules(dict(found))))
        return hit[1]

    def entry(self, shape: Shape) -> Entry:
        hit = self._cache.get(id(shape))
        if hit is not None:
            return hit[1]
        built = self._build(shape, "", None)
        self._cache[id(shape)] = (shape, built)
        return built

    def _at(self, shape: Shape, path: str, rules: _Rules) -> Check:
        return self._child(shape, path, rules)[2]

    def _child(self, shape: Shape, path: str, rules: _Rules | None) -> Entry:
        """The entry of ``shape`` at ``path``: the shared one unless a checked trait is at or below it."""
        if rules is None or path not in rules.hot:
            return self.entry(shape)
        key = (id(shape), rules.below(path))
        hit = self._subtrees.get(key)
        if hit is None:
            hit = self._subtrees[key] = (shape, self._build(shape, path, rules))
        return hit[1]

    def _build(self, shape: Shape, path: str, rules: _Rules | None) -> Entry:
        here = rules.at.get(path, {}) if rules is not None else {}
        if isinstance(shape, Structure):
            return None, None, _accept if shape.event_stream else self._structure(shape, path, rules), None
        if isinstance(shape, ListShape):
            return None, None, _list(self._child(shape.member, path + LIST, rules), self._limits(here, "list")), None
        if isinstance(shape, MapShape):
            keys = self._sized(self.entry(shape.key), shape.key, self._key_limits(here))
            limits = self._limits(here, "map")
            return None, None, _map(keys, self._child(shape.value, path + MAP, rules), limits), None
        values = frozenset(shape.enum) if shape.enum and self.strict and shape.type == "string" else None
        plain = self._fast.get(shape.type), values, self._scalar(shape), None
        return self._sized(plain, shape, None if shape.streaming else self._limits(here, shape.type))

    def _limits(self, here: dict[str, Any], kind: str) -> Limits | None:
        """The bounds the mode checks on a ``kind`` of shape: botocore's ``range_check`` takes ``min``
        (else 1 for a hostLabel member) of strings, lists and numbers; strict adds ``max``, maps, blobs."""
        if kind not in (_STRICT_SIZED if self.strict else _BOTOCORE_SIZED):
            return None
        low = here.get("min", 1 if here.get("host_label") else None)
        return _bounds(low, here.get("max") if self.strict else None)

    def _key_limits(self, here: dict[str, Any]) -> Limits | None:
        return _bounds(here.get("key_min"), here.get("key_max") if self.strict else None)

    def _sized(self, plain: Entry, shape: Shape, limits: Limits | None) -> Entry:
        if limits is None or not isinstance(shape, Scalar) or shape.type not in _MEASURES:
            return plain
        check = _bounded(plain, limits, shape.type)
        return (plain[0], plain[1], check, _lengths(limits)) if shape.type == "string" else (None, None, check, None)

    def _scalar(self, shape: Scalar) -> Check:
        kind = shape.type
        if kind == "string":
            return _enum(shape.enum) if shape.enum and self.strict else _typed((str,), "string")
        if kind == "integer":
            return _typed((int,), "integer", exclude_bool=self.strict)
        if kind == "float":
            return _typed((float, decimal.Decimal, int), "number", exclude_bool=self.strict)
        if kind == "boolean":
            return _typed((bool,), "boolean")
        if shape.json_value:
            return _json_value
        simple: dict[str, Check] = {
            "timestamp": _timestamp,
            "blob": _blob,
            "document": _document,
            "recursive": _container,
        }
        return simple.get(kind, _accept)  # undocumented: nothing to check against

    def _structure(self, shape: Structure, path: str, rules: _Rules | None) -> Check:
        prefix = members_of(path)
        members = {m.name: self._child(m.shape, prefix + m.name, rules) for m in shape.members}
        required = tuple(m.name for m in shape.members if m.required is True)  # None: unknown, never missing
        return _structure(members, required, shape.union)


# -- traits: the bounds each mode checks ---------------------------------------------------------
_INPUT = "input"  # the request's root path in an overlay
Limits = tuple[float | None, float | None]  # (least, most); None: no bound
Constraints = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # (path, its checked traits), sorted
_BOTOCORE_KEYS = frozenset({"min", "key_min", "host_label"})
# No `pattern`, in either mode: of botocore 1.43.11's 4,994 distinct patterns 186 do not compile in Python's
# re and 3,174 use `$`, `.`, `\d`/`\w`/`\s` or surrogate escapes, which mean other things there than
# in the services' regex dialects; a wrong "invalid" is worse than an unchecked pattern.
_STRICT_KEYS = _BOTOCORE_KEYS | {"max", "key_max"}
_BOTOCORE_SIZED = frozenset({"string", "integer", "float", "list"})  # what ParamValidator range-checks
_STRICT_SIZED = _BOTOCORE_SIZED | {"map", "blob"}


def constraints(traits: Overlay | None, mode: str) -> Constraints:
    """The request traits of an overlay that ``mode`` checks, as a hashable key: two operation
    versions whose keys are equal get the same verdicts from the same input shape."""
    keys = _STRICT_KEYS if mode == "strict" else _BOTOCORE_KEYS
    found = []
    for path, traits_at in (traits or {}).items():
        if path == _INPUT or path.startswith(_INPUT + "."):
            checked = tuple(sorted((k, v) for k, v in traits_at.items() if k in keys))
            if checked:
                found.append((path, checked))
    return tuple(sorted(found))


class _Rules:
    """Constraints by path, and ``hot``: the paths at or above one (the only subtrees compiled again)."""

    __slots__ = ("_items", "_paths", "at", "hot")

    def __init__(self, at: dict[str, tuple[tuple[str, Any], ...]]) -> None:
        self._items, self._paths = at, sorted(at)
        self.at = {path: dict(items) for path, items in at.items()}
        hot: set[str] = set()
        for path in at:
            for above in _lineage(path):
                if above in hot:
                    break  # and so is every path above it
                hot.add(above)
        self.hot = frozenset(hot)

    def below(self, path: str) -> Constraints:
        """The constraints at and under ``path``, relative to it: equal for two places of one shared
        node that are bounded alike (a recursive rule statement at every depth), compiled once."""
        found = []
        for other in self._paths[bisect.bisect_left(self._paths, path) :]:  # those under it come next
            if not other.startswith(path):
                break
            rest = other[len(path) :]
            if not rest or rest[0] in ".[{":
                found.append((rest, self._items[other]))
        return tuple(found)


def _lineage(path: str) -> Iterator[str]:
    """``path`` and every path above it: ``input.Tags[].Key``, ``input.Tags[]``, ``input.Tags``, ``input``."""
    while path:
        yield path
        path = path[:-2] if path.endswith((LIST, MAP)) else path[: max(path.rfind("."), 0)]


def _lengths(limits: Limits) -> range:
    low, high = limits
    return range(0 if low is None else math.ceil(low), sys.maxsize if high is None else math.floor(high) + 1)


def _finite(limits: Limits) -> tuple[float, float]:
    low, high = limits
    return -math.inf if low is None else low, math.inf if high is None else high


def _bounds(low: float | None, high: float | None) -> Limits | None:
    return None if low is None and high is None else (low, high)


def _blob_size(value: Any) -> int | None:
    """A blob's size in bytes as sent (a string goes as UTF-8); a file's is not known before reading."""
    if isinstance(value, bytes | bytearray):
        return len(value)
    return len(value.encode("utf-8", "surrogatepass")) if isinstance(value, str) else None


def _number(value: Any) -> Any:
    """A number as compared with its bounds; a Decimal NaN cannot be (botocore raises on it): unbounded."""
    return None if isinstance(value, decimal.Decimal) and value.is_nan() else value


# What is bounded, by shape kind: (how to measure a value that passed the type check, error kind, noun)
_MEASURES: dict[str, tuple[Callable[[Any], Any], str, str]] = {
    "string": (len, INVALID_LENGTH, "length"),
    "blob": (_blob_size, INVALID_LENGTH, "length in bytes"),
    "integer": (_number, INVALID_RANGE, "value"),
    "float": (_number, INVALID_RANGE, "value"),
}


def _bounded(plain: Entry, limits: Limits, kind: str) -> Check:
    types, values, base, _ = plain
    measure, error, noun = _MEASURES[kind]
    low, high = _finite(limits)

    def check(value: Any) -> list[Raw] | None:
        if types is not None and type(value) in types and (values is None or value in values):
            size = measure(value)  # of a value that passes its type check: one call for the common case
            if size is None or low <= size <= high:
                return None
            return _out_of(size, limits, error, noun)
        found = base(value)
        return found if found else _out_of(measure(value), limits, error, noun)

    return check


def _out_of(size: Any, limits: Limits | None, error: str, noun: str) -> list[Raw] | None:
    """The error of a size outside ``limits`` (comparisons as botocore's: NaN is never below a min)."""
    if size is None or limits is None:
        return None
    low, high = limits
    if low is not None and size < low:
        return [(error, f"expected a {noun} of at least {low}, found {size}", [])]
    if high is not None and size > high:
        return [(error, f"expected a {noun} of at most {high}, found {size}", [])]
    return None


def _structure(members: dict[str, Entry], required: tuple[str, ...], union: bool) -> Check:
    needed = frozenset(required)
    names = ", ".join(members)  # for union messages
    get = members.get

    def check(value: Any) -> list[Raw] | None:
        if not isinstance(value, dict):
            return _wrong("object (a structure)", value)
        errors: list[Raw] | None = None
        if (union and len(value) != 1) or (needed and not needed <= value.keys()):
            errors = _shape_errors(value, required, names if union else None)
        for key, item in value.items():
            entry = get(key)
            if entry is None:
                errors = errors or []
                errors.append((UNKNOWN_MEMBER, _unknown(key, members), [str(key)]))
                continue
            types, values, sub, sized = entry
            if (
                types is not None
                and type(item) in types
                and (values is None or item in values)
                and (sized is None or len(item) in sized)
            ):
                continue
            found = sub(item)
            if found:
                errors = errors or []
                errors.extend(_prefixed(found, key))
        return errors

    return check


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
    return f"unknown member {key!r}; expected one of: {_listing(tuple(members))}"


def _union_error(value: dict[Any, Any], names: str) -> Raw:
    found = f"{len(value)} are set: {', '.join(map(str, value))}" if value else "none is set"
    return (UNION_CONFLICT, f"a tagged union takes exactly one of: {names}; {found}", [])


def _list(member: Entry, limits: Limits | None = None) -> Check:
    types, values, sub, sized = member
    sizes = None if limits is None else _lengths(limits)

    def check(value: Any) -> list[Raw] | None:
        if not isinstance(value, list | tuple):
            return _wrong("list", value)
        errors = None if sizes is None or len(value) in sizes else _out_of(len(value), limits, INVALID_LENGTH, "length")
        for index, item in enumerate(value):
            if (
                types is not None
                and type(item) in types
                and (values is None or item in values)
                and (sized is None or len(item) in sized)
            ):
                continue
            found = sub(item)
            if found:
                errors = errors or []
                errors.extend(_prefixed(found, index))
        return errors

    return check


def _map(keys: Entry, member: Entry, limits: Limits | None = None) -> Check:
    key_types, key_values, key_check, key_sized = keys
    types, values, sub, sized = member
    sizes = None if limits is None else _lengths(limits)

    def check(value: Any) -> list[Raw] | None:
        if not isinstance(value, dict):
            return _wrong("object (a map)", value)
        errors = None if sizes is None or len(value) in sizes else _out_of(len(value), limits, INVALID_LENGTH, "size")
        for key, item in value.items():
            if (
                key_types is None
                or type(key) not in key_types
                or (key_values is not None and key not in key_values)
                or (key_sized is not None and len(key) not in key_sized)
            ):
                bad = key_check(key)
                if bad:
                    errors = errors or []
                    errors.extend(_prefixed([(k, f"map key: {m}", s) for k, m, s in bad], MapKey(str(key))))
            if (
                types is not None
                and type(item) in types
                and (values is None or item in values)
                and (sized is None or len(item) in sized)
            ):
                continue
            found = sub(item)
            if found:
                errors = errors or []
                errors.extend(_prefixed(found, MapKey(str(key))))
        return errors

    return check


_COMPILERS = {mode: Compiler(mode) for mode in MODES}
_CACHE_LIMIT = 50_000  # shapes compiled by validate(); a long-lived process must not grow forever


def compiler(mode: str) -> Compiler:
    """The shared compiler of a mode (its cache is dropped when it grows past a bound)."""
    if mode not in _COMPILERS:
        raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
    found = _COMPILERS[mode]
    if len(found) > _CACHE_LIMIT:
        found = _COMPILERS[mode] = Compiler(mode)
    return found


def validate(shape: Shape, payload: Any, mode: str = "strict", traits: Overlay | None = None) -> list[Error]:
    """Every error of ``payload`` against ``shape`` (an operation's input), in a stable order;
    ``traits``: the operation's overlay (``Operation.traits``, ``Store.traits``), None where unknown."""
    if shape == CUT_SIDE:
        return [Error("", UNCHECKABLE, "the page cut this request's syntax: the payload cannot be checked")]
    found = compiler(mode)(shape, traits)(payload)
    return [render(raw) for raw in found] if found else []
