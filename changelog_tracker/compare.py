"""Judged changes between dates: the differ's edits, each under a rule, with impact and fingerprint."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import networkx as nx

from .differ import Change, diff_states
from .errors import TrackerError
from .graph.store import Store
from .graph.view import operations_using, shape_graph
from .queries import as_of, find_operation, service_name
from .rules.config import Config
from .rules.messages import message
from .rules.registry import PRESETS, SEVERITIES, Rule, rule_for


@dataclass(frozen=True)
class Finding:
    change: Change
    rule: Rule
    severity: str
    release: str  # the release that brought the change
    previous: str  # the state it is compared with
    impact: tuple[str, ...] = ()  # other operations sharing the changed shape
    accepted: str | None = None  # the reason, when the config accepts this change

    @property
    def fingerprint(self) -> str:
        """Stable across runs and dates: what changed, where."""
        c = self.change
        body = json.dumps([c.service, c.operation, c.direction, c.path, c.kind, c.old, c.new], sort_keys=True)
        return hashlib.blake2b(body.encode(), digest_size=6).hexdigest()

    @property
    def message(self) -> str:
        c = self.change
        return message(self.rule.id, c.path, c.direction, operation=c.operation, old=c.old, new=c.new)

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
    preset: str = "all",
    config: Config | None = None,
) -> list[Finding]:
    """Every change between the states as of ``since`` and ``until``, judged.

    ``transitive`` compares every pair of consecutive releases in the range instead of only its
    two ends, so a change made and undone inside the range is still reported.
    """
    if preset not in PRESETS:
        raise TrackerError(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
    end = as_of(until)
    if since > end:
        raise TrackerError(f"--from {since} is after --to {end}")
    services = [service_name(store, service)] if service else store.services()
    findings: list[Finding] = []
    for key in services:
        if not any(since < day <= end for day in store.releases(key)):
            continue  # nothing stored in the range: both states are the same rows
        for old, new in _steps(store, key, since, end, transitive):
            findings.extend(_judge(store, key, operation, old, new, config or Config()))
    return [f for f in findings if f.rule.id in PRESETS[preset]]


def _steps(store: Store, service: str, since: str, until: str, transitive: bool) -> list[tuple[str, str]]:
    if not transitive:
        return [(since, until)]
    dates = [since, *(d for d in store.releases(service) if since < d <= until)]
    return list(pairwise(dates))


def _judge(store: Store, service: str, operation: str | None, old: str, new: str, config: Config) -> Iterable[Finding]:
    before, after = store.state(service, old), store.state(service, new)
    if operation:
        found = find_operation(after or before, operation, service, new) if (after or before) else None
        name = found.operation if found else operation
        before = {k: v for k, v in before.items() if k == name}
        after = {k: v for k, v in after.items() if k == name}
    changes = diff_states(store, service, before, after)
    release = _release_of(store, service, old, new)
    impacts = _Impact(store, service, old, new)
    for change in changes:
        rule = rule_for(change)
        finding = Finding(change, rule, config.severity_of(rule.id, rule.severity), release, old, impacts.of(change))
        yield replace(finding, accepted=config.acceptance(finding))


def _release_of(store: Store, service: str, old: str, new: str) -> str:
    """The newest release of the service in (old, new]: the one that brought the changes."""
    dates = [d for d in store.releases(service) if old < d <= new]
    return dates[-1] if dates else new


class _Impact:
    """Other operations that use the changed shape: a graph query, built once per state."""

    def __init__(self, store: Store, service: str, old: str, new: str) -> None:
        self.store, self.service, self.dates = store, service, (old, new)
        self._graphs: dict[str, nx.DiGraph] = {}

    def graph(self, date: str) -> nx.DiGraph:
        if date not in self._graphs:
            self._graphs[date] = shape_graph(self.store, self.service, date)
        return self._graphs[date]

    def of(self, change: Change) -> tuple[str, ...]:
        if change.node is None and change.old_node is None:
            return ()
        graph = self.graph(self.dates[1]) if change.node else self.graph(self.dates[0])
        users = operations_using(graph, change.node or change.old_node or "")
        return tuple(u for u in users if u != change.operation)


def worst(findings: Iterable[Finding]) -> str | None:
    """The most severe severity among findings not accepted by the config."""
    present = {f.severity for f in findings if f.accepted is None}
    return next((s for s in SEVERITIES if s in present), None)
