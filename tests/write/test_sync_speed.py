"""How sync converts a release (issue 12 item 3): workers hand back encoded rows (strings, not shape
trees to encode again in the one writing process), each share of services opens the wheel once,
and the rows are the same whichever way the services are shared out."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from changelog_tracker.graph.encode import EncodedPage
from changelog_tracker.write import sync as syncing
from changelog_tracker.write.ingest import Prepared
from changelog_tracker.write.sync import Converter, Release
from tests.write.sync_wheels import MANIFEST, build_wheels

VERSION = "1.42.60"
SERVICES = sorted(MANIFEST["services"])


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    folder = tmp_path_factory.mktemp("wheels")
    build_wheels(folder, VERSION, VERSION)
    (wheel,) = folder.glob("*.whl")
    return Release(VERSION, wheel, dt.date(2026, 3, 3), {})


def rows(prepared: Iterable[Prepared]) -> dict[str, tuple[str, list[str], Mapping[str, str | bytes]]]:
    pages: list[EncodedPage] = [page for item in prepared for page in item.pages]
    return {p.record.service: (p.digest, [v.input for v in p.versions], p.nodes) for p in pages}


def test_workers_hand_back_encoded_pages(release: Release) -> None:
    with Converter() as convert:
        prepared = list(convert(release, SERVICES, {}))  # the workers' pages come as they are read
    pages = [page for item in prepared for page in item.pages]
    assert all(isinstance(page, EncodedPage) for page in pages)
    assert sorted(p.record.service for p in pages) == SERVICES


def test_a_share_opens_the_wheel_once(release: Release, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    real = zipfile.ZipFile

    def counting(file: str, *args: Any, **kwargs: Any) -> zipfile.ZipFile:
        opened.append(file)
        return real(file, *args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipFile", counting)
    with Converter() as convert:
        convert(release, SERVICES, {}, parallel=False)
    assert len(opened) == 1


def test_shared_out_or_not_the_rows_are_the_same(release: Release, monkeypatch: pytest.MonkeyPatch) -> None:
    with Converter() as convert:
        serial = rows(convert(release, SERVICES, {}, parallel=False))
    monkeypatch.setattr(syncing, "_cores", lambda: 2)
    monkeypatch.setattr(Converter, "SHARES", 3)  # 6 shares of 12 services
    with Converter() as convert:
        shared = rows(convert(release, SERVICES, {}))
    # Nodes a share met for an earlier page are not repeated: compare digests and roots.
    assert {s: r[:2] for s, r in shared.items()} == {s: r[:2] for s, r in serial.items()}
    assert set().union(*(r[2] for r in shared.values())) == set().union(*(r[2] for r in serial.values()))


def test_an_overlay_is_stored_as_its_canonical_json(release: Release) -> None:
    from changelog_tracker.graph.encode import NodeEncoder, canonical, node_id_of
    from changelog_tracker.sources.botocore import operations_from_json
    from changelog_tracker.sources.wheel import wheel_files

    files = next(iter(wheel_files(release.wheel, ["ecs"]).values()))
    encoder = NodeEncoder()
    overlays = [op.traits for op in operations_from_json(files.model, "ecs", files.paginators, files.waiters)]
    for overlay in overlays:  # trait dicts shared among paths and operations: each written once, the same text
        assert overlay is not None
        blob = encoder.overlay(overlay)
        assert blob == node_id_of(canonical(overlay)) and encoder.blobs[blob] == canonical(overlay)
    weird: dict[str, dict[str, Any]] = {
        'input.\u00e9"x': {"pattern": "^\\\\d+\u2603$", "max": 1.5},
        "": {},
        "input": {"deprecated": True},
    }
    assert encoder.blobs[encoder.overlay(weird)] == canonical(weird)


def test_models_convert_without_botocore_model_objects(release: Release, monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's Shape objects were most of a conversion: the walk reads the JSON itself."""
    import botocore.model

    from changelog_tracker.sources.botocore import operations_from_json
    from changelog_tracker.sources.wheel import wheel_files

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("built a botocore model object")

    for name in ("ServiceModel", "OperationModel", "ShapeResolver"):
        monkeypatch.setattr(botocore.model, name, refused)
    files = wheel_files(release.wheel)
    assert all(list(operations_from_json(f.model, s, f.paginators, f.waiters)) for s, f in files.items())


def test_a_new_release_of_a_complete_page_asks_nothing_per_operation(release: Release, tmp_path: Path) -> None:
    """The day's first source of a complete page: its manifest answers, no query per operation."""
    from changelog_tracker.graph.store import Store
    from changelog_tracker.write.ingest import store_prepared

    with Converter() as convert:
        prepared = list(convert(release, ["ecs"], {}, parallel=False))
    with Store(tmp_path / "t.db") as store:
        asked: list[str] = []
        store.db.connection.set_trace_callback(asked.append)
        store_prepared(store, prepared)
        store.db.connection.set_trace_callback(None)
        per_operation = [sql for sql in asked if "FROM versions WHERE service=" in sql and "operation=" in sql]
        assert per_operation == [] and store.state("ecs", "2026-03-03")


def test_the_biggest_models_are_converted_first(release: Release) -> None:
    """The workers take the services in this order: the biggest model must not start last."""
    with zipfile.ZipFile(release.wheel) as archive:
        sizes: dict[str, int] = {}
        for info in archive.infolist():
            if "/service-2.json" in info.filename:
                service = info.filename.split("/")[2]
                sizes[service] = max(sizes.get(service, 0), info.file_size)
    ordered = syncing.biggest_first(release.wheel, sorted(SERVICES))
    assert sorted(ordered) == sorted(SERVICES)
    assert ordered[0] == max(SERVICES, key=lambda s: sizes[s]) != sorted(SERVICES)[0]
