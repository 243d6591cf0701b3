"""``store copy``: a store moved between back ends (SQLite, PostgreSQL) row for row.

Rows are content-addressed nodes and blobs in packs, and dated versions: they mean the same in
either back end, so a copy is every table's rows as stored, in key order, written in one
transaction of the target. Answers after the move are byte-identical (tests/store/test_copy.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from ..errors import TrackerError
from ..graph.store import KEYS, Store

_BATCH = 2000  # rows written at once
Progress = Callable[[int, int, str], None]  # (rows done, rows in all, table)


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # table -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_store(source: Store, target: Store, progress: Progress | None = None) -> Copied:
    """Every row of ``source`` into ``target``, which must hold nothing yet; all or nothing."""
    if any(target.count(table) for table in KEYS):
        raise TrackerError(f"{target.where} already holds a store: copy into a new one (nothing was written)")
    counts = {table: source.count(table) for table in KEYS}
    total, done = sum(counts.values()), 0
    with target.transaction():
        for table in KEYS:
            for batch in _batches(source.rows(table)):
                target.put_rows(table, batch)
                done += len(batch)
                if progress is not None:
                    progress(done, total, table)
    return Copied(counts)


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch
