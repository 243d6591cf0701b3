"""Store growth over real consecutive botocore releases: a complete source adds rows only for the
services that changed, and a model whose files are unchanged is recorded without converting it."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
import sqlite3
from functools import cache
from pathlib import Path

import pytest

from changelog_tracker import Store, StoreError, log, show
from changelog_tracker.graph import opening
from changelog_tracker.model import Page, PageMethod
from changelog_tracker.sources.botocore import full_name, operations_from_json
from changelog_tracker.write.ingest import store_pages
from tests.helpers import DATA, dump

HISTORY = DATA / "history"
MANIFEST = json.loads((HISTORY / "manifest.json").read_text(encoding="utf-8"))
SERVICES: list[str] = MANIFEST["services"]
DATES: dict[str, str] = dict(MANIFEST["versions"])
# 1.42.26 changes none of these services' models; 1.42.27 changes bedrock's (traits and documentation
# only), 1.42.28 eks's: against 1.42.25, 1.42.28 changes those two of the twelve.
FIRST, SAME, SAME_AGAIN, EKS_CHANGED = "1.42.25", "1.42.26", "1.42.27", "1.42.28"


def _key(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


@cache
def model_file(service: str, release: str) -> Path:
    """The service's model as of ``release``: its newest committed file at or before it."""
    files = [p for p in (HISTORY / "models" / service).glob("*.json.gz") if _key(p.name[:-8]) <= _key(release)]
    return max(files, key=lambda p: _key(p.name[:-8]))


def digest(service: str, release: str) -> str:
    return hashlib.sha256(model_file(service, release).read_bytes()).hexdigest()


@cache
def page(service: str, release: str) -> Page:
    with gzip.open(model_file(service, release), "rt", encoding="utf-8") as handle:
        model = json.load(handle)
    methods = tuple(PageMethod(op, "new") for op in operations_from_json(model, service))
    day = dt.date.fromisoformat(DATES[release])
    source = f"botocore-{release}-py3-none-any.whl"
    return Page(source, day, full_name(model) or None, methods, service=service, complete=True,
                model_digest=digest(service, release))  # fmt: skip


def convert(store: Store, release: str) -> None:
    store_pages(store, [page(s, release) for s in SERVICES], covers_all=True)


def sync(store: Store, release: str) -> None:
    """What sync does: a service whose model files are unchanged costs a hash, not a conversion."""
    source = f"botocore-{release}-py3-none-any.whl"
    with store.transaction():
        changed = []
        for service in SERVICES:
            known = store.model_digest(service, DATES[release])
            if known != digest(service, release) or not store.put_unchanged(service, DATES[release], source, known):
                changed.append(page(service, release))
        store_pages(store, changed)
        store.put_coverage(DATES[release], source)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the first release, converted once for the module (tests copy it)."""
    db = tmp_path_factory.mktemp("first") / "first.db"
    with Store(db) as store:
        convert(store, FIRST)
    return db


def copy(db: Path, to: Path) -> Path:
    shutil.copyfile(db, to)
    return to


def _count(store: Store, table: str) -> int:
    count: int = store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return count


def _bytes(store: Store) -> int:
    pages, size = (store.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    return int(pages * size)


def _answers(store: Store) -> str:
    shown = {f"{s}@{r}": [x.to_json() for x in show(store, s, at=r)] for s in SERVICES for r in store.releases(s)[-1:]}
    traits = {s: store.service_traits(s, "9999-12-31") for s in SERVICES}
    return json.dumps({"log": [e.to_json() for e in log(store)], "show": shown, "traits": traits}, sort_keys=True)


def test_an_identical_second_baseline_adds_no_version_rows_and_a_few_bytes(first: Path, tmp_path: Path) -> None:
    with Store(copy(first, tmp_path / "s.db")) as store:
        rows = {t: _count(store, t) for t in ("versions", "nodes", "blobs")}
        size = _bytes(store)
        convert(store, SAME)
        assert {t: _count(store, t) for t in rows} == rows  # shapes, documentation, manifests all shared
        assert _count(store, "versions") == 0  # complete sources keep no per-operation rows
        assert _bytes(store) - size <= 8 * 4096, (size, _bytes(store))  # 12 pages rows, not a release again
        assert store.releases() == [DATES[FIRST], DATES[SAME]]
        assert {v.release for v in store.state("ecs", DATES[SAME]).values()} == {DATES[SAME]}


def test_a_baseline_changing_one_service_adds_rows_for_that_one_only(first: Path, tmp_path: Path) -> None:
    with Store(copy(first, tmp_path / "s.db")) as store:
        before = {t: _count(store, t) for t in ("nodes", "blobs")}
        convert(store, EKS_CHANGED)
        sql = (
            "SELECT service FROM pages WHERE release=? AND manifest NOT IN (SELECT manifest FROM pages WHERE release=?)"
        )
        new = store.db.execute(sql, (DATES[EKS_CHANGED], DATES[FIRST])).fetchall()
        changed = sorted((s,) for s in SERVICES if model_file(s, EKS_CHANGED) != model_file(s, FIRST))
        assert changed == [("bedrock",), ("eks",)]  # the data, as the comment at the top says
        assert new == changed
        assert _count(store, "blobs") > before["blobs"]  # eks's new manifest and what changed in it
        assert _count(store, "versions") == 0


def test_an_unchanged_model_recorded_by_its_digest_is_the_store_a_conversion_makes(first: Path, tmp_path: Path) -> None:
    converted_db, synced_db = copy(first, tmp_path / "converted.db"), copy(first, tmp_path / "synced.db")
    with Store(converted_db) as converted, Store(synced_db) as synced:
        for release in (SAME, EKS_CHANGED):
            convert(converted, release)
        assert synced.model_digest("eks", DATES[FIRST]) is None  # strictly before
        assert synced.model_digest("eks", DATES[SAME]) == digest("eks", FIRST)
        for release in (SAME, EKS_CHANGED):
            sync(synced, release)
        assert dump(synced) == dump(converted)  # the same rows
        assert _answers(synced) == _answers(converted)
        assert synced.coverage() == {DATES[r]: f"botocore-{r}-py3-none-any.whl" for r in (FIRST, SAME, EKS_CHANGED)}


def test_put_unchanged_needs_a_stored_digest_and_is_idempotent(first: Path, tmp_path: Path) -> None:
    with Store(copy(first, tmp_path / "s.db")) as store:
        before = dump(store)
        with store.transaction():
            assert not store.put_unchanged("ecs", DATES[SAME], "w.whl", "0" * 64)
            assert not store.put_unchanged("eks", DATES[SAME], "w.whl", digest("ecs", FIRST))  # another service's
        assert dump(store) == before
        for _ in range(2):
            with store.transaction():
                assert store.put_unchanged("ecs", DATES[SAME_AGAIN], "w.whl", digest("ecs", FIRST))
            again = dump(store)
        assert again != before and _count(store, "versions") == 0
        state = store.state("ecs", DATES[SAME_AGAIN])
        assert {op: (v.input, v.output) for op, v in state.items()} == {
            op: (v.input, v.output) for op, v in store.state("ecs", DATES[FIRST]).items()
        }


def test_a_format_1_store_is_refused_with_the_rebuild_message(first: Path, tmp_path: Path) -> None:
    db = copy(first, tmp_path / "old.db")
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 1")
    raw.close()
    with pytest.raises(StoreError, match=f"older format \\(1, today {opening.FORMAT_VERSION}\\): {opening.REBUILD}"):
        Store(db, create=False)


# Measured 2026-12-02 (store format 5: each write's new bodies compressed together in packs): the first
# release of the twelve services 1.13 MB, and 1.27 MB after the ten following ones (format 4, body by
# body: 1.70 MB and 2.07 MB; format 3: 3.26 MB and 3.47 MB). The bounds leave a tenth for SQLite's page
# splits; a store format that grows past them must say why.
FIRST_BOUND, ELEVEN_BOUND = 1_240_000, 1_400_000


def test_a_store_of_real_releases_stays_under_its_measured_size(first: Path, tmp_path: Path) -> None:
    with Store(copy(first, tmp_path / "s.db")) as store:
        assert _bytes(store) <= FIRST_BOUND, _bytes(store)
        for release in list(DATES)[1:11]:
            sync(store, release)
        assert len(store.releases()) == 11
        assert _bytes(store) <= ELEVEN_BOUND, _bytes(store)


def test_a_changed_service_writes_only_the_manifest_parts_it_changed(first: Path, tmp_path: Path) -> None:
    """A manifest is a list of parts (operations cut by their names' hashes): eks's change writes a few."""
    with Store(copy(first, tmp_path / "s.db")) as store:
        convert(store, EKS_CHANGED)
        sql = "SELECT manifest FROM pages WHERE service='eks' ORDER BY release"
        roots = [store._blob(bytes(row[0]).hex()) for row in store.db.execute(sql)]
        assert all(isinstance(root, list) for root in roots)  # lists of parts, not one {operation: entry}
        before, after = (set(root) for root in roots)
        assert all(isinstance(store._blob(part), dict) for part in after)
        assert len(after) > 4 and before != after
        assert len(after - before) <= len(after) / 2, (len(after - before), len(after))  # most parts are shared
