"""Stored bodies (store format 4, graph/bodies.py): compressed with the shipped dictionary where that
is smaller, keyed by their id's first 8 bytes, read back exactly; a damaged one is refused."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker import Store, StoreError, show
from changelog_tracker.graph import opening
from changelog_tracker.graph.bodies import key, pack, unpack
from changelog_tracker.graph.encode import member_docs, node_id_of
from changelog_tracker.model import Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.sources.botocore import full_name, operations_from_json
from changelog_tracker.write.ingest import store_pages
from tests.helpers import DATA, committed_model

SERVICE = "bedrock-agentcore-control"
FORMAT_3 = DATA / "store" / "format3.db"  # written by the previous release (d80e5da) from a seed page


@given(st.text())
def test_any_text_packs_and_unpacks_to_itself(text: str) -> None:
    packed = pack(text)
    assert unpack(packed) == text
    assert len(packed if isinstance(packed, bytes) else packed.encode()) <= len(text.encode())  # never bigger


@pytest.mark.parametrize("text", ["", "x", "é" * 3, "\u2028\x00\U0001f600", '{"a":' * 200_000 + "1" + "}" * 200_000])
def test_edge_texts_pack_and_unpack_to_themselves(text: str) -> None:
    assert unpack(pack(text)) == text


def test_short_real_bodies_shrink_with_the_dictionary() -> None:
    """A shape node of a few dozen bytes, where zlib gains nothing, still shrinks."""
    members = '[["Name",true,"0b9c9e2b6c2c3e1f0a1b2c3d"],["Tags",false,"5f4e3d2c1b0a99887766554f"]]'
    body = f'{{"members":{members},"type":"structure"}}'

    assert len(zlib.compress(body.encode(), 9)) >= len(body) * 0.8
    packed = pack(body)
    assert isinstance(packed, bytes) and len(packed) < len(body) * 0.7


def test_a_key_is_the_ids_first_eight_bytes_signed() -> None:
    assert key("0000000000000001" + "ab" * 4) == 1
    assert key("ffffffffffffffff" + "00" * 4) == -1
    assert key("8000000000000000" + "00" * 4) == -(2**63)


def _page(documentation: str, member_doc: str) -> Page:
    shape = Structure((Member("Name", Scalar("string"), documentation=member_doc),))
    op = Operation("Get", shape, Structure(), "Get", documentation=documentation)
    return Page("t.txt", dt.date(2026, 3, 1), "Test Service", (PageMethod(op, "new"),), service="test-svc")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.text(min_size=1))
def test_any_documentation_is_stored_and_read_back_the_same(documentation: str, member_doc: str) -> None:
    with Store(":memory:") as store:
        store_pages(store, [_page(documentation, member_doc)])
        version = store.state("test-svc", "2026-03-01")["Get"]
        assert store.documentation(version) == (documentation, {"input.Name": member_doc})


def test_a_real_model_reads_back_the_same_and_its_bodies_are_compressed() -> None:
    model = committed_model(SERVICE, "1.42.65")
    ops = list(operations_from_json(model, SERVICE))
    page = Page("a.whl", dt.date(2026, 3, 1), full_name(model), tuple(PageMethod(op, "new") for op in ops),
                service=SERVICE, complete=True)  # fmt: skip
    with Store(":memory:") as store:
        store_pages(store, [page])
        state = store.state(SERVICE, "2026-03-01")
        for op in ops:
            assert store.operation(state[op.name]).input == op.input
            assert store.documentation(state[op.name]) == (op.documentation, member_docs(op))
        for table in ("nodes", "blobs"):
            kinds = dict(store.db.execute(f"SELECT typeof(body), COUNT(*) FROM {table} GROUP BY 1").fetchall())
            assert kinds["blob"] > 10 * kinds.get("text", 0), (table, kinds)  # nearly every body shrinks


def test_a_body_under_another_ids_key_reads_as_damaged(tmp_path: Path) -> None:
    """Two ids sharing a key (or a row changed by hand) never read as the other body."""
    db = tmp_path / "s.db"
    with Store(db) as store:
        store_pages(store, [_page("doc", "member doc")])
        version = store.state("test-svc", "2026-03-01")["Get"]
    other = '{"type":"string"}'
    assert version.input is not None and node_id_of(other) != version.input
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE nodes SET body=? WHERE key=?", (pack(other), key(version.input)))
    raw.close()
    with Store(db, create=False) as store, pytest.raises(StoreError, match="damaged"):
        show(store, "test-svc", "Get", at="2026-03-01")


def test_a_format_3_store_is_refused_with_the_rebuild_message(tmp_path: Path) -> None:
    db = shutil.copyfile(FORMAT_3, tmp_path / "old.db")
    before = db.read_bytes()
    with pytest.raises(StoreError, match=f"older format \\(3, today 4\\): {opening.REBUILD}"):
        Store(db)
    assert db.read_bytes() == before
