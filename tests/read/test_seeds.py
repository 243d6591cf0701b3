"""Acceptance: both real seeds parse to exactly botocore's model of their day, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.text import read_text
from tests.helpers import SEED_2025, SEED_2026, committed_model

SERVICE = "bedrock-agentcore-control"
SEEDS = [(SEED_2025, "2025-10-06", "1.40.46"), (SEED_2026, "2026-03-10", "1.42.65")]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "tracker.db"
    result = CliRunner().invoke(main, ["--store", str(path), "ingest", str(SEED_2026), str(SEED_2025)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(("seed", "date", "version"), SEEDS)
def test_show_equals_botocore_model_of_the_day(db: Path, seed: Path, date: str, version: str) -> None:
    expected = {op.name: op.to_json() for op in operations_from_json(committed_model(SERVICE, version), SERVICE)}
    listed = [m.operation.name for page in read_text(seed.read_text(), str(seed)) for m in page.methods]
    assert listed, "the seed lists methods"
    for method in listed:
        result = CliRunner().invoke(
            main, ["--store", str(db), "show", SERVICE, method, "--at", date, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        shown = json.loads(result.output)
        assert shown["service"] == SERVICE and shown["operation"] == method and shown["release"] == date
        assert {"input": shown["input"], "output": shown["output"]} == expected[method], method


def test_seed_pages_read_as_expected() -> None:
    (old,) = read_text(SEED_2025.read_text(), "old")
    (new,) = read_text(SEED_2026.read_text(), "new")
    assert old.full_name == "Amazon Bedrock Agent Core Control Plane Fronting Layer"
    assert new.full_name == "Amazon Bedrock AgentCore Control"
    assert [m.operation.name for m in new.methods] == [
        "create_agent_runtime",
        "get_agent_runtime",
        "update_agent_runtime",
    ]
    assert all(m.status == "updated" for m in old.methods + new.methods)
    assert new.methods[0].deltas == ({"protocolConfiguration": {"serverProtocol": frozenset({"AGUI"})}},)
    assert new.release_note == "Adding first class support for AG-UI protocol in AgentCore Runtime."
    runtime = new.methods[0].operation
    assert runtime.documentation == "Creates an Amazon Bedrock AgentCore Runtime."
    artifact = runtime.input.members[1]  # type: ignore[union-attr]
    assert (artifact.name, artifact.required, artifact.documentation) == (
        "agentRuntimeArtifact",
        True,
        "The artifact of the AgentCore Runtime.",
    )


def test_both_names_of_the_service_resolve(db: Path) -> None:
    for name in ("Amazon Bedrock Agent Core Control Plane Fronting Layer", "amazon bedrock agentcore control", SERVICE):
        result = CliRunner().invoke(main, ["--store", str(db), "show", name, "create_memory", "--format", "json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["service"] == SERVICE
