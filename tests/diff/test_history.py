"""History: 12 services over 41 consecutive real botocore releases (1.42.25 to 1.42.65).

A baseline from the first release, then one generated drop per release that changed a service
(layouts alternating), ingested newest first. Every diff between any two states equals an
independent diff of the JSON models, every state equals its model, and every page's delta
summary is confirmed. Data: python -m scripts.make_history, committed under tests/data/history/.
"""

from __future__ import annotations

import gzip
import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.differ.summaries import verify_pages
from changelog_tracker.query.lookup import show
from changelog_tracker.rules.judge import diff
from tests.helpers import DATA
from tests.independent import canonical_ops, diff_ops, edits_of

HISTORY = DATA / "history"
MANIFEST = json.loads((HISTORY / "manifest.json").read_text())
DATES = [day for _version, day in MANIFEST["versions"]]


def states(service: str) -> list[tuple[str, dict[str, Any]]]:
    """(release date, canonical operations) at the first release and at every release that changed it."""
    out = []
    for version, day in MANIFEST["versions"]:
        path = HISTORY / "models" / service / f"{version}.json.gz"
        if path.exists():
            out.append((day, canonical_ops(json.loads(gzip.decompress(path.read_bytes())))))
    return out


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "tracker.db"
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(path), "baseline", "--botocore", str(HISTORY / "baseline.zip")])
    assert result.exit_code == 0, result.output
    for drop in sorted((HISTORY / "drops").iterdir(), reverse=True):
        result = runner.invoke(main, ["--store", str(path), "ingest", str(drop)])
        assert result.exit_code == 0, result.output
    return path


def test_the_data_is_real_and_large_enough() -> None:
    assert len(MANIFEST["services"]) >= 10 and len(DATES) >= 20
    assert sorted(DATES) == DATES and DATES[0] == "2026-01-09" and DATES[-1] == "2026-03-10"
    # ecr changed only in ways no page shows (documentation), so it has no drop here: 11 services do.
    assert sum(len(states(service)) >= 2 for service in MANIFEST["services"]) >= 10


@pytest.mark.parametrize("service", MANIFEST["services"])
def test_every_diff_equals_the_model_diff(db: Path, service: str) -> None:
    history = states(service)
    with Store(db) as store:
        for (old_day, old), (new_day, new) in combinations(history, 2):
            found = diff(store, service, since=old_day, until=new_day)
            assert edits_of(found) == diff_ops(old, new), f"{service} {old_day}..{new_day}"


@pytest.mark.parametrize("service", MANIFEST["services"])
def test_every_state_equals_its_model(db: Path, service: str) -> None:
    history = states(service)
    with Store(db) as store:
        for day in DATES:
            expected = [ops for changed, ops in history if changed <= day][-1]
            got = {s.operation.name: s.operation.to_json() for s in show(store, service, at=day)}
            assert got == expected, f"{service} at {day}"


def test_every_delta_summary_is_confirmed(db: Path) -> None:
    with Store(db) as store:
        verdicts = verify_pages(store)
        updated = sum(1 for page in store.pages() for m in page.methods if m["status"] == "updated")
    assert len(verdicts) == updated > 50
    assert {v.status for v in verdicts} == {"confirmed"}, [v for v in verdicts if v.status != "confirmed"][:1]
