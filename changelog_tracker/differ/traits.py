"""Trait edits: two overlays of one operation (``model.Overlay``), or two services' facts, compared.

Pure functions, no store. Only paths known on both sides are compared: a path one side lacks is
unknown there (a page cannot see traits; the store carries them over only where the shape did not
change), and a change into or out of unknown is never reported. Within a known path an absent key
means the model says nothing: no limit, no pattern, not deprecated, no errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Overlay
from ..taxonomy import ChangeKind as K
from ..taxonomy import Direction
from ..traits import (
    CONSTRAINTS,
    DEPRECATED,
    ERRORS,
    INPUT,
    KEY_ENUM,
    KEY_MIN,
    MIN,
    OPERATION,
    PAGINATOR,
    PATTERNS,
    PROTOCOL,
    REQUIRED,
    UNION,
    WAITERS,
    constraining,
    relative,
    side_of,
)

Traits = dict[str, Any]
Edit = tuple[K, Any, Any]  # kind, old, new
LOWER = (MIN, KEY_MIN)  # the other CONSTRAINTS are upper limits


@dataclass(frozen=True, slots=True)
class TraitEdit:
    """One changed trait group at one overlay path: what differ.Change says, less service and operation."""

    at: str  # the overlay path ('' the operation, 'input.Tags[]', ...): where the graph has it
    direction: Direction
    path: str  # side-relative, as Change.path ('' the whole side, or the operation)
    kind: K
    old: Any = None
    new: Any = None


def overlay_edits(old: Overlay, new: Overlay) -> list[TraitEdit]:
    """Every trait edit between two overlays of one operation, sorted by overlay path (the operation first)."""
    found: list[TraitEdit] = []
    seen: set[tuple[Any, ...]] = set()
    for at in sorted(old.keys() & new.keys()):
        before, after = old[at], new[at]
        if before == after or constraining(before) == constraining(after):
            continue  # equal, or a renamed shape: names are no change
        if at == OPERATION:
            side, path, groups = Direction.REQUEST, "", _OPERATION_GROUPS
        else:
            side, path, groups = direction_of(at), relative(at), _MEMBER_GROUPS
        for group in groups:
            for kind, was, now in group(before, after, side):
                edit = TraitEdit(at, _direction(kind, side), path, kind, was, now)
                key = (edit.direction, path, kind, repr(was), repr(now))
                if key not in seen:  # a request root deprecated with its operation is one change
                    seen.add(key)
                    found.append(edit)
    return found


def protocols(old: Traits | None, new: Traits | None) -> tuple[str, str] | None:
    """The service's (old, new) protocol when both are known and differ (``Store.service_traits``)."""
    was, now = (None if t is None else t.get(PROTOCOL) for t in (old, new))
    return None if was is None or now is None or was == now else (str(was), str(now))


def direction_of(at: str) -> Direction:
    """The side of an overlay member path: 'input.Tags[]' is the request's."""
    return Direction.REQUEST if side_of(at) == INPUT else Direction.RESPONSE


def _direction(kind: K, side: Direction) -> Direction:
    """Errors are the response's (readers handle them); everything else is on the side it was found."""
    return Direction.RESPONSE if kind in (K.ERROR_ADDED, K.ERROR_REMOVED) else side


def _limits(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    """min/max (and a map key's): a lower limit raised or added, or an upper one lowered or added, tightens."""
    tightened: dict[str, tuple[Any, Any]] = {}
    loosened: dict[str, tuple[Any, Any]] = {}
    for key in CONSTRAINTS:
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        (tightened if _tighter(key, was, now) else loosened)[key] = (was, now)
    for kind, keys in ((K.CONSTRAINT_TIGHTENED, tightened), (K.CONSTRAINT_LOOSENED, loosened)):
        if keys:
            yield kind, {k: v[0] for k, v in keys.items()}, {k: v[1] for k, v in keys.items()}


def _tighter(key: str, was: Any, now: Any) -> bool:
    """A limit added tightens and one dropped loosens; else a lower limit raised or an upper one lowered."""
    if was is None or now is None:
        return now is not None
    return bool(now > was if key in LOWER else now < was)


def _patterns(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    changed = [k for k in PATTERNS if old.get(k) != new.get(k)]
    if changed:
        yield K.PATTERN_CHANGED, {k: old.get(k) for k in changed}, {k: new.get(k) for k in changed}


def _deprecated(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = old.get(DEPRECATED), new.get(DEPRECATED)
    if was is None and now is not None:
        yield K.DEPRECATED, None, now
    elif was is not None and now is None:
        yield K.UNDEPRECATED, was, None  # (a new message on a member still deprecated is no change)


def _union(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = bool(old.get(UNION)), bool(new.get(UNION))
    if was != now:
        yield (K.BECAME_UNION, None, True) if now else (K.UNION_REMOVED, True, None)


def _key_enum(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = old.get(KEY_ENUM) or [], new.get(KEY_ENUM) or []
    yield from ((K.KEY_ENUM_VALUE_REMOVED, v, None) for v in was if v not in now)
    yield from ((K.KEY_ENUM_VALUE_ADDED, None, v) for v in now if v not in was)


def _required(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    """A response member's required-ness, which only the model says (a request's is in the node)."""
    was, now = bool(old.get(REQUIRED)), bool(new.get(REQUIRED))
    if direction == Direction.RESPONSE and was != now:
        yield (K.BECAME_REQUIRED if now else K.BECAME_OPTIONAL), was, now


def _errors(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = old.get(ERRORS) or [], new.get(ERRORS) or []
    yield from ((K.ERROR_REMOVED, e, None) for e in was if e not in now)
    yield from ((K.ERROR_ADDED, None, e) for e in now if e not in was)


def _paginator(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = old.get(PAGINATOR), new.get(PAGINATOR)
    if was == now:
        return
    kind = K.PAGINATOR_ADDED if was is None else K.PAGINATOR_REMOVED if now is None else K.PAGINATOR_CHANGED
    yield kind, was, now


def _waiters(old: Traits, new: Traits, direction: Direction) -> Iterator[Edit]:
    was, now = old.get(WAITERS) or [], new.get(WAITERS) or []
    yield from ((K.WAITER_REMOVED, w, None) for w in was if w not in now)
    yield from ((K.WAITER_ADDED, None, w) for w in now if w not in was)


Group = Callable[[Traits, Traits, Direction], Iterator[Edit]]
_MEMBER_GROUPS: tuple[Group, ...] = (_limits, _patterns, _deprecated, _union, _key_enum, _required)
_OPERATION_GROUPS: tuple[Group, ...] = (_deprecated, _errors, _paginator, _waiters)
