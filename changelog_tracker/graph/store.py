"""The embedded store: shape nodes, operation versions by date, pages seen, service names.

A page updates only the operations it lists; every other operation carries over. A complete
source (a botocore baseline) also says which operations exist: one it lacks, last seen
before it, is gone from that date on. That is decided when reading, so the order in which
pages arrive never changes an answer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import UNDOCUMENTED, Operation, Shape, Structure
from .encode import UNDOCUMENTED_ID, EncodedPage, PageRecord, VersionRow
from .nodes import NodeBody, NodeReader

SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    service TEXT NOT NULL, operation TEXT NOT NULL, release TEXT NOT NULL,
    api_name TEXT, input TEXT, output TEXT, documentation TEXT NOT NULL DEFAULT '',
    member_docs TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (service, operation, release));
CREATE TABLE IF NOT EXISTS pages (
    service TEXT NOT NULL, release TEXT NOT NULL, digest TEXT NOT NULL, source TEXT NOT NULL,
    full_name TEXT, note TEXT, complete INTEGER NOT NULL, methods TEXT NOT NULL,
    PRIMARY KEY (service, release, digest));
CREATE TABLE IF NOT EXISTS names (name TEXT PRIMARY KEY, service TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unions (id TEXT PRIMARY KEY);  -- tagged unions, where any source said so
"""
_UPSERT_VERSION = """INSERT INTO versions VALUES (?,?,?,?,?,?,?,?)
    ON CONFLICT (service, operation, release) DO UPDATE SET
      api_name=COALESCE(excluded.api_name, api_name), input=excluded.input, output=excluded.output,
      documentation=excluded.documentation, member_docs=excluded.member_docs
    WHERE (COALESCE(excluded.api_name, api_name), input, output, documentation, member_docs) IS NOT
          (api_name, excluded.input, excluded.output, excluded.documentation, excluded.member_docs)"""


@dataclass(frozen=True, slots=True)
class Version:
    """One stored operation version."""

    service: str
    operation: str
    release: str
    input: str | None
    output: str | None
    api_name: str | None


class Store:
    """One SQLite file. Use as a context manager; ``transaction`` groups writes all-or-nothing."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.reader = NodeReader(self._fetch, self.is_union)
        self._unions: set[str] | None = None
        self._bodies: dict[str, NodeBody] = {}  # nodes never change once written: cache them

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------
    def put_nodes(self, nodes: dict[str, str], unions: set[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO nodes VALUES (?, ?)", nodes.items())
        if unions:
            self.db.executemany("INSERT OR IGNORE INTO unions VALUES (?)", ((u,) for u in unions))
            self._unions = None

    def put_page(self, page: EncodedPage) -> bool:
        """Store a page's versions (its nodes first: put_nodes); False when this very page was stored before."""
        record = page.record
        self.db.executemany(_UPSERT_VERSION, [self._version_values(record, v) for v in page.versions])
        if record.full_name:
            self.put_name(record.full_name, record.service)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO pages VALUES (?,?,?,?,?,?,?,?)",
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
        return cursor.rowcount > 0

    def _version_values(self, record: PageRecord, row: VersionRow) -> tuple[Any, ...]:
        inputs, output = row.input, row.output
        if UNDOCUMENTED_ID in (inputs, output):  # a side the page cut: keep a same-day source's
            old = self._version_row(record.service, row.operation, record.release)
            if old is not None:
                inputs = old[0] if inputs == UNDOCUMENTED_ID else inputs
                output = old[1] if output == UNDOCUMENTED_ID else output
        return (
            record.service, row.operation, record.release, row.api_name, inputs, output,
            row.documentation, row.member_docs,
        )  # fmt: skip

    def _version_row(self, service: str, operation: str, release: str) -> tuple[str, str] | None:
        row = self.db.execute(
            "SELECT input, output FROM versions WHERE service=? AND operation=? AND release=?",
            (service, operation, release),
        ).fetchone()
        return None if row is None else (row[0], row[1])

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
    def _fetch(self, node: str) -> NodeBody:
        body = self._bodies.get(node)
        if body is not None:
            return body
        if node == UNDOCUMENTED_ID:
            return UNDOCUMENTED.to_json()
        row = self.db.execute("SELECT body FROM nodes WHERE id=?", (node,)).fetchone()
        if row is None:
            raise KeyError(node)
        loaded: NodeBody = json.loads(row[0])
        self._bodies[node] = loaded
        return loaded

    def node(self, node: str) -> NodeBody:
        return self._fetch(node)

    def shape(self, node: str | None) -> Shape | None:
        return None if node is None else self.reader.shape(node)

    def has_service(self, service: str) -> bool:
        return self.db.execute("SELECT 1 FROM versions WHERE service=? LIMIT 1", (service,)).fetchone() is not None

    def services(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT service FROM versions ORDER BY service")]

    def releases(self, service: str | None = None) -> list[str]:
        """Dates at which something was stored, oldest first."""
        sql = "SELECT DISTINCT release FROM pages" + (" WHERE service=?" if service else "") + " ORDER BY release"
        return [r[0] for r in self.db.execute(sql, (service,) if service else ())]

    def pages(self, service: str | None = None) -> list[PageRecord]:
        sql = "SELECT service, release, source, full_name, note, complete, methods FROM pages"
        rows = self.db.execute(
            sql + (" WHERE service=?" if service else "") + " ORDER BY release, service, source",
            (service,) if service else (),
        )
        return [PageRecord(s, r, src, fn, note, bool(c), json.loads(m)) for s, r, src, fn, note, c, m in rows]

    def state(self, service: str, at: str) -> dict[str, Version]:
        """Every operation of ``service`` as of ``at`` (newest version on or before it)."""
        complete = self.db.execute(
            "SELECT MAX(release) FROM pages WHERE service=? AND complete=1 AND release<=?", (service, at)
        ).fetchone()[0]
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
        return row[0], json.loads(row[1])

    def ended(self, service: str) -> str | None:
        """The date of the first complete source (covering every service) that lacks ``service``
        after the service was last stored, i.e. the day it left botocore; None while it lives."""
        return None

    def names(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, service FROM names").fetchall())
