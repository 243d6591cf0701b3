"""Shapes compiled into validators, built once per shape and cached.

A validator takes a value and returns ``None`` when it is valid, else a list of raw errors (see
``nodes``). Each container is compiled to one specialised function (``generate``) that only ever
returns None on a valid payload, and falls back to the interpreted report at the first doubt: a
valid payload costs no call per scalar and no error record.

Two modes: ``botocore`` accepts exactly what ``botocore.validate.ParamValidator`` accepts (types as
its validators test them, required and unknown members, tagged unions, JSON-value headers, and,
where the operation's traits overlay knows them, the ``min`` of strings, map keys, lists and numbers
and hostLabel's implied min length 1); ``strict`` also checks enum values, every ``max``, the
lengths of maps and blobs, and rejects booleans where a number is expected (Python's ``bool`` is an
``int``, so botocore lets ``True`` through; every protocol then sends ``true``/``"True"``, which
the service rejects). A path the overlay does not know is checked for nothing more: never guessed.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import math
import sys
from collections.abc import Callable, Iterator
from typing import Any

from ..model import CUT_SIDE, ListShape, MapShape, Overlay, Scalar, Shape, Structure
from ..paths import LIST, MAP, members_of
from .generate import Generator
from .nodes import (
    INVALID_LENGTH,
    INVALID_RANGE,
    MISSING_REQUIRED,
    NOT_IN_ENUM,
    UNCHECKABLE,
    UNION_CONFLICT,
    UNKNOWN_MEMBER,
    WRONG_TYPE,
    Check,
    Entry,
    Error,
    Limits,
    ListNode,
    MapKey,
    MapNode,
    Raw,
    Segment,
    StructureNode,
    accept,
    blob,
    container,
    document,
    enum,
    json_value,
    out_of,
    render,
    timestamp,
    typed,
)

__all__ = [
    "INVALID_LENGTH",
    "INVALID_RANGE",
    "MISSING_REQUIRED",
    "MODES",
    "NOT_IN_ENUM",
    "UNCHECKABLE",
    "UNION_CONFLICT",
    "UNKNOWN_MEMBER",
    "WRONG_TYPE",
    "Check",
    "Compiler",
    "Error",
    "MapKey",
    "Raw",
    "Segment",
    "compiler",
    "constraints",
    "render",
    "validate",
]

MODES = ("strict", "botocore")
# The exact types that pass a shape's check at once (its inline test, with its enum values and bounds).
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
        self._generator = Generator()
        self._cache: dict[int, tuple[Shape, Entry]] = {}  # id -> (shape kept alive, compiled)
        self._bounded: dict[tuple[int, Constraints], tuple[Shape, Entry]] = {}  # inputs, by their constraints
        self._subtrees: dict[tuple[int, Constraints], tuple[Shape, Entry]] = {}  # by constraints relative to them
        # (shape id, overlay id) -> (both kept alive, the validator)
        self._overlays: dict[tuple[int, int], tuple[Shape, Overlay, Entry]] = {}

    def __call__(self, shape: Shape, traits: Overlay | None = None) -> Check:
        """The validator of an operation's input ``shape``, with the checks its ``traits`` add."""
        if not traits:
            found = self._entry(shape)
        else:
            hit = self._overlays.get((id(shape), id(traits)))  # per call: no hashing of the constraints
            if hit is None:
                hit = self._overlays[(id(shape), id(traits))] = (shape, traits, self._constrained(shape, traits))
            found = hit[2]
        self._generator.hot(found)
        self._generator.flush()
        return found.check

    def __len__(self) -> int:
        return len(self._cache) + len(self._bounded) + len(self._subtrees) + len(self._overlays)

    def _constrained(self, shape: Shape, traits: Overlay) -> Entry:
        """One validator per shape and :func:`constraints` (equal overlays of two versions share it)."""
        found = constraints(traits, self.mode)
        if not found:
            return self._entry(shape)
        hit = self._bounded.get((id(shape), found))
        if hit is None:
            hit = self._bounded[(id(shape), found)] = (shape, self._child(shape, _INPUT, _Rules(dict(found))))
        return hit[1]

    def _entry(self, shape: Shape) -> Entry:
        hit = self._cache.get(id(shape))
        if hit is not None:
            return hit[1]
        built = self._build(shape, "", None)
        self._cache[id(shape)] = (shape, built)
        return built

    def _child(self, shape: Shape, path: str, rules: _Rules | None) -> Entry:
        """The entry of ``shape`` at ``path``: the shared one unless a checked trait is at or below it."""
        if rules is None or path not in rules.hot:
            return self._entry(shape)
        key = (id(shape), rules.below(path))
        hit = self._subtrees.get(key)
        if hit is None:
            hit = self._subtrees[key] = (shape, self._build(shape, path, rules))
        return hit[1]

    def _build(self, shape: Shape, path: str, rules: _Rules | None) -> Entry:
        here = rules.at.get(path, {}) if rules is not None else {}
        if isinstance(shape, Structure):
            if shape.event_stream:
                return Entry(accept)
            prefix = members_of(path)
            members = {m.name: self._child(m.shape, prefix + m.name, rules) for m in shape.members}
            required = tuple(m.name for m in shape.members if m.required is True)  # None: unknown, never missing
            return self._container(StructureNode(members, required, shape.union))
        if isinstance(shape, ListShape):
            limits = self._limits(here, "list")
            return self._container(ListNode(self._child(shape.member, path + LIST, rules), limits, _sizes(limits)))
        if isinstance(shape, MapShape):
            keys = self._sized(self._entry(shape.key), shape.key, self._key_limits(here))
            limits = self._limits(here, "map")
            return self._container(MapNode(keys, self._child(shape.value, path + MAP, rules), limits, _sizes(limits)))
        values = frozenset(shape.enum) if shape.enum and self.strict and shape.type == "string" else None
        plain = Entry(self._scalar(shape), self._fast.get(shape.type), values)
        return self._sized(plain, shape, None if shape.streaming else self._limits(here, shape.type))

    def _container(self, node: StructureNode | ListNode | MapNode) -> Entry:
        entry = Entry(node.report, node=node)
        self._generator.add(entry, node)
        return entry

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
        if shape.type == "string":
            return Entry(check, plain.types, plain.values, _lengths(limits))
        if shape.type == "blob" or plain.types is None:
            return Entry(check)
        # A number inline: a Decimal NaN cannot be compared (botocore raises on it), the check knows.
        return Entry(check, plain.types - {decimal.Decimal}, span=_finite(limits))

    def _scalar(self, shape: Scalar) -> Check:
        kind = shape.type
        if kind == "string":
            return enum(shape.enum) if shape.enum and self.strict else typed((str,), "string")
        if kind == "integer":
            return typed((int,), "integer", exclude_bool=self.strict)
        if kind == "float":
            return typed((float, decimal.Decimal, int), "number", exclude_bool=self.strict)
        if kind == "boolean":
            return typed((bool,), "boolean")
        if shape.json_value:
            return json_value
        simple: dict[str, Check] = {
            "timestamp": timestamp,
            "blob": blob,
            "document": document,
            "recursive": container,
        }
        return simple.get(kind, accept)  # undocumented: nothing to check against


# -- traits: the bounds each mode checks ---------------------------------------------------------
_INPUT = "input"  # the request's root path in an overlay
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


def _sizes(limits: Limits | None) -> range | None:
    return None if limits is None else _lengths(limits)


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
    types, values, base = plain.types, plain.values, plain.check
    measure, error, noun = _MEASURES[kind]
    low, high = _finite(limits)

    def check(value: Any) -> list[Raw] | None:
        if types is not None and type(value) in types and (values is None or value in values):
            size = measure(value)  # of a value that passes its type check: one call for the common case
            if size is None or low <= size <= high:
                return None
            return out_of(size, limits, error, noun)
        found = base(value)
        return found if found else out_of(measure(value), limits, error, noun)

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
    hit = _VALIDATORS.get((mode, id(shape), id(traits)))  # a batch's every payload after the first: one lookup
    if hit is None:
        if shape == CUT_SIDE:
            return [Error("", UNCHECKABLE, "the page cut this request's syntax: the payload cannot be checked")]
        if len(_VALIDATORS) >= _VALIDATORS_KEPT:
            _VALIDATORS.clear()
        hit = _VALIDATORS[(mode, id(shape), id(traits))] = (shape, traits, compiler(mode)(shape, traits))
    found = hit[2](payload)
    return [render(raw) for raw in found] if found else []


# (mode, shape id, overlay id) -> (both kept alive, the validator); the compilers' caches are the source
_VALIDATORS: dict[tuple[str, int, int], tuple[Shape, Overlay | None, Check]] = {}
_VALIDATORS_KEPT = 1024
