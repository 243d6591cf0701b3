"""Release notes laid out: by date (newest first), service and severity, in one of FORMATS.

What the notes hold (a transitive diff per service, judged with the config) is the query
changelog_tracker/query/release_notes.py; this module only lays it out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TypeVar

from ..errors import TrackerError
from ..graph.store import Store
from ..query.lookup import LATEST, service_name
from ..query.release_notes import ReleaseNote, release_notes
from ..rules.config import Config
from ..rules.judge import Finding
from ..rules.registry import SEVERITIES
from .env import Format, environment
from .findings import Row, row

Note = TypeVar("Note", bound=ReleaseNote)

TAG = "tag:changelog-tracker"


@dataclass(frozen=True)
class NoteLine:
    """One line of the notes: the operation (unless the message names it) and the message."""

    operation: str | None
    message: str
    accepted: str | None


@dataclass(frozen=True)
class NoteView(ReleaseNote):
    """A release note as the templates lay it out: its rows, its sections and its headline."""

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(row(f) for f in self.findings)

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


def laid_out(notes: Iterable[ReleaseNote]) -> list[NoteView]:
    return [NoteView(**vars(note)) for note in notes]


def entry(finding: Finding) -> NoteLine:
    names_operation = "{operation}" in finding.rule.template  # the message says it already
    return NoteLine(None if names_operation else finding.change.operation, finding.message, finding.accepted)


def by_day(notes: Sequence[Note]) -> list[tuple[str, list[Note]]]:
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
    notes = laid_out(release_notes(store, since, until, service=key, config=config))
    return chosen.write(notes, _Span(since, until, key))


@dataclass(frozen=True)
class _Span:
    """What the notes cover: the dates asked for, and the one service (or None for all)."""

    since: str
    until: str
    service: str | None


def _json(notes: Sequence[NoteView], _span: _Span) -> str:
    return json.dumps([n.to_json() for n in notes], indent=2) + "\n"


def _template(name: str) -> Callable[[Sequence[NoteView], _Span], str]:
    def write(notes: Sequence[NoteView], at: _Span) -> str:
        template = environment().get_template(f"notes/{name}")
        return template.render(span=span(at.since, at.until, at.service), days=by_day(notes))

    return write


def _atom(notes: Sequence[NoteView], at: _Span) -> str:
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


FORMATS: dict[str, Format[Sequence[NoteView], _Span]] = {
    "markdown": Format(_template("markdown.md"), "md"),
    "atom": Format(_atom, "xml"),
    "json": Format(_json, "json"),
    "text": Format(_template("text.txt"), "txt"),
}
"""notes' formats: the CLI's --format choices and the snapshot tests read this registry."""
