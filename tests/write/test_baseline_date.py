"""``baseline --botocore`` (the installed botocore) is dated by its version's release: the stamp of
that version's wheel, from the wheel cache or downloaded into it; never the install time. Offline
and not cached, it says so and asks for --date. (A fake pip: tests/data/sync/fake_pip.py.)"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import zipfile
from pathlib import Path

import botocore
import pytest
from click.testing import CliRunner, Result

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.sources import releases
from tests.helpers import DATA

VERSION = botocore.__version__
WHEEL = f"botocore-{VERSION}-py3-none-any.whl"
RELEASED = dt.date(2026, 4, 1)  # not the install day, nor any installed file's stamp


def released_wheel(folder: Path) -> Path:
    """A wheel of the installed version, its data files stamped with its release day."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / WHEEL
    with zipfile.ZipFile(path, "w") as wheel:
        info = zipfile.ZipInfo("botocore/data/sts/2011-06-15/service-2.json", (*RELEASED.timetuple()[:3], 9, 0, 0))
        wheel.writestr(info, "{}")
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake pip (logging its calls) serving a folder, and an empty user cache; returns the pip log."""
    log = tmp_path / "pip.log"
    log.touch()
    monkeypatch.setattr(releases, "PIP", (sys.executable, str(DATA / "sync" / "fake_pip.py")))
    monkeypatch.setenv("FAKE_PIP_LOG", str(log))
    monkeypatch.setenv("FAKE_PIP_WHEELS", str(tmp_path / "index"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return log


def baseline(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), "baseline", "--botocore", "--service", "sts", *args])


def cache(tmp_path: Path) -> Path:
    return tmp_path / "xdg" / "changelog-tracker" / "wheels"


def test_the_installed_botocore_is_dated_by_its_cached_wheel(env: Path, tmp_path: Path) -> None:
    released_wheel(cache(tmp_path))
    db = tmp_path / "tracker.db"
    result = baseline(db)
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.releases() == [RELEASED.isoformat()]
    assert env.read_text() == ""  # cached: pip never asked


def test_not_cached_the_wheel_is_downloaded_into_the_cache(env: Path, tmp_path: Path) -> None:
    released_wheel(tmp_path / "index")
    db = tmp_path / "tracker.db"
    result = baseline(db)
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.releases() == [RELEASED.isoformat()]
    assert (cache(tmp_path) / WHEEL).is_file()
    assert [json.loads(line)[:2] for line in env.read_text().splitlines()] == [["download", f"botocore=={VERSION}"]]


def test_offline_and_not_cached_says_so_and_asks_for_date(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PIP_OFFLINE", "1")
    (tmp_path / "index").mkdir()
    db = tmp_path / "tracker.db"
    result = baseline(db)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: cannot date the installed botocore {VERSION}: its wheel is not in ")
    assert result.stderr.rstrip().endswith("; pass --date YYYY-MM-DD") and len(result.stderr.splitlines()) == 1
    assert not db.exists()


def test_date_given_asks_nobody(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_PIP_OFFLINE", "1")
    db = tmp_path / "tracker.db"
    result = baseline(db, "--date", "2026-05-05")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.releases() == ["2026-05-05"]
    assert env.read_text() == ""


def test_never_the_install_time(env: Path, tmp_path: Path) -> None:
    """The installed files' stamps (what the old dating read) are not the release day here."""
    released_wheel(cache(tmp_path))
    installed = Path(botocore.__file__).parent / "data" / "endpoints.json"
    stamp = dt.datetime.fromtimestamp(os.stat(installed).st_mtime, dt.UTC).date()
    assert stamp != RELEASED
    result = baseline(tmp_path / "tracker.db")
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "tracker.db") as store:
        assert store.releases() != [stamp.isoformat()]
