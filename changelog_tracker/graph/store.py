"""The embedded store: shape nodes, operation versions by date, pages seen, service names.

A page updates only the operations it lists; every other operation carries over. A complete
source (a botocore baseline) also says which operations exist: one it lacks, last seen
before it, is gone from that date on; a full baseline (every service) that lacks a service
ends the service. That is decided when reading, and sources of one day are merged the same
whatever their order (or refused when they disagree), so the order in which pages arrive
never changes an answer. Opening checks the file is a whole store of ours (graph/opening.py);
writers wait for each other boundedly and name themselves (graph/lock.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError, TrackerError
from ..model import CUT_SIDE, Operation, Overlay, Shape, Structure
from . import lock, opening
from .encode import CUT_NODE, EncodedPage, PageRecord, VersionRow, node_id_of
from .nodes import NodeBody, NodeReader

SCHEMA = [
    "CREATE TABLE nodes (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    """CREATE TABLE versions (
    service TEXT NOT NULL, operation TEXT NOT NULL, release TEXT NOT NULL,
    api_name TEXT, input TEXT, output TEXT, documentation TEXT NOT NULL DEFAULT '',
    member_docs TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (service, operation, release))""",
    """CREATE TABLE pages (
    service TEXT NOT NULL, release TEXT NOT NULL, digest TEXT NOT NULL, source TEXT NOT NULL,
    full_name TEXT, note TEXT, complete INTEGER NOT NULL, methods TEXT NOT NULL,
    PRIMARY KEY (service, release, digest))""",
    "CREATE TABLE names (name TEXT PRIMARY KEY, service TEXT NOT NULL)",
    "CREATE TABLE unions (id TEXT PRIMARY KEY)",  # tagged unions, where any source said so
    # Releases of a complete source covering every service (a full baseline): a service it lacks
    # ended there. A baseline of some services (--service) is complete for those only (pages).
    "CREATE TABLE coverage (release TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (release, source))",
]
_VERSION_COLUMNS = "api_name, input, output, documentation, member_docs"
# The newest complete source for a service on or before a date: its own complete pages, and the
# full baselines that lack it (it ended there).
_COMPLETE = """SELECT MAX(release) FROM (
    SELECT release FROM pages WHERE service=:service AND complete=1 AND release<=:at
    UNION SELECT release FROM coverage WHERE release<=:at
      AND release NOT IN (SELECT release FROM pages WHERE service=:service))"""


class ConflictError(TrackerError):
    """Two different pages for one service and release disagree about a method."""


@dataclass(frozen=True, slots=True)
class Version:
    """One stored operation version."""

    service: str
    operation: str
    release: str
    input: str | None
    output: str | None
    api_name: str | None


_SIDES = ("api name", "request", "response")
# What a source can leave unknown on each side: the api name (text pages), a cut section.
_UNKNOWN: dict[str, tuple[str | None, ...]] = {
    "api name": (None,), "request": (CUT_NODE,), "response": (CUT_NODE,)
}  # fmt: skip


class Store:
    """One SQLite file. Use as a context manager; ``transaction`` groups writes all-or-nothing."""

    APPLICATION_ID = opening.APPLICATION_ID
    FORMAT_VERSION = opening.FORMAT_VERSION

    def __init__(self, path: str | Path, create: bool = True, on_wait: lock.Notify | None = None) -> None:
        """Open the store at ``path``: a new one only with ``create`` (the commands that write);
        anything not a whole store of ours and of today's format raises StoreError.
        ``on_wait`` hears once that we wait for another process's write lock."""
        self.path = Path(path)
        self.on_wait = on_wait
        self.db, self._made = opening.connect(self.path, create, SCHEMA, self._begin, on_wait)
        self.reader = NodeReader(self.node, self.is_union)
        self._unions: set[str] | None = None
        self._bodies: dict[str, NodeBody] = {}  # nodes never change once written: cache them

    def __enter__(self) -> Store:
        return self

    def __exit__(self, error: type[BaseException] | None, *_exc: object) -> None:
        """Close; a store this failed command made, and nothing wrote to since, is removed again."""
        unused = error is not None and bool(self._made) and self._holds_nothing()
        self.db.close()
        if unused:
            opening.unmake(self._made)

    def _holds_nothing(self) -> bool:
        try:
            return self.db.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
        except sqlite3.Error:
            return False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing writes under the write lock, waited for (bounded) when another holds it."""
        self._begin(self.db)
        lock.record_writer(self.path)
        try:
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            lock.retry(lambda: self.db.execute("COMMIT"), self.path, self.on_wait)  # readers may hold it
        finally:
            lock.clear_writer(self.path)

    def _begin(self, db: sqlite3.Connection) -> None:
        lock.retry(lambda: db.execute("BEGIN IMMEDIATE"), self.path, self.on_wait)

    # -- writing -------------------------------------------------------------------------
    def put_nodes(self, nodes: dict[str, str], unions: set[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO nodes VALUES (?, ?)", nodes.items())
        if unions:
            self.db.executemany("INSERT OR IGNORE INTO unions VALUES (?)", ((u,) for u in unions))
            self._unions = None

    def put_page(self, page: EncodedPage) -> bool:
        """Store a page's versions (its nodes first: put_nodes); False when this very page was stored before.

        Pages of one service and release may list different methods (feed pages can be split); a
        method two of them list must agree (a side one cut is the other's), else ConflictError."""
        record = page.record
        if self._has_page(record, page.digest):  # the same page again: keep one file name, whatever the order
            self.db.execute(
                "UPDATE pages SET source=? WHERE service=? AND release=? AND digest=? AND source>?",
                (record.source, record.service, record.release, page.digest, record.source),
            )
            return False
        rows = [self._merged(record, v) for v in page.versions]
        self.db.executemany("INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?,?,?,?)", [r for r in rows if r])
        if record.full_name:
            self.put_name(record.full_name, record.service)
        self.db.execute(
            "INSERT INTO pages VALUES (?,?,?,?,?,?,?,?)",
            (
                record.service,
                record.release,
                page.digest,
                record.source,
                record.full_name,
                record.note,
                int(record.complete),
                json.dumps(record.methods, sort_keys=True),
            ),
        )
        return True

    def put_coverage(self, release: str, source: str) -> None:
        """``source`` of ``release`` covered every service: one it lacks is gone from then on."""
        self.db.execute("INSERT OR IGNORE INTO coverage VALUES (?, ?)", (release, source))

    def _has_page(self, record: PageRecord, digest: str) -> bool:
        sql = "SELECT 1 FROM pages WHERE service=? AND release=? AND digest=?"
        return self.db.execute(sql, (record.service, record.release, digest)).fetchone() is not None

    def _merged(self, record: PageRecord, row: VersionRow) -> tuple[Any, ...] | None:
        """The version row to write (None: the stored one stands), whatever order sources came in."""
        key = (record.service, row.operation, record.release)
        new = (row.api_name, row.input, row.output, row.documentation, row.member_docs)
        old = self.db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE service=? AND operation=? AND release=?", key
        ).fetchone()
        if old is None:
            return (*key, *new)
        sides = [
            self._agreed(record, row.operation, side, a, b) for side, a, b in zip(_SIDES, old[:3], new[:3], strict=True)
        ]
        docs = max(old[3:], new[3:], key=lambda d: (len(d[0]) + len(d[1]), d))  # the fuller documentation
        merged = (*sides, *docs)
        return None if merged == tuple(old) else (*key, *merged)

    def _agreed(self, record: PageRecord, operation: str, side: str, old: str | None, new: str | None) -> str | None:
        """One side of a method two same-day sources give: equal, or one of them unknown (a cut
        side, an api name the text page lacks) and the other's is taken; otherwise a conflict."""
        if old == new or new in _UNKNOWN[side]:
            return old
        if old in _UNKNOWN[side]:
            return new
        other = self._page_listing(record.service, record.release, operation)
        raise ConflictError(
            f"{record.source}: {record.service} {operation} of {record.release} has another {side} than"
            f" in {other}: two different pages for one release (ingest only the right one)"
        )

    def _page_listing(self, service: str, release: str, operation: str) -> str:
        rows = self.db.execute("SELECT source, methods FROM pages WHERE service=? AND release=?", (service, release))
        sources = sorted(src for src, methods in rows if any(m["operation"] == operation for m in self._json(methods)))
        return sources[0] if sources else "the store"

    def is_union(self, node: str) -> bool:
        if self._unions is None:
            self._unions = {row[0] for row in self.db.execute("SELECT id FROM unions")}
        return node in self._unions

    def put_name(self, name: str, service: str) -> None:
        self.db.execute(
            "INSERT INTO names VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET service=excluded.service"
            " WHERE service != excluded.service",
            (name.casefold(), service),
        )

    # -- reading -------------------------------------------------------------------------
    def node(self, node: str) -> NodeBody:
        """The stored body of shape node ``node`` (checked against its id, then cached)."""
        body = self._bodies.get(node)
        if body is not None:
            return body
        if node == CUT_NODE:
            return CUT_SIDE.to_json()
        row = self.db.execute("SELECT body FROM nodes WHERE id=?", (node,)).fetchone()
        if row is None or node_id_of(row[0]) != node:  # content-addressed: a body must hash to its id
            raise self._damaged(f"shape node {node!r} is " + ("missing" if row is None else "damaged"))
        loaded: NodeBody = self._json(row[0])
        self._bodies[node] = loaded
        return loaded

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            raise self._damaged(f"a stored value does not read ({text[:40]!r})") from None

    def _damaged(self, what: str) -> StoreError:
        return StoreError(self.path, f"the store is damaged ({what}): restore it or {opening.REBUILD}")

    def shape(self, node: str | None) -> Shape | None:
        return None if node is None else self.reader.shape(node)

    def has_service(self, service: str) -> bool:
        return self.db.execute("SELECT 1 FROM versions WHERE service=? LIMIT 1", (service,)).fetchone() is not None

    def services(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT service FROM versions ORDER BY service")]

    def releases(self, service: str | None = None) -> list[str]:
        """Dates at which something was stored (and, for a service, a full baseline ended it), oldest first."""
        if service is None:
            sql = "SELECT release FROM pages UNION SELECT release FROM coverage ORDER BY release"
            return [r[0] for r in self.db.execute(sql)]
        sql = """SELECT release FROM pages WHERE service=:service
                 UNION SELECT release FROM coverage
                   WHERE release > (SELECT MIN(release) FROM pages WHERE service=:service)
                 ORDER BY release"""
        return [r[0] for r in self.db.execute(sql, {"service": service})]

    def pages(self, service: str | None = None) -> list[PageRecord]:
        sql = "SELECT service, release, source, full_name, note, complete, methods FROM pages"
        rows = self.db.execute(
            sql + (" WHERE service=?" if service else "") + " ORDER BY release, service, source",
            (service,) if service else (),
        )
        return [PageRecord(s, r, src, fn, note, bool(c), self._json(m)) for s, r, src, fn, note, c, m in rows]

    def state(self, service: str, at: str) -> dict[str, Version]:
        """Every operation of ``service`` as of ``at`` (newest version on or before it)."""
        complete = self.db.execute(_COMPLETE, {"service": service, "at": at}).fetchone()[0]
        rows = self.db.execute(
            """SELECT operation, MAX(release), input, output, api_name FROM versions
               WHERE service=? AND release<=? GROUP BY operation ORDER BY operation""",
            (service, at),
        )
        return {
            op: Version(service, op, rel, inp, out, api)
            for op, rel, inp, out, api in rows
            if complete is None or rel >= complete
        }

    def operation(self, version: Version) -> Operation:
        inputs = self.shape(version.input) or Structure()
        return Operation(version.operation, inputs, self.shape(version.output), version.api_name)

    def documentation(self, version: Version) -> tuple[str, dict[str, str]]:
        row = self.db.execute(
            "SELECT documentation, member_docs FROM versions WHERE service=? AND operation=? AND release=?",
            (version.service, version.operation, version.release),
        ).fetchone()
        return row[0], self._json(row[1])

    def traits(self, version: Version) -> Overlay | None:
        """What the model knows about ``version`` beyond its shapes, by member path (model.Overlay):
        a path absent, or None for the whole operation, is unknown. (Issue 13: to be stored.)"""
        return None

    def service_traits(self, service: str, at: str) -> dict[str, Any] | None:
        """Service-level facts of the newest model source on or before ``at`` ({"protocol": ...}); None: unknown."""
        return None

    def ended(self, service: str) -> str | None:
        """The date of the first complete source (covering every service) that lacks ``service``
        after the service was last stored, i.e. the day it left botocore; None while it lives."""
        sql = "SELECT MIN(release) FROM coverage WHERE release > (SELECT MAX(release) FROM pages WHERE service=?)"
        ended: str | None = self.db.execute(sql, (service,)).fetchone()[0]
        return ended

    def names(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, service FROM names").fetchall())
