"""Release notes: what each release changed, by date (newest first), service and severity.

Each service is diffed transitively from its release before the range, so every change is listed
under the release that brought it, the range's first day included. A service's first release in
the store has nothing earlier to compare with: it is listed as the first one recorded, not as every
operation "added" that day. Changes are judged with the config, as ``diff`` judges them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ..compare import Finding, diff
from ..differ import OPERATION_ADDED, OPERATION_REMOVED
from ..errors import TrackerError
from ..graph.encode import PageRecord
from ..graph.store import Store
from ..queries import LATEST, service_name
from ..rules.config import Config
from ..rules.registry import SEVERITIES
from .env import Format, environment
from .findings import Row, counts, row

TAG = "tag:changelog-tracker"


@dataclass(frozen=True)
class NoteLine:
    """One line of the notes: the operation (unless the message names it) and the message."""

    operation: str | None
    message: str
    accepted: str | None


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
    def rows(self) -> tuple[Row, ...]:
        return tuple(row(f) for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.rows)

    @property
    def severities(self) -> list[str]:
        """The severities present, worst first; ['none'] when nothing changed (what a filter matches on)."""
        return [s for s, n in self.counts.items() if n] or ["none"]

    @property
    def sections(self) -> list[tuple[str, list[NoteLine]]]:
        """(severity, entries) worst first, only the severities present."""
        by = {s: [entry(f) for f in self.findings if f.severity == s] for s in SEVERITIES}
        return [(s, entries) for s, entries in by.items() if entries]

    @property
    def headline(self) -> str:
        if self.first:
            return f"first release in the store ({self.operations} operations)"
        present = [f"{n} {s}" for s, n in self.counts.items() if n]
        return ", ".join(present) or "no change to the API's shapes"

    def to_json(self) -> dict[str, Any]:
        return {
            "release": self.release, "service": self.service, "full_name": self.full_name,
            "notes": list(self.notes), "first_release": self.first, "operations": self.operations,
            "counts": self.counts, "changes": [f.to_json() for f in self.findings],
        }


def entry(finding: Finding) -> NoteLine:
    names_operation = finding.change.kind in (OPERATION_ADDED, OPERATION_REMOVED)
    return NoteLine(None if names_operation else finding.change.operation, finding.message, finding.accepted)


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


def by_day(notes: Sequence[ReleaseNote]) -> list[tuple[str, list[ReleaseNote]]]:
    return [(day, list(group)) for day, group in groupby(notes, key=lambda n: n.release)]


def span(since: str, until: str, service: str | None = None) -> str:
    dates = f"{since} to {'newest' if until == LATEST else until}"
    return f"{service}, {dates}" if service else dates


def render_notes(store: Store, since: str, until: str = LATEST, fmt: str = "markdown", *,
                 service: str | None = None, config: Config | None = None) -> str:
    """Release notes for the releases from ``since`` to ``until`` (of one service, or all), in one of FORMATS."""
    chosen = FORMATS.get(fmt)
    if chosen is None:
        raise TrackerError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    key = service_name(store, service) if service else None
    notes = release_notes(store, since, until, service=key, config=config)
    return chosen.write(notes, _Span(since, until, key))


@dataclass(frozen=True)
class _Span:
    """What the notes cover: the dates asked for, and the one service (or None for all)."""

    since: str
    until: str
    service: str | None


def _json(notes: Sequence[ReleaseNote], _span: _Span) -> str:
    return json.dumps([n.to_json() for n in notes], indent=2) + "\n"


def _template(name: str) -> Callable[[Sequence[ReleaseNote], _Span], str]:
    def write(notes: Sequence[ReleaseNote], at: _Span) -> str:
        template = environment().get_template(f"notes/{name}")
        return template.render(span=span(at.since, at.until, at.service), days=by_day(notes))

    return write


def _atom(notes: Sequence[ReleaseNote], at: _Span) -> str:
    since, until, service = at.since, at.until, at.service
    env = environment()
    body = env.get_template("notes/entry.html")
    entries = [{"note": n, "id": f"{TAG},{n.release}:{n.service}", "updated": _timestamp(n.release),
                "content": body.render(note=n)} for n in notes]
    feed = "/".join([*([service] if service else []), since, "newest" if until == LATEST else until])
    return env.get_template("notes/atom.xml").render(
        title=f"AWS API release notes, {span(since, until, service)}",
        id=f"{TAG},{since}:notes/{feed}",
        updated=_timestamp(notes[0].release if notes else since),
        entries=entries,
    )


def _timestamp(date: str) -> str:
    """RFC 3339, as Atom requires: the release's day at midnight UTC."""
    return f"{date}T00:00:00Z"


FORMATS: dict[str, Format[Sequence[ReleaseNote], _Span]] = {
    "markdown": Format(_template("markdown.md"), "md"),
    "atom": Format(_atom, "xml"),
    "json": Format(_json, "json"),
    "text": Format(_template("text.txt"), "txt"),
}
"""notes' formats: the CLI's --format choices and the snapshot tests read this registry."""
