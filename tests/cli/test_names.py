"""Unknown services and operations: the nearest names from the whole store, in every command that takes one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.cli.check import check as check_command
from changelog_tracker.cli.stubs import stubs as stubs_command
from changelog_tracker.errors import NotFoundError
from changelog_tracker.graph.store import Store
from changelog_tracker.query import lookup as queries
from changelog_tracker.query.lookup import find_operation, service_name
from changelog_tracker.sources.wheel import installed_models
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages

main.add_command(check_command)
main.add_command(stubs_command)
# More than 12 services, and the one a typo is near sorts after the first 12.
SERVICES = ["acm", "appconfig", "batch", "budgets", "cloud9", "ebs", "ecr", "efs", "glacier", "kms", "mq", "sns",
            "sqs", "sts", "xray"]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "tracker.db"
    with Store(path) as store:
        store_pages(store, model_pages(installed_models(SERVICES), dt.date(2026, 1, 9), "botocore"))
    return path


def _error(db: Path, name: str) -> str:
    with Store(db) as store, pytest.raises(NotFoundError) as caught:
        service_name(store, name)
    return str(caught.value)


def test_a_typo_names_the_nearest_service_from_the_whole_store(db: Path) -> None:
    message = _error(db, "xrya")
    assert message.startswith("unknown service 'xrya'") and "did you mean 'xray'?" in message
    assert "15 services" in message
    assert "did you mean 'sqs'" in _error(db, "sqs2") or "did you mean 'sqs' or" in _error(db, "sqs2")


def test_no_close_name_lists_every_service_or_says_how_many(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = _error(db, "qqqqqqqq")
    assert "did you mean" not in message and message.endswith("the store has 15 services: " + ", ".join(SERVICES))
    monkeypatch.setattr(queries, "_LISTED", 10)  # a store of hundreds: a count, and where the list is
    message = _error(db, "qqqqqqqq")
    assert "15 services" in message and "changelog-tracker log" in message and "xray" not in message


def test_an_empty_store_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store, pytest.raises(NotFoundError, match="no services yet"):
        service_name(store, "sqs")


def test_a_typo_names_the_nearest_operation_by_method_or_api_name(db: Path) -> None:
    with Store(db) as store:
        state = store.state("sqs", "2026-01-09")
        with pytest.raises(NotFoundError, match=r"'send_mesage' as of 2026-01-09; did you mean 'send_message'"):
            find_operation(state, "send_mesage", "sqs", "2026-01-09")
        with pytest.raises(NotFoundError, match=r"no operation 'SendMesage'.*did you mean 'SendMessage'"):
            find_operation(state, "SendMesage", "sqs", "2026-01-09")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "xrya"],
        ["show", "xray", "get_grops"],
        ["diff", "xrya", "--from", "2026-01-01"],
        ["log", "xrya"],
        ["stubs", "xrya", "--out", "{tmp}"],
        ["check", "-", "--service", "xrya", "--operation", "get_groups"],
        ["check", "-", "--service", "xray", "--operation", "get_grops"],
    ],
)
def test_every_command_that_takes_a_name_suggests(db: Path, tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--store", str(db), *(a.format(tmp=tmp_path) for a in args)], input="{}")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and ("did you mean 'xray'?" in line or "did you mean 'get_groups'" in line)


# -- a service that left botocore: log says so (Store.ended is the store's; faked here) ------------
def test_log_says_when_a_service_is_gone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "ended", lambda self, service: "2026-03-01" if service == "xray" else None)
    text = CliRunner().invoke(main, ["--store", str(db), "log"]).output.splitlines()
    assert text[0].startswith("2026-03-01  xray") and "gone" in text[0] and text[0].endswith("0 operations")
    assert sum("gone" in line for line in text) == 1
    entries = json.loads(CliRunner().invoke(main, ["--store", str(db), "log", "xray", "--format", "json"]).output)
    assert [(e["release"], e["ended"], e["operations"]) for e in entries] == [
        ("2026-03-01", True, 0),
        ("2026-01-09", False, entries[1]["operations"]),
    ]
    assert entries[1]["operations"] > 0
    alive = json.loads(CliRunner().invoke(main, ["--store", str(db), "log", "sqs", "--format", "json"]).output)
    assert [e["ended"] for e in alive] == [False]


def test_log_takes_a_date_from_the_store_too(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "ended", lambda self, service: dt.date(2026, 3, 1) if service == "sqs" else None)
    [gone, _] = json.loads(CliRunner().invoke(main, ["--store", str(db), "log", "sqs", "--format", "json"]).output)
    assert gone["release"] == "2026-03-01" and gone["ended"] is True
