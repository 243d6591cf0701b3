"""Real trait changes as fixtures: two baselines of trimmed real models, and `diff` names the rule.

The models (tests/data/traits/<case>/<service>/<version>.json.gz) are botocore's own at two
consecutive releases, trimmed to a few operations; sources.json says which and why
(python -m scripts.make_history --fixtures tests/data/traits/sources.json writes them).
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from scripts.make_history import write_wheel
from tests.helpers import DATA
from tests.independent import method_name, protocol_edits, trait_diff, trait_edits_of, trait_ops

TRAITS = DATA / "traits"
SOURCES = json.loads((TRAITS / "sources.json").read_text())
DAY = dict(json.loads((DATA / "history" / "manifest.json").read_text())["versions"])


def models(case: str, version: str) -> dict[str, dict[str, Any]]:
    """{service: trimmed model} of a case at a release (a service the release lacks is absent)."""
    out = {}
    for service in SOURCES[case]["services"]:
        path = TRAITS / case / service / f"{version}.json.gz"
        if path.exists():
            out[service] = json.loads(gzip.decompress(path.read_bytes()))
    return out


def diff_of(case: str, tmp_path: Path) -> list[dict[str, Any]]:
    """`diff --format json` between the case's two releases, each stored by a full baseline."""
    db, runner = tmp_path / "tracker.db", CliRunner()
    old, new = SOURCES[case]["versions"]
    for version in (new, old):  # any order
        wheel = tmp_path / f"botocore-{version}-py3-none-any.whl"
        write_wheel(
            wheel, {s: (m, None, None) for s, m in models(case, version).items()}, date.fromisoformat(DAY[version])
        )
        result = runner.invoke(main, ["--store", str(db), "baseline", "--botocore", str(wheel)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--store", str(db), "diff", "--from", DAY[old], "--to", DAY[new], "--format", "json"])
    assert result.exit_code == 0, result.output
    findings: list[dict[str, Any]] = json.loads(result.output)
    return findings


def oracle(case: str) -> set[tuple[Any, ...]]:
    old, new = (models(case, v) for v in SOURCES[case]["versions"])
    out: set[tuple[Any, ...]] = set()
    for service in old.keys() & new.keys():
        edits = trait_diff(trait_ops(old[service]), trait_ops(new[service])) | protocol_edits(
            old[service], new[service]
        )
        out.update((service, *e) for e in edits)
    return out


def traits_found(findings: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(f["service"], *e) for f in findings for e in trait_edits_of([f])}


# (case, a finding the diff must hold: service, operation, direction, path, rule, old, new)
CASES = [
    (
        "max-tightened",
        (
            "backup-gateway",
            "get_gateway",
            "request",
            "GatewayArn",
            "request-constraint-tightened",
            '{"max": 500}',
            '{"max": 180}',
        ),
    ),
    (
        "min-raised",
        (
            "cognito-idp",
            "revoke_token",
            "request",
            "ClientSecret",
            "request-constraint-tightened",
            '{"min": 1}',
            '{"min": 24}',
        ),
    ),
    (
        "pattern-narrowed",
        (
            "bcm-data-exports",
            "create_export",
            "request",
            "Export.Name",
            "request-pattern-changed",
            json.dumps({"pattern": "^[0-9A-Za-z!\\-_.*\\'()]+$"}),
            json.dumps({"pattern": "[0-9A-Za-z\\-_]+"}),
        ),
    ),
    (
        "operation-deprecated",
        (
            "evidently",
            "get_launch",
            "request",
            "",
            "operation-deprecated",
            None,
            "AWS CloudWatch Evidently has been deprecated since 11/17/2025.",
        ),
    ),
    (
        "member-deprecated",
        (
            "connect",
            "describe_contact_evaluation",
            "response",
            "Evaluation.Metadata.Review.CreatedTime",
            "response-member-deprecated",
            None,
            "CreatedTime is deprecated.",
        ),
    ),
]


@pytest.mark.parametrize(("case", "finding"), CASES, ids=[c for c, _ in CASES])
def test_a_real_trait_change_is_reported_under_its_rule(tmp_path: Path, case: str, finding: tuple[Any, ...]) -> None:
    assert finding in oracle(case)  # the fixture holds the change it is named after
    assert traits_found(diff_of(case, tmp_path)) == oracle(case)


def test_a_service_botocore_removed_is_one_finding_plus_its_operations(tmp_path: Path) -> None:
    old, new = (models("service-removed", v) for v in SOURCES["service-removed"]["versions"])
    gone = sorted(old.keys() - new.keys())
    assert gone == ["evidently", "iotanalytics"] and old["sts"] == new["sts"]
    expected = {(s, "", "service-removed") for s in gone}
    expected |= {(s, method_name(op), "operation-removed") for s in gone for op in old[s]["operations"]}
    got = [(f["service"], f["operation"], f["rule"]) for f in diff_of("service-removed", tmp_path)]
    assert sorted(got) == sorted(expected)
