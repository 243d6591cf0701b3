"""scan's formats (each a snapshot over real releases), SARIF's structure, exit codes, config accepts,
and text from user code kept inert (terminal.printable) in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from syrupy.assertion import SnapshotAssertion

from changelog_tracker.cli import main
from changelog_tracker.render.scan import FORMATS, Options
from changelog_tracker.scan.calls import Call, Unresolved
from changelog_tracker.scan.judge import Hit, Report
from tests.render.test_render import EXTENSIONS
from tests.scan.test_scan_history import CODE, FIRST, QCONNECT_CHANGE
from tests.scan.test_scan_history import history_db as history_db  # the module's fixture

RANGE = ("--from", FIRST, "--to", QCONNECT_CHANGE)


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), "scan", "app", *args])


@pytest.fixture
def in_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CODE)  # locations are relative to the working directory


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_scan_snapshot(fmt: str, history_db: Path, in_code: None, snapshot: SnapshotAssertion) -> None:
    result = run(history_db, *RANGE, "--format", fmt, "--fail-on", "breaking")
    assert result.exit_code == 1, result.output
    assert result.stdout == snapshot.use_extension(EXTENSIONS[FORMATS[fmt].extension])


def test_sarif_points_at_the_users_source_lines(history_db: Path, in_code: None) -> None:
    sarif = json.loads(run(history_db, *RANGE, "--format", "sarif", "--fail-on", "breaking").stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    [run_] = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == "changelog-tracker" and rules
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error") and result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert not Path(uri).is_absolute() and (CODE / uri).is_file() and "\\" not in uri
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run_["results"]} >= {
        ("app/prompts.py", 10), ("app/prompts.py", 25)}
    assert run_["properties"]["counts"]["unresolved"] == 1


def test_github_annotations_name_file_line_and_column(history_db: Path, in_code: None) -> None:
    lines = run(history_db, *RANGE, "--format", "github", "--fail-on", "breaking").stdout.splitlines()
    assert "::error file=app/prompts.py,line=10,col=16,title=request-member-removed::" in "\n".join(lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_junit_has_a_case_per_call_and_fails_those_with_failing_hits(history_db: Path, in_code: None) -> None:
    root = ET.fromstring(run(history_db, *RANGE, "--format", "junit", "--fail-on", "breaking").stdout)
    cases = root.findall(".//testcase")
    assert len(cases) == 6 and int(root.get("tests", "0")) == 6
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert int(root.get("failures", "0")) == len(failed) == 3


def test_exit_codes(history_db: Path, in_code: None) -> None:
    assert run(history_db, *RANGE).exit_code == 0  # without --fail-on: report only
    assert run(history_db, *RANGE, "--fail-on", "dangerous").exit_code == 1
    assert run(history_db, "--from", QCONNECT_CHANGE, "--to", "2026-02-05", "--fail-on", "breaking").exit_code == 0
    assert run(history_db, "--at", QCONNECT_CHANGE, "--fail-on", "breaking").exit_code == 1  # an invalid payload
    bad_usage = (("--at", FIRST, "--from", FIRST), ("--to", FIRST), ("--from", QCONNECT_CHANGE, "--to", FIRST),
                 ("--at", "2026-02-30"), ("--format", "xml"))
    for bad in bad_usage:
        result = run(history_db, *bad)
        assert result.exit_code == 2 and "Traceback" not in result.output, bad
    missing = CliRunner().invoke(main, ["--store", str(history_db), "scan", "no/such/dir"])
    assert missing.exit_code == 2


def test_scan_on_a_missing_store_is_an_error_not_a_pass(tmp_path: Path, in_code: None) -> None:
    result = run(tmp_path / "none.db", "--fail-on", "breaking")
    assert result.exit_code == 2 and "no store at" in result.output and not (tmp_path / "none.db").exists()


def test_config_accepts_apply_to_the_calls_findings(history_db: Path, in_code: None, tmp_path: Path) -> None:
    config = tmp_path / "changelog-tracker.toml"
    config.write_text('[[accept]]\nrule = "*-member-removed"\nservice = "qconnect"\nreason = "migrated"\n')
    result = run(history_db, *RANGE, "--format", "json", "--fail-on", "breaking", "--config", str(config))
    found = json.loads(result.stdout)["findings"]
    assert {f["accepted"] for f in found if f["service"] == "qconnect"} == {"migrated"}
    assert result.exit_code == 1  # get_browser_profile is still "not yet" at --to
    text = run(history_db, *RANGE, "--config", str(config)).stdout
    assert "(accepted: migrated)" in text


def test_text_lists_unresolved_calls_only_when_verbose(history_db: Path, in_code: None) -> None:
    quiet, verbose = run(history_db).stdout, run(history_db, "--verbose").stdout
    assert "unresolved:" not in quiet and "1 unresolved" in quiet
    assert "app/policies.py:23:5: unresolved: " in verbose


HOSTILE = "evil\x1b[2J\u202e"


def hostile_report() -> Report:
    call = Call(f"{HOSTILE}.py", 1, 1, HOSTILE, "put\x07", "client", {}, ())
    hit = Hit(call, "method-unknown", "breaking", f"{HOSTILE}.put: unknown to the store")
    unresolved = Unresolved(f"{HOSTILE}.py", 2, 1, f"service {HOSTILE!r} is not in the store", HOSTILE)
    return Report(f"as of {FIRST}", [call], [hit], [unresolved], 1, 2)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_names_from_user_code_never_reach_the_output_raw(fmt: str) -> None:
    out = FORMATS[fmt].write(hostile_report(), Options(fail_on="breaking", verbose=True))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    if fmt == "junit":
        ET.fromstring(out)
    elif fmt == "json":  # JSON carries the text as data, its controls escaped by json itself
        assert json.loads(out)["findings"][0]["service"] == HOSTILE
    elif fmt == "sarif":
        assert json.loads(out)["runs"][0]["results"][0]["properties"]["service"] == HOSTILE
