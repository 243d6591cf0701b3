"""Stored bodies (store format 5, graph/bodies.py): the new bodies of a write compressed together in
packs with the shipped dictionary, keyed by their id's first 8 bytes, read back exactly; a damaged
one is refused."""

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
from changelog_tracker.graph import bodies, opening
from changelog_tracker.graph.bodies import body_at, key, packs, unpack
from changelog_tracker.graph.encode import member_docs
from changelog_tracker.model import Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.sources.botocore import full_name, operations_from_json
from changelog_tracker.write.ingest import store_pages
from tests.helpers import DATA, committed_model

SERVICE = "bedrock-agentcore-control"
OLDER = {  # stores written by earlier releases from a seed page
    3: DATA / "store" / "format3.db",  # d80e5da
    4: DATA / "store" / "format4.db",  # 5e2aea4
}
BODY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))  # UTF-8 JSON: no NUL


def _read_back(texts: list[str]) -> list[str | None]:
    found = []
    for data, placed in packs(enumerate(texts)):
        text = unpack(data)
        assert text is not None
        found += [body_at(text, start) for _key, start in placed]
    return found


@given(st.lists(BODY_TEXT, max_size=40))
def test_any_bodies_pack_and_read_back_to_themselves(texts: list[str]) -> None:
    assert _read_back(texts) == texts


@pytest.mark.parametrize("text", ["", "x", "é" * 3, "\u2028\U0001f600", '{"a":' * 200_000 + "1" + "}" * 200_000])
def test_edge_bodies_pack_and_read_back_to_themselves(text: str) -> None:
    assert _read_back([text, text]) == [text, text]


def test_bodies_fill_packs_of_about_the_pack_size_in_the_order_they_came() -> None:
    texts = [f'{{"n":{n},"type":"structure","members":[]}}' for n in range(30_000)]
    made = packs(enumerate(texts))
    assert len(made) > 1 and all(len(placed) > 1000 for _data, placed in made)
    assert [k for _data, placed in made for k, _start in placed] == list(range(30_000))
    raw = sum(len(t) + 1 for t in texts)
    assert raw // bodies.PACK_BYTES <= len(made) <= raw // bodies.PACK_BYTES + 1


def test_a_short_real_body_shrinks_with_the_dictionary() -> None:
    """A shape node of a few dozen bytes, where zlib gains nothing, still shrinks."""
    members = '[["Name",true,"0b9c9e2b6c2c3e1f0a1b2c3d"],["Tags",false,"5f4e3d2c1b0a99887766554f"]]'
    body = f'{{"members":{members},"type":"structure"}}'

    assert len(zlib.compress(body.encode(), 9)) >= len(body) * 0.8
    [(data, _placed)] = packs([(1, body)])
    assert len(data) < len(body) * 0.7


def test_a_body_with_a_nul_is_never_packed() -> None:
    with pytest.raises(ValueError, match="NUL"):
        packs([(1, "a\x00b")])


@pytest.mark.parametrize("start", [-1, 10**6])
def test_a_start_that_is_no_body_reads_as_none(start: int) -> None:
    [(data, _placed)] = packs([(1, '{"a":1}')])
    text = unpack(data)
    assert text is not None and body_at(text, start) is None  # (a start inside a body: the hash check refuses it)
    assert unpack(b"not zstd") is None


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


def test_a_real_model_reads_back_the_same_and_its_bodies_are_packed_small() -> None:
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
        packed = store.db.execute("SELECT SUM(LENGTH(data)) FROM packs").fetchone()[0]
        rows = sum(store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("nodes", "blobs"))
        raw = sum(len(unpack(d) or b"") for (d,) in store.db.execute("SELECT data FROM packs"))
    assert raw > rows * 50 and packed < raw / 5  # one body compressed alone kept a third of its size


def test_a_second_write_packs_only_the_bodies_not_stored_yet() -> None:
    model = committed_model(SERVICE, "1.42.65")
    ops = list(operations_from_json(model, SERVICE))
    methods = tuple(PageMethod(op, "new") for op in ops)
    with Store(":memory:") as store:
        first = Page("a.whl", dt.date(2026, 3, 1), full_name(model), methods, service=SERVICE, complete=True)
        store_pages(store, [first])
        before = store.db.execute("SELECT COUNT(*), SUM(LENGTH(data)) FROM packs").fetchone()
        later = Page("b.whl", dt.date(2026, 3, 2), full_name(model), methods[1:], service=SERVICE, complete=True)
        store_pages(store, [later])
        after = store.db.execute("SELECT COUNT(*), SUM(LENGTH(data)) FROM packs").fetchone()
        assert after[0] <= before[0] + 1 and after[1] - before[1] < before[1] / 20
        assert set(store.state(SERVICE, "2026-03-02")) == {m.operation.name for m in methods[1:]}


def test_a_body_under_another_ids_key_reads_as_damaged(tmp_path: Path) -> None:
    """Two ids sharing a key (or a row changed by hand) never read as the other body."""
    db = tmp_path / "s.db"
    with Store(db) as store:
        store_pages(store, [_page("doc", "member doc")])
        version = store.state("test-svc", "2026-03-01")["Get"]
    assert version.input is not None
    with sqlite3.connect(db) as raw:
        other = raw.execute("SELECT pack, start FROM nodes WHERE key != ? LIMIT 1", (key(version.input),)).fetchone()
        raw.execute("UPDATE nodes SET pack=?, start=? WHERE key=?", (*other, key(version.input)))
    raw.close()
    with Store(db, create=False) as store, pytest.raises(StoreError, match="damaged"):
        show(store, "test-svc", "Get", at="2026-03-01")


@pytest.mark.parametrize(
    "damage", ["UPDATE packs SET data = x'00112233'", "DELETE FROM packs", "UPDATE nodes SET start = 10000000"]
)
def test_a_damaged_pack_reads_as_damaged(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "s.db"
    with Store(db) as store:
        store_pages(store, [_page("doc", "member doc")])
    with sqlite3.connect(db) as raw:
        raw.execute(damage)
    raw.close()
    with Store(db, create=False) as store, pytest.raises(StoreError, match="damaged"):
        show(store, "test-svc", "Get", at="2026-03-01")


@pytest.mark.parametrize("version", sorted(OLDER))
def test_an_older_format_is_refused_with_the_rebuild_message(tmp_path: Path, version: int) -> None:
    db = shutil.copyfile(OLDER[version], tmp_path / "old.db")
    before = db.read_bytes()
    refusal = f"older format \\({version}, today {opening.FORMAT_VERSION}\\): {opening.REBUILD}"
    with pytest.raises(StoreError, match=refusal):
        Store(db)
    assert db.read_bytes() == before
