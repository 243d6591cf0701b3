"""Judging the calls a scan found: against a range of releases (diff's findings that touch what a call
uses) or at a date (its payload validated, its method present), each hit at the call's file:line:col.

A call the store cannot answer for (a service it does not hold, a waiter it cannot map to its
operation, a request the page cut) is unresolved, never judged: an answer we cannot know is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..differ import Change
from ..errors import NotFoundError
from ..graph.store import Store, Version
from ..model import EMPTY_INPUT, snake_case
from ..query.lookup import as_of, service_name
from ..rules import judge
from ..rules.config import Config
from ..rules.judge import Finding, History, state_date
from ..rules.registry import BREAKING, SEVERITIES, failing_severities
from ..taxonomy import Direction
from .calls import Call, ScanResult, Unresolved
from .usage import Usage, read_path, usage
from .validate import payload_errors, request


@dataclass(frozen=True)
class Hit:
    """One thing wrong with one call: a finding of the range that touches it, an invalid payload, a
    missing method. ``fingerprint`` and ``accepted`` are the range finding's (config accepts apply)."""

    call: Call
    rule: str
    severity: str
    message: str
    path: str = ""
    release: str | None = None
    fingerprint: str | None = None
    accepted: str | None = None

    def to_json(self) -> dict[str, Any]:
        c = self.call
        return {
            "file": c.file, "line": c.line, "col": c.col, "service": c.service, "method": c.method, "via": c.via,
            "rule": self.rule, "severity": self.severity, "message": self.message, "path": self.path,
            "release": self.release, "fingerprint": self.fingerprint, "accepted": self.accepted,
        }


@dataclass(frozen=True)
class Report:
    title: str
    calls: list[Call]
    hits: list[Hit]
    unresolved: list[Unresolved]
    files: int
    lines: int

    def failing(self, fail_on: str | None) -> list[Hit]:
        """What fails the gate: hits of ``fail_on``'s severities (or worse) the config does not accept."""
        fails = failing_severities(fail_on)
        return [h for h in self.hits if h.severity in fails and h.accepted is None]


def at_date(store: Store, scanned: ScanResult, at: str | None = None) -> Report:
    """Each call's method and payload as of ``at`` (default: the newest release)."""
    when = as_of(at)
    services = _Services(store)
    hits: list[Hit] = []
    unresolved = list(scanned.unresolved)
    for call in scanned.calls:
        found = services.get(call)
        if isinstance(found, Unresolved):
            unresolved.append(found)
            continue
        state = found.state(when)
        name = found.operation_of(call, state)
        if name is None:
            unresolved.append(_no_waiter(call))
        elif name not in state:
            hits.append(found.missing(call, name, when))
        else:
            judged = _payload(store, call, state[name])
            unresolved.extend(u for u in judged if isinstance(u, Unresolved))
            hits.extend(h for h in judged if isinstance(h, Hit))
    title = f"as of {state_date(store, when) or when}"
    return Report(title, scanned.calls, _ordered(hits), unresolved, scanned.files, scanned.lines)


def in_range(store: Store, scanned: ScanResult, since: str, until: str | None = None,
             config: Config | None = None) -> Report:
    """Every finding of ``diff`` between ``since`` and ``until`` (judged with ``config``) that touches
    what a call uses, at the call."""
    end = as_of(until)
    services = _Services(store)
    hits: list[Hit] = []
    unresolved = list(scanned.unresolved)
    by_service: dict[str, list[Call]] = {}
    for call in scanned.calls:
        found = services.get(call)
        if isinstance(found, Unresolved):
            unresolved.append(found)
        else:
            by_service.setdefault(found.key, []).append(call)
    for key, calls in sorted(by_service.items()):
        findings = judge.diff(store, key, since=since, until=until, config=config or Config())
        hits.extend(services.known[key].touched(calls, findings, since, end, unresolved))
    title = f"{state_date(store, since) or since} to {state_date(store, end) or end}"
    return Report(title, scanned.calls, _ordered(hits), unresolved, scanned.files, scanned.lines)


def _ordered(hits: list[Hit]) -> list[Hit]:
    def rank(h: Hit) -> tuple[str, int, int, int, str]:
        c = h.call
        return (c.file, c.line, c.col, SEVERITIES.index(h.severity) if h.severity in SEVERITIES else 9, h.rule)

    return sorted(hits, key=rank)


def _unresolved(call: Call, reason: str) -> Unresolved:
    return Unresolved(call.file, call.line, call.col, reason, f"{call.service}.{call.method}")


def _no_waiter(call: Call) -> Unresolved:
    return _unresolved(call, f"waiter {call.method!r}: the store knows no operation for it")


class _Services:
    """The store's services the calls name, each resolved once (``known`` by store key)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, _Service] = {}
        self._names: dict[str, str | None] = {}

    def get(self, call: Call) -> _Service | Unresolved:
        if call.service not in self._names:
            try:
                self._names[call.service] = service_name(self.store, call.service)
            except NotFoundError:
                self._names[call.service] = None
        key = self._names[call.service]
        if key is None:
            return _unresolved(call, f"service {call.service!r} is not in the store")
        if key not in self.known:
            self.known[key] = _Service(self.store, key)
        return self.known[key]


class _Service:
    """One service of the store, its states read once (rules' ``History``: its dates include the day a
    complete source ended it)."""

    def __init__(self, store: Store, key: str) -> None:
        self.store, self.key = store, key
        self.history = History(store, key)
        self.state = self.history.state

    def operation_of(self, call: Call, state: dict[str, Version]) -> str | None:
        """The stored operation a call uses: its method, or for a waiter the operation the model's
        waiters name it under (None where the store cannot say)."""
        if call.via != "waiter":
            return call.method if call.method in state else snake_case(call.method)
        for name, version in sorted(state.items()):
            overlay = self.store.traits(version) or {}
            waiters = overlay.get("", {}).get("waiters") or ()
            if call.method in waiters or call.method in {snake_case(w) for w in waiters}:
                return name
        return None

    def missing(self, call: Call, name: str, at: str) -> Hit:
        """A hit for a method absent at ``at``: not yet, no longer (saying which release), or never stored."""
        dates = self.history.dates
        present = [d for d in dates if name in self.state(d)]
        before = [d for d in present if d <= at]
        where = f"{call.service}.{call.method}"
        if before:
            gone = next((d for d in dates if d > before[-1] and name not in self.state(d)), at)
            return Hit(call, "method-no-longer", BREAKING, f"{where}: no longer (removed in {gone})", release=gone)
        if present:
            first = present[0]
            return Hit(call, "method-not-yet", BREAKING, f"{where}: not yet (first in {first})", release=first)
        return Hit(call, "method-unknown", BREAKING, f"{where}: unknown to the store")

    def touched(self, calls: list[Call], findings: list[Finding], since: str, end: str,
                unresolved: list[Unresolved]) -> Iterator[Hit]:
        old, new = self.state(since), self.state(end)
        by_operation: dict[str, list[Finding]] = {}
        for finding in findings:
            by_operation.setdefault(finding.change.operation, []).append(finding)
        for call in calls:
            name = self.operation_of(call, new) or self.operation_of(call, old)
            if name is None:
                unresolved.append(_no_waiter(call))
                continue
            version = old.get(name) or new.get(name)
            if version is None:  # in neither state: say which (not yet, no longer, never stored)
                yield self.missing(call, name, end)
                continue
            shape = self.store.shape(version.input)
            used = usage(shape, request(shape, call.payload, self.key, name, call.via))
            response = self.store.shape(version.output)
            reads = {read_path(response, read) for read in call.reads}
            for finding in (*by_operation.get("", ()), *by_operation.get(name, ())):
                if touches(finding.change, call, used, reads):
                    yield _hit(call, finding)


def _hit(call: Call, finding: Finding) -> Hit:
    return Hit(call, finding.rule.id, finding.severity, f"{call.service}.{call.method}: {finding.message}",
               finding.change.path, finding.release, finding.fingerprint, finding.accepted)


def _payload(store: Store, call: Call, version: Version) -> list[Hit | Unresolved]:
    shape = store.shape(version.input) or EMPTY_INPUT
    sent = request(shape, call.payload, version.service, version.operation, call.via)
    errors = payload_errors(shape, sent, store.traits(version))
    if errors is None:
        return [_unresolved(call, "the page cut this request's syntax: the payload cannot be checked")]
    where = f"{call.service}.{call.method}"
    return [Hit(call, f"payload-{e.kind}", BREAKING, f"{where}: {e.path}: {e.message}" if e.path else
                f"{where}: {e.message}", e.schema_path, version.release) for e in errors]


# Changes to an operation as a whole that reach every call of it (kinds as strings: new kinds of the
# taxonomy are matched as soon as the differ records them).
_WHOLE = frozenset({"operation-removed", "service-removed", "deprecated", "protocol-changed", "type-changed"})
_SENT = frozenset({"member-removed", "type-changed", "deprecated", "became-union"})  # ... of a member it sends


def touches(change: Change, call: Call, used: Usage, reads: Iterable[str] = ()) -> bool:
    """Whether a change reaches what ``call`` uses: what it sends (``used``) or reads from the
    response (``reads``: ``call.reads`` along the response shape, see ``read_path``)."""
    kind, path = str(change.kind), change.path
    if change.direction == Direction.RESPONSE:
        return not path or any(_under(read, path) for read in reads)
    if not path:
        if kind.startswith("paginator-"):
            return call.via == "paginator" and kind != "paginator-added"
        if kind == "waiter-removed":
            return call.via == "waiter" and call.method in (change.old, snake_case(str(change.old)))
        return kind in _WHOLE
    if kind in _SENT:
        return path in used.sent
    if kind == "became-required" or (kind == "member-added" and (change.new or {}).get("required")):
        return used.missing_at(path)
    if kind == "enum-value-removed":
        return change.old in used.literals.get(path, ())
    if kind == "key-enum-value-removed":
        return change.old in used.keys.get(path, ())
    if kind == "constraint-tightened":
        return _violated(change.new or {}, used, path)
    if kind == "pattern-changed":
        return _unmatched(change.old or {}, change.new or {}, used, path)
    return False


def _under(read: str, path: str) -> bool:
    """Whether reading ``read`` reads (part of) ``path``."""
    return read == path or (read.startswith(path) and read[len(path)] in ".[{")


def _violated(limits: dict[str, Any], used: Usage, path: str) -> bool:
    """Whether a literal the call sends at ``path`` breaks a new limit (min/max, key_min/key_max)."""
    for key, bound in limits.items():
        if not isinstance(bound, int | float):
            continue
        measured = _measures(used, path, keys=key.startswith("key_"))
        low = key.endswith("min")
        if any(m < bound if low else m > bound for m in measured):
            return True
    return False


def _measures(used: Usage, path: str, keys: bool) -> Iterable[float]:
    """What a limit bounds: lengths of strings, lists and maps, values of numbers (or lengths of map keys)."""
    if keys:
        return [len(key) for key in used.keys.get(path, ())]
    found: list[float] = list(used.sizes.get(path, ()))
    for value in used.literals.get(path, ()):
        if isinstance(value, str | bytes):
            found.append(len(value))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found.append(value)
    return found


def _unmatched(old: dict[str, Any], new: dict[str, Any], used: Usage, path: str) -> bool:
    """Whether a string the call sends at ``path`` (or a map key) matched the old pattern and fails the new."""
    for key, pattern in new.items():
        if not isinstance(pattern, str):
            continue
        sent = used.keys.get(path, set()) if key == "key_pattern" else used.literals.get(path, ())
        texts = [s for s in sent if isinstance(s, str)]
        if any(not _matches(pattern, s) and _matches(old.get(key), s) for s in texts):
            return True
    return False


def _matches(pattern: str | None, text: str) -> bool:
    """A Smithy pattern (unanchored, as ECMAScript reads it); a pattern Python cannot read matches all."""
    if pattern is None:
        return True
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True
