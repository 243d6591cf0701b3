"""check --history on real models, and the check command line."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.model import ServiceModel
from click.testing import CliRunner

from changelog_tracker.check import Compiler, Payload, check_payloads
from changelog_tracker.cli import main
from changelog_tracker.graph.store import Store
from changelog_tracker.model import Structure
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages
from tests.check.overlay import request_overlay
from tests.helpers import DATA, committed_model

PAYLOADS = DATA / "payloads"
AGENTCORE = "bedrock-agentcore-control"


# -- history on the real bedrock-agentcore-control models, plus two derived releases ------------
REAL = [("1.40.45", "2025-10-03"), ("1.40.46", "2025-10-06"), ("1.42.64", "2026-03-09"), ("1.42.65", "2026-03-10")]
ENUM_CUT, REQUIRED_ADDED = "2026-04-01", "2026-05-01"  # derived from 1.42.65 (not real AWS releases)


def _derived() -> Iterator[tuple[dict[str, Any], str]]:
    """1.42.65 edited: A2A and STRING_ARRAY removed; then `description` required and an operation dropped."""
    model = copy.deepcopy(committed_model(AGENTCORE, "1.42.65"))
    model["shapes"]["ServerProtocol"]["enum"].remove("A2A")
    model["shapes"]["InboundTokenClaimValueType"]["enum"].remove("STRING_ARRAY")
    yield model, ENUM_CUT
    model = copy.deepcopy(model)
    model["shapes"]["CreateAgentRuntimeRequest"]["required"].append("description")
    del model["operations"]["CreateWorkloadIdentity"]
    yield model, REQUIRED_ADDED


@pytest.fixture(scope="module")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("check") / "tracker.db"
    releases = [(committed_model(AGENTCORE, version), date) for version, date in REAL]
    with Store(db) as store:
        for model, date in [*releases, *_derived()]:
            store_pages(store, model_pages({AGENTCORE: model}, dt.date.fromisoformat(date), f"model {date}"))
    return db


def _load(name: str) -> Payload:
    path = PAYLOADS / name
    return Payload(name, json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text()))


def _history(db: Path, payload: Payload, mode: str = "strict", operation: str = "create_agent_runtime") -> Any:
    with Store(db) as store:
        [verdict] = check_payloads(store, AGENTCORE, operation, [payload], history=True, mode=mode)
    return verdict.to_json()


def _change(rule: str, path: str, release: str) -> dict[str, str]:
    return {"rule": rule, "path": path, "kind": rule.removeprefix("request-"), "release": release}


def test_history_names_the_release_and_rule_that_removed_an_enum_value(history_db: Path) -> None:
    found = _history(history_db, _load("a2a-runtime.json"))
    assert [r["valid"] for r in found["releases"]] == [False, True, True, True, False, False]  # A2A arrived 10-06
    assert found["broke_at"] == ENUM_CUT
    assert found["broken_by"] == _change("request-enum-value-removed", "protocolConfiguration.serverProtocol", ENUM_CUT)
    assert not found["valid"] and found["errors"][0]["kind"] == "not-in-enum"
    assert _history(history_db, _load("a2a-runtime.json"), mode="botocore")["broke_at"] is None  # no enum checks


def test_history_maps_list_indexes_to_change_paths(history_db: Path) -> None:
    found = _history(history_db, _load("claims.yaml"))
    assert [r["valid"] for r in found["releases"]] == [False, False, True, True, False, False]
    path = "authorizerConfiguration.customJWTAuthorizer.customClaims[0].inboundTokenClaimValueType"
    assert found["errors"] == [{"path": path, "kind": "not-in-enum", "message": found["errors"][0]["message"]}]
    assert (found["broke_at"], found["broken_by"]["path"]) == (ENUM_CUT, path.replace("[0]", "[]"))


def test_history_names_a_member_that_became_required(history_db: Path) -> None:
    payload = json.loads((PAYLOADS / "a2a-runtime.json").read_text())
    del payload["description"]
    payload["protocolConfiguration"]["serverProtocol"] = "MCP"
    found = _history(history_db, Payload("mcp", payload))
    assert [r["valid"] for r in found["releases"]] == [True, True, True, True, True, False]
    assert found["broken_by"] == _change("request-became-required", "description", REQUIRED_ADDED)


def test_history_names_a_removed_operation(history_db: Path) -> None:
    found = _history(history_db, Payload("wi", {"name": "orders"}), operation="CreateWorkloadIdentity")
    assert [r["release"] for r in found["releases"]] == [d for _, d in REAL] + [ENUM_CUT]
    assert found["valid"] is False and found["broke_at"] == REQUIRED_ADDED
    assert found["broken_by"]["rule"] == "operation-removed"


def test_as_of_a_date_and_validators_shared_across_releases(history_db: Path) -> None:
    payloads = [_load("a2a-runtime.json"), _load("claims.yaml")]
    compiler, compiled = Compiler(), []
    with Store(history_db) as store:
        old = check_payloads(store, AGENTCORE, "CreateAgentRuntime", payloads, at="2025-10-06")
        new = check_payloads(store, AGENTCORE, "create_agent_runtime", payloads, at=dt.date(2026, 3, 10))
        for date in ("2026-03-09", "2026-03-10"):
            compiler(store.shape(store.state(AGENTCORE, date)["create_agent_runtime"].input) or Structure())
            compiled.append(len(compiler))
    assert [v.valid for v in old] == [True, False] and [v.valid for v in new] == [True, True]
    assert old[1].errors[0].path == "authorizerConfiguration.customJWTAuthorizer.customClaims"
    assert compiled[1] - compiled[0] == 3  # 03-10 added AGUI: its enum, protocolConfiguration, the input


# -- the command line --------------------------------------------------------------------------
def _cli(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    base = ["--store", str(db), "check", "--service", AGENTCORE, "--operation", "create_agent_runtime"]
    result = CliRunner().invoke(main, [*base, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_cli_jsonl_batch_names_lines_and_exits_1(history_db: Path) -> None:
    code, out, _ = _cli(history_db, str(PAYLOADS / "batch.jsonl"), "--at", "2026-03-10", "--format", "json")
    verdicts = json.loads(out)
    assert code == 1
    names = [f"{PAYLOADS / 'batch.jsonl'}:{line}" for line in (1, 2, 4)]  # line 3 is blank
    assert [(v["payload"], v["valid"]) for v in verdicts] == list(zip(names, [True, False, False], strict=True))
    errors = [(e["path"], e["kind"]) for e in verdicts[2]["errors"]]
    assert errors == [("networkConfiguration.networkMode", "not-in-enum"), ("tags.team", "wrong-type")]
    assert set(verdicts[0]) == {"payload", "valid", "errors"}


def test_cli_yaml_and_stdin_valid_exit_0(history_db: Path) -> None:
    stdin = (PAYLOADS / "a2a-runtime.json").read_text()
    code, out, _ = _cli(history_db, str(PAYLOADS / "claims.yaml"), "-", "--at", "2026-03-10", stdin=stdin)
    assert code == 0, out
    assert out.splitlines() == [f"{PAYLOADS / 'claims.yaml'}: valid", "<stdin>: valid"]
    code, out, _ = _cli(history_db, "-", "--format", "json", stdin="agentRuntimeName: [x]\n")
    assert code == 1 and json.loads(out)[0]["payload"] == "<stdin>"
    code, out, _ = _cli(history_db, "-", "--format", "json", stdin='{"a": 1}\n{"b": 2}\n')  # JSON Lines by content
    assert [v["payload"] for v in json.loads(out)] == ["<stdin>:1", "<stdin>:2"]


def test_cli_history_text_and_json(history_db: Path) -> None:
    code, out, _ = _cli(history_db, str(PAYLOADS / "a2a-runtime.json"), "--history")
    assert code == 1
    assert f"  {ENUM_CUT}  INVALID" in out.splitlines()
    change = "request-enum-value-removed at protocolConfiguration.serverProtocol"
    assert out.splitlines()[-1] == f"  broke at {ENUM_CUT} by {change}"
    code, out, _ = _cli(history_db, str(PAYLOADS / "a2a-runtime.json"), "--history", "--format", "json")
    [verdict] = json.loads(out)
    assert verdict["broke_at"] == ENUM_CUT and len(verdict["releases"]) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([str(PAYLOADS / "broken.json")], "broken.json:3:13: expected ':' delimiter"),
        ([str(PAYLOADS / "broken.yaml")], "broken.yaml:3:"),
        (["missing.json"], "missing.json: cannot read"),
        ([str(PAYLOADS / "claims.yaml"), "--at", "2026-03-10", "--history"], "exclude each other"),
        ([str(PAYLOADS / "claims.yaml"), "--at", "10/03/2026"], "is not a date"),
        ([str(PAYLOADS / "claims.yaml"), "--mode", "lenient"], "lenient"),
    ],
)
def test_cli_bad_input_exits_2(history_db: Path, args: list[str], message: str) -> None:
    code, out, err = _cli(history_db, *args)
    assert code == 2 and message in err, (out, err)


def test_cli_unknown_service_or_operation_exits_2(history_db: Path, tmp_path: Path) -> None:
    payload = tmp_path / "p.json"
    payload.write_text("{}")
    code, _, err = _cli(history_db, str(payload), "--service", "nope")
    assert code == 2 and "unknown service 'nope'" in err
    code, _, err = _cli(history_db, str(payload), "--operation", "create_nothing")
    assert code == 2 and "no operation 'create_nothing'" in err


def test_history_ends_where_a_complete_source_dropped_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's side is faked (a complete source without the service): state() is {} from 2026-04-01.
    with Store(tmp_path / "tracker.db") as store:
        store_pages(store, model_pages({AGENTCORE: committed_model(AGENTCORE, "1.42.65")}, dt.date(2026, 3, 10), "m"))
        state = store.state
        monkeypatch.setattr(store, "ended", lambda service: "2026-04-01")
        monkeypatch.setattr(store, "state", lambda service, at: {} if at >= "2026-04-01" else state(service, at))
        [verdict] = check_payloads(store, AGENTCORE, "create_agent_runtime", [_load("a2a-runtime.json")], history=True)
    found = verdict.to_json()
    assert [(r["release"], r["valid"]) for r in found["releases"]] == [("2026-03-10", True)]
    assert found["valid"] is False and found["broke_at"] == "2026-04-01"
    assert found["broken_by"]["rule"] == "operation-removed"


# -- bounds across real releases: the traits overlay (from tests/check/overlay.py) on each model page ------
def _with_traits(model: dict[str, Any], date: str) -> list[Any]:
    """The model's pages, each operation carrying its request overlay (as a model source's would)."""
    service = ServiceModel(model, service_name=AGENTCORE)
    pages = model_pages({AGENTCORE: model}, dt.date.fromisoformat(date), f"model {date}")
    return [dataclasses.replace(page, methods=tuple(_traced(m, service) for m in page.methods)) for page in pages]


def _traced(method: Any, service: ServiceModel) -> Any:
    op = method.operation
    traits = request_overlay(service.operation_model(op.api_name).input_shape, op.input)
    return dataclasses.replace(method, operation=dataclasses.replace(op, traits=traits))


@pytest.fixture(scope="module")
def bounds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("check-bounds") / "tracker.db"
    with Store(db) as store:
        for version, date in REAL:
            store_pages(store, _with_traits(committed_model(AGENTCORE, version), date))
    return db


BROWSER = {"name": "b", "networkConfiguration": {"networkMode": "PUBLIC"},
           "recording": {"s3Location": {"bucket": "bucket", "prefix": "p" * 1500}}}  # fmt: skip
MEMORY = {"name": "m", "eventExpiryDuration": 5}


def test_history_names_a_real_tightened_max(bounds_db: Path) -> None:
    """1.42.64 gave recording.s3Location.prefix a max length of 1024: strict breaks there (botocore checks no max)."""
    strict = _history(bounds_db, Payload("browser", BROWSER), operation="create_browser")
    assert [v["valid"] for v in strict["releases"]] == [True, True, False, False]
    assert strict["errors"][0]["kind"] == "invalid-length" and strict["broke_at"] == "2026-03-09"
    assert strict["broken_by"] == _change("request-constraint-tightened", "recording.s3Location.prefix", "2026-03-09")
    botocore = _history(bounds_db, Payload("browser", BROWSER), mode="botocore", operation="create_browser")
    assert botocore["valid"] is True and botocore["broke_at"] is None


def test_history_a_real_loosened_min_heals_a_payload(bounds_db: Path) -> None:
    """1.42.64 lowered eventExpiryDuration's min from 7 to 3: botocore (ParamValidator) rejects 5 before it."""
    found = _history(bounds_db, Payload("memory", MEMORY), mode="botocore", operation="create_memory")
    assert [v["valid"] for v in found["releases"]] == [False, False, True, True]
    assert found["valid"] is True and found["broke_at"] is None
