"""PostgreSQL against SQLite (issue 17): the same commands on the same data, whole processes, in turns
in the same run; target: PostgreSQL within 2x of SQLite for ingest, diff and check.

- ingest: the README's main job into a new store (``baseline --botocore data/baseline.zip`` and
  ``ingest data/drops``), and ``sync`` of eleven small real releases (tests/write/sync_wheels.py);
- diff: every change since the first release, all services, JSON;
- check: 300 payloads (JSON Lines, a third invalid) against ECS RegisterTaskDefinition, ``--history``.

Wall time (the server's work is in its own process), best of ``--repeat`` turns. The PostgreSQL store
is a schema of its own in the database ``--postgresql`` names (made and dropped here).

    python -m benchmarks.backends --postgresql postgresql:///db?host=/var/run/postgresql [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.ingest import load

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0


def tracker(store: str, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "changelog_tracker", "--store", store, *map(str, args)]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # check exits 1: some payloads are invalid
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return time.perf_counter() - started


@contextmanager
def postgresql_store(url: str) -> Iterator[str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


def payloads(path: Path, count: int = 300) -> Path:
    lines = []
    for n in range(count):
        payload: dict[str, object] = {
            "family": f"web-{n}",
            "containerDefinitions": [{"name": "app", "image": "nginx:1.27", "memory": 256 + n, "essential": True}],
        }
        if n % 3 == 0:
            payload["unknownMember"] = n  # invalid
        lines.append(json.dumps(payload))
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", required=True, help="a database URL where a schema may be made")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.write.sync_wheels import build_wheels

    best: dict[str, dict[str, float]] = {"sqlite": {}, "postgresql": {}}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        wheels = tmp / "wheels"
        build_wheels(wheels, "1.42.55", "1.42.65")
        batch = payloads(tmp / "payloads.jsonl")
        for turn in range(args.repeat):
            for backend in best:
                with _stores(backend, args.postgresql, tmp, turn) as (store, sync_store):
                    times = _turn(store, sync_store, wheels, batch)
                for name, took in times.items():
                    best[backend][name] = min(took, best[backend].get(name, took))
    print(f"# benchmarks/backends.py, {load()}, best of {args.repeat}")
    print(f"{'command':<22} {'SQLite':>9} {'PostgreSQL':>11} {'ratio':>7}")
    worst = 0.0
    for name, took in best["sqlite"].items():
        ratio = best["postgresql"][name] / took
        worst = max(worst, ratio)
        print(f"{name:<22} {took:>8.2f}s {best['postgresql'][name]:>10.2f}s {ratio:>6.2f}x")
    print(f"worst {worst:.2f}x: target <= {TARGET:.1f}x {'met' if worst <= TARGET else 'NOT met'}")


@contextmanager
def _stores(backend: str, url: str, tmp: Path, turn: int) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield str(tmp / f"main-{turn}.db"), str(tmp / f"sync-{turn}.db")
        return
    with postgresql_store(url) as store, postgresql_store(url) as sync_store:
        yield store, sync_store


def _turn(store: str, sync_store: str, wheels: Path, batch: Path) -> dict[str, float]:
    times = {"ingest (main job)": timed(tracker(store, "baseline", "--botocore", ROOT / "data" / "baseline.zip"))}
    times["ingest (main job)"] += timed(tracker(store, "ingest", ROOT / "data" / "drops"))
    times["diff"] = timed(tracker(store, "diff", "--from", "2025-01-01", "--format", "json"))
    times["check"] = timed(tracker(store, "check", batch, "--service", "ecs", "--operation",
                                   "RegisterTaskDefinition", "--history", "--quiet"))  # fmt: skip
    times["sync (11 releases)"] = timed(tracker(sync_store, "sync", "--find-links", wheels, "--since", "1.42.55"))
    return times


if __name__ == "__main__":
    main()
