"""The CLI over the API: baseline, log, show; through CliRunner and as a real process."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_models
from tests.helpers import DATA, SEED_2025, SEED_2026, committed_model

SERVICE = "bedrock-agentcore-control"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _wheel(tmp_path: Path, version: str, stamp: tuple[int, int, int]) -> Path:
    """A botocore-shaped wheel holding one real committed model, its files stamped with ``stamp``."""
    path = tmp_path / f"botocore-{version}-py3-none-any.whl"
    raw = gzip.decompress((DATA / "models" / SERVICE / f"{version}.json.gz").read_bytes())
    with zipfile.ZipFile(path, "w") as wheel:
        info = zipfile.ZipInfo(f"botocore/data/{SERVICE}/2023-06-05/service-2.json", (*stamp, 12, 0, 0))
        wheel.writestr(info, raw)
    return path


def test_baseline_from_a_wheel_takes_its_date(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "baseline", "--botocore", str(_wheel(tmp_path, "1.42.65", (2026, 3, 10))))
    entries = json.loads(run(db, "log", "--format", "json"))
    assert [(e["release"], e["service"], e["baseline"]) for e in entries] == [("2026-03-10", SERVICE, True)]
    expected = {op.name: op.to_json() for op in operations_from_json(committed_model(SERVICE, "1.42.65"), SERVICE)}
    shown = json.loads(run(db, "show", SERVICE, "--format", "json"))
    assert {s["operation"]: {"input": s["input"], "output": s["output"]} for s in shown} == expected


def test_baseline_then_drops(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "baseline", "--botocore", str(_wheel(tmp_path, "1.40.45", (2025, 10, 3))))
    run(db, "ingest", str(SEED_2025), str(SEED_2026))
    text = run(db, "log", SERVICE)
    assert text.splitlines()[0].startswith("2026-03-10  bedrock-agentcore-control")
    assert "baseline" in text.splitlines()[-1]
    # Every operation of the baseline carries over; the 2025 page replaced the four it lists.
    state = json.loads(run(db, "show", SERVICE, "--at", "2025-10-06", "--format", "json"))
    releases = {s["operation"]: s["release"] for s in state}
    assert releases["create_memory"] == "2025-10-06" and releases["delete_memory"] == "2025-10-03"
    expected = {op.name: op.to_json() for op in operations_from_json(committed_model(SERVICE, "1.40.46"), SERVICE)}
    for item in state:
        if item["release"] == "2025-10-06":
            assert {"input": item["input"], "output": item["output"]} == expected[item["operation"]]


def test_baseline_from_installed_botocore(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "baseline", "--botocore", "--service", "sqs", "--date", "2026-01-01")
    expected = {op.name: op.to_json() for op in operations_from_json(installed_models(["sqs"])["sqs"], "sqs")}
    (shown,) = [json.loads(run(db, "show", "Amazon Simple Queue Service", "SendMessage", "--format", "json"))]
    assert {"input": shown["input"], "output": shown["output"]} == expected["send_message"]


def test_show_text_rerenders_the_syntax(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", str(SEED_2026))
    text = run(db, "show", SERVICE, "create_agent_runtime")
    assert "client.create_agent_runtime(" in text
    assert "'serverProtocol': 'MCP'|'HTTP'|'A2A'|'AGUI'" in text
    assert "Required: agentRuntimeName, agentRuntimeArtifact, " in text


def test_unknown_names_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", str(SEED_2026))
    for args in (["show", "no-such-service"], ["show", SERVICE, "no_such_op"], ["show", SERVICE, "--at", "2020-01-01"]):
        result = CliRunner().invoke(main, ["--store", str(db), *args])
        assert result.exit_code == 2, args
        assert result.output.startswith("error: ")


def test_unknown_service_name_gets_a_slug_and_a_warning(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(SEED_2026.read_text().replace("Amazon Bedrock AgentCore Control", "Amazon Brand New Thing", 1))
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "t.db"), "ingest", str(page)])
    assert result.exit_code == 0
    assert "unknown service 'Amazon Brand New Thing', stored as 'amazon-brand-new-thing'" in result.output
    named = CliRunner().invoke(main, ["--store", str(tmp_path / "u.db"), "ingest", "--service", SERVICE, str(page)])
    assert named.exit_code == 0 and "warning" not in named.output


def test_stdin_and_env_store(tmp_path: Path) -> None:
    env = {"CHANGELOG_TRACKER_STORE": str(tmp_path / "env.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "changelog_tracker", "ingest", "-"],
        input=SEED_2025.read_bytes(),
        capture_output=True,
        env={**env, "PATH": ""},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "changelog_tracker", "log", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(listed.stdout)[0]["release"] == "2025-10-06"


def test_help_teaches() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "Typical session" in result.output
    for command in ("ingest", "baseline", "log", "show"):
        assert command in result.output
