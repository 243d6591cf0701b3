"""``sync``: store every botocore release in a range that the store lacks, oldest first, each one
whole in one transaction (killed anywhere, the store holds whole releases; run again, it goes on).

A day's release is its newest botocore version (botocore often ships twice a day, both dated by
their files the same day): an older one of a day is left out, or replaced when it was stored first.

Incremental by content: a service whose files hash as the stored model before the release
(``Store.model_digest``) is recorded as unchanged (``Store.put_unchanged``), no conversion; only
the changed services are read and converted, in worker processes on every core."""

from __future__ import annotations

import bisect
import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrackerError
from ..graph.store import Store
from ..sources.releases import Releases, version_key, wheel_version
from ..suggest import did_you_mean
from .baseline import model_pages
from .ingest import Placing, Prepared, Progress, die_with_parent, encode_pages, store_prepared

Bound = str | dt.date | None  # a version ("1.42.55"), a date, or no bound


@dataclass(frozen=True)
class Release:
    """One release to store: its wheel, date and every service's digest."""

    version: str
    wheel: Path
    date: dt.date
    digests: dict[str, str]


@dataclass
class Added:
    """What storing one release did."""

    version: str
    release: str
    source: str
    changed: list[str]
    unchanged: int
    seconds: float
    replaced: str | None = None  # the older version of the same day it replaced

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "release": self.release, "source": self.source, "changed": self.changed,
                "unchanged": self.unchanged, "seconds": round(self.seconds, 3), "replaced": self.replaced}  # fmt: skip


@dataclass
class SyncReport:
    added: list[Added] = field(default_factory=list)
    stored: int = 0  # releases in the range the store already held
    seconds: float = 0.0
    superseded: list[str] = field(default_factory=list)  # versions a newer one of the same day stands for

    def to_json(self) -> dict[str, Any]:
        return {"added": [a.to_json() for a in self.added], "already_stored": self.stored,
                "superseded": self.superseded, "seconds": round(self.seconds, 3)}  # fmt: skip


def sync(
    store: Store,
    releases: Releases,
    since: Bound = None,
    until: Bound = None,
    services: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Store the releases in ``since``..``until`` (both included) that the store lacks, oldest first.

    Without ``since``: from the newest release the store holds (an empty store: the newest release
    in range only). ``services``: complete for those only, as ``baseline --service``. Every wheel is
    found, read and checked before anything is written: an error leaves the store as it was."""
    started = time.monotonic()
    wanted = list(services) if services else None
    stored = stored_versions(store, wanted)
    versions = in_range(releases, since, until, stored)
    todo = [v for v in versions if v not in stored]
    fetched = fetch(releases, todo, progress)
    if wanted:
        _check_services(wanted, fetched, store.services())
    held = held_days(store, wanted)
    plan = newest_of_each_day(fetched, held)
    report = SyncReport(stored=len(versions) - len(todo), superseded=[r.version for r in fetched if r not in plan])
    with Converter() as convert:
        for done, release in enumerate(plan):
            older = held.get(release.date.isoformat())
            stage = _stage(progress, done, len(plan))
            report.added.append(store_release(store, release, wanted, convert, stage, replacing=older))
            if progress:
                progress(done + 1, len(plan), f"stored botocore {release.version}")
    report.seconds = time.monotonic() - started
    return report


def in_range(releases: Releases, since: Bound, until: Bound, stored: set[str]) -> list[str]:
    """The versions from ``since`` to ``until``; dates are found from wheels by bisection (versions are
    released in date order), so an index source downloads a few wheels, not all."""
    versions = releases.versions
    low = 0 if since is None else _index(releases, since, left=True)
    high = len(versions) if until is None else _index(releases, until, left=False)
    if since is None:
        held = [i for i, v in enumerate(versions[:high]) if v in stored]
        low = held[-1] if held else max(high - 1, 0)
    return versions[low:high]


def _index(releases: Releases, bound: str | dt.date, left: bool) -> int:
    """Where ``bound`` cuts the versions: the first index at or after it (``left``), else past the last
    one at or before it."""
    versions = releases.versions
    if isinstance(bound, str):
        if bound not in versions:
            near = did_you_mean(bound, versions[-200:])
            raise TrackerError(f"no botocore release {bound} (from {versions[0]} to {versions[-1]}){near}")
        return versions.index(bound) + (0 if left else 1)
    dates = _Dates(releases)
    cut = bisect.bisect_left if left else bisect.bisect_right
    return cut(range(len(versions)), bound, key=dates.of)


class _Dates:
    def __init__(self, releases: Releases) -> None:
        self.releases = releases
        self.known: dict[int, dt.date] = {}

    def of(self, index: int) -> dt.date:
        if index not in self.known:
            version = self.releases.versions[index]
            self.known[index] = _examine(version, self.releases.wheel(version))[0]
        return self.known[index]


def stored_versions(store: Store, services: Sequence[str] | None) -> set[str]:
    """The botocore versions the store holds whole (every service; with ``services``: each of those)."""
    full = {v for source in store.coverage().values() if (v := wheel_version(source))}
    if not services:
        return full
    held = [{v for p in store.pages(s) if p.complete and (v := wheel_version(p.source))} for s in services]
    return full | set.intersection(*held)


def held_days(store: Store, services: Sequence[str] | None) -> dict[str, str]:
    """Day -> the botocore wheel the store holds whole for it (as ``stored_versions``)."""
    sources = [store.coverage()] if not services else [
        {p.release: p.source for p in store.pages(s) if p.complete} for s in services
    ]  # fmt: skip
    days: dict[str, str] = {}
    for day in set.intersection(*(set(held) for held in sources)) if sources else set():
        wheels = {held[day] for held in sources}
        if len(wheels) == 1 and wheel_version(wheel := wheels.pop()):
            days[day] = wheel
    return days


def newest_of_each_day(plan: list[Release], held: dict[str, str]) -> list[Release]:
    """The releases of ``plan`` that are the newest version of their day, of those planned and held."""
    newest: dict[dt.date, Release] = {}
    for release in plan:
        day = newest.get(release.date)
        if day is None or version_key(release.version) > version_key(day.version):
            newest[release.date] = release
    return [
        r for r in plan if newest[r.date] is r
        and (r.date.isoformat() not in held or version_key(r.version) > version_key(_version(held[r.date.isoformat()])))
    ]  # fmt: skip


def _version(wheel: str) -> str:
    return wheel_version(wheel) or ""  # held_days keeps only wheels that name one


def fetch(releases: Releases, versions: Iterable[str], progress: Progress | None = None) -> list[Release]:
    """Each version's wheel (downloaded if need be), date and digests, oldest first."""
    todo = sorted(versions, key=version_key)
    plan = []
    for done, version in enumerate(todo):
        if progress:
            progress(done, len(todo), f"finding botocore {version}")
        wheel = releases.wheel(version)
        plan.append(Release(version, wheel, *_examine(version, wheel)))
    return plan


def _examine(version: str, wheel: Path) -> tuple[dt.date, dict[str, str]]:
    """A wheel's release date and digests, or one line saying it is no botocore wheel."""
    import zipfile

    from ..sources.wheel import wheel_date, wheel_digests

    try:
        return wheel_date(wheel), wheel_digests(wheel)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise TrackerError(f"{wheel}: not a botocore {version} wheel ({err})") from None


def _check_services(services: list[str], plan: list[Release], stored: list[str]) -> None:
    known = {s for release in plan for s in release.digests}.union(stored)
    for service in services:
        if service not in known:
            raise TrackerError(f"no botocore release in range has service {service!r}{did_you_mean(service, known)}")


def store_release(
    store: Store,
    release: Release,
    services: list[str] | None,
    convert: Converter,
    progress: Progress | None = None,
    replacing: str | None = None,
) -> Added:
    """One release, in one transaction: unchanged services recorded by digest, changed ones converted;
    ``replacing``: the wheel of an older version of the same day the store holds, forgotten in the same
    transaction."""
    started = time.monotonic()
    day, source = release.date.isoformat(), release.wheel.name
    wanted = sorted(release.digests) if services is None else [s for s in services if s in release.digests]
    unchanged = [s for s in wanted if store.model_digest(s, day) == release.digests[s]]
    changed = biggest_first(release.wheel, [s for s in wanted if s not in set(unchanged)])
    if progress:
        progress(0, 1, f"botocore {release.version} ({day}): converting {len(changed)} of {len(wanted)} services")
    learned = store.names()
    converting = convert(release, changed, learned)  # workers convert while this process reads the rest
    known = {s: store.unchanged_page(s, day, source, release.digests[s]) for s in unchanged}
    missed = [s for s, page in known.items() if page is None]
    kept = Prepared([page for page in known.values() if page is not None], [])
    pages = [kept, *converting, *convert(release, missed, learned, parallel=False)]
    with store.transaction():
        if replacing is not None:
            store.drop_complete_source(day, replacing, None if services is None else wanted)
        store_prepared(store, pages)
        if services is None:
            store.put_coverage(day, source)
    return Added(release.version, day, source, sorted(changed + missed), len(unchanged) - len(missed),
                 time.monotonic() - started, None if replacing is None else _version(replacing))  # fmt: skip


def biggest_first(wheel: Path, services: list[str]) -> list[str]:
    """``services`` by the size of their files in the wheel, biggest first: the workers take them in
    this order, and a big model (quicksight, ec2) started last would end the release alone."""
    import zipfile

    from ..sources.wheel import newest_files

    with zipfile.ZipFile(wheel) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    members = newest_files(list(sizes))
    return sorted(services, key=lambda s: (-sum(sizes[m] for m in members.get(s, {}).values()), s))


def _stage(progress: Progress | None, done: int, total: int) -> Progress | None:
    """A release's own steps shown on the overall bar (which counts releases, for the ETA)."""
    if progress is None:
        return None
    outer = progress

    def stage(_done: int, _total: int, text: str = "", /) -> None:
        outer(done, total, text)

    return stage


class Converter:
    """Converts services of a release into encoded complete pages (the rows to write), in worker
    processes when there are many: each worker reads and encodes a share of the services, opening
    the wheel once (opening a botocore wheel reads its directory of some 2000 files)."""

    PARALLEL = 4  # fewer services than this convert faster here than a pool starts
    SHARES = 4  # shares of the services per worker: the big services even out, few wheel openings

    def __init__(self) -> None:
        self.pool: Any = None

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()  # also on an error or a signal: no worker outlives the sync
            self.pool.join()

    def __call__(
        self, release: Release, services: list[str], learned: dict[str, str], parallel: bool = True
    ) -> Iterable[Prepared]:
        """``learned``: the store's service names (``Store.names``), which place a page. In parallel the
        workers start at once and the pages come as they are read (iterate to wait for them)."""
        workers = _cores()
        if not parallel or workers < 2 or len(services) < self.PARALLEL:
            return [_convert((release, services, learned))] if services else []
        if self.pool is None:
            self.pool = multiprocessing.Pool(workers, initializer=die_with_parent, initargs=(os.getpid(),))
        shares = workers * self.SHARES
        jobs = [(release, services[i::shares], learned) for i in range(min(shares, len(services)))]
        return self.pool.imap(_convert, jobs)  # type: ignore[no-any-return]


def _cores() -> int:
    count: Callable[[], int | None] = getattr(os, "process_cpu_count", os.cpu_count)  # 3.13 counts usable cores
    return count() or 1


def _convert(job: tuple[Release, list[str], dict[str, str]]) -> Prepared:
    from ..sources.wheel import wheel_files

    release, services, learned = job
    pages = model_pages(wheel_files(release.wheel, services), release.date, release.wheel.name)
    return encode_pages(pages, Placing(learned=learned))
