"""Judging: the differ's edits between dates, each under its rule, with severity, impact and fingerprint.

The differ records, the rules judge: this is where a change meets its row of the registry and the config.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import networkx as nx

from ..differ import Change, diff_states, service_added, service_changes, service_removed
from ..errors import TrackerError
from ..graph.store import Store, Version
from ..graph.view import shape_graph
from ..model import Overlay
from ..query.lookup import as_of, find_operation, service_name
from ..suggest import did_you_mean
from ..taxonomy import ChangeKind, Direction, Preset
from .config import Config
from .registry import SEVERITIES, Rule, presets, rule_for


@dataclass(frozen=True)
class Finding:
    change: Change
    rule: Rule
    severity: str
    release: str  # the release that brought the change
    previous: str  # the state it is compared with
    impact: tuple[str, ...] = ()  # other operations using the changed shape on the same side
    impact_other_side: tuple[str, ...] = ()  # ... and those using it on the other side (request/response)
    accepted: str | None = None  # the reason, when the config accepts this change
    tracked_since: str | None = None  # where the store started knowing the service or operation, inside the range

    @property
    def fingerprint(self) -> str:
        """Stable across runs and dates: what changed, where."""
        c = self.change
        body = json.dumps([c.service, c.operation, c.direction, c.path, c.kind, c.old, c.new], sort_keys=True)
        return hashlib.blake2b(body.encode(), digest_size=6).hexdigest()

    @property
    def message(self) -> str:
        return self.rule.message(self.change)

    def to_json(self) -> dict[str, Any]:
        c = self.change
        out: dict[str, Any] = {
            "service": c.service,
            "operation": c.operation,
            "direction": c.direction,
            "path": c.path,
            "kind": c.kind,
            "severity": self.severity,
            "rule": self.rule.id,
            "old": c.old,
            "new": c.new,
            "message": self.message,
            "release": self.release,
            "previous": self.previous,
            "impact": list(self.impact),
            "impact_other_side": list(self.impact_other_side),
            "tracked_since": self.tracked_since,
            "fingerprint": self.fingerprint,
        }
        if self.accepted is not None:
            out["accepted"] = self.accepted
        return out


def diff(
    store: Store,
    service: str | None = None,
    operation: str | None = None,
    *,
    since: str,
    until: str | None = None,
    transitive: bool = False,
    preset: str = Preset.ALL,
    config: Config | None = None,
) -> list[Finding]:
    """Every change between the states as of ``since`` and ``until``, judged.

    ``transitive`` compares every pair of consecutive releases in the range instead of only its
    two ends, so a change made and undone inside the range is still reported. A service first
    stored after ``since`` is compared from its first state (``Finding.tracked_since``): what the
    store only started knowing then is not a change.
    """
    chosen = presets()
    if preset not in chosen:
        names = ", ".join(chosen)
        raise TrackerError(f"unknown preset {preset!r} (presets: {names}){did_you_mean(preset, chosen)}")
    end = as_of(until)
    if since > end:
        raise TrackerError(f"--from {since} is after --to {end}")
    services = [service_name(store, service)] if service else store.services()
    config = config or Config()
    findings: list[Finding] = []
    for key in services:
        history = History(store, key)
        tracked, rules = history.tracked_since(since), chosen[preset]
        if tracked and tracked <= end and history.added_service():  # the mirror of service-removed
            findings.extend(_judged(history, [service_added(key)], {}, tracked, tracked, config, tracked, rules))
        for old, new in history.steps(tracked or since, end, transitive):
            findings.extend(_judge(history, operation, old, new, config, tracked, rules))
    return findings


def tracked_since(store: Store, service: str, since: str) -> str | None:
    """The date of the service's first state when ``since`` precedes it (diff compares from there), else None."""
    return History(store, service).tracked_since(since)


def state_date(store: Store, at: str, service: str | None = None) -> str | None:
    """The date of the state as of ``at``: the newest release on or before it (of the service, or of any)."""
    return next((d for d in reversed(store.releases(service)) if d <= at), None)


class History:
    """One service's stored history: its release dates and pages, and its states (each read once)."""

    def __init__(self, store: Store, service: str) -> None:
        self.store, self.service = store, service
        self.ended = store.ended(service)
        # The release a complete source dropped the service at has no page of it: a date all the same.
        self.dates = sorted({*store.releases(service), *([self.ended] if self.ended else [])})
        # Each page's methods and their status ("new" or "updated"); a complete source lists all.
        self.pages = [(page, {m["operation"]: m["status"] for m in page.methods}) for page in store.pages(service)]
        self._states: dict[str, dict[str, Version]] = {}
        self._edits: dict[tuple[str, Version | None, Version | None], list[Change]] = {}
        self._traits: dict[Version, Overlay | None] = {}
        self._facts: dict[str, dict[str, Any] | None] = {}

    def state(self, at: str) -> dict[str, Version]:
        if at not in self._states:
            self._states[at] = self.store.state(self.service, at)
        return self._states[at]

    def tracked_since(self, since: str) -> str | None:
        return self.dates[0] if self.dates and since < self.dates[0] else None

    def added_service(self) -> bool:
        """Whether the service was added at its first state: a full baseline before it lacked it.
        (Without one, the store only started knowing it there: first seen, not a change.)"""
        return bool(self.dates) and any(release < self.dates[0] for release in self.store.coverage())

    def traits(self, version: Version) -> Overlay | None:
        """The version's overlay, read once: finding a change's release diffs its versions again."""
        if version not in self._traits:
            self._traits[version] = self.store.traits(version)
        return self._traits[version]

    def service_edits(self, old: str, new: str) -> list[Change]:
        """The service-level changes (its protocol) between the states as of two dates."""
        for at in (old, new):
            if at not in self._facts:
                self._facts[at] = self.store.service_traits(self.service, at)
        return service_changes(self.service, self._facts[old], self._facts[new])

    def steps(self, since: str, until: str, transitive: bool) -> list[tuple[str, str]]:
        """The (old, new) pairs to compare; none when nothing was stored in the range."""
        inside = [d for d in self.dates if since < d <= until]
        if not inside:
            return []  # both states are the same rows
        return list(pairwise([since, *inside])) if transitive else [(since, until)]

    def added(self, operation: str, old: str, new: str) -> bool:
        """Whether an operation absent at ``old`` and present at ``new`` was added: a page in between
        lists it as new, or a complete source before its version lacked it. Otherwise the store only
        started knowing it: first seen, which is not a change."""
        version = self.state(new)[operation]
        for page, listed in self.pages:
            if page.complete and page.release < version.release and operation not in listed:
                return True
            if not page.complete and old < page.release <= new and listed.get(operation) == "new":
                return True
        return False

    def first_seen(self, operation: str, old: str, new: str) -> Version:
        """The operation's version at the first state in (old, new] that has it: where the store started knowing it."""
        return next(v for d in self.dates if old < d <= new and (v := self.state(d).get(operation)) is not None)

    def release_of(self, change: Change, base: Version | None, old: str, new: str) -> str:
        """The release in (old, new] that brought ``change`` (``base`` is the operation's compared old
        version): the oldest of the newest releases whose state still shows it (where it last changed)."""
        if change.kind == ChangeKind.SERVICE_REMOVED and self.ended:
            return self.ended
        brought = new
        for date in reversed([d for d in self.dates if old < d <= new]):
            if change not in self._edits_at(change.operation, base, old, date):
                break
            brought = date
        return brought

    def _edits_at(self, operation: str, base: Version | None, old: str, at: str) -> list[Change]:
        """The changes as of ``at`` over the compared state: the operation's, or the service's own ('')."""
        return self._operation_edits(operation, base, at) if operation else self.service_edits(old, at)

    def _operation_edits(self, operation: str, base: Version | None, at: str) -> list[Change]:
        version = self.state(at).get(operation)
        key = (operation, base, version)
        if key not in self._edits:
            before, after = ({operation: v} if v else {} for v in (base, version))
            self._edits[key] = diff_states(self.store, self.service, before, after, self.traits)
        return self._edits[key]


def _judge(
    history: History,
    operation: str | None,
    old: str,
    new: str,
    config: Config,
    tracked: str | None,
    rules: frozenset[str],
) -> Iterable[Finding]:
    before, after = history.state(old), history.state(new)
    service = history.service
    if operation:
        found = find_operation(after or before, operation, service, new) if (after or before) else None
        name = found.operation if found else operation
        before = {k: v for k, v in before.items() if k == name}
        after = {k: v for k, v in after.items() if k == name}
    # An operation the store started knowing inside the range is compared from its first version.
    first = {n: history.first_seen(n, old, new) for n in after.keys() - before.keys() if not history.added(n, old, new)}
    base = before | first
    changes = history.service_edits(old, new) + diff_states(history.store, service, base, after, history.traits)
    if history.ended and old < history.ended <= new:
        changes.insert(0, service_removed(service))
    yield from _judged(history, changes, base, old, new, config, tracked, rules, first)


def _judged(
    history: History,
    changes: list[Change],
    base: dict[str, Version],
    old: str,
    new: str,
    config: Config,
    tracked: str | None,
    rules: frozenset[str],
    first: dict[str, Version] | None = None,
) -> Iterable[Finding]:
    """Each change under its rule (those of the preset), with its release, impact and acceptance."""
    first = first or {}
    impacts = _Impact(history, old, new)
    for change in changes:
        rule = rule_for(change)
        if rule.id not in rules:
            continue  # outside the preset: never judged, so an accept it would match stays unused
        release = history.release_of(change, base.get(change.operation), old, new)
        same, other = impacts.of(change)
        severity = config.severity_of(rule.id, rule.severity)
        since = first[change.operation].release if change.operation in first else tracked
        finding = Finding(change, rule, severity, release, old, same, other, tracked_since=since)
        yield replace(finding, accepted=config.acceptance(finding))


class _Impact:
    """Other operations that use the changed shape, on the change's side and on the other side:
    a graph query, built once per state."""

    def __init__(self, history: History, old: str, new: str) -> None:
        self.history, self.dates = history, (old, new)
        self._graphs: dict[str, nx.DiGraph] = {}
        self._above: dict[tuple[str, str], set[Any]] = {}

    def graph(self, date: str) -> nx.DiGraph:
        if date not in self._graphs:
            self._graphs[date] = shape_graph(self.history.store, self.history.service, date)
        return self._graphs[date]

    def _within(self, date: str, node: str) -> set[Any]:
        """The node and every graph node above it; changes under one parent share it, so it is kept."""
        key = (date, node)
        if key not in self._above:
            graph = self.graph(date)
            self._above[key] = nx.ancestors(graph, node) | {node} if node in graph else set()
        return self._above[key]

    def of(self, change: Change) -> tuple[tuple[str, ...], tuple[str, ...]]:
        node = change.node or change.old_node
        if node is None:
            return (), ()
        date = self.dates[1] if change.node else self.dates[0]
        within = self._within(date, node)
        state = self.history.state(date)
        sides: dict[str, list[str]] = {Direction.REQUEST: [], Direction.RESPONSE: []}
        # Only the operations above the node can use it: visit those, in name order, not the whole state.
        for name in sorted(n[1] for n in within if isinstance(n, tuple) and n[0] == "op"):
            version = state[name]
            if name != change.operation:
                sides[Direction.REQUEST] += [name] if version.input in within else []
                sides[Direction.RESPONSE] += [name] if version.output in within else []
        other = Direction.RESPONSE if change.direction == Direction.REQUEST else Direction.REQUEST
        return tuple(sides[change.direction]), tuple(sides[other])


def worst(findings: Iterable[Finding]) -> str | None:
    """The most severe severity among findings not accepted by the config."""
    present = {f.severity for f in findings if f.accepted is None}
    return next((s for s in SEVERITIES if s in present), None)
