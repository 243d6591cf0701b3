"""The diff command on the two real seed pages: the dates it compared, CI formats that agree with
the exit code, the severity filter, what it says on stderr, colour."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from changelog_tracker import Store, ingest, terminal
from changelog_tracker.cli import main
from changelog_tracker.rules.config import Config
from tests.helpers import SEED_2025, SEED_2026

SERVICE = "bedrock-agentcore-control"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diffcli") / "tracker.db"
    with Store(path) as store:
        ingest(store, [SEED_2025, SEED_2026])
    return path


def _diff(db: Path, *args: str, color: bool = False) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), "diff", *args], color=color)


def test_the_header_names_the_dates_of_the_states_compared(db: Path) -> None:
    out = _diff(db, SERVICE, "--from", "2025-10-07").stdout.splitlines()
    assert out[0] == f"{SERVICE}: 2025-10-06 to 2026-03-10"  # the newest on or before each date
    out = _diff(db, "--from", "2025-10-06", "--to", "2026-03-31", "--format", "markdown").stdout.splitlines()
    assert out[0] == "# all services: 2025-10-06 to 2026-03-10"


@pytest.mark.parametrize(("fail_on", "code"), [("breaking", 0), ("dangerous", 1)])
def test_ci_formats_fail_what_the_exit_code_fails(db: Path, fail_on: str, code: int) -> None:
    # The seeds' diff has one dangerous change and no breaking one.
    args = ("--from", "2025-10-06", "--fail-on", fail_on, "--format")
    results = {fmt: _diff(db, *args, fmt) for fmt in ("junit", "sarif", "github", "json")}
    assert {fmt: r.exit_code for fmt, r in results.items()} == dict.fromkeys(results, code)
    junit = ET.fromstring(results["junit"].stdout)
    assert junit.get("failures") == str(code) and len(junit.findall(".//failure")) == code
    levels = [r["level"] for r in json.loads(results["sarif"].stdout)["runs"][0]["results"]]
    assert levels.count("error") == code and levels.count("warning") == 1 - code
    assert sum(line.startswith("::error ") for line in results["github"].stdout.splitlines()) == code


def test_severity_filter(db: Path) -> None:
    found = json.loads(_diff(db, "--from", "2025-10-06", "--format", "json", "--severity", "dangerous").stdout)
    assert [f["severity"] for f in found] == ["dangerous"]
    both = json.loads(
        _diff(db, "--from", "2025-10-06", "--format", "json", "--severity", "safe", "--severity", "dangerous").stdout
    )
    assert len(both) == 15
    shown = _diff(db, "--from", "2025-10-06", "--severity", "safe", "--fail-on", "dangerous")
    assert shown.exit_code == 0 and not [line for line in shown.stdout.splitlines() if "dangerous " in line]


def test_from_before_the_first_state_is_said_once(db: Path) -> None:
    text = _diff(db, "--from", "2025-01-01")
    assert text.exit_code == 0
    assert text.stderr.splitlines() == [
        f"note: the store tracks {SERVICE} since 2025-10-06: compared from that first state, --from is earlier"
    ]
    assert text.stdout.splitlines()[0] == "all services: 2025-10-06 to 2026-03-10"
    assert "new operation" not in text.stdout
    found = _diff(db, "--from", "2025-01-01", "--format", "json")
    assert found.stderr == "" and {f["tracked_since"] for f in json.loads(found.stdout)} == {"2025-10-06"}
    sarif = json.loads(_diff(db, "--from", "2025-01-01", "--format", "sarif").stdout)
    assert sarif["runs"][0]["properties"] == {"trackedSince": {SERVICE: "2025-10-06"}}
    assert _diff(db, "--from", "2025-10-06").stderr == ""


def test_unknown_preset_names_the_nearest(db: Path) -> None:
    result = _diff(db, "--from", "2025-10-06", "--preset", "payload")
    assert result.exit_code == 2 and result.stderr.startswith("error: unknown preset 'payload'")
    assert "did you mean 'payloads'?" in result.stderr and "Traceback" not in result.output


def test_colour_only_at_a_terminal_for_text(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # color=True: click would pass colour through; only wants_colour (a terminal, no NO_COLOR) asks for it.
    assert "\x1b" not in _diff(db, "--from", "2025-10-06", color=True).stdout  # CliRunner's stdout is a pipe
    monkeypatch.setattr(terminal, "wants_colour", lambda stream: True)
    assert "\x1b[33mdangerous" in _diff(db, "--from", "2025-10-06", color=True).stdout
    assert "\x1b" not in _diff(db, "--from", "2025-10-06", "--format", "markdown", color=True).stdout


def test_stale_accepts_are_warned_after_judging(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Config, "stale_warnings", lambda self: ["accept 3f2a9c1e0b7d matched no change"])
    result = _diff(db, "--from", "2025-10-06", "--format", "json")
    assert result.exit_code == 0 and result.stderr == "warning: accept 3f2a9c1e0b7d matched no change\n"


@pytest.mark.parametrize(("preset", "stale"), [("all", False), ("payloads", True)])
def test_an_accept_of_a_change_outside_the_preset_is_stale(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preset: str, stale: bool
) -> None:
    # The seeds' diff has response changes; under the payloads preset they are never judged,
    # so an accept that only they would match accepted nothing in that run.
    (tmp_path / "changelog-tracker.toml").write_text('[[accept]]\nrule = "response-*"\nreason = "r"\n')
    monkeypatch.chdir(tmp_path)
    result = _diff(db, "--from", "2025-10-06", "--preset", preset, "--format", "json")
    assert result.exit_code == 0
    assert ("matched no change" in result.stderr) is stale
