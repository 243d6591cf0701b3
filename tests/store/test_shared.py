"""A shared store (issue 17): a sync writing while readers run diff and check, on both back ends.

Each reader's answer must be the answer of one whole release set: the final store's answer with
``--to``/``--at`` one of the releases stored (sync stores releases oldest first, so the state of
the store after release R answers as the final store does up to R). A reader that saw half a
release, or mixed two states, answers otherwise; a reader that failed (a lock, a damaged read) says so.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from tests.backends import Stores
from tests.helpers import store_answers
from tests.write.sync_wheels import DATES, build_wheels, versions

FIRST, LAST = "1.42.55", "1.42.65"
READERS = 8
PAYLOAD = {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 512}]}


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheels")
    build_wheels(folder, FIRST, LAST)
    return folder


def _cli(db: str, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "changelog_tracker", "--store", db, *map(str, args)]


def _reads(payload: Path) -> dict[str, list[str]]:
    return {
        "diff": ["diff", "--from", DATES[FIRST], "--format", "json"],
        "check": ["check", str(payload), "--service", "ecs", "--operation", "RegisterTaskDefinition",
                  "--format", "json"],
    }  # fmt: skip


@pytest.mark.slow  # 8 reader processes beside a sync, on both back ends: CI runs it in the slow step
def test_readers_during_a_sync_see_whole_releases(stores: Stores, wheels: Path, tmp_path: Path) -> None:
    db = stores.new()
    first = subprocess.run(_cli(db, "sync", "--find-links", wheels, "--since", FIRST, "--until", FIRST), check=False)
    assert first.returncode == 0
    payload = tmp_path / "task.json"
    payload.write_text(json.dumps(PAYLOAD))
    reads = _reads(payload)
    writer = subprocess.Popen(_cli(db, "sync", "--find-links", wheels), stderr=subprocess.PIPE, text=True)
    seen: list[tuple[str, subprocess.CompletedProcess[str]]] = []

    def read(turn: int) -> None:
        while writer.poll() is None or turn < 2:  # and two reads each once the writer is done
            kind = ("diff", "check")[turn % 2]
            seen.append((kind, subprocess.run(_cli(db, *reads[kind]), capture_output=True, text=True, check=False)))
            turn += 1

    threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert writer.wait(timeout=60) == 0, writer.stderr and writer.stderr.read()
    with Store(db, create=False) as store:
        releases = store.releases()
    assert releases == [DATES[v] for v in versions(FIRST, LAST)]
    whole = _answers_of_whole_release_sets(db, reads, releases)
    failed = [r.stderr for _, r in seen if r.returncode not in (0, 1) or "error" in r.stderr]
    assert not failed, failed[:3]
    torn = [(kind, r.stdout[:300]) for kind, r in seen if r.stdout not in whole[kind]]
    assert not torn, torn[:2]
    assert len(seen) >= 2 * READERS and time.monotonic() - started < 300
    assert len({r.stdout for kind, r in seen if kind == "diff"}) > 1  # some ran while releases landed


def _answers_of_whole_release_sets(db: str, reads: dict[str, list[str]], releases: list[str]) -> dict[str, set[str]]:
    runner, found = CliRunner(), {}
    for kind, args in reads.items():
        bound = "--to" if kind == "diff" else "--at"
        found[kind] = {runner.invoke(main, ["--store", db, *args, bound, release]).stdout for release in releases}
    return found


@pytest.mark.slow
def test_sync_answers_the_same_on_both_back_ends_and_again_adds_nothing(stores: Stores, wheels: Path) -> None:
    db = stores.new()
    for _ in range(2):
        assert subprocess.run(_cli(db, "sync", "--find-links", wheels, "--since", FIRST), check=False).returncode == 0
    reference = Stores("sqlite", Path(db).parent if stores.backend == "sqlite" else wheels.parent).new("reference")
    synced = subprocess.run(_cli(reference, "sync", "--find-links", wheels, "--since", FIRST), check=False)
    assert synced.returncode == 0
    assert store_answers(db) == store_answers(reference)
