"""Release notes, the query: what each release changed, per service, judged as ``diff`` judges.

Each service is diffed transitively from its release before the range, so every change is listed
under the release that brought it, the range's first day included. A service's first release in
the store has nothing earlier to compare with: it is listed as the first one recorded, not as every
operation "added" that day. render/notes.py and render/site.py lay the notes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import TrackerError
from ..graph.encode import PageRecord
from ..graph.store import Store
from ..rules.config import Config
from ..rules.judge import Finding, diff
from ..rules.registry import SEVERITIES
from .lookup import LATEST, service_name


def severity_counts(severities: Iterable[str]) -> dict[str, int]:
    """How many of each severity, worst first, every severity present (zero included)."""
    tally = dict.fromkeys(SEVERITIES, 0)
    for severity in severities:
        tally[severity] = tally.get(severity, 0) + 1
    return tally


@dataclass(frozen=True)
class ReleaseNote:
    """One service in one release: the vendor's note, its name then, and its changes."""

    release: str
    service: str
    full_name: str | None
    notes: tuple[str, ...]
    findings: tuple[Finding, ...]
    first: bool  # the service's first release in the store
    operations: int  # how many it has as of this release

    @property
    def title(self) -> str:
        return self.full_name or self.service

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts(f.severity for f in self.findings)

    @property
    def severities(self) -> list[str]:
        """The severities present, worst first; ['none'] when nothing changed (what a filter matches on)."""
        return [s for s, n in self.counts.items() if n] or ["none"]

    def to_json(self) -> dict[str, Any]:
        return {
            "release": self.release, "service": self.service, "full_name": self.full_name,
            "notes": list(self.notes), "first_release": self.first, "operations": self.operations,
            "counts": self.counts, "changes": [f.to_json() for f in self.findings],
        }



def release_notes(store: Store, since: str, until: str = LATEST, *, service: str | None = None,
                  config: Config | None = None) -> list[ReleaseNote]:
    """Every (release, service) with since <= release <= until: newest first, then by service."""
    if since > until:
        raise TrackerError(f"--from {since} is after --to {until}")
    services = [service_name(store, service)] if service else store.services()
    judge = config or Config()
    notes = [note for key in services for note in _service_notes(store, key, since, until, judge)]
    notes.sort(key=lambda n: n.service)
    notes.sort(key=lambda n: n.release, reverse=True)
    return notes


def _service_notes(store: Store, service: str, since: str, until: str, config: Config) -> list[ReleaseNote]:
    releases = store.releases(service)
    dates = [d for d in releases if since <= d <= until]
    if not dates:
        return []
    # The state before the range's first release; before the service's first there is none.
    start = max((d for d in releases if d < dates[0]), default=dates[0])
    found = diff(store, service, since=start, until=dates[-1], transitive=True, config=config)
    by_release: dict[str, list[Finding]] = {}
    for finding in found:
        by_release.setdefault(finding.release, []).append(finding)
    pages = store.pages(service)
    return [
        ReleaseNote(d, service, _full_name(pages, d), _vendor_notes(pages, d), tuple(by_release.get(d, ())),
                    d == releases[0], len(store.state(service, d)))
        for d in dates
    ]


def _full_name(pages: Sequence[PageRecord], release: str) -> str | None:
    """The name the service had that day, else the newest name it had before."""
    named = [p for p in pages if p.full_name and p.release <= release]
    return named[-1].full_name if named else None


def _vendor_notes(pages: Sequence[PageRecord], release: str) -> tuple[str, ...]:
    return tuple(sorted({p.note for p in pages if p.release == release and p.note}))


