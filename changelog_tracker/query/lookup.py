"""Reading answers out of the store: service and operation names, releases, shapes at a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import traits
from ..differ.summaries import SummaryVerdict, verify_pages
from ..errors import NotFoundError
from ..graph.store import Store, Version
from ..model import Operation, snake_case
from ..sources.services import resolve
from ..suggest import did_you_mean

LATEST = "9999-12-31"


_LISTED = 20  # a store with at most this many services lists them all in an error


def service_name(store: Store, name: str) -> str:
    """The boto3 name for any name the service has had, if the store holds it."""
    key = resolve(name, store.names()) or name.casefold()
    if not store.has_service(key):
        raise NotFoundError(f"unknown service {name!r}{_nearest_services(store, name)}")
    return key


def _nearest_services(store: Store, name: str) -> str:
    """The closest of every service in the store (boto3 or full names), else what there is to choose from."""
    services = store.services()
    if not services:
        return ": the store has no services yet (run ingest or baseline)"
    count = f"{len(services)} service{'s' if len(services) > 1 else ''}"
    close = did_you_mean(name, [*services, *store.names()])
    if close:
        return f"{close} (the store has {count})"
    if len(services) <= _LISTED:
        return f"; the store has {count}: {', '.join(services)}"
    return f"; none of the store's {count} is close (changelog-tracker log lists them)"


def as_of(at: dt.date | str | None) -> str:
    return LATEST if at is None else str(at)


def find_operation(state: dict[str, Version], name: str, service: str, at: str) -> Version:
    """By method name (create_agent_runtime) or API name (CreateAgentRuntime)."""
    key = name if name in state else snake_case(name)
    if key not in state:
        matches = [v for v in state.values() if (v.api_name or "").casefold() == name.casefold()]
        if not matches:
            when = "" if at == LATEST else f" as of {at}"
            # Suggest in the spelling the user chose: API names for CamelCase, method names otherwise.
            api = [v.api_name for v in state.values() if v.api_name] if name != name.lower() else []
            names = api or list(state)
            raise NotFoundError(f"{service} has no operation {name!r}{when}{did_you_mean(name, names)}")
        return matches[0]
    return state[key]


@dataclass(frozen=True)
class Shown:
    """One operation as of a date, with the release its version comes from."""

    service: str
    release: str
    operation: Operation

    def to_json(self) -> dict[str, Any]:
        """SPEC.md section 3's object (its keys unchanged: "input" and "output" stay the canonical
        shapes), with the traits the store knows as extra keys: at the operation "errors",
        "paginator", "waiters", "deprecated" (known: [], null, [], false for none), and "traits":
        {member path: traits} for each known path (paths.py syntax: "input.Tags[].Key"), less the naming keys
        (shape names). Unknown: no key."""
        out = {
            "service": self.service,
            "operation": self.operation.name,
            "release": self.release,
            **self.operation.to_json(),
        }
        overlay = self.operation.traits or {}
        operation = overlay.get(traits.OPERATION)
        if operation is not None:
            out[traits.ERRORS] = operation.get(traits.ERRORS, [])
            out[traits.PAGINATOR] = operation.get(traits.PAGINATOR)
            out[traits.WAITERS] = operation.get(traits.WAITERS, [])
            out[traits.DEPRECATED] = operation.get(traits.DEPRECATED, False)
        members = {path: traits.constraining(found) for path, found in overlay.items() if path != traits.OPERATION}
        if members:
            out["traits"] = members
        return out


def show(store: Store, service: str, operation: str | None = None, at: dt.date | str | None = None) -> list[Shown]:
    """The operation (or every operation) of ``service`` as of ``at`` (newest on or before it)."""
    key = service_name(store, service)
    when = as_of(at)
    state = store.state(key, when)
    if not state:
        raise NotFoundError(f"{key} has no release on or before {when}")
    versions = [find_operation(state, operation, key, when)] if operation else list(state.values())
    return [Shown(key, v.release, store.operation(v)) for v in versions]


@dataclass(frozen=True)
class LogEntry:
    release: str
    service: str
    full_name: str | None
    new: int
    updated: int
    operations: int  # operations the service has as of this release
    complete: bool
    notes: tuple[str, ...]
    deltas: tuple[SummaryVerdict, ...] = ()  # delta summary verdicts for the updated methods
    ended: bool = False  # the service is gone from this release on (a complete source lacks it)

    def to_json(self) -> dict[str, Any]:
        return {
            "delta_summaries": [v.to_json() for v in self.deltas],
            "release": self.release,
            "service": self.service,
            "full_name": self.full_name,
            "new": self.new,
            "updated": self.updated,
            "operations": self.operations,
            "baseline": self.complete,
            "notes": list(self.notes),
            "ended": self.ended,
        }


def log(store: Store, service: str | None = None) -> list[LogEntry]:
    """Every (release, service) in the store, newest first, with method counts."""
    key = service_name(store, service) if service else None
    grouped: dict[tuple[str, str], list[Any]] = {}
    for page in store.pages(key):
        grouped.setdefault((page.release, page.service), []).append(page)
    verdicts: dict[tuple[str, str], list[SummaryVerdict]] = {}
    for verdict in verify_pages(store, key):
        verdicts.setdefault((verdict.release, verdict.service), []).append(verdict)
    entries = [
        _entry(store, release, svc, pages, tuple(verdicts.get((release, svc), ())))
        for (release, svc), pages in grouped.items()
    ]
    entries += _ends(store, [key] if key else store.services(), entries)
    return sorted(entries, key=lambda e: (e.release, e.service), reverse=True)


def _ends(store: Store, services: list[str], entries: list[LogEntry]) -> list[LogEntry]:
    """An entry for each service a complete source no longer holds, at the date it left."""
    names = {e.service: e.full_name for e in sorted(entries, key=lambda e: e.release) if e.full_name}
    ends = []
    for service in services:
        ended = store.ended(service)
        if ended is not None:
            ends.append(LogEntry(str(ended), service, names.get(service), 0, 0, 0, False, (), ended=True))
    return ends


def _entry(store: Store, release: str, service: str, pages: list[Any], deltas: tuple[SummaryVerdict, ...]) -> LogEntry:
    statuses: dict[str, str] = {}
    for page in pages:
        for method in page.methods:
            statuses.setdefault(method["operation"], method["status"])
    counts = list(statuses.values())
    names = [p.full_name for p in pages if p.full_name]
    return LogEntry(
        release,
        service,
        names[0] if names else None,
        counts.count("new"),
        counts.count("updated"),
        len(store.state(service, release)),
        any(p.complete for p in pages),
        tuple(sorted({p.note for p in pages if p.note})),
        deltas,
    )
