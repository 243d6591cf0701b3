"""The embedded store: shape nodes, operation versions by date, pages seen, service names.

A page updates only the operations it lists; every other operation carries over. A complete
source (a botocore baseline) also says which operations exist: one it lacks, last seen
before it, is gone from that date on; a full baseline (every service) that lacks a service
ends the service. That is decided when reading, and sources of one day are merged the same
whatever their order (or refused when they disagree), so the order in which pages arrive
never changes an answer. A complete source stores each service as a content-addressed manifest
(operation -> shapes, documentation, traits), so a release that leaves a service unchanged adds one
pages row for it; a page's traits overlay is derived when read, from the state before it (traits).
Nodes and blobs are kept by integer keys, their bodies compressed together in packs (graph/bodies.py).
The rows live in an SQLite file or a PostgreSQL database (graph/database.py): each checks on opening
that it holds a whole store of ours; writers wait for each other boundedly and name themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError, TrackerError
from ..model import CUT_SIDE, Operation, Overlay, Shape, Structure
from ..paths import LIST, MAP, members_of
from . import lock, opening
from .bodies import body_at, id_bytes, id_text, key, packs, unpack
from .database import Database, is_postgresql, redacted
from .encode import CUT_NODE, EncodedPage, PageRecord, VersionRow, canonical, node_id_of, page_digest
from .nodes import NodeBody, NodeReader

SCHEMA = [
    # Bodies of nodes and blobs, the new ones of each write compressed together (bodies.py).
    "CREATE TABLE packs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    # Shape nodes by the integer key of their id: the pack holding the body, where in it the body starts.
    "CREATE TABLE nodes (key INTEGER PRIMARY KEY, pack INTEGER NOT NULL, start INTEGER NOT NULL)",
    # Content-addressed JSON beside the shape nodes (graph/encode.py): documentation trees, trait
    # overlays, page method lists, complete sources' manifests. Equal values are one row, kept as nodes are.
    "CREATE TABLE blobs (key INTEGER PRIMARY KEY, pack INTEGER NOT NULL, start INTEGER NOT NULL)",
    # Operation versions of pages (partial sources), and same-day merges with a complete source.
    """CREATE TABLE versions (
    service TEXT NOT NULL, operation TEXT NOT NULL, release TEXT NOT NULL,
    api_name TEXT, input TEXT, output TEXT, docs TEXT NOT NULL, traits TEXT,
    PRIMARY KEY (service, operation, release)) WITHOUT ROWID""",
    # A complete source's operations are its manifest (operation -> version entry), shared by every
    # release whose model of the service is the same: an unchanged service adds a pages row only.
    # Ids and digests are kept as bytes (bodies.id_bytes): a year adds a row per service a release.
    """CREATE TABLE pages (
    service TEXT NOT NULL, release TEXT NOT NULL, digest BLOB NOT NULL, source TEXT NOT NULL,
    full_name TEXT, note TEXT, complete INTEGER NOT NULL, methods BLOB NOT NULL,
    manifest BLOB, traits BLOB, model_digest BLOB,
    PRIMARY KEY (service, release, digest)) WITHOUT ROWID""",  # no second copy of the key in an index
    "CREATE TABLE names (name TEXT PRIMARY KEY, service TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE unions (key INTEGER PRIMARY KEY)",  # tagged unions (node keys), where any source said so
    # Releases of a complete source covering every service (a full baseline): a service it lacks
    # ended there. A baseline of some services (--service) is complete for those only (pages).
    "CREATE TABLE coverage (release TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY (release, source)) WITHOUT ROWID",
]
# Each table's key, the order its rows are read in (rows, store copy).
KEYS = {
    "packs": "id", "nodes": "key", "blobs": "key", "versions": "service, operation, release",
    "pages": "service, release, digest", "names": "name", "unions": "key", "coverage": "release, source",
}  # fmt: skip
_ID = re.compile("[0-9a-f]{24}")  # encode.node_id_of
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BATCH = 900  # keys a query asks for at once (SQLite allows 999 parameters before 3.32)
_PLACED_KEPT = 1_000_000  # body places kept (rows_by_pack): tens of MB at most
_PACKS_KEPT = 64  # decompressed packs a store keeps (bodies.PACK_BYTES each: 16 MB)
_VERSION_COLUMNS = "api_name, input, output, docs, traits"
# The newest complete source for a service on or before a date: its own complete pages, and the
# full baselines that lack it (it ended there).
_COMPLETE = """SELECT MAX(release) FROM (
    SELECT release FROM pages WHERE service=:service AND complete=1 AND release<=:at
    UNION SELECT release FROM coverage WHERE release<=:at
      AND release NOT IN (SELECT release FROM pages WHERE service=:service)) AS complete_sources"""
# Each operation's newest version row in a range of releases.
_NEWEST_VERSIONS = """SELECT operation, release, input, output, api_name, docs, traits FROM versions AS v
    WHERE service=:service AND release = (SELECT MAX(release) FROM versions
      WHERE service=:service AND operation=v.operation AND release<=:at AND release>=:since)"""
_NO_METHODS = id_bytes(node_id_of(canonical([])))  # the methods blob of a page that lists none
_PUT_VERSION = """INSERT INTO versions VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (service, operation, release)
    DO UPDATE SET api_name=excluded.api_name, input=excluded.input, output=excluded.output,
      docs=excluded.docs, traits=excluded.traits"""
Entry = tuple[str | None, ...]  # a version's columns after its key: VersionRow.entry()


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
    docs: str = ""  # blob id of its documentation (Store.documentation reads it)
    traits: str | None = None  # blob id of its source's overlay; None: derived (Store.traits)


_SIDES = ("api name", "request", "response")
# What a source can leave unknown on each side: the api name (text pages), a cut section.
_UNKNOWN: dict[str, tuple[str | None, ...]] = {
    "api name": (None,), "request": (CUT_NODE,), "response": (CUT_NODE,)
}  # fmt: skip


class Store:
    """One store: an SQLite file, or a PostgreSQL database for a ``postgresql://`` URL. Use as a
    context manager; ``transaction`` groups writes all-or-nothing, and every write is in one."""

    APPLICATION_ID = opening.APPLICATION_ID
    FORMAT_VERSION = opening.FORMAT_VERSION

    def __init__(self, path: str | Path, create: bool = True, on_wait: lock.Notify | None = None) -> None:
        """Open the store at ``path`` (a file, or a ``postgresql://`` URL): a new one only with
        ``create`` (the commands that write); anything not a whole store of ours and of today's
        format raises StoreError. ``on_wait`` hears once that we wait for another process's write lock."""
        self.db = open_database(path, create, on_wait)
        self.path = str(path) if is_postgresql(path) else Path(path)  # as given: a URL keeps its password
        self.where = self.db.where  # as messages name it
        self.reader = NodeReader(self.node, self.is_union)
        self._unions: set[int] | None = None  # node keys
        self._bodies: dict[str, NodeBody] = {}  # nodes never change once written: cache them
        self._blobs: dict[str, Any] = {}  # nor do blobs
        self._trees: dict[str, Overlay] = {}  # overlays read from trees, by blob id
        self._manifests_read: dict[str, dict[str, Any]] = {}  # manifests read from parts, by blob id
        self._paths: dict[tuple[str, str], dict[str, str]] = {}  # (side, root node) -> {path: node}
        # Answers derived from rows that writes change: kept while the database is unchanged.
        self._states: dict[tuple[str, str], dict[str, Version]] = {}
        self._overlays: dict[Version, Overlay | None] = {}
        self._seen_version = -1
        self._in_transaction = False
        # Bodies a transaction wrote, by table and key, in the order they came: packed at its end.
        self._pending: dict[str, dict[int, str]] = {"nodes": {}, "blobs": {}}
        # Pending blobs that list what a release holds (methods, manifests): packed apart from the
        # documentation, so that reading a release's state (every command, sync's unchanged services)
        # decompresses a few packs, not one per service.
        self._listings: set[int] = set()
        self._packs: dict[int, bytes] = {}  # packs read lately, decompressed (_PACKS_KEPT)
        # Where bodies are, by table and key, read a pack's rows at a time where a query costs a round
        # trip (PostgreSQL: Database.rows_by_pack): the bodies a reader wants next are mostly in the same pack.
        self._placed: dict[str, dict[int, tuple[int, int]]] = {"nodes": {}, "blobs": {}}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, error: type[BaseException] | None, *_exc: object) -> None:
        """Close; a store this failed command made, and nothing wrote to since, is removed again."""
        self.db.close(failed=error is not None)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing writes under the write lock, waited for (bounded) when another holds it.

        A transaction inside another joins it (sync stores a release of many calls as one)."""
        if self._in_transaction:
            yield
            return
        self._in_transaction = True
        try:
            with self.db.writing():
                yield
                self._write_pending()
        finally:
            self._in_transaction = False
            self._forget()  # a rollback undoes what derived answers saw
            self._packs.clear()  # and gives a rolled-back pack's id again (written packs never change)
            for placed in self._placed.values():
                placed.clear()
            for pending in self._pending.values():
                pending.clear()
            self._listings.clear()

    # -- writing -------------------------------------------------------------------------
    def put_nodes(self, nodes: Mapping[str, str], unions: set[str]) -> None:
        with self.transaction():
            self._put_bodies("nodes", nodes)
            if unions:
                self.db.executemany("INSERT INTO unions VALUES (?) ON CONFLICT DO NOTHING", ((key(u),) for u in unions))
                self._unions = None

    def put_page(self, page: EncodedPage) -> bool:
        """Store a page's versions (its nodes first: put_nodes); False when this very page was stored before.

        A complete source's operations are one manifest; a page's are version rows. Pages of one
        service and release may list different methods (feed pages can be split); a method two
        of them list must agree (a side one cut is the other's), else ConflictError: the merge is
        a version row, whatever the order they came in."""
        with self.transaction():
            return self._put_page(page)

    def _put_page(self, page: EncodedPage) -> bool:
        self._forget()
        self._put_bodies("blobs", page.blobs)
        self._listings.update(key(b) for b in _listing_blobs(page))
        record = page.record
        if self._has_page(record, page.digest):  # the same page again: keep one file name, whatever the order
            self.db.execute(
                "UPDATE pages SET source=? WHERE service=? AND release=? AND digest=? AND source>?",
                (record.source, record.service, record.release, id_bytes(page.digest), record.source),
            )
            return False
        others = self._manifest_entries(record.service, record.release)
        rows: list[tuple[Any, ...] | None] = []  # the day's first source of a complete page: its manifest answers
        if not record.complete or others or self._has_rows(record):
            rows = [self._merged(record, v, others) for v in page.versions]
        self.db.executemany(_PUT_VERSION, [r for r in rows if r])
        if record.full_name:
            self.put_name(record.full_name, record.service)
        self.db.execute(
            "INSERT INTO pages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.service,
                record.release,
                id_bytes(page.digest),
                record.source,
                record.full_name,
                record.note,
                int(record.complete),
                id_bytes(page.methods),
                id_bytes(page.manifest),
                id_bytes(page.traits),
                id_bytes(record.model_digest),
            ),
        )
        return True

    def put_unchanged(self, service: str, release: str, source: str, digest: str) -> bool:
        """Record that ``service`` at ``release`` (read from ``source``) is the stored complete model
        page whose ``model_digest`` is ``digest`` (its newest one): a pages row sharing its manifest,
        as converting it again would store. False (nothing written): no such page. Call it in a
        ``transaction``."""
        page = self.unchanged_page(service, release, source, digest)
        if page is not None:
            self.put_page(page)
        return page is not None

    def unchanged_page(self, service: str, release: str, source: str, digest: str) -> EncodedPage | None:
        """The page ``put_unchanged`` writes, only read (sync reads them while workers convert the
        changed services); None: no stored page of that ``model_digest``."""
        row = self.db.execute(
            """SELECT full_name, note, methods, manifest, traits FROM pages
               WHERE service=? AND complete=1 AND model_digest=? AND manifest IS NOT NULL
               ORDER BY release DESC, digest LIMIT 1""",
            (service, id_bytes(digest)),
        ).fetchone()
        if row is None:
            return None
        full_name, note = row[:2]
        methods_id, manifest_id, traits = str(id_text(row[2])), str(id_text(row[3])), id_text(row[4])
        methods: list[dict[str, Any]] = self._blob(methods_id)
        manifest = self._manifest(manifest_id)
        versions = [VersionRow(m["operation"], *manifest[m["operation"]]) for m in methods]
        record = PageRecord(service, release, source, full_name, note, True, methods, digest)
        digest_of_page = page_digest(record, versions, traits)
        return EncodedPage(record, digest_of_page, versions, {}, set(), {}, methods_id, manifest_id, traits)

    def _put_bodies(self, table: str, bodies: Mapping[str, str]) -> None:
        """Content-addressed bodies by id; written when the transaction ends."""
        pending = self._pending[table]
        for body_id, body in bodies.items():
            pending.setdefault(key(body_id), body)

    def _write_pending(self) -> None:
        """The bodies not stored yet, packed in the order they came; their rows in key order, which
        fills SQLite's pages (random keys, inserted as they come, leave them a third empty)."""
        for table, pending in self._pending.items():
            stored = self._stored_keys(table, list(pending))
            new = [(k, text) for k, text in pending.items() if k not in stored]
            groups = [new] if table == "nodes" else [[b for b in new if b[0] in self._listings],
                                                      [b for b in new if b[0] not in self._listings]]  # fmt: skip
            placed = []
            # Pack ids one past the largest, as SQLite's rowid picks them: one answer on either back end.
            pack_id: int = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM packs").fetchone()[0]
            for data, bodies in (made for group in groups for made in packs(group)):
                pack_id += 1
                self.db.execute("INSERT INTO packs VALUES (?, ?)", (pack_id, data))
                placed += [(body_key, pack_id, start) for body_key, start in bodies]
            self.db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", sorted(placed))
            pending.clear()
        self._listings.clear()

    def _stored_keys(self, table: str, keys: list[int]) -> set[int]:
        found: set[int] = set()
        for i in range(0, len(keys), _BATCH):
            batch = keys[i : i + _BATCH]
            sql = f"SELECT key FROM {table} WHERE key IN ({','.join('?' * len(batch))})"
            found.update(r[0] for r in self.db.execute(sql, batch))
        return found

    def _stored_body(self, table: str, body_id: str, what: str) -> str:
        """A body's text, written or pending, checked against its id (content-addressed: a body must
        hash to its id, so a damaged row or another id's key never reads as this body)."""
        if not _ID.fullmatch(body_id):  # a row's id column, damaged (bodies are checked by their hash)
            raise self._damaged(f"{what} id {body_id[:40]!r} is damaged")
        body_key = key(body_id)
        text = self._pending[table].get(body_key)
        if text is None:
            row = self._placed[table].get(body_key) or self._place(table, body_key)
            if row is None:
                raise self._damaged(f"{what} {body_id!r} is missing")
            pack = self._pack(row[0])
            text = None if pack is None or not isinstance(row[1], int) else body_at(pack, row[1])
        if text is None or node_id_of(text) != body_id:
            raise self._damaged(f"{what} {body_id!r} is damaged")
        return text

    def _place(self, table: str, body_key: int) -> tuple[int, int] | None:
        """A body's (pack, start); where the back end reads by pack, every row of its pack is kept too."""
        row = self.db.execute(f"SELECT pack, start FROM {table} WHERE key=?", (body_key,)).fetchone()
        if row is not None and self.db.rows_by_pack:
            placed = self._placed[table]
            if len(placed) > _PLACED_KEPT:
                placed.clear()
            placed.update((k, (row[0], start)) for k, start in self.db.execute(
                f"SELECT key, start FROM {table} WHERE pack=?", (row[0],)))  # fmt: skip
        return None if row is None else (row[0], row[1])

    def _pack(self, pack_id: Any) -> bytes | None:
        """A pack's text (None: missing or damaged), the last PACKS_KEPT read kept decompressed."""
        text = self._packs.pop(pack_id, None)
        if text is None:
            row = self.db.execute("SELECT data FROM packs WHERE id=?", (pack_id,)).fetchone()
            if row is None or not isinstance(row[0], bytes) or (text := unpack(row[0])) is None:
                return None
            if len(self._packs) >= _PACKS_KEPT:
                del self._packs[next(iter(self._packs))]
        self._packs[pack_id] = text  # the most recently used last
        return text

    def drop_complete_source(self, release: str, source: str, services: list[str] | None = None) -> None:
        """Forget what complete source ``source`` said of ``release`` (of ``services``; None: all, and
        its coverage): a newer botocore of the same day speaks for it. Refused where a page of another
        source was merged with it that day (the merge keeps no copy of either). Call in a transaction."""
        with self.transaction():
            self._drop_complete_source(release, source, services)

    def _drop_complete_source(self, release: str, source: str, services: list[str] | None) -> None:
        self._forget()
        only = "" if services is None else f" AND service IN ({','.join('?' * len(services))})"
        chosen = [] if services is None else list(services)
        merged = self.db.execute(
            f"SELECT service FROM versions WHERE release=?{only} LIMIT 1", (release, *chosen)
        ).fetchone()
        if merged is not None:
            raise TrackerError(
                f"{merged[0]} of {release} merges {source} with a page of that day: a newer release of the"
                f" day cannot replace it (rebuild the store, or sync before ingesting that day's pages)"
            )
        sql = f"DELETE FROM pages WHERE release=? AND source=? AND complete=1{only}"
        self.db.execute(sql, (release, source, *chosen))
        if services is None:
            self.db.execute("DELETE FROM coverage WHERE release=? AND source=?", (release, source))

    def put_coverage(self, release: str, source: str) -> None:
        """``source`` of ``release`` covered every service: one it lacks is gone from then on."""
        with self.transaction():
            self._forget()
            self.db.execute("INSERT INTO coverage VALUES (?, ?) ON CONFLICT DO NOTHING", (release, source))

    def _forget(self) -> None:
        self._states.clear()
        self._overlays.clear()

    def _has_rows(self, record: PageRecord) -> bool:
        sql = "SELECT 1 FROM versions WHERE service=? AND release=? LIMIT 1"
        return self.db.execute(sql, (record.service, record.release)).fetchone() is not None

    def _has_page(self, record: PageRecord, digest: str) -> bool:
        sql = "SELECT 1 FROM pages WHERE service=? AND release=? AND digest=?"
        return self.db.execute(sql, (record.service, record.release, id_bytes(digest))).fetchone() is not None

    def _manifest_entries(self, service: str, release: str) -> dict[str, Entry]:
        """The operations of the complete sources of ``service`` stored at ``release`` (where two
        list an operation, a version row of that day holds their merge)."""
        entries: dict[str, Entry] = {}
        for manifest in self._manifests(service, release):
            for operation, entry in manifest.items():
                entries.setdefault(operation, tuple(entry))
        return entries

    def _manifests(self, service: str, release: str) -> list[dict[str, list[str | None]]]:
        sql = "SELECT manifest FROM pages WHERE service=? AND release=? AND manifest IS NOT NULL ORDER BY digest"
        return [self._manifest(str(id_text(r[0]))) for r in self.db.execute(sql, (service, release))]

    def _manifest(self, blob: str) -> dict[str, Any]:
        """A stored manifest: its parts (encode.NodeEncoder.manifest) as one ``{operation: entry}``."""
        found = self._manifests_read.get(blob)
        if found is None:
            found = self._manifests_read[blob] = {}
            for part in self._blob(blob):
                found.update(self._blob(part))
        return found

    def _merged(self, record: PageRecord, row: VersionRow, others: dict[str, Entry]) -> tuple[Any, ...] | None:
        """The version row to write (None: what is stored, or the page's manifest, stands), so
        that the day's answer is the merge of its sources whatever order they came in."""
        key = (record.service, row.operation, record.release)
        new = tuple(row.entry())
        stored = self.db.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE service=? AND operation=? AND release=?", key
        ).fetchone()
        old = others.get(row.operation) if stored is None else tuple(stored)
        if old is None:  # the first source of the day to list it
            return None if record.complete else (*key, *new)
        sides = [
            self._agreed(record, row.operation, side, a, b) for side, a, b in zip(_SIDES, old[:3], new[:3], strict=True)
        ]
        docs = max(str(old[3]), str(new[3]), key=self._fullness)
        known = [t for t in (old[4], new[4]) if t is not None]  # a model's overlay over a page's none
        merged = (*sides, docs, max(known) if known else None)
        # A day's operation is its version row, else its one manifest entry: two manifests that
        # list it differently need a row.
        if merged == old and (stored is not None or not record.complete or merged == new):
            return None
        return (*key, *merged)

    def _fullness(self, docs: str) -> tuple[int, tuple[str, str]]:
        """The fuller documentation of two sources wins a merge (ties by text: any order, one answer)."""
        text, members = self._documentation(docs)
        written = canonical(members)
        return len(text) + len(written), (text, written)

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
        listing = [(src, self._blob(str(id_text(methods)))) for src, methods in rows]
        sources = sorted(src for src, methods in listing if any(m["operation"] == operation for m in methods))
        return sources[0] if sources else "the store"

    def is_union(self, node: str) -> bool:
        if self._unions is None:
            self._unions = {row[0] for row in self.db.execute("SELECT key FROM unions")}
        return key(node) in self._unions

    def put_name(self, name: str, service: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO names VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET service=excluded.service"
                " WHERE names.service != excluded.service",
                (name.casefold(), service),
            )

    def put_rows(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Rows of ``table`` as another store holds them (``rows``): write/copy.py."""
        if rows:
            with self.transaction():
                self.db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
                self._unions = None

    # -- reading -------------------------------------------------------------------------
    def rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        """Every row of ``table`` (one of KEYS) as stored, in key order: what ``store copy`` moves."""
        yield from (tuple(row) for row in self.db.execute(f"SELECT * FROM {table} ORDER BY {KEYS[table]}"))

    def count(self, table: str) -> int:
        counted: int = self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        return counted

    def node(self, node: str) -> NodeBody:
        """The stored body of shape node ``node`` (checked against its id, then cached)."""
        body = self._bodies.get(node)
        if body is not None:
            return body
        if node == CUT_NODE:
            return CUT_SIDE.to_json()
        loaded: NodeBody = self._json(self._stored_body("nodes", node, "shape node"))
        self._bodies[node] = loaded
        return loaded

    def _json(self, text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            raise self._damaged(f"a stored value does not read ({text[:40]!r})") from None

    def _damaged(self, what: str) -> StoreError:
        return StoreError(self.where, f"the store is damaged ({what}): restore it or {opening.REBUILD}")

    def _release(self, value: Any) -> str:
        """A release date read from a row (rows, unlike bodies, carry no hash: check what readers parse)."""
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                dt.date.fromisoformat(value)
                return value
            except ValueError:
                pass
        raise self._damaged(f"a release date reads {str(value)[:40]!r}")

    def _blob(self, blob: str) -> Any:
        """A stored JSON value by id (checked against its id, then cached: do not change it)."""
        if blob in self._blobs:
            return self._blobs[blob]
        value = self._blobs[blob] = self._json(self._stored_body("blobs", blob, "stored value"))
        return value

    def shape(self, node: str | None) -> Shape | None:
        return None if node is None else self.reader.shape(node)

    _LISTING = "SELECT DISTINCT service FROM pages WHERE methods != ?"  # services with an operation

    def has_service(self, service: str) -> bool:
        return self.db.execute(self._LISTING + " AND service=?", (_NO_METHODS, service)).fetchone() is not None

    def services(self) -> list[str]:
        return [r[0] for r in self.db.execute(self._LISTING + " ORDER BY service", (_NO_METHODS,))]

    def releases(self, service: str | None = None) -> list[str]:
        """Dates at which something was stored (and, for a service, a full baseline ended it), oldest first."""
        if service is None:
            sql = "SELECT release FROM pages UNION SELECT release FROM coverage ORDER BY release"
            return [self._release(r[0]) for r in self.db.execute(sql)]
        sql = """SELECT release FROM pages WHERE service=:service
                 UNION SELECT release FROM coverage
                   WHERE release > (SELECT MIN(release) FROM pages WHERE service=:service)
                 ORDER BY release"""
        return [self._release(r[0]) for r in self.db.execute(sql, {"service": service})]

    def pages(self, service: str | None = None) -> list[PageRecord]:
        sql = "SELECT service, release, source, full_name, note, complete, methods, model_digest FROM pages"
        rows = self.db.execute(
            sql + (" WHERE service=?" if service else "") + " ORDER BY release, service, source",
            (service,) if service else (),
        )
        return [
            PageRecord(s, self._release(r), src, fn, note, bool(c), self._blob(str(id_text(m))), id_text(digest))
            for s, r, src, fn, note, c, m, digest in rows
        ]

    def coverage(self) -> dict[str, str]:
        """Release -> source of every full baseline (a complete source of every service)."""
        sql = "SELECT release, MIN(source) FROM coverage GROUP BY release ORDER BY release"
        return {self._release(release): source for release, source in self.db.execute(sql)}

    def state(self, service: str, at: str) -> dict[str, Version]:
        """Every operation of ``service`` as of ``at``: the manifest of the newest complete source on
        or before it, overridden by the versions of pages after it (and merges of its day)."""
        self._check_unchanged()
        cached = self._states.get((service, at))
        if cached is None:
            cached = self._states[(service, at)] = self._state(service, at)
        return dict(cached)

    def _state(self, service: str, at: str) -> dict[str, Version]:
        complete = self.db.execute(_COMPLETE, {"service": service, "at": at}).fetchone()[0]
        complete = None if complete is None else self._release(complete)
        found = {}
        if complete is not None:
            for op, (api, inp, out, docs, traits) in self._manifest_entries(service, complete).items():
                found[op] = Version(service, op, complete, inp, out, api, docs or "", traits)
        rows = self.db.execute(_NEWEST_VERSIONS, {"service": service, "at": at, "since": complete or ""})
        for op, rel, inp, out, api, docs, traits in rows:
            found[op] = Version(service, op, self._release(rel), inp, out, api, docs, traits)
        return dict(sorted(found.items()))

    def _check_unchanged(self) -> None:
        """Forget derived answers when another connection wrote to the store since."""
        seen = self.db.version()
        if seen != self._seen_version:
            self._forget()
            self._seen_version = seen

    def operation(self, version: Version) -> Operation:
        """The operation as stored, its ``traits`` filled (Store.traits)."""
        inputs = self.shape(version.input) or Structure()
        output = self.shape(version.output)
        return Operation(version.operation, inputs, output, version.api_name, traits=self.traits(version))

    def documentation(self, version: Version) -> tuple[str, dict[str, str]]:
        """The operation's documentation and its members' by path ({'input.a.b[]': text, ...})."""
        return self._documentation(version.docs)

    def _documentation(self, docs: str) -> tuple[str, dict[str, str]]:
        text, *trees = self._blob(docs)
        members: dict[str, str] = {}
        for side, tree in zip(("input", "output"), trees, strict=True):
            self._member_docs(tree, side, members)
        return text, members

    def _member_docs(self, tree: str | None, path: str, into: dict[str, str]) -> None:
        """A documentation tree (encode.NodeEncoder.doc_id) back into member paths."""
        if tree is None:
            return
        body = self._blob(tree)
        if "m" in body:
            prefix = members_of(path)
            for name, text, child in body["m"]:
                if text:
                    into[prefix + name] = text
                self._member_docs(child, prefix + name, into)
        else:
            self._member_docs(body.get("l"), path + LIST, into)
            self._member_docs(body.get("v"), path + MAP, into)

    def traits(self, version: Version) -> Overlay | None:
        """What the model knows about ``version`` beyond its shapes, by member path (model.Overlay):
        a path absent, or None for the whole operation, is unknown.

        A model source stored its overlay; a page's version takes, for each path whose node is the
        one of the previous state of the operation, that state's entry (derived the same way), and
        '' only when neither side changed. Derived when read, so any order of ingests agrees."""
        self._check_unchanged()
        chain = []  # versions without an overlay, newest first, back to one with (or to none)
        current: Version | None = version
        while current is not None and current.traits is None and current not in self._overlays:
            chain.append(current)
            current = self.state(current.service, _day_before(current.release)).get(current.operation)
        if current is None:
            overlay = None
        else:
            overlay = self._overlays[current] if current.traits is None else self._stored_overlay(current.traits)
        for later in reversed(chain):
            overlay = None if overlay is None or current is None else self._carried(current, later, overlay)
            self._overlays[later] = overlay
            current = later
        return None if overlay is None else dict(overlay)

    def _stored_overlay(self, blob: str) -> Overlay:
        """A stored overlay: flat, or a tree beside the shape nodes (encode.NodeEncoder.traits_id) whose
        walk gives every path, ``{}`` where the tree has no entry."""
        stored = self._blob(blob)
        if isinstance(stored, dict):
            return stored
        found = self._trees.get(blob)
        if found is None:
            operation, *roots = stored
            found = {"": operation}
            for side, root, tree in zip(("input", "output"), roots[:2], roots[2:], strict=True):
                if root is not None:
                    found.update((path, {}) for path in self._side_paths(side, root))
                    self._tree_traits(tree, side, found)
            found = self._trees[blob] = dict(sorted(found.items()))  # the order a flat overlay reads in
        return found

    def _tree_traits(self, tree: str | None, path: str, into: Overlay) -> None:
        if tree is None:
            return
        body = self._blob(tree)
        if "t" in body:
            into[path] = body["t"]
        prefix = members_of(path)
        for name, child in body.get("m", ()):
            self._tree_traits(child, prefix + name, into)
        self._tree_traits(body.get("l"), path + LIST, into)
        self._tree_traits(body.get("v"), path + MAP, into)

    def traits_origin(self, version: Version) -> str | None:
        """The blob id of the stored overlay ``version``'s traits come from (its own, or the one a
        page's carry from): two versions of one origin agree wherever both know (the differ's cheap
        equality, issue 13). None: no overlay."""
        current: Version | None = version
        while current is not None and current.traits is None:
            current = self.state(current.service, _day_before(current.release)).get(current.operation)
        return None if current is None else current.traits

    def _carried(self, old: Version, new: Version, overlay: Overlay) -> Overlay | None:
        if (old.input, old.output) == (new.input, new.output):
            return overlay
        before, after = self._path_nodes(old), self._path_nodes(new)
        kept = {path: entry for path, entry in overlay.items() if path and before.get(path, "") == after.get(path)}
        return kept or None

    def _path_nodes(self, version: Version) -> dict[str, str]:
        """{member path: node id} of both sides (the paths of model.walk: map keys are no path)."""
        paths: dict[str, str] = {}
        for side, root in (("input", version.input), ("output", version.output)):
            if root is not None:
                paths.update(self._side_paths(side, root))
        return paths

    def _side_paths(self, side: str, root: str) -> dict[str, str]:
        found = self._paths.get((side, root))
        if found is None:
            found = self._paths[(side, root)] = {}
            stack = [(side, root)]
            while stack:
                path, node = stack.pop()
                found[path] = node
                body = self.node(node)
                if body["type"] == "structure":
                    prefix = members_of(path)
                    stack += [(prefix + name, child) for name, _required, child in body["members"]]
                elif body["type"] == "list":
                    stack.append((path + LIST, body["member"]))
                elif body["type"] == "map":
                    stack.append((path + MAP, body["value"]))
        return found

    def service_traits(self, service: str, at: str) -> dict[str, Any] | None:
        """Service-level facts of the newest model source on or before ``at`` ({"protocol": ...}); None: unknown."""
        row = self.db.execute(
            """SELECT traits FROM pages WHERE service=? AND release<=? AND traits IS NOT NULL
               ORDER BY release DESC, traits LIMIT 1""",
            (service, at),
        ).fetchone()
        return None if row is None else dict(self._blob(str(id_text(row[0]))))

    def model_digest(self, service: str, before: str) -> str | None:
        """The ``Page.model_digest`` of the newest complete page of ``service`` strictly before
        release ``before`` (None: none stored, or it carries none): sync converts a model again only
        when its files changed since (put_unchanged otherwise)."""
        row = self.db.execute(
            """SELECT model_digest FROM pages WHERE service=? AND complete=1 AND release<?
               ORDER BY release DESC, model_digest IS NULL, digest LIMIT 1""",
            (service, before),
        ).fetchone()
        return None if row is None else id_text(row[0])

    def ended(self, service: str) -> str | None:
        """The date of the first complete source (covering every service) that lacks ``service``
        after the service was last stored, i.e. the day it left botocore; None while it lives."""
        sql = "SELECT MIN(release) FROM coverage WHERE release > (SELECT MAX(release) FROM pages WHERE service=?)"
        ended = self.db.execute(sql, (service,)).fetchone()[0]
        return None if ended is None else self._release(ended)

    def names(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT name, service FROM names").fetchall())


def open_database(where: str | Path, create: bool, notify: lock.Notify | None) -> Database:
    """The back end ``where`` names: a ``postgresql://`` URL, else an SQLite file (or ``:memory:``)."""
    if is_postgresql(where):
        try:
            from .postgres import PostgresDatabase  # psycopg loads only for a PostgreSQL store
        except ImportError:
            need = "a PostgreSQL store needs psycopg: pip install 'changelog-tracker[postgresql]'"
            raise StoreError(redacted(str(where)), need) from None
        return PostgresDatabase(str(where), create, SCHEMA, notify)
    from .sqlite import SQLiteDatabase

    return SQLiteDatabase(Path(where), create, SCHEMA, notify)


def _listing_blobs(page: EncodedPage) -> list[str]:
    """The blobs of ``page`` that say what its release holds: its method list, its manifest's root
    and parts, its service traits (the rest is documentation and trait trees)."""
    found = [b for b in (page.methods, page.manifest, page.traits) if b and b in page.blobs]
    if page.manifest is not None and page.manifest in page.blobs:
        found += [part for part in json.loads(page.blobs[page.manifest]) if part in page.blobs]
    return found


def _day_before(release: str) -> str:
    return (dt.date.fromisoformat(release) - dt.timedelta(days=1)).isoformat()
