"""Verdicts on payloads for one operation: as of a release, or across every release (where it stopped
holding, and the change that broke it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import NotFoundError, TrackerError
from ..graph.store import Store, Version
from ..model import EMPTY_INPUT, Overlay, Shape
from ..query.lookup import as_of, find_operation, service_name
from .compile import MODES, UNCHECKABLE, Constraints, Error, constraints, validate
from .history import Breakage, Explainer, Timeline, first_break, removal, timeline
from .payloads import Payload


@dataclass(frozen=True)
class Verdict:
    """One payload's verdict; ``valid`` is ``None`` where the page cut the request syntax.

    ``releases`` is ``None`` unless the history was asked for.
    """

    payload: str
    valid: bool | None
    errors: tuple[Error, ...]
    releases: tuple[tuple[str, bool | None], ...] | None = None
    broke_at: str | None = None
    broken_by: Breakage | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "payload": self.payload,
            "valid": self.valid,
            "errors": [e.to_json() for e in self.errors],
        }
        if self.releases is not None:
            out["releases"] = [{"release": release, "valid": valid} for release, valid in self.releases]
            out["broke_at"] = self.broke_at
            out["broken_by"] = None if self.broken_by is None else self.broken_by.to_json()
        return out


def valid_of(errors: Iterable[Error]) -> bool | None:
    kinds = {e.kind for e in errors}
    return None if UNCHECKABLE in kinds else not kinds


def check_payloads(
    store: Store,
    service: str,
    operation: str,
    payloads: Iterable[Payload | Any],
    at: dt.date | str | None = None,
    history: bool = False,
    mode: str = "strict",
) -> list[Verdict]:
    """A verdict per payload (a :class:`Payload`, or a bare value named ``payload[i]``).

    Without ``history``: against the operation as of ``at`` (default: newest). With it: against
    every release where the operation exists, naming the first break and the change behind it.
    """
    if mode not in MODES:
        raise TrackerError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
    if history and at is not None:
        raise TrackerError("--at and --history exclude each other: the history covers every release")
    key = service_name(store, service)
    named = [p if isinstance(p, Payload) else Payload(f"payload[{i}]", p) for i, p in enumerate(payloads)]
    if history:
        line = timeline(store, key, operation)
        explainer, inputs = Explainer(store, line), _inputs(store, line, mode)
        return [_across(line, inputs, explainer, p, mode) for p in named]
    when = as_of(at)
    state = store.state(key, when)
    if not state:
        raise NotFoundError(f"{key} has no release on or before {when}")
    version = find_operation(state, operation, key, when)
    shape, traits = _input(store, version), store.traits(version)  # what its model knows (None: unknown)
    return [_verdict(p.name, validate(shape, p.value, mode, traits)) for p in named]


def _input(store: Store, version: Version) -> Shape:
    return store.shape(version.input) or EMPTY_INPUT


# What a release checks a payload against: its input shape and traits, and a key equal where two are.
Input = tuple[Shape, Overlay | None, tuple[str | None, Constraints]]


def _inputs(store: Store, line: Timeline, mode: str) -> list[tuple[str, Input]]:
    found = []
    for release, version in line.steps:
        if version is not None:
            traits = store.traits(version)
            found.append((release, (_input(store, version), traits, (version.input, constraints(traits, mode)))))
    return found


def _verdict(name: str, errors: list[Error]) -> Verdict:
    return Verdict(name, valid_of(errors), tuple(errors))


def _across(
    line: Timeline, inputs: list[tuple[str, Input]], explainer: Explainer, payload: Payload, mode: str
) -> Verdict:
    by_key: dict[tuple[str | None, Constraints], list[Error]] = {}  # releases often share an input: check it once
    steps: list[tuple[str, list[Error]]] = []
    for release, (shape, traits, key) in inputs:
        if key not in by_key:
            by_key[key] = validate(shape, payload.value, mode, traits)
        steps.append((release, by_key[key]))
    verdicts = [(release, valid_of(errors)) for release, errors in steps]
    errors = dict(steps)
    broke = first_break(verdicts)
    broke_at, broken_by = (broke[1], explainer.explain(broke[0], broke[1], errors[broke[1]])) if broke else (None, None)
    last = steps[-1][1]
    removed = line.removed_at
    if removed is not None:
        error, change = removal(line, removed)
        last = [error]
        if broke is None and _last_known(verdicts):
            broke_at, broken_by = removed, change
    return Verdict(payload.name, valid_of(last), tuple(last), tuple(verdicts), broke_at, broken_by)


def _last_known(verdicts: list[tuple[str, bool | None]]) -> bool:
    known = [valid for _, valid in verdicts if valid is not None]
    return bool(known) and bool(known[-1])
