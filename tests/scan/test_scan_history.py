"""scan end to end over real releases: the store built from tests/data/history (12 services, 41 real
botocore releases), and code written against its first release (tests/data/scan_history/README.md)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.graph.store import Version
from tests.helpers import DATA

HISTORY = DATA / "history"
CODE = DATA / "scan_history"
FIRST, QCONNECT_CHANGE, NEWEST = "2026-01-09", "2026-01-15", "2026-03-10"


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan-history") / "tracker.db"
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(path), "baseline", "--botocore", str(HISTORY / "baseline.zip")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--store", str(path), "ingest", str(HISTORY / "drops")])
    assert result.exit_code == 0, result.output
    return path


def scan(db: Path, *args: str, code: Path = CODE) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["--store", str(db), "scan", str(code), "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def where(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(Path(f["file"]).name, f["line"], f["rule"]) for f in report["findings"]]


def test_a_real_request_member_removal_is_reported_at_the_call_that_sends_it(history_db: Path) -> None:
    # qconnect 1.42.29 removed inferenceConfiguration.textAIPromptInferenceConfiguration, which
    # prompts.py:10 sends, and the same member of GetAIPrompt's response, which prompts.py:25 reads.
    _, report = scan(history_db, "--from", FIRST, "--to", QCONNECT_CHANGE)
    found = [f for f in report["findings"] if f["service"] == "qconnect"]
    assert [(Path(f["file"]).name, f["line"], f["col"], f["rule"], f["severity"], f["release"]) for f in found] == [
        ("prompts.py", 10, 16, "request-member-removed", "breaking", QCONNECT_CHANGE),
        ("prompts.py", 25, 16, "response-member-removed", "breaking", QCONNECT_CHANGE),
    ]
    assert found[0]["path"] == "inferenceConfiguration.textAIPromptInferenceConfiguration"
    assert all(len(f["fingerprint"]) == 12 for f in found)


def test_the_same_code_over_a_range_without_that_change_reports_nothing_of_it(history_db: Path) -> None:
    _, before = scan(history_db, "--from", FIRST, "--to", "2026-01-14")
    _, after = scan(history_db, "--from", QCONNECT_CHANGE, "--to", NEWEST)
    assert not [f for r in (before, after) for f in r["findings"] if f["service"] == "qconnect"]


def test_a_reader_of_another_member_is_not_reported(history_db: Path) -> None:
    _, report = scan(history_db, "--from", FIRST, "--to", QCONNECT_CHANGE)
    assert ("prompts.py", 30, "response-member-removed") not in where(report)  # prompt_name reads aiPrompt.name


def test_a_real_type_change_of_a_sent_literal_is_reported(history_db: Path) -> None:
    # bedrock-agentcore-control 1.42.60: UpdatePolicy's description became a structure; policies.py:9 sends a string.
    _, report = scan(history_db, "--from", QCONNECT_CHANGE)
    assert where(report) == [("policies.py", 9, "request-type-changed")]
    assert report["findings"][0]["release"] == "2026-03-03"


def test_payloads_of_a_past_date_are_valid_then_and_invalid_later(history_db: Path) -> None:
    _, then = scan(history_db, "--at", FIRST)
    assert [f for f in then["findings"] if f["rule"].startswith("payload-")] == []
    _, later = scan(history_db, "--at", QCONNECT_CHANGE)
    assert [(Path(f["file"]).name, f["line"], f["rule"]) for f in later["findings"] if f["service"] == "qconnect"] == [
        ("prompts.py", 10, "payload-unknown-member")
    ]
    _, newest = scan(history_db)  # default: the newest release
    assert ("policies.py", 9, "payload-wrong-type") in where(newest)


def test_spread_keyword_arguments_may_supply_the_required_members(history_db: Path) -> None:
    _, report = scan(history_db, "--at", FIRST)
    assert not [f for f in report["findings"] if f["line"] == 14]  # update_policy(policyEngineId=..., **options)


def test_a_method_before_its_first_release_is_not_yet(history_db: Path) -> None:
    _, report = scan(history_db, "--at", FIRST)
    [hit] = [f for f in report["findings"] if f["method"] == "get_browser_profile"]
    assert (hit["rule"], hit["release"]) == ("method-not-yet", "2026-02-05")
    assert hit["message"].endswith("not yet (first in 2026-02-05)")
    _, newest = scan(history_db)
    assert not [f for f in newest["findings"] if f["method"] == "get_browser_profile"]


def test_unresolved_calls_are_counted_and_listed(history_db: Path) -> None:
    _, report = scan(history_db, "--at", FIRST)
    assert report["counts"]["unresolved"] == len(report["unresolved"]) == 1
    assert report["counts"]["calls"] == len(report["calls"]) == 6
    assert report["unresolved"][0]["line"] == 23


def test_a_method_of_a_service_a_later_baseline_dropped_is_no_longer(tmp_path: Path) -> None:
    # The real baseline, then the same wheel without arc-region-switch as a later complete source.
    gone, wheel, later = "arc-region-switch", HISTORY / "baseline.zip", tmp_path / "later.zip"
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(later, "w") as target:
        for info in source.infolist():
            if f"/{gone}/" not in info.filename:
                target.writestr(info, source.read(info))
    db, runner = tmp_path / "tracker.db", CliRunner()
    for args in (["--botocore", str(wheel)], ["--botocore", str(later), "--date", "2026-02-01"]):
        assert runner.invoke(main, ["--store", str(db), "baseline", *args]).exit_code == 0
    code = tmp_path / "plans.py"
    code.write_text('import boto3\n\nboto3.client("arc-region-switch").get_plan(arn="arn:aws:plan")\n')
    _, then = scan(db, "--at", FIRST, code=code)
    assert then["findings"] == []
    _, later_report = scan(db, "--at", "2026-02-01", code=code)
    [hit] = later_report["findings"]
    assert (hit["rule"], hit["line"], hit["release"]) == ("method-no-longer", 3, "2026-02-01")
    assert hit["message"].endswith("no longer (removed in 2026-02-01)")
    _, ranged = scan(db, "--from", FIRST, code=code)
    assert {f["rule"] for f in ranged["findings"]} == {"service-removed", "operation-removed"}


def test_a_method_no_release_ever_had_is_unknown_to_the_store(history_db: Path, tmp_path: Path) -> None:
    code = tmp_path / "typo.py"
    code.write_text('import boto3\n\nboto3.client("qconnect").get_ai_promt(assistantId="a", aiPromptId="p")\n')
    _, report = scan(history_db, code=code)
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        ("method-unknown", "qconnect.get_ai_promt: unknown to the store")]


WAITER_CODE = (
    'import boto3\n\nboto3.client("ecs").get_waiter("tasks_stopped")'
    '.wait(cluster="c", tasks=["t"], WaiterConfig={"Delay": 1})\n'
)


def test_a_waiter_the_store_cannot_map_is_unresolved(history_db: Path, tmp_path: Path) -> None:
    code = tmp_path / "wait.py"
    code.write_text(WAITER_CODE)
    _, report = scan(history_db, code=code)
    assert report["findings"] == []
    [unresolved] = report["unresolved"]
    assert unresolved["reason"] == "waiter 'tasks_stopped': the store knows no operation for it"


def test_a_waiter_is_judged_as_the_operation_its_traits_name(
    history_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until the store keeps the models' waiters (issue 13), the overlay is given here as the model has it.
    def traits(_store: Store, version: Version) -> dict[str, Any] | None:
        return {"": {"waiters": ["TasksRunning", "TasksStopped"]}} if version.operation == "describe_tasks" else {}

    monkeypatch.setattr(Store, "traits", traits)
    code = tmp_path / "wait.py"
    code.write_text(WAITER_CODE.replace('tasks=["t"]', 'tasks="t"'))
    _, report = scan(history_db, code=code)
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("payload-wrong-type", "tasks")]
    assert report["unresolved"] == []
