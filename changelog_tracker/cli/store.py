"""``changelog-tracker store``: the store itself, as a whole (copy it between back ends)."""

from __future__ import annotations

import click

from . import _progress


@click.group("store")
def store() -> None:
    """The store as a whole: an SQLite file, or a shared PostgreSQL database.

    \b
    A team shares one store on PostgreSQL; move one there from a file (and back) with copy:
      changelog-tracker store copy data/tracker.db postgresql://ci@db.internal/changelog
      export CHANGELOG_TRACKER_STORE=postgresql://ci@db.internal/changelog
    """


@store.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
def copy(source: str, target: str) -> None:
    """Copy the store SRC into DST, a new store (a file or a postgresql:// URL), row for row.

    Every answer of DST (log, show, diff, check...) is then byte-identical to SRC's. DST must hold
    no store yet; the copy is one transaction: should it fail, DST is left as it was.
    """
    from ..graph.store import Store
    from ..write.copy import copy_store

    with (
        Store(source, create=False) as src,
        Store(target, create=True) as dst,
        _progress("copying rows") as progress,
    ):
        copied = copy_store(src, dst, progress)
        where = src.where, dst.where
    tables = ", ".join(f"{n} {t}" for t, n in copied.rows.items())
    click.echo(f"{copied.total} rows ({tables}): {where[0]} -> {where[1]}", err=True)
