"""Sync the last N botocore releases from the real package index (as pip sees it) into a temporary
store, and print the figures: releases, download time, storing time (first release, mean of the
following ones), store size against the releases' model files gzipped. Not run in CI.

    python -m scripts.sync_index            # the last 30 releases
    python -m scripts.sync_index --releases 10 --cache /tmp/wheels
"""

from __future__ import annotations

import gzip
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

import click

from changelog_tracker.graph.store import Store
from changelog_tracker.sources.releases import Releases, download_wheel, user_cache
from changelog_tracker.sources.wheel import newest_files
from changelog_tracker.write.sync import sync


@click.command()
@click.option("--releases", "count", default=30, show_default=True, help="How many of the newest releases.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None, help="Wheel cache.")
@click.option("--index-url", default=None, help="The package index (default: pip's configuration).")
def main(count: int, cache: Path | None, index_url: str | None) -> None:
    folder = cache or user_cache()
    started = time.monotonic()
    releases = Releases.on_index(folder, index_url)
    chosen = releases.versions[-count:]
    listed = time.monotonic() - started
    fetched = time.monotonic()
    wheels = [download_wheel(v, folder, index_url) for v in chosen]  # timed apart from storing
    downloading = time.monotonic() - fetched
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "tracker.db"
        with Store(db, create=True) as store:
            report = sync(store, releases, since=chosen[0], until=chosen[-1])
        size = db.stat().st_size
    first, *rest = report.added
    gzipped = sum(_models_gzipped(w) for w in wheels)
    click.echo(f"botocore {chosen[0]} .. {chosen[-1]}: {len(report.added)} releases added")
    click.echo(f"  pip index versions: {listed:.1f} s; downloads (cache {folder}): {downloading:.1f} s")
    click.echo(f"  sync: {report.seconds:.1f} s in all; first release {first.seconds:.1f} s"
               f" ({len(first.changed)} services)")  # fmt: skip
    if rest:
        changed = statistics.mean(len(a.changed) for a in rest)
        click.echo(f"  following releases: mean {statistics.mean(a.seconds for a in rest):.2f} s,"
                   f" max {max(a.seconds for a in rest):.2f} s, {changed:.1f} services changed on average")  # fmt: skip
    click.echo(f"  store {size / 1e6:.1f} MB; the releases' model files gzipped {gzipped / 1e6:.1f} MB"
               f" ({100 * size / gzipped:.0f}%)")  # fmt: skip


def _models_gzipped(wheel: Path) -> int:
    """The bytes of a wheel's models (each service's newest), gzipped (as the wheel ships them)."""
    with zipfile.ZipFile(wheel) as archive:
        members = [files["service-2"] for files in newest_files(archive.namelist()).values()]
        sizes = [archive.getinfo(m).file_size if m.endswith(".gz") else len(gzip.compress(archive.read(m)))
                 for m in members]  # fmt: skip
    return sum(sizes)


if __name__ == "__main__":
    main()
