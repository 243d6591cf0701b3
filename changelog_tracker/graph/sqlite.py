"""The embedded back end: one SQLite file (graph/opening.py checks it is a whole store of ours).

Writes take SQLite's write lock (``BEGIN IMMEDIATE``), waited for boundedly and named in a sidecar
file (graph/lock.py). A command's reads run in one deferred transaction, so they see one state of
the file: a writer's commit waits (boundedly) for the readers of the moment, and new readers wait
for it, so no reader sees a release half written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import lock, opening
from .database import Params, Rows


class SQLiteDatabase:
    rows_by_pack = False  # a body's row is a lookup in the file: microseconds

    def __init__(self, path: Path, create: bool, schema: list[str], notify: lock.Notify | None) -> None:
        self.path, self.where, self.notify = path, str(path), notify
        self.connection, self._made = opening.connect(path, create, schema, self._begin, notify)

    def _begin(self, db: Any) -> None:
        lock.retry(lambda: db.execute("BEGIN IMMEDIATE"), self.path, self.notify)

    def execute(self, sql: str, params: Params = ()) -> Rows:
        if not self.connection.in_transaction:
            self.connection.execute("BEGIN")  # deferred: the first read takes the snapshot, held to the next write
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    @contextmanager
    def writing(self) -> Iterator[None]:
        if self.connection.in_transaction:  # a read snapshot: a write sees the newest state
            self.connection.execute("COMMIT")
        self._begin(self.connection)
        lock.record_writer(self.path)
        try:
            try:
                yield
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            lock.retry(lambda: self.connection.execute("COMMIT"), self.path, self.notify)  # readers may hold it
        finally:
            lock.clear_writer(self.path)

    def version(self) -> int:
        value: int = self.execute("PRAGMA data_version").fetchone()[0]
        return value

    def close(self, failed: bool) -> None:
        unused = failed and bool(self._made) and self._holds_nothing()
        self.connection.close()
        if unused:
            opening.unmake(self._made)

    def _holds_nothing(self) -> bool:
        try:
            return self.execute("SELECT 1 FROM pages LIMIT 1").fetchone() is None
        except sqlite3.Error:
            return False
