"""Where a store's rows live: an SQLite file (the embedded default) or a PostgreSQL database.

The store (graph/store.py) speaks one SQL to one interface, ``Database``; each back end keeps the
same tables with the same meaning and gives the same guarantees:

- a write (``writing``) is one transaction under the store's write lock, waited for boundedly,
  naming who holds it; a writer that dies mid-write leaves nothing of it;
- a command's reads see one snapshot, from its first read to its next write or its end, so an
  answer never mixes two states of the store (half a release, say) while another process writes.

The SQL is the common subset: ``?`` and ``:name`` parameters, ``ON CONFLICT`` upserts, no
SQLite-only aggregates; the PostgreSQL back end translates the parameters and the table types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

Params = Sequence[Any] | Mapping[str, Any]
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")


class Rows(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """One store's connection."""

    where: str  # what messages name: the file, or the URL without its password
    rows_by_pack: bool  # a query costs a round trip: read body places a pack at a time (its index)

    def execute(self, sql: str, params: Params = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def writing(self) -> AbstractContextManager[None]:
        """One all-or-nothing transaction under the write lock (bounded wait, then StoreError)."""
        ...

    def version(self) -> int:
        """Changes whenever reads may see other rows than before (another process wrote)."""
        ...

    def close(self, failed: bool) -> None:
        """Close; after a ``failed`` command, a store this connection made and nothing wrote to is removed."""
        ...


def redacted(url: str) -> str:
    """The URL without its password, as messages name the store."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def is_postgresql(where: str | Path) -> bool:
    return str(where).startswith(POSTGRESQL_SCHEMES)
