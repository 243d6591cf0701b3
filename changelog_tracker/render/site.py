"""The static report site: an index of releases, a page per release and a page per service.

Every page is standalone (inline CSS and script) with relative links only, so the folder opens
from disk with no server. Change rows reuse the diff page's markup (templates/findings/_macros.html);
the filters live in the URL's fragment. A manifest lists the files the site wrote: a regenerated site
removes those it no longer writes, and never touches any other file in the folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..graph.store import Store
from ..query.lookup import LATEST
from ..query.release_notes import release_notes
from ..rules.config import Config
from ..rules.judge import Finding
from ..rules.registry import SEVERITIES
from .env import environment
from .findings import FILTERS, OperationGroup, Row, counts, filter_options, group, page_data
from .notes import NoteView, by_day, laid_out

EPOCH = "0000-00-00"  # before every release: each service's history starts at its first one
MANIFEST = ".changelog-tracker-site.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_OURS = re.compile(r"index\.html|(releases|services)/[A-Za-z0-9_-][A-Za-z0-9._-]*\.html")  # what _file_name makes


@dataclass(frozen=True)
class Day:
    """One release date across services."""

    date: str
    notes: tuple[NoteView, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for n in self.notes for r in n.rows)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for n in self.notes for f in n.findings)


@dataclass(frozen=True)
class Name:
    full_name: str
    first: str
    last: str


@dataclass(frozen=True)
class History:
    """One service over time: its releases (newest first) and the names it went by."""

    service: str
    notes: tuple[NoteView, ...]

    @property
    def title(self) -> str:
        return self.notes[0].title if self.notes else self.service

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for n in self.notes for r in n.rows)

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.rows)

    @property
    def names(self) -> list[Name]:
        """Each full name with the first and last release it was seen in, oldest first."""
        spans: dict[str, list[str]] = {}
        for note in reversed(self.notes):
            if note.full_name:
                spans.setdefault(note.full_name, []).append(note.release)
        return [Name(name, dates[0], dates[-1]) for name, dates in spans.items()]


def release_href(date: str) -> str:
    return f"releases/{_file_name(date)}.html"


def service_href(service: str) -> str:
    return f"services/{_file_name(service)}.html"


def _file_name(key: str) -> str:
    """A file name that cannot leave its folder or need URL-encoding, whatever the key holds."""
    return _UNSAFE.sub("_", key).lstrip(".") or "_"


def write_site(store: Store, out: Path, *, config: Config | None = None) -> list[Path]:
    """Write the site under ``out``, judged with ``config``; returns the files written, index first."""
    notes = laid_out(release_notes(store, EPOCH, LATEST, config=config))
    days = [Day(date, tuple(group_)) for date, group_ in by_day(notes)]
    histories = [History(s, tuple(n for n in notes if n.service == s)) for s in sorted({n.service for n in notes})]
    pages: list[tuple[str, str, dict[str, Any]]] = [("index.html", "site/index.html", _index(days, histories))]
    pages += [(release_href(d.date), "site/release.html", _release(days, i)) for i, d in enumerate(days)]
    pages += [(service_href(h.service), "site/service.html", _service(h)) for h in histories]
    previous, current = _manifest(out), [relative for relative, _, _ in pages]
    _write_manifest(out, sorted(previous | set(current)))  # until done, a crash leaves nothing unlisted
    written = _render(out, pages)
    _remove(out, previous - set(current))
    _write_manifest(out, current)
    return written


def _remove(out: Path, stale: set[str]) -> None:
    """Pages an earlier run wrote and this one did not, and the folders that held only them."""
    for relative in sorted(stale):
        (out / relative).unlink(missing_ok=True)
    for folder in {(out / relative).parent for relative in stale} - {out}:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _render(out: Path, pages: Sequence[tuple[str, str, dict[str, Any]]]) -> list[Path]:
    env = environment()
    written = []
    for relative, template, context in pages:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * relative.count("/")
        html = env.get_template(template).render(root=root, release_href=release_href, service_href=service_href,
                                                 severities=SEVERITIES, **context)
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written


def _manifest(out: Path) -> set[str]:
    """The files the previous run wrote, as far as its manifest is one of ours and names our files."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(listed, dict) or not isinstance(listed.get("files"), list):
        return set()
    return {name for name in listed["files"] if isinstance(name, str) and _OURS.fullmatch(name)}


def _write_manifest(out: Path, files: Sequence[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    body = {"generator": "changelog-tracker report", "files": list(files)}
    (out / MANIFEST).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")


def _index(days: Sequence[Day], histories: Sequence[History]) -> dict[str, Any]:
    """One filterable row per service per release: its counts are that service's, whatever the filter."""
    notes = [n for d in days for n in d.notes]
    rows = [r for n in notes for r in n.rows]
    options = {"severity": [*SEVERITIES, "none"], "service": sorted({n.service for n in notes})}
    note_counts = {s: sum(1 for n in notes if s in n.severities) for s in options["severity"]}
    return {"title": "AWS API changes: every release", "days": days, "histories": histories, "counts": counts(rows),
            "total": len(rows), "releases": len(notes), "options": options, "note_counts": note_counts,
            "data": page_data(("severity", "service"), len(notes), [])}


def _release(days: Sequence[Day], index: int) -> dict[str, Any]:
    day = days[index]
    rows = day.rows
    sections = [(n, _operations(n.rows)) for n in day.notes]
    return {"title": f"Release {day.date}", "day": day, "sections": sections, "counts": counts(rows),
            "rows": rows, "options": filter_options(rows),
            "newer": days[index - 1].date if index > 0 else None,
            "older": days[index + 1].date if index + 1 < len(days) else None,
            "data": page_data(FILTERS, len(rows), day.findings)}


def _service(history: History) -> dict[str, Any]:
    rows = history.rows
    sections = [(n, _operations(n.rows)) for n in history.notes if n.findings]
    findings = [f for n in history.notes for f in n.findings]
    return {"title": history.title, "history": history, "sections": sections, "counts": counts(rows),
            "rows": rows, "options": {**filter_options(rows), "service": []},
            "data": page_data(("severity", "direction"), len(rows), findings)}


def _operations(rows: Sequence[Row]) -> tuple[OperationGroup, ...]:
    """The operations of one service's rows (a note holds one service)."""
    services = group(rows)
    return services[0].operations if services else ()
