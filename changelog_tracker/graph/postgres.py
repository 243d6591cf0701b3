"""The shared back end: the store's tables in a PostgreSQL database (psycopg 3), for a team's scheduled
sync, its CI runners and its dashboards at once.

``--store postgresql://user@host/db`` keeps the tables in the connection's current schema (``public``,
or the first of ``search_path``: ``?options=-csearch_path%3Dname`` keeps several stores in one
database). A table ``store_format`` says they are ours and of which format, as SQLite's
application id and user version do. Text columns collate as "C", byte by byte as SQLite compares,
so every ORDER BY answers as on SQLite.

Writers serialize on a transaction-level advisory lock (released by the server when the writer's
transaction ends, however it ends: a writer killed mid-release leaves nothing of it), waited for
boundedly, its holder named from ``pg_stat_activity``. A command's reads are one ``REPEATABLE READ``
snapshot, so a reader never sees half a release, and never waits for a writer.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from ..errors import NoStoreError, StoreError
from . import lock
from .database import Params, Rows, redacted
from .opening import APPLICATION_ID, FORMAT_VERSION, REBUILD, check_format

APPLICATION = "changelog-tracker"
META = "CREATE TABLE store_format (application TEXT NOT NULL, format INTEGER NOT NULL)"
_TYPES = (
    (r"\bBLOB\b", "BYTEA"), (r"\bINTEGER\b", "BIGINT"), (r"\bTEXT\b", 'TEXT COLLATE "C"'), (r"\s*WITHOUT ROWID", "")
)  # fmt: skip
# Body places read a pack at a time (Store._place): a round trip per pack, not per body.
INDEXES = ["CREATE INDEX nodes_by_pack ON nodes (pack)", "CREATE INDEX blobs_by_pack ON blobs (pack)"]
_POLL_SECONDS = 0.05
_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"


def ddl(statement: str) -> str:
    """An SQLite table of the store's schema as PostgreSQL's: the same columns, keys and order."""
    for pattern, replacement in _TYPES:
        statement = re.sub(pattern, replacement, statement)
    return statement


@cache
def translated(sql: str) -> str:
    """The store's SQL (``?`` and ``:name`` parameters) in psycopg's placeholders."""
    sql = sql.replace("%", "%%")
    sql = re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


def columns(schema: list[str]) -> dict[str, list[str]]:
    """{table: its column names in order} of schema statements."""
    found = {}
    for statement in schema:
        table, body = re.match(r"CREATE TABLE (\w+) \((.*)\)", statement, re.S).groups()  # type: ignore[union-attr]
        names = [m.group(1) for m in re.finditer(r"(?:^|,)\s*(\w+) [A-Z]", body) if m.group(1) != "PRIMARY"]
        found[table] = names
    return found


def _message(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _application_name() -> str:
    """What ``pg_stat_activity`` shows of us: whoever waits for our lock reads it."""
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
    return f"{APPLICATION} pid {os.getpid()}: {command}"[:63]


class PostgresDatabase:
    rows_by_pack = True

    def __init__(self, url: str, create: bool, schema: list[str], notify: lock.Notify | None) -> None:
        self.where, self.notify = redacted(url), notify
        self._snapshots = 0  # read snapshots begun: Database.version
        self._writing = False
        self._made = False
        self._schema = [META, *schema]
        try:
            self.db = psycopg.connect(url, autocommit=True, application_name=_application_name(), connect_timeout=10)
        except (psycopg.Error, ValueError) as err:  # ValueError: a malformed URL
            raise StoreError(self.where, f"cannot connect to PostgreSQL ({_message(err)})") from None
        try:
            # Another program's table lock (never ours: readers take none that writers wait for) waits boundedly.
            self.db.execute(f"SET lock_timeout = {int(lock.wait_seconds() * 1000)}")
            self._schema_name: str | None = self._one("SELECT current_schema()")  # None: search_path names none
            # Stores in other schemas do not wait for ours.
            self._lock_key = (APPLICATION_ID, zlib.crc32(str(self._schema_name).encode()) & 0x7FFFFFFF)
            self._open(create, schema)
        except psycopg.Error as err:
            self.db.close()
            raise self._trouble(err) from None
        except BaseException:
            self.db.close()
            raise

    # -- opening: only a whole store of ours, of today's format ----------------------------
    def _open(self, create: bool, schema: list[str]) -> None:
        tables = self._tables()
        if not tables:
            if not create:
                raise NoStoreError(self.where)
            self._create(schema)
            tables = self._tables()
        if "store_format" not in tables:
            raise StoreError(self.where, "a PostgreSQL schema of another application, not a changelog-tracker store")
        row = self.db.execute("SELECT application, format FROM store_format").fetchall()
        if len(row) != 1 or row[0][0] != APPLICATION:
            raise StoreError(self.where, "a PostgreSQL schema of another application, not a changelog-tracker store")
        check_format(self.where, row[0][1])
        expected = columns([META, *schema])
        for table in sorted(expected.keys() | tables.keys()):
            if table not in tables:
                raise StoreError(self.where, f"the store's schema was altered (table {table!r} is missing): {REBUILD}")
            if table not in expected:
                raise StoreError(self.where, f"the store's schema was altered (table {table!r} is not ours): {REBUILD}")
            if tables[table] != expected[table]:
                raise StoreError(self.where, f"the store's schema was altered (table {table!r} differs): {REBUILD}")

    def _tables(self) -> dict[str, list[str]]:
        rows = self.db.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"""
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        return found

    def _create(self, schema: list[str]) -> None:
        if self._schema_name is None:
            raise StoreError(self.where, "no schema to make the store in (the search_path names none that exists)")
        with self.writing():
            if not self._tables():  # another process may have made it while we waited for the lock
                for statement in [META, *schema, *INDEXES]:
                    self.db.execute(ddl(statement))
                self.db.execute("INSERT INTO store_format VALUES (%s, %s)", (APPLICATION, FORMAT_VERSION))
                self._made = True

    # -- Database ---------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = ()) -> Rows:
        self._snapshot()
        try:
            return self.db.execute(translated(sql), params)
        except psycopg.Error as err:
            raise self._trouble(err) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            with self.db.cursor() as cursor:
                cursor.executemany(translated(sql), rows)
        except psycopg.Error as err:
            raise self._trouble(err) from None

    def _snapshot(self) -> None:
        if not self._writing and self.db.info.transaction_status == TransactionStatus.IDLE:
            self.db.execute(_SNAPSHOT)
            self._snapshots += 1

    @contextmanager
    def writing(self) -> Iterator[None]:
        try:
            if self.db.info.transaction_status != TransactionStatus.IDLE:
                self.db.execute("ROLLBACK")  # a read snapshot ends: a write sees the newest state
            # READ COMMITTED: under the lock, each statement sees every write committed before ours.
            self.db.execute("BEGIN")
        except psycopg.Error as err:
            raise self._trouble(err) from None
        self._writing = True
        try:
            try:
                self._take_lock()
                yield
            except BaseException:
                self._rollback()
                raise
            try:
                self.db.execute("COMMIT")
            except psycopg.Error as err:
                raise self._trouble(err) from None
        finally:
            self._writing = False

    def _rollback(self) -> None:
        with contextlib.suppress(psycopg.Error):  # the connection is gone: the server rolled back
            self.db.execute("ROLLBACK")

    def _take_lock(self) -> None:
        bound = lock.wait_seconds()
        deadline, told = time.monotonic() + bound, False
        while not self._one("SELECT pg_try_advisory_xact_lock(%s, %s)", self._lock_key):
            if time.monotonic() >= deadline:
                held = f"locked by {self._holder()} for over {bound:g} s: try again when it is done"
                raise StoreError(self.where, held)
            if not told and self.notify is not None:
                self.notify(f"waiting up to {bound:g} s for {self.where}: locked by {self._holder()}")
                told = True
            time.sleep(_POLL_SECONDS)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The one value a query of ours answers (outside any snapshot)."""
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _holder(self) -> str:
        row = self.db.execute(
            """SELECT a.application_name, a.pid, to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = %s AND l.objid::bigint = %s""",
            self._lock_key,
        ).fetchone()
        if row is None:
            return "another writer (it has just finished)"
        name, pid, started = row
        return f"{name or 'a client'} (server pid {pid}, since {started} UTC)"

    def version(self) -> int:
        self._snapshot()
        return self._snapshots

    def close(self, failed: bool) -> None:
        try:
            if failed and self._made and self.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None:
                with self.writing():  # the store this failed command made: gone again
                    for table in columns(self._schema):
                        self.db.execute(f"DROP TABLE IF EXISTS {table}")
        except (psycopg.Error, StoreError):
            pass
        finally:
            self.db.close()

    def _trouble(self, err: psycopg.Error) -> StoreError:
        if isinstance(err, psycopg.errors.LockNotAvailable):
            waited = lock.wait_seconds()
            return StoreError(self.where, f"locked by another program for over {waited:g} s: try again later")
        if isinstance(err, psycopg.OperationalError):
            return StoreError(self.where, f"PostgreSQL failed ({_message(err)})")
        return StoreError(self.where, f"PostgreSQL refused a query ({_message(err)}): is it a store of ours?")
