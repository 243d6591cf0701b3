"""Crashes, signals and concurrent writers: real processes over real drops (each test bounded to seconds).

- ``kill -9`` at any moment of an ingest leaves a store that opens, and re-ingesting gives the
  answers of a clean ingest;
- killing an ingest (SIGTERM, SIGINT, SIGKILL) leaves none of its worker processes behind;
- two ingests into one store at once both land; a store locked longer than we wait is refused,
  naming who holds it, never with a "database is locked" traceback.

All but the worker test run on both back ends (SQLite, PostgreSQL: tests/backends.py).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from changelog_tracker import Store
from tests.backends import Stores
from tests.helpers import DATA, SEED_2025, SEED_2026, dump, store_answers

ROOT = Path(__file__).parents[2]
DROPS = [ROOT / "data" / "drops", DATA / "history" / "drops"]  # 77 real pages, 8 MB
LINUX = sys.platform.startswith("linux")


def _command(db: str | Path, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "changelog_tracker", "--store", str(db), *map(str, args)]


def _run(db: str | Path, *args: str | Path, wait: float | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"CHANGELOG_TRACKER_LOCK_WAIT": str(wait)} if wait is not None else {})}
    return subprocess.run(_command(db, *args), capture_output=True, text=True, check=False, timeout=120, env=env)


def _rows(db: str) -> object:
    with Store(db, create=False) as store:
        return dump(store)


@pytest.fixture(scope="module")
def clean(module_stores: Stores) -> tuple[str, float]:
    """The answers of an ingest nothing disturbed, and how long it took."""
    db = module_stores.new("clean")
    started = time.monotonic()
    result = _run(db, "ingest", *DROPS)
    assert result.returncode == 0, result.stderr
    return store_answers(db), time.monotonic() - started


def test_kill_9_at_random_moments_then_reingest_gives_the_clean_answers(
    clean: tuple[str, float], module_stores: Stores
) -> None:
    answers, took = clean
    db = module_stores.new("killed")
    moments = sorted(random.Random(10).uniform(0.0, took * 1.1) for _ in range(6))
    for moment in moments:
        proc = subprocess.Popen(_command(db, "ingest", *DROPS), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        proc.kill()
        proc.wait(timeout=30)
        opened = _run(db, "log", "--format", "json")
        if module_stores.made(db):  # killed after the store was made: it opens
            assert opened.returncode == 0, (moment, opened.stderr)
            assert not [line for line in opened.stderr.splitlines() if "Traceback" in line]
        else:
            assert opened.returncode == 2 and "no store at" in opened.stderr
    result = _run(db, "ingest", *DROPS)
    assert result.returncode == 0, result.stderr
    assert store_answers(db) == answers


def test_two_ingests_at_once_both_land(clean: tuple[str, float], module_stores: Stores, tmp_path: Path) -> None:
    # both also race to make the store (and, for a file, its folder)
    db = str(tmp_path / "new" / "tracker.db") if module_stores.backend == "sqlite" else module_stores.new("two")
    procs = [
        subprocess.Popen(_command(db, "ingest", d), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for d in DROPS
    ]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outcomes
    assert not [err for _, err in outcomes if "Traceback" in err or "database is locked" in err]
    assert store_answers(db) == clean[0]


HOLD = """
import sys, time
from changelog_tracker import Store
with Store(sys.argv[1]) as store, store.transaction():
    print("holding", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def seeded(stores: Stores) -> str:
    db = stores.new()
    assert _run(db, "ingest", SEED_2025).returncode == 0
    return db


def test_a_store_a_writer_holds_too_long_is_refused_naming_it(seeded: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, seeded], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        before = _rows(seeded)
        started = time.monotonic()
        result = _run(seeded, "ingest", SEED_2026, wait=2)
        assert 2 <= time.monotonic() - started < 20  # waited, boundedly
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        *notes, error = result.stderr.strip().splitlines()
        # SQLite's sidecar names the process; PostgreSQL's pg_stat_activity, the pid in its application name
        named = f"pid {holder.pid} (" if seeded.endswith(".db") else f"changelog-tracker pid {holder.pid}: "
        assert len(notes) == 1 and notes[0].startswith(f"note: waiting up to 2 s for {seeded}: locked by {named}")
        assert error.startswith(f"error: {seeded}: locked by {named}")
        assert _rows(seeded) == before
    finally:
        holder.kill()
        holder.wait()
    assert _run(seeded, "ingest", SEED_2026).returncode == 0  # a killed writer's record misleads no one


def test_a_store_another_program_locks_is_refused_for_writes_and_reads(seeded: str) -> None:
    if seeded.endswith(".db"):
        other = sqlite3.connect(seeded, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg

        other = psycopg.connect(seeded, autocommit=True)  # type: ignore[assignment]
        other.execute("BEGIN")
        other.execute("LOCK TABLE pages IN ACCESS EXCLUSIVE MODE")
    try:
        for args in (["ingest", str(SEED_2026)], ["log"]):
            result = _run(seeded, *args, wait=1)
            assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
            error = result.stderr.strip().splitlines()[-1]
            assert error.startswith(f"error: {seeded}: locked by another program"), error
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _run(seeded, "log").returncode == 0


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture(scope="module")
def long_ingest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough real pages for the worker pool to be busy a few seconds (copies of the drops)."""
    folder = tmp_path_factory.mktemp("many")
    for copy in range(4):
        for source in DROPS:
            shutil.copytree(source, folder / f"{copy}-{source.parent.name}")
    return folder


@pytest.mark.skipif(not LINUX, reason="finds worker processes in /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_killing_ingest_leaves_no_worker_behind(signum: signal.Signals, long_ingest: Path, tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    proc = subprocess.Popen(_command(db, "ingest", long_ingest), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers |= _children(proc.pid)
        time.sleep(0.01)
    assert workers, "the ingest started no worker processes"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode != 0 and b"Traceback" not in err, err
    deadline = time.monotonic() + 5
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _running(w)]
