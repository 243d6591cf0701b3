"""Traits over real history: 12 services, 41 consecutive botocore releases (1.42.25 to 1.42.65).

Each release is a small wheel of the committed model, paginators and waiters files
(tests/data/history, python -m scripts.make_history --models), its files dated as the manifest
says. After a `baseline` of every release, `diff --format json` between any two releases reports
exactly the trait changes the independent oracle (tests/independent.py) finds in the JSON, under
their rule ids. With generated pages between baselines, ingested in any order, no trait change
comes into or out of unknown: every trait finding is one the models of the baselines before the
two ends already differ by.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.rules.judge import diff
from changelog_tracker.sources.wheel import wheel_date, wheel_models
from scripts.make_history import KINDS, Files, write_wheel
from tests.helpers import DATA
from tests.independent import TraitEdit, protocol_edits, trait_diff, trait_edits_of, trait_ops

HISTORY = DATA / "history"
MANIFEST = json.loads((HISTORY / "manifest.json").read_text())
VERSIONS = [version for version, _day in MANIFEST["versions"]]
DAY = dict(MANIFEST["versions"])
SERVICES = MANIFEST["services"]
# A few long ranges beside every consecutive pair: the whole history, its halves, a middle stretch.
LONG = [(0, 40), (0, 20), (20, 40), (5, 33)]
# The mixed history's baselines; the releases between them come as generated pages.
BASELINES = [0, 9, 17, 26, 33, 40]

ServiceEdit = tuple[str, ...]  # (service, *TraitEdit)


def saved_at(service: str, version: str) -> tuple[str, str, str]:
    """For each of the service's three files, the release of the newest committed one at or before it."""
    upto = VERSIONS[: VERSIONS.index(version) + 1]
    newest = [[v for v in upto if (HISTORY / kind / service / f"{v}.json.gz").exists()][-1] for kind in KINDS]
    return newest[0], newest[1], newest[2]


@cache
def _load(kind: str, service: str, version: str) -> Any:
    return json.loads(gzip.decompress((HISTORY / kind / service / f"{version}.json.gz").read_bytes()))


def files_at(service: str, version: str) -> Files:
    model, paginators, waiters = (_load(k, service, v) for k, v in zip(KINDS, saved_at(service, version), strict=True))
    return model, paginators, waiters


@cache
def _traits(service: str, saved: tuple[str, str, str]) -> dict[str, Any]:
    return trait_ops(*(_load(k, service, v) for k, v in zip(KINDS, saved, strict=True)))


def expected(old: str, new: str) -> set[ServiceEdit]:
    """The oracle's trait changes of every service between two releases."""
    out: set[ServiceEdit] = set()
    for service in SERVICES:
        before, after = saved_at(service, old), saved_at(service, new)
        if before == after:
            continue
        edits: set[TraitEdit] = trait_diff(_traits(service, before), _traits(service, after))
        edits |= protocol_edits(files_at(service, old)[0], files_at(service, new)[0])
        out.update((service, *e) for e in edits)
    return out


def found(findings: list[dict[str, Any]]) -> set[ServiceEdit]:
    by_service: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_service.setdefault(f["service"], []).append(f)
    return {(service, *e) for service, fs in by_service.items() for e in trait_edits_of(fs)}


def make_wheel(folder: Path, version: str) -> Path:
    path = folder / f"botocore-{version}-py3-none-any.whl"
    if not path.exists():
        write_wheel(path, {s: files_at(s, version) for s in SERVICES}, date.fromisoformat(DAY[version]))
    return path


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    for version in VERSIONS:
        make_wheel(folder, version)
    return folder


@pytest.fixture(scope="module")
def every_release(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A baseline of every release, newest first (the store's answers do not depend on the order)."""
    db = tmp_path_factory.mktemp("traits") / "tracker.db"
    for version in reversed(VERSIONS):
        run(db, "baseline", "--botocore", str(make_wheel(wheels, version)))
    return db


def test_the_history_has_trait_changes_of_many_rules() -> None:
    """The data is worth testing on: real trait changes of several kinds in consecutive releases."""
    rules = {e[4] for old, new in pairwise(VERSIONS) for e in expected(old, new)}
    assert {"request-constraint-tightened", "response-pattern-changed", "waiter-added"} <= rules
    assert {"request-union-removed", "error-added"} <= rules


def test_a_small_wheel_is_the_committed_release(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, "1.42.58")
    assert wheel_date(path).isoformat() == DAY["1.42.58"]
    assert wheel_models(path) == {s: files_at(s, "1.42.58")[0] for s in SERVICES}


@pytest.mark.slow
@pytest.mark.parametrize("k", range(len(VERSIONS) - 1))
def test_consecutive_releases_report_exactly_the_oracles_trait_changes(every_release: Path, k: int) -> None:
    old, new = VERSIONS[k], VERSIONS[k + 1]
    findings = json.loads(run(every_release, "diff", "--from", DAY[old], "--to", DAY[new], "--format", "json"))
    assert found(findings) == expected(old, new), f"{old}..{new}"


@pytest.mark.slow
@pytest.mark.parametrize(("a", "b"), LONG)
def test_long_ranges_report_exactly_the_oracles_trait_changes(every_release: Path, a: int, b: int) -> None:
    old, new = VERSIONS[a], VERSIONS[b]
    findings = json.loads(run(every_release, "diff", "--from", DAY[old], "--to", DAY[new], "--format", "json"))
    assert found(findings) == expected(old, new), f"{old}..{new}"


def test_two_consecutive_baselines_report_exactly_the_oracles_trait_changes(tmp_path: Path) -> None:
    """The fast one of the above: qconnect's real union removals, deadline's new waiters, ..."""
    old, new = "1.42.28", "1.42.29"
    db = tmp_path / "tracker.db"
    for version in (new, old):
        run(db, "baseline", "--botocore", str(make_wheel(tmp_path, version)))
    findings = json.loads(run(db, "diff", "--from", DAY[old], "--to", DAY[new], "--format", "json"))
    assert expected(old, new) and found(findings) == expected(old, new)


def model_state(index: int) -> int:
    """The newest baseline at or before release ``index``: what a page state's traits can carry over."""
    return max(b for b in BASELINES if b <= index)


def mixed_sources(wheels: Path) -> list[Path]:
    """The baselines' wheels, and the committed pages of every release between them."""
    baseline_days = {DAY[VERSIONS[b]] for b in BASELINES}
    pages = [p for p in sorted((HISTORY / "drops").iterdir()) if p.name[:10] not in baseline_days]
    pages = [p for p in pages if p.name[:10] > DAY[VERSIONS[0]]]
    return [make_wheel(wheels, VERSIONS[b]) for b in BASELINES] + pages


def load_mixed(db: Path, sources: list[Path]) -> None:
    for source in sources:
        if source.suffix == ".whl":
            run(db, "baseline", "--botocore", str(source))
        else:
            run(db, "ingest", str(source))


def _newest_first(sources: list[Path]) -> list[Path]:
    return sorted(sources, key=_day, reverse=True)


def _shuffled(sources: list[Path]) -> list[Path]:
    return random.Random(13).sample(sources, len(sources))


ORDERS: dict[str, Callable[[list[Path]], list[Path]]] = {
    "baselines-first": list,
    "newest-first": _newest_first,
    "shuffled": _shuffled,
}


def _day(path: Path) -> str:
    return DAY[path.name.split("-")[1]] if path.suffix == ".whl" else path.name[:10]


@pytest.mark.slow
@pytest.mark.parametrize("order", ORDERS)
def test_mixed_history_reports_no_trait_change_into_or_out_of_unknown(wheels: Path, tmp_path: Path, order: str) -> None:
    db = tmp_path / "tracker.db"
    load_mixed(db, ORDERS[order](mixed_sources(wheels)))
    with Store(db) as store:
        for a in range(len(VERSIONS)):
            for b in sorted({a + 1, a + 7, len(VERSIONS) - 1, *BASELINES} & set(range(a + 1, len(VERSIONS)))):
                old, new = VERSIONS[model_state(a)], VERSIONS[model_state(b)]
                got = found([f.to_json() for f in diff(store, since=DAY[VERSIONS[a]], until=DAY[VERSIONS[b]])])
                allowed = expected(old, new)
                if a in BASELINES and b in BASELINES:
                    assert got == allowed, f"{VERSIONS[a]}..{VERSIONS[b]}"
                assert got <= allowed, f"{VERSIONS[a]}..{VERSIONS[b]}: {sorted(got - allowed)[:3]}"
