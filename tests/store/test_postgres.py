"""Opening a PostgreSQL store (issue 17): only a schema of ours, whole and of today's format; every
trouble one line naming the store (its password never), exit 2, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from changelog_tracker.cli import main
from changelog_tracker.graph.opening import FORMAT_VERSION
from tests.backends import Stores
from tests.helpers import ROOT

PAGE = ROOT / "data" / "drops" / "2026-01-15_ecs.txt"


def cli(store: str, *args: str | Path) -> Result:
    return CliRunner().invoke(main, ["--store", store, *map(str, args)])


def _one_error(result: Result) -> str:
    assert result.exit_code == 2 and (result.exception is None or isinstance(result.exception, SystemExit))
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def test_a_server_that_is_not_there_is_one_line_without_the_password() -> None:
    url = "postgresql://tracker:s3cret@127.0.0.1:1/changelog"
    line = _one_error(cli(url, "log"))
    assert line.startswith("error: postgresql://tracker:***@127.0.0.1:1/changelog: cannot connect to PostgreSQL (")
    assert "s3cret" not in line


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Stores]:
    made = Stores("postgresql", tmp_path)  # skips without a server
    yield made
    made.cleanup()


def _sql(store: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(store, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


def test_reads_of_an_empty_schema_say_there_is_no_store(shared: Stores) -> None:
    store = shared.new()
    assert "no store at" in _one_error(cli(store, "log")) and not shared.made(store)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (["CREATE TABLE orders (id INTEGER)"], "a PostgreSQL schema of another application"),
        (["UPDATE store_format SET format = format + 1"], f"store format {FORMAT_VERSION + 1} is newer"),
        (["UPDATE store_format SET format = 4"], "a store of an older format (4"),
        (["UPDATE store_format SET application = 'other'"], "a PostgreSQL schema of another application"),
        (["ALTER TABLE pages DROP COLUMN note"], "the store's schema was altered (table 'pages' differs)"),
        (["DROP TABLE unions"], "the store's schema was altered (table 'unions' is missing)"),
        (["CREATE TABLE extra (id INTEGER)"], "the store's schema was altered (table 'extra' is not ours)"),
    ],
    ids=["foreign", "newer", "older", "other-application", "altered", "missing", "extra"],
)
def test_a_schema_that_is_not_a_whole_store_of_ours_is_refused(shared: Stores, damage: list[str], said: str) -> None:
    store = shared.new()
    if damage[0].startswith("CREATE TABLE orders"):
        _sql(store, *damage)
    else:
        assert cli(store, "ingest", PAGE).exit_code == 0
        _sql(store, *damage)
    for command in (["log"], ["ingest", PAGE]):
        line = _one_error(cli(store, *command))
        assert line.startswith(f"error: {store}: {said}"), line


def test_a_failed_ingest_leaves_no_new_store(shared: Stores, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("not a page at all\n")
    store = shared.new()
    assert cli(store, "ingest", bad).exit_code == 2 and not shared.made(store)


def test_ingest_names_the_postgresql_store_it_wrote_to(shared: Stores) -> None:
    store = shared.new()
    result = cli(store, "ingest", PAGE)
    assert result.exit_code == 0 and result.output.endswith(f"-> {store}\n")
