"""Digests that make sync incremental: equal exactly when a service's three files are (the gzip
header's timestamp, which botocore stamps anew for every release, left out); cheap to take."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zipfile
from pathlib import Path

from changelog_tracker.sources.wheel import digest_of, wheel_digests, wheel_files
from changelog_tracker.write.baseline import model_pages
from tests.helpers import DATA, committed_model

MODEL = committed_model("bedrock-agentcore-control", "1.42.65")


def wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(f"botocore/data/demo/2020-01-01/{name}", (2026, 3, 10, 0, 0, 0)), data)
    return path


def test_a_regzipped_model_keeps_its_digest_a_changed_file_does_not(tmp_path: Path) -> None:
    raw = json.dumps(MODEL).encode()
    one = wheel(tmp_path / "a.whl", {"service-2.json.gz": gzip.compress(raw, mtime=1)})
    two = wheel(tmp_path / "b.whl", {"service-2.json.gz": gzip.compress(raw, mtime=2)})
    paginated = wheel(tmp_path / "c.whl", {"service-2.json.gz": gzip.compress(raw, mtime=3),
                                           "paginators-1.json": b'{"pagination": {}}'})  # fmt: skip
    waited = wheel(tmp_path / "d.whl", {"service-2.json.gz": gzip.compress(raw, mtime=3),
                                        "waiters-2.json": b'{"pagination": {}}'})  # fmt: skip
    digests = [wheel_digests(w)["demo"] for w in (one, two, paginated, waited)]
    assert digests[0] == digests[1]
    assert len(set(digests[1:])) == 3  # the paginators and the waiters count, and which file holds what
    assert gzip.compress(raw, mtime=1) != gzip.compress(raw, mtime=2)


def test_wheel_files_read_all_three_and_agree_with_the_digests(tmp_path: Path) -> None:
    path = wheel(tmp_path / "w.whl", {"service-2.json": json.dumps(MODEL).encode(),
                                      "waiters-2.json": b'{"version": 2, "waiters": {}}'})  # fmt: skip
    files = wheel_files(path)["demo"]
    assert files.model == MODEL and files.paginators is None and files.waiters == {"version": 2, "waiters": {}}
    assert files.digest == wheel_digests(path)["demo"] == digest_of([json.dumps(MODEL).encode(), None,
                                                                       b'{"version": 2, "waiters": {}}'])  # fmt: skip


def test_model_pages_carry_the_digest(tmp_path: Path) -> None:
    path = wheel(tmp_path / "w.whl", {"service-2.json": json.dumps(MODEL).encode()})
    files = wheel_files(path)
    (page,) = model_pages(files, dt.date(2026, 3, 10), path.name)
    assert page.model_digest == files["demo"].digest and page.complete
    (bare,) = model_pages({"demo": MODEL}, dt.date(2026, 3, 10), "m")  # a bare model: no digest to reuse
    assert bare.model_digest is None and bare.methods == page.methods


def test_model_pages_pass_paginators_and_service_traits(tmp_path: Path) -> None:
    paginators = gzip.decompress((DATA / "history/paginators/bedrock-agentcore-control/1.42.43.json.gz").read_bytes())
    path = wheel(tmp_path / "w.whl", {"service-2.json": json.dumps(MODEL).encode(), "paginators-1.json": paginators})
    (page,) = model_pages(wheel_files(path), dt.date(2026, 3, 10), path.name)
    assert page.traits is not None and page.traits["protocol"] == MODEL["metadata"]["protocol"]
    listed = next(m.operation for m in page.methods if m.operation.api_name == "ListAgentRuntimes")
    assert listed.traits is not None
    assert listed.traits[""]["paginator"] == json.loads(paginators)["pagination"]["ListAgentRuntimes"]


def test_sync_stores_what_the_model_knows(tmp_path: Path) -> None:
    """A synced release answers traits: the service's protocol, an operation's paginator."""
    from changelog_tracker import Store
    from changelog_tracker.sources.releases import Releases
    from changelog_tracker.write.sync import sync
    from tests.write.sync_wheels import DATES, build_wheel

    build_wheel(tmp_path, "1.42.65")
    with Store(tmp_path / "tracker.db") as store:
        sync(store, Releases.in_folder(tmp_path), "1.42.65", None, ["bedrock-agentcore-control"])
        day = DATES["1.42.65"]
        assert store.service_traits("bedrock-agentcore-control", day) == {
            "protocol": "rest-json",
            "protocols": ["rest-json"],
            "api_version": "2023-06-05",
            "module_name": "BedrockAgentCoreControl",
        }
        version = store.state("bedrock-agentcore-control", day)["list_agent_runtimes"]
        overlay = store.traits(version)
    assert overlay is not None and overlay[""]["paginator"]["result_key"] == "agentRuntimes"
