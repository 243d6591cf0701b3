"""``store copy`` (issue 17): SQLite -> PostgreSQL -> SQLite keeps every answer byte for byte; a copy
into a store that holds one is refused, and a failed copy leaves its target as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.errors import StoreError
from changelog_tracker.graph.store import Store as StoreClass
from tests.backends import Stores
from tests.helpers import ROOT, dump
from tests.write.sync_wheels import build_wheels


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundled data (a baseline of every service, drops after it) and three releases synced."""
    folder = tmp_path_factory.mktemp("source")
    build_wheels(folder / "wheels", "1.42.55", "1.42.57")
    db = str(folder / "tracker.db")
    for args in (["baseline", "--botocore", ROOT / "data" / "baseline.zip"], ["ingest", ROOT / "data" / "drops"],
                 ["sync", "--find-links", folder / "wheels", "--since", "1.42.55"]):  # fmt: skip
        result = cli("--store", db, *args)
        assert result.exit_code == 0, result.output
    return db


def _answers(db: str) -> list[str]:
    with Store(db, create=False) as store:
        services, releases = store.services(), store.releases()
    commands = [["log"], ["log", "--format", "json"], ["diff", "--from", releases[0], "--format", "json"],
                ["notes", "--since", releases[0], "--format", "markdown"]]  # fmt: skip
    commands += [["show", service, "--format", "json"] for service in services]
    commands += [["show", service, "--at", releases[1]] for service in services[:5]]
    return [cli("--store", db, *command).output for command in commands]


def test_a_round_trip_through_postgresql_gives_identical_answers(source: str, tmp_path: Path) -> None:
    shared = Stores("postgresql", tmp_path)  # skips without a server
    try:
        there, back = shared.new("copy"), str(tmp_path / "back.db")
        for src, dst in ((source, there), (there, back)):
            result = cli("store", "copy", src, dst)
            assert result.exit_code == 0, result.output
            assert result.output.endswith(f" -> {dst}\n") and " rows (" in result.output
        expected = _answers(source)
        assert _answers(there) == expected and _answers(back) == expected
        with Store(source) as a, Store(there) as b, Store(back) as c:
            assert dump(a) == dump(b) == dump(c)
    finally:
        shared.cleanup()


def test_a_copy_into_a_store_that_holds_one_is_refused(source: str, stores: Stores) -> None:
    target = stores.new()
    assert cli("--store", target, "ingest", ROOT / "data" / "drops" / "2026-01-15_ecs.txt").exit_code == 0
    with Store(target) as store:
        before = dump(store)
    result = cli("store", "copy", source, target)
    assert result.exit_code == 2 and result.output == f"error: {target} already holds a store: copy into a new one" \
        " (nothing was written)\n"  # fmt: skip
    with Store(target) as store:
        assert dump(store) == before


def test_a_failed_copy_leaves_no_store_behind(source: str, stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    written = StoreClass.put_rows
    calls = []

    def failing(self: StoreClass, table: str, rows: list[tuple[object, ...]]) -> None:
        calls.append(table)
        if len(calls) == 3:
            raise StoreError(self.where, "disk full")
        written(self, table, rows)

    monkeypatch.setattr(StoreClass, "put_rows", failing)
    target = stores.new()
    result = cli("store", "copy", source, target)
    assert result.exit_code == 2 and result.output == f"error: {target}: disk full\n"
    assert len(calls) == 3 and not stores.made(target)


def test_a_copy_of_no_store_is_refused_and_makes_none(stores: Stores, tmp_path: Path) -> None:
    target = stores.new()
    result = cli("store", "copy", tmp_path / "missing.db", target)
    assert result.exit_code == 2 and "no store at" in result.output and not stores.made(target)


def test_store_help_teaches_the_move_to_postgresql() -> None:
    result = cli("store", "--help")
    assert result.exit_code == 0 and "store copy data/tracker.db postgresql://" in result.output
    assert "byte-identical" in cli("store", "copy", "--help").output
