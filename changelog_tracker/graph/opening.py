"""Opening a store: only a file that is ours, whole, of today's format and schema.

Anything else (a text file, a folder, another application's database, a truncated file, a store
with a dropped or altered table, another format version) is refused with one line naming the file
and left as it was: the checks only read until the store is known to be ours.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..errors import NoStoreError, StoreError
from . import lock

APPLICATION_ID = 0x434C544B  # "CLTK" at offset 68 of the file: the store is ours
FORMAT_VERSION = 5  # PRAGMA user_version: bump when stored rows change meaning (page digests, tables, bodies.zdict)
REBUILD = "rebuild it with baseline and ingest"
# Tables of the stores written before format 1 (no application id, no version): their page
# digests differ from today's, so such a store must be rebuilt, not read.
_UNVERSIONED_TABLES = {"nodes", "versions", "pages", "names", "unions"}
_SQLITE_MAGIC = b"SQLite format 3\x00"

Init = Callable[[sqlite3.Connection], None]
MEMORY = ":memory:"


def connect(
    path: Path, create: bool, schema: list[str], begin: Init, notify: lock.Notify | None
) -> tuple[sqlite3.Connection, list[Path]]:
    """A connection to the store at ``path``; ``create`` (commands that write) may make a new one.

    ``begin`` takes the write lock (with the store's bounded wait) to make a new store atomically.
    Also returns what opening made (folders, the file), for ``unmake`` should the command fail."""
    in_memory = str(path) == MEMORY  # SQLite's own name for a store of one connection (tests, the API)
    if not in_memory:
        _check_file(path, create)
    made = ([] if path.exists() else [path]) + _make_folders(path.parent) if create and not in_memory else []
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=lock.busy_seconds(create))
    except sqlite3.Error as err:
        unmake(made)
        raise StoreError(path, f"cannot open ({err})") from None
    try:
        lock.retry(lambda: _check_database(db, path, create, schema, begin), path, notify)
    except BaseException as err:
        db.close()
        unmake(made)
        if isinstance(err, sqlite3.DatabaseError | UnicodeDecodeError):  # SQLite's message may quote damaged bytes
            raise StoreError(path, f"not a changelog-tracker store, or a damaged one ({_reason(err)})") from None
        raise
    return db, made


def _reason(err: Exception) -> str:
    if isinstance(err, UnicodeDecodeError):
        return err.object.decode("utf-8", "replace") if isinstance(err.object, bytes) else "undecodable"
    return str(err)


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones made, innermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(folder, f"cannot make the store's folder ({err.strerror})") from None
    return missing


def unmake(made: list[Path]) -> None:
    """Remove the store file and folders a failed command made (folders only while empty), so the
    command leaves the disk as it found it."""
    for path in made:  # the file first, then folders innermost first
        with contextlib.suppress(OSError):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
                path.with_name(path.name + "-journal").unlink(missing_ok=True)


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise StoreError(path, "a folder, not a store file")
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise NoStoreError(path)
        return
    if create and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):  # SQLite journals beside it
        raise StoreError(path, "read-only (or its folder is), and this command writes to the store")
    with path.open("rb") as handle:
        if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise StoreError(path, "not a changelog-tracker store (not an SQLite file)")
    if not path.with_name(path.name + "-journal").exists():  # else SQLite first rolls back a crashed write
        _check_size(path)


def _check_database(db: sqlite3.Connection, path: Path, create: bool, schema: list[str], begin: Init) -> None:
    if not _objects(db) and _application_id(db) == 0:  # an empty database: a new store
        if not create:
            raise NoStoreError(path)
        _create(db, schema, begin)
    application_id = _application_id(db)
    if application_id != APPLICATION_ID:
        if application_id == 0 and {n for kind, n, _ in _objects(db) if kind == "table"} == _UNVERSIONED_TABLES:
            raise StoreError(path, f"a store of an older format (before format {FORMAT_VERSION}): {REBUILD}")
        raise StoreError(path, "an SQLite database of another application, not a changelog-tracker store")
    check_format(path, db.execute("PRAGMA user_version").fetchone()[0])
    altered = _schema_difference(_objects(db), _expected_objects(tuple(schema)))
    if altered:
        raise StoreError(path, f"the store's schema was altered ({altered}): {REBUILD}")
    _check_size(path)


def check_format(where: object, version: int) -> None:
    """A store of another format than today's is refused (both back ends: graph/postgres.py too)."""
    if version > FORMAT_VERSION:
        raise StoreError(where, f"store format {version} is newer than this changelog-tracker reads: upgrade it")
    if version < FORMAT_VERSION:
        raise StoreError(where, f"a store of an older format ({version}, today {FORMAT_VERSION}): {REBUILD}")


def _create(db: sqlite3.Connection, schema: list[str], begin: Init) -> None:
    begin(db)
    try:
        if not _objects(db):  # another process may have made it while we waited for the lock
            for statement in schema:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _application_id(db: sqlite3.Connection) -> int:
    value: int = db.execute("PRAGMA application_id").fetchone()[0]
    return value


def _objects(db: sqlite3.Connection) -> set[tuple[str, str, str | None]]:
    return set(db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


_EXPECTED: dict[tuple[str, ...], set[tuple[str, str, str | None]]] = {}


def _expected_objects(schema: tuple[str, ...]) -> set[tuple[str, str, str | None]]:
    if schema not in _EXPECTED:
        with sqlite3.connect(":memory:") as memory:
            for statement in schema:
                memory.execute(statement)
            _EXPECTED[schema] = _objects(memory)
        memory.close()
    return _EXPECTED[schema]


def _schema_difference(found: set[tuple[str, str, str | None]], expected: set[tuple[str, str, str | None]]) -> str:
    """'' when equal, else the first differing object, named."""
    names = {name: (kind, sql) for kind, name, sql in found}
    for kind, name, sql in sorted(expected, key=lambda o: o[1]):
        if name not in names:
            return f"{kind} {name!r} is missing"
        if names[name] != (kind, sql):
            return f"{kind} {name!r} differs"
    extra = sorted(names.keys() - {name for _, name, _ in expected})
    return f"{names[extra[0]][0]} {extra[0]!r} is not ours" if extra else ""


def _check_size(path: Path) -> None:
    """A file shorter than its header says lost its end (SQLite reads the rest as garbage or not at all)."""
    if str(path) == MEMORY:
        return
    with path.open("rb") as handle:
        header = handle.read(100)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96]  # the in-header size is current (SQLite >= 3.7)
    expected, actual = page_size * pages, path.stat().st_size
    if size_is_valid and actual < expected:
        raise StoreError(path, f"truncated ({actual} of {expected} bytes): restore it or {REBUILD}")
