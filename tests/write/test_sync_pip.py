"""sync against a package index, through pip: a fake pip (tests/data/sync/fake_pip.py) prints what
pip prints and serves wheels built from the history data. No network."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.errors import TrackerError
from changelog_tracker.sources import releases
from tests.helpers import DATA
from tests.write.sync_wheels import DATES, build_wheels

FAKE_PIP = DATA / "sync" / "fake_pip.py"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    build_wheels(folder, "1.42.55", "1.42.65")
    return folder


@pytest.fixture
def pip(served: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake pip in place of the real one; returns its log (one JSON list of arguments a line)."""
    log = tmp_path / "pip.log"
    log.touch()
    monkeypatch.setattr(releases, "PIP", (sys.executable, str(FAKE_PIP)))
    monkeypatch.setenv("FAKE_PIP_LOG", str(log))
    monkeypatch.setenv("FAKE_PIP_WHEELS", str(served))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def run(db: Path, *args: str | Path) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), *map(str, args)])


def test_index_versions_reads_pips_output_oldest_first(pip: Path) -> None:
    versions = releases.index_versions("https://example.org/simple")
    assert versions[0] == "1.42.55" and versions[-1] == "1.42.65" and len(versions) == 11
    assert calls(pip) == [["index", "versions", "botocore", "--index-url", "https://example.org/simple"]]


def test_sync_downloads_into_the_cache_once(pip: Path, tmp_path: Path) -> None:
    db, cache = tmp_path / "tracker.db", tmp_path / "cache"
    args = ["sync", "--since", "1.42.63", "--until", "1.42.64", "--cache", cache, "--index-url", "https://x/simple",
            "--service", "ecs"]
    result = run(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [a["version"] for a in json.loads(result.stdout)["added"]] == ["1.42.63", "1.42.64"]
    assert sorted(p.name for p in cache.iterdir()) == [f"botocore-{v}-py3-none-any.whl" for v in ("1.42.63", "1.42.64")]
    downloads = [c for c in calls(pip) if c[0] == "download"]
    assert [c[1] for c in downloads] == ["botocore==1.42.63", "botocore==1.42.64"]
    assert all(c[-2:] == ["--index-url", "https://x/simple"] and "--no-deps" in c and "--only-binary=:all:" in c
               for c in downloads)  # fmt: skip
    with Store(db) as store:
        assert store.releases() == [DATES["1.42.63"], DATES["1.42.64"]]
    assert run(db, *args).exit_code == 0
    assert len([c for c in calls(pip) if c[0] == "download"]) == 2  # cached, and stored: nothing downloaded


def test_the_user_cache_is_the_default(pip: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "tracker.db", "sync", "--since", "1.42.65", "--service", "ecs")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "changelog-tracker" / "wheels" / "botocore-1.42.65-py3-none-any.whl").is_file()


def test_date_bounds_download_a_few_wheels_not_all(pip: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "tracker.db", "sync", "--since", "2026-03-05", "--until", "2026-03-06",
                 "--service", "arc-region-switch", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [a["version"] for a in json.loads(result.stdout)["added"]] == ["1.42.62", "1.42.63"]
    assert len([c for c in calls(pip) if c[0] == "download"]) <= 8  # bisection: about 2 log2(11)


def test_offline_is_one_line_exit_2_and_no_store(pip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_PIP_OFFLINE", "1")
    db = tmp_path / "tracker.db"
    result = run(db, "sync", "--since", "1.42.60")
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: pip index versions failed: ERROR: No matching distribution found for botocore\n"
    assert not db.exists()


def test_a_failed_download_leaves_the_store_and_the_cache_as_they_were(
    pip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, cache = tmp_path / "tracker.db", tmp_path / "cache"
    first = run(db, "sync", "--since", "1.42.60", "--until", "1.42.60", "--cache", cache, "--service", "ecs")
    assert first.exit_code == 0, first.output
    before = db.read_bytes()
    monkeypatch.setenv("FAKE_PIP_MISSING", "1.42.62")
    result = run(db, "sync", "--since", "1.42.61", "--until", "1.42.63", "--cache", cache, "--service", "ecs")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "error: pip download botocore==1.42.62 failed: ERROR: No matching distribution found for botocore==1.42.62"
    )
    assert db.read_bytes() == before  # 1.42.61 was found first, and not stored
    assert sorted(p.name for p in cache.iterdir()) == [f"botocore-{v}-py3-none-any.whl" for v in ("1.42.60", "1.42.61")]


def test_pip_that_cannot_run_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(releases, "PIP", ("/no/such/pip",))
    with pytest.raises(TrackerError, match="cannot run pip"):
        releases.index_versions()
