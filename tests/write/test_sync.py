"""``sync --find-links``: 11 consecutive real releases (botocore 1.42.55 .. 1.42.65, the 12 history
services, wheels built from the committed model files) stored dated, incrementally, resumably.

Every diff between two synced releases equals an independent diff of the JSON models
(tests/independent.py, as tests/diff/test_history.py), a second sync adds nothing, ranges by
version and by date, and kill -9 at random moments then sync again gives one clean run's answers."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from changelog_tracker import Store, log
from changelog_tracker.cli import main
from changelog_tracker.rules.judge import diff
from tests.backends import Stores
from tests.helpers import store_answers
from tests.independent import canonical_ops, diff_ops, edits_of
from tests.write.sync_wheels import DATES, MANIFEST, build_wheel, build_wheels, changed_at, committed, versions

FIRST, LAST = "1.42.55", "1.42.65"
RANGE = versions(FIRST, LAST)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    build_wheels(folder, FIRST, LAST)
    return folder


def run(db: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), *map(str, args)])


@pytest.fixture(scope="module")
def synced(wheels: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    db = tmp_path_factory.mktemp("synced") / "tracker.db"
    result = run(db, "sync", "--find-links", wheels, "--since", FIRST, "--format", "json")
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def test_sync_stores_eleven_dated_releases(synced: tuple[Path, dict[str, Any]]) -> None:
    db, report = synced
    assert [a["version"] for a in report["added"]] == RANGE and len(RANGE) == 11
    assert [a["release"] for a in report["added"]] == [DATES[v] for v in RANGE]
    with Store(db) as store:
        assert store.releases() == [DATES[v] for v in RANGE]
        assert sorted(store.services()) == sorted(MANIFEST["services"])
        listed = {(e.release, e.service) for e in log(store)}
    assert listed == {(DATES[v], s) for v in RANGE for s in MANIFEST["services"]}


def test_log_lists_the_releases_with_their_dates(synced: tuple[Path, dict[str, Any]]) -> None:
    db, _ = synced
    result = run(db, "log", "ecs", "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted({e["release"] for e in json.loads(result.stdout)}) == [DATES[v] for v in RANGE]


def test_only_changed_services_are_converted(synced: tuple[Path, dict[str, Any]]) -> None:
    """The first release converts every service; each later one only those whose files changed."""
    _, report = synced
    first, *rest = report["added"]
    assert first["changed"] == sorted(MANIFEST["services"]) and first["unchanged"] == 0
    for added in rest:
        expected = sorted(s for s in MANIFEST["services"] if changed_at(s, added["version"]))
        assert added["changed"] == expected, added["version"]
        assert added["unchanged"] == len(MANIFEST["services"]) - len(expected)
    assert sum(len(a["changed"]) for a in rest) < len(rest) * len(MANIFEST["services"]) / 4


def _states(service: str) -> list[tuple[str, dict[str, Any]]]:
    """(date, canonical operations) of ``service`` at each synced release, straight from the JSON."""
    out = []
    for version in RANGE:
        raw = committed("models", service, version)
        assert raw is not None
        out.append((DATES[version], canonical_ops(json.loads(raw))))
    return out


@pytest.mark.parametrize("service", MANIFEST["services"])
def test_every_diff_equals_the_model_diff(synced: tuple[Path, dict[str, Any]], service: str) -> None:
    db, _ = synced
    with Store(db) as store:
        for (old_day, old), (new_day, new) in combinations(_states(service), 2):
            found = diff(store, service, since=old_day, until=new_day)
            assert edits_of(found) == diff_ops(old, new), f"{service} {old_day}..{new_day}"


def test_a_second_sync_adds_nothing_and_writes_nothing(synced: tuple[Path, dict[str, Any]], wheels: Path) -> None:
    db, _ = synced
    before = db.read_bytes()
    result = run(db, "sync", "--find-links", wheels, "--since", FIRST)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("0 releases added, 11 already stored, in ")
    assert db.read_bytes() == before
    again = run(db, "sync", "--find-links", wheels, "--format", "json")  # no --since: from the newest held
    assert again.exit_code == 0 and json.loads(again.stdout)["added"] == [], again.output


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("1.42.60", "1.42.62", ["1.42.60", "1.42.61", "1.42.62"]),
        (DATES["1.42.60"], DATES["1.42.62"], ["1.42.60", "1.42.61", "1.42.62"]),
        ("2026-02-28", "2026-03-04", ["1.42.60", "1.42.61"]),  # dates between releases (a weekend)
        ("1.42.64", None, ["1.42.64", "1.42.65"]),
        (None, "2026-03-06", ["1.42.63"]),  # an empty store, no --since: the newest release in range only
    ],
)
def test_since_and_until_by_version_and_by_date(
    wheels: Path, tmp_path: Path, since: str | None, until: str | None, expected: list[str]
) -> None:
    db = tmp_path / "tracker.db"
    args = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    args += ["--service", "arc-region-switch"]  # the smallest: the range is what is tested
    result = run(db, "sync", "--find-links", wheels, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [a["version"] for a in json.loads(result.stdout)["added"]] == expected
    with Store(db) as store:
        assert store.releases() == [DATES[v] for v in expected]


def test_service_limits_the_releases_to_those_services(wheels: Path, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    result = run(db, "sync", "--find-links", wheels, "--since", "1.42.63", "--service", "ecs", "--service", "eks")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.services() == ["ecs", "eks"]
        assert store.releases() == [DATES[v] for v in ("1.42.63", "1.42.64", "1.42.65")]
    again = run(db, "sync", "--find-links", wheels, "--since", "1.42.63", "--service", "ecs", "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["added"] == [], again.output


def test_without_since_sync_goes_on_from_the_newest_release_held(wheels: Path, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    first = run(db, "sync", "--find-links", wheels, "--since", "1.42.60", "--until", "1.42.62", "--service", "ecs")
    assert first.exit_code == 0, first.output
    result = run(db, "sync", "--find-links", wheels, "--service", "ecs", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [a["version"] for a in json.loads(result.stdout)["added"]] == ["1.42.63", "1.42.64", "1.42.65"]


@pytest.fixture(scope="module")
def same_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """1.42.59, then 1.42.60 and 1.42.61 both dated 1.42.60's day (botocore often ships twice a day;
    1.42.61 changes opensearch); and the reference: 1.42.59 and that day's 1.42.61 only."""
    both, reference = tmp_path_factory.mktemp("both"), tmp_path_factory.mktemp("reference")
    for folder in (both, reference):
        build_wheel(folder, "1.42.59")
        build_wheel(folder, "1.42.61", DATES["1.42.60"])
    build_wheel(both, "1.42.60")
    return both, reference


def test_a_days_release_is_its_newest_version(same_day: tuple[Path, Path], tmp_path: Path) -> None:
    """Found syncing a year of real releases: 1.43.21 and 1.43.22 are both 2026-06-03, and disagree."""
    both, reference = same_day
    expected = tmp_path / "reference.db"
    assert run(expected, "sync", "--find-links", reference, "--since", "1.42.59").exit_code == 0
    at_once, in_turns = tmp_path / "at-once.db", tmp_path / "in-turns.db"
    result = run(at_once, "sync", "--find-links", both, "--since", "1.42.59", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [a["version"] for a in report["added"]] == ["1.42.59", "1.42.61"] and report["superseded"] == ["1.42.60"]
    assert run(in_turns, "sync", "--find-links", both, "--since", "1.42.59", "--until", "1.42.60").exit_code == 0
    result = run(in_turns, "sync", "--find-links", both, "--format", "json")
    assert result.exit_code == 0, result.output
    [added] = json.loads(result.stdout)["added"]
    assert (added["version"], added["replaced"]) == ("1.42.61", "1.42.60")
    assert store_answers(at_once) == store_answers(in_turns) == store_answers(expected)
    again = run(in_turns, "sync", "--find-links", both, "--since", "1.42.59", "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["added"] == [], again.output
    with Store(in_turns) as store:
        assert store.releases() == [DATES["1.42.59"], DATES["1.42.60"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "1.42.99"], "error: no botocore release 1.42.99 (from 1.42.55 to 1.42.65)"),
        (["--since", "1.42.60", "--service", "ecz"], "error: no botocore release in range has service 'ecz'"),
        (["--since", "yesterday"], "neither a botocore version (1.42.55) nor"),
        (["--since", "2026-02-30"], "'2026-02-30' is neither a botocore version"),
        (["--index-url", "http://example.invalid/simple"], "give --find-links (a folder) or --index-url, not both"),
    ],
)
def test_errors_are_one_line_exit_2_store_unchanged(
    synced: tuple[Path, dict[str, Any]], wheels: Path, args: list[str], message: str
) -> None:
    db, _ = synced
    before = db.read_bytes()
    result = run(db, "sync", "--find-links", wheels, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert db.read_bytes() == before


def test_a_folder_without_wheels_is_an_error_and_makes_no_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    db = tmp_path / "tracker.db"
    for folder, message in [(tmp_path / "empty", "no botocore wheels here"), (tmp_path / "nope", "no such folder")]:
        result = run(db, "sync", "--find-links", folder)
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_a_damaged_wheel_is_an_error_before_anything_is_written(wheels: Path, tmp_path: Path) -> None:
    folder = tmp_path / "wheels"
    folder.mkdir()
    for version in ("1.42.64", "1.42.65"):
        (folder / f"botocore-{version}-py3-none-any.whl").symlink_to(wheels / f"botocore-{version}-py3-none-any.whl")
    (folder / "botocore-1.42.66-py3-none-any.whl").write_bytes(b"not a zip")
    db = tmp_path / "tracker.db"
    result = run(db, "sync", "--find-links", folder, "--since", "1.42.64")
    assert result.exit_code == 2 and "botocore-1.42.66-py3-none-any.whl: not a botocore 1.42.66 wheel" in result.stderr
    assert not db.exists()


def _command(db: str | Path, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "changelog_tracker", "--store", str(db), *map(str, args)]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_random_moments_then_sync_again_gives_one_clean_runs_answers(
    synced: tuple[Path, dict[str, Any]], wheels: Path, stores: Stores, seed: int
) -> None:
    clean = store_answers(synced[0])
    started = time.monotonic()
    timing = _command(stores.new("timing"), "sync", "--find-links", wheels, "--since", FIRST)
    assert subprocess.run(timing, capture_output=True, check=False, timeout=300).returncode == 0
    took = time.monotonic() - started
    db = stores.new()
    sync = _command(db, "sync", "--find-links", wheels, "--since", FIRST)
    for moment in sorted(random.Random(seed).uniform(0.0, took) for _ in range(4)):
        proc = subprocess.Popen(sync, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ)
        time.sleep(moment)
        proc.kill()
        proc.wait(timeout=30)
        if stores.made(db):
            with Store(db) as store:  # whole releases only: each stored one holds every service
                held: dict[str, set[str]] = {}
                for page in store.pages():
                    held.setdefault(page.release, set()).add(page.service)
                assert all(services == set(MANIFEST["services"]) for services in held.values()), moment
    assert subprocess.run(sync, capture_output=True, check=False, timeout=300).returncode == 0
    assert store_answers(db) == clean


def test_the_summary_names_each_release_and_what_changed(wheels: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "tracker.db", "sync", "--find-links", wheels, "--since", "1.42.63", "--until", "1.42.64",
                 "--service", "ecs", "--service", "bedrock")  # fmt: skip
    assert result.exit_code == 0, result.output
    first, second, total = result.stdout.strip().splitlines()
    assert first.startswith(f"{DATES['1.42.63']} botocore 1.42.63: 2 services changed (bedrock, ecs), 0 unchanged (")
    assert second.startswith(f"{DATES['1.42.64']} botocore 1.42.64: ")
    assert total.startswith("2 releases added, in ")


def test_progress_names_the_release_being_read(wheels: Path, tmp_path: Path) -> None:
    from changelog_tracker.sources.releases import Releases
    from changelog_tracker.write.sync import sync

    told: list[tuple[int, int, str]] = []
    with Store(tmp_path / "tracker.db") as store:
        sync(store, Releases.in_folder(wheels), "1.42.64", None, ["ecs"], lambda d, t, s="": told.append((d, t, s)))
    assert any("botocore 1.42.64" in stage and "converting" in stage for _, _, stage in told)
    assert told[-1] == (2, 2, "stored botocore 1.42.65")


def test_help_teaches_with_examples() -> None:
    result = CliRunner().invoke(main, ["sync", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "changelog-tracker sync --since 1.42.55 --until 1.42.65" in result.output
    assert "sync" in CliRunner().invoke(main, ["--help"]).output
