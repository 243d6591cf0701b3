"""Whole-corpus ingest (issue 16): `changelog-tracker ingest` of the full-service pages of every service
of one botocore release (the installed one) into a new store, a whole process on every core; prints
its seconds, the pages' and the store's MB, and botocore loading the same models in the same run
(every operation's input and output shapes resolved, as ``benchmarks/ingest.py`` does) for scale.

The pages are botocore's own documenter output (``oracle/pagegen.py``), generated once outside the
timing and cached under ``~/.cache/changelog-tracker/corpus/<botocore version>/<layout>/``: about
20 minutes of one core for all services, both layouts at once (``--jobs`` workers, niced).

    python -m scripts.corpus_ingest [--layout multiline] [--repeat 1] [--jobs 2] [--generate-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from changelog_tracker.sources.releases import user_cache
from changelog_tracker.sources.wheel import installed_models, installed_services
from oracle import pagegen

DAY = dt.date(2026, 1, 1)


def corpus_root() -> Path:
    """Where the installed botocore's pages are cached, one folder per layout."""
    import botocore

    version: str = botocore.__version__
    return user_cache().parent / "corpus" / version


def page_path(service: str, layout: pagegen.Layout) -> Path:
    return corpus_root() / layout / f"{DAY.isoformat()}_{service}.txt"


def cached_pages(services: Iterable[str], jobs: int = 1) -> None:
    """Generate the full-service pages (both layouts) of the services whose pages are not cached yet."""
    missing = [name for name in services if not all(page_path(name, lay).exists() for lay in pagegen.LAYOUTS)]
    if not missing:
        return
    for layout in pagegen.LAYOUTS:
        page_path("x", layout).parent.mkdir(parents=True, exist_ok=True)
    print(f"generating the pages of {len(missing)} services with botocore's documenter ...", file=sys.stderr)
    if jobs <= 1:
        for name in missing:
            _generate(name)
        return
    with ProcessPoolExecutor(jobs, initializer=_nice) as pool:
        for done, name in enumerate(pool.map(_generate, missing), 1):
            print(f"  {done}/{len(missing)} {name}", file=sys.stderr)


def _nice(niceness: int = 10) -> None:
    """Workers yield to the machine's other work: niced to 10, or left as niced as they already are."""
    os.nice(max(0, niceness - os.nice(0)))


def _generate(service: str) -> str:
    """One service's page in both layouts (the blocks are built once), each written atomically so an
    interrupted run leaves no half page in the cache. Another run may have written them meanwhile."""
    if all(page_path(service, layout).exists() for layout in pagegen.LAYOUTS):
        return service
    blocks = pagegen.full_service_blocks(installed_models([service])[service], DAY, service)
    for layout in pagegen.LAYOUTS:
        path = page_path(service, layout)
        partial = path.with_suffix(f".{os.getpid()}.part")  # another run may be writing the same page
        partial.write_text(pagegen.render_blocks(blocks, layout))
        partial.replace(path)
    return service


def main() -> None:
    from benchmarks.ingest import BOTOCORE, best, load

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", default="multiline", choices=pagegen.LAYOUTS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers generating missing pages")
    parser.add_argument("--generate-only", action="store_true", help="fill the page cache and stop")
    parser.add_argument("--services", help="only these (comma-separated): a part of the corpus, named as such")
    args = parser.parse_args()
    services = args.services.split(",") if args.services else installed_services()
    cached_pages(services, args.jobs)
    if args.generate_only:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder, store = Path(tmp) / args.layout, Path(tmp) / "store.db"
        folder.mkdir()
        for name in services:
            (folder / page_path(name, args.layout).name).symlink_to(page_path(name, args.layout))
        ingest = [sys.executable, "-c", _FRESH_STORE, str(store), str(folder)]
        rejected = set_aside_rejected(ingest, folder)
        services = [name for name in services if name not in rejected]
        size = sum(page_path(name, args.layout).stat().st_size for name in services)
        spent = best({"ours": ingest, "botocore": [sys.executable, "-c", BOTOCORE, *services]}, args.repeat)
        store_mb = _store_size(store) / 1e6
    ours, boto = spent["ours"], spent["botocore"]
    for name, error in rejected.items():
        print(f"set aside (ingest rejects it, so the timing leaves it out): {name}: {error}")
    part = f"{len(services)} of {len(installed_services())}" if args.services or rejected else f"all {len(services)}"
    print(f"corpus: {part} services of botocore {corpus_root().name}, {size / 1e6:.1f} MB of pages, "
          f"layout {args.layout}; whole processes, best of {args.repeat}; {load()}")  # fmt: skip
    print(f"changelog-tracker ingest        {ours.wall:7.2f} s (cpu {ours.cpu:.2f} s; target <= 10 s)   "
          f"store {store_mb:.1f} MB")  # fmt: skip
    print(f"botocore loading the models     {boto.wall:7.2f} s (cpu {boto.cpu:.2f} s)   "
          f"ours/botocore = {ours.wall / boto.wall:.2f}x (cpu {ours.cpu / boto.cpu:.2f}x)")  # fmt: skip


def set_aside_rejected(ingest: list[str], folder: Path) -> dict[str, str]:
    """Run the ingest (untimed) until it passes, each time taking out of ``folder`` the page it
    rejects (ingest stores all or nothing): ``{service: its error}``."""
    rejected: dict[str, str] = {}
    while (done := subprocess.run(ingest, capture_output=True, text=True, check=False)).returncode:
        error = done.stderr.strip().splitlines()[-1]
        page = next((p for p in folder.iterdir() if f"{p}:" in error), None)
        if page is None:
            sys.exit(f"ingest failed, naming no page of the corpus:\n{done.stderr}")
        rejected[page.stem.split("_", 1)[1]] = error.replace(str(page), page.name)
        page.unlink()
    return rejected


# Each run starts from no store, so every run does the same work; the last run's store is measured.
_FRESH_STORE = """
import os, sys
from changelog_tracker.cli import main
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(sys.argv[1] + suffix):
        os.remove(sys.argv[1] + suffix)
main(["--store", sys.argv[1], "ingest", sys.argv[2]], standalone_mode=True)
"""


def _store_size(store: Path) -> int:
    """The store's bytes once checkpointed (a write-ahead log would hide part of them)."""
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in store.parent.glob(store.name + "*"))


if __name__ == "__main__":
    main()
