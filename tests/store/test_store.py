"""The versioned shape graph: idempotent, order-independent, content-addressed."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from botocore.model import ServiceModel
from hypothesis import given
from hypothesis import strategies as st

from changelog_tracker import Store, TrackerError, ingest, log, show
from changelog_tracker.graph.encode import NodeEncoder
from changelog_tracker.graph.view import operations_using, shape_graph
from changelog_tracker.model import (
    CUT_SIDE,
    ListShape,
    MapShape,
    Member,
    Operation,
    Page,
    PageMethod,
    Scalar,
    Shape,
    Structure,
)
from changelog_tracker.write.ingest import store_pages
from tests.backends import Stores
from tests.helpers import SEED_2025, SEED_2026, committed_model, dump
from tests.read.test_roundtrip import shapes

SERVICE = "bedrock-agentcore-control"


def _answers(store: Store) -> str:
    shown = {d: [s.to_json() for s in show(store, SERVICE, at=d)] for d in ("2025-10-06", "2026-01-01", "2026-03-10")}
    return json.dumps({"log": [e.to_json() for e in log(store)], "show": shown}, sort_keys=True)


def test_order_of_arrival_does_not_change_answers(stores: Stores, tmp_path: Path) -> None:
    with Store(stores.new("a")) as forward, Store(stores.new("b")) as backward:
        ingest(forward, [SEED_2025, SEED_2026])
        ingest(backward, [SEED_2026])
        ingest(backward, [SEED_2025])
        assert _answers(forward) == _answers(backward)


def test_ingesting_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    ingest(store, [SEED_2025, SEED_2026])
    first = _answers(store)
    before = dump(store)
    report = ingest(store, [SEED_2026, SEED_2025])
    assert report.new_pages == 0
    assert _answers(store) == first
    assert dump(store) == before


def test_unlisted_methods_carry_over(store: Store) -> None:
    ingest(store, [SEED_2025, SEED_2026])
    # create_memory is on the 2025 page only: in 2026 it is still there, unchanged.
    (memory,) = show(store, SERVICE, "create_memory", at="2026-03-10")
    assert memory.release == "2025-10-06"
    (runtime,) = show(store, SERVICE, "CreateAgentRuntime", at="2026-03-10")
    assert runtime.release == "2026-03-10"
    before = show(store, SERVICE, "create_agent_runtime", at="2026-03-09")[0]
    assert before.release == "2025-10-06"
    assert "AGUI" not in json.dumps(before.to_json()) and "AGUI" in json.dumps(runtime.to_json())


def test_identical_shapes_are_one_node(store: Store) -> None:
    ingest(store, [SEED_2025, SEED_2026])
    nodes = store.db.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
    versions = store.db.execute("SELECT input, output FROM versions").fetchall()
    # get_agent_runtime's response and update's share sub-shapes; a re-stored equal shape adds no node.
    assert nodes < sum(1 for row in versions for node in row if node) * 10
    ids = {json.dumps(store.node(node)["type"]) for row in versions for node in row if node}
    assert ids <= {'"structure"'}
    a = Structure((Member("x", Scalar("string")),))
    encoder = NodeEncoder()
    assert encoder.node_id(a) == NodeEncoder().node_id(Structure((Member("x", Scalar("string")),)))
    assert encoder.node_id(a) != encoder.node_id(Structure((Member("x", Scalar("string"), True),)))


def test_which_operations_use_a_shape(store: Store) -> None:
    ingest(store, [SEED_2025, SEED_2026])
    graph = shape_graph(store, SERVICE, "2026-03-10")
    version = store.state(SERVICE, "2026-03-10")["create_agent_runtime"]
    members = {name: child for name, _req, child in store.node(version.input)["members"]}
    assert operations_using(graph, members["protocolConfiguration"]) == ["create_agent_runtime", "update_agent_runtime"]
    assert operations_using(graph, "no-such-node") == []


def _page(date: str, ops: list[Operation], complete: bool = False) -> Page:
    methods = tuple(PageMethod(op, "new") for op in ops)
    return Page("test", dt.date.fromisoformat(date), "Test Service", methods, service="test-svc", complete=complete)


def test_a_complete_baseline_removes_what_it_lacks_whatever_the_order(stores: Stores, tmp_path: Path) -> None:
    a, b = Operation("op_a"), Operation("op_b")
    pages = [
        _page("2026-01-01", [a, b], complete=True),
        _page("2026-02-01", [a], complete=True),
        _page("2026-03-01", [b]),
    ]
    for order in (pages, pages[::-1]):
        with Store(stores.new(f"s{id(order)}")) as store:
            for page in order:
                store_pages(store, [page])
            assert set(store.state("test-svc", "2026-01-15")) == {"op_a", "op_b"}
            assert set(store.state("test-svc", "2026-02-15")) == {"op_a"}
            assert set(store.state("test-svc", "2026-03-15")) == {"op_a", "op_b"}


def test_a_cut_section_is_filled_by_a_same_day_source(store: Store) -> None:
    full = Operation("op", Structure((Member("x", Scalar("string"), True),)), Structure())
    cut = Operation("op", CUT_SIDE, Structure())
    store_pages(store, [_page("2026-01-01", [full])])
    store_pages(store, [_page("2026-01-01", [cut])])
    (shown,) = show(store, "test-svc", "op")
    assert shown.operation.input == full.input


def test_a_union_flag_from_any_source_is_kept(stores: Stores, tmp_path: Path) -> None:
    plain = Operation("op", Structure((Member("choice", Structure((Member("a", Scalar("string")),))),)))
    union = Operation("op", Structure((Member("choice", Structure((Member("a", Scalar("string")),), union=True)),)))
    for order in ([plain, union], [union, plain]):
        with Store(stores.new(f"s{order[0] is plain}")) as store:
            for op in order:
                store_pages(store, [_page("2026-01-01", [op])])
            (shown,) = show(store, "test-svc", "op")
            choice = shown.operation.input.members[0].shape  # type: ignore[union-attr]
            assert isinstance(choice, Structure) and choice.union


def _reference_body(shape: Shape, encoder: NodeEncoder) -> dict[str, Any]:
    """A node's body as a dict (children as ids), as json.dumps would be given it."""
    if isinstance(shape, Structure):
        body: dict[str, Any] = {
            "type": "structure",
            "members": [[m.name, m.required, encoder.node_id(m.shape)] for m in shape.members],
        }
        if shape.event_stream:
            body["event_stream"] = True
        return body
    if isinstance(shape, ListShape):
        return {"type": "list", "member": encoder.node_id(shape.member)}
    if isinstance(shape, MapShape):
        return {"type": "map", "key": encoder.node_id(shape.key), "value": encoder.node_id(shape.value)}
    return shape.to_json()


ODD_NAMES = Structure(
    (Member('a"b\\é\n\u2028', Scalar("string", ("x", 'y"')), None), Member("b", Structure(event_stream=True), True)),
    True,
)


@given(st.one_of(shapes, st.just(ODD_NAMES)))
def test_node_text_is_canonical_json(shape: Shape) -> None:
    encoder = NodeEncoder()
    text = encoder.body(shape)
    assert text == json.dumps(_reference_body(shape, encoder), separators=(",", ":"), sort_keys=True)


# -- two sources of one day ---------------------------------------------------------------------
def _answers_of(store: Store, service: str, dates: tuple[str, ...]) -> str:
    shown = {d: [(s.release, s.operation.to_json(), store.documentation(store.state(service, d)[s.operation.name]))
                 for s in show(store, service, at=d)] for d in dates}  # fmt: skip
    return json.dumps(shown, sort_keys=True)


def _split_pages(tmp_path: Path) -> list[Path]:
    """The 2026-03-10 release as two real pages, one method on the first, the others on the second."""
    from oracle import pagegen

    old, new = committed_model(SERVICE, "1.42.64"), committed_model(SERVICE, "1.42.65")
    changed = sorted(pagegen.method_deltas(ServiceModel(old), ServiceModel(new)))
    assert len(changed) == 3
    paths = []
    for part, ops in enumerate([changed[:1], changed[1:]]):
        keep = [(model, {k: v for k, v in model["operations"].items() if k in ops}) for model in (old, new)]
        page = pagegen.page_between(*({**m, "operations": o} for m, o in keep), dt.date(2026, 3, 10))
        assert page is not None
        paths.append(tmp_path / f"part{part}.txt")
        paths[-1].write_text(page, encoding="utf-8")
    return paths


def test_split_pages_of_one_day_are_one_release_in_any_order(stores: Stores, tmp_path: Path) -> None:
    parts = _split_pages(tmp_path)
    answers = set()
    for n, order in enumerate([[SEED_2025, *parts], [parts[1], SEED_2025, parts[0]], [SEED_2025, SEED_2026]]):
        with Store(stores.new(f"s{n}")) as store:
            for path in order:
                ingest(store, [path])
            answers.add(_answers_of(store, SERVICE, ("2026-03-10",)))
    assert len(answers) == 1


def test_two_pages_of_one_day_that_disagree_are_refused_in_either_order(stores: Stores, tmp_path: Path) -> None:
    redated = tmp_path / "2025-page-dated-2026-03-10.txt"
    redated.write_text(SEED_2025.read_text(encoding="utf-8").replace("2025/10/06", "2026/03/10", 1), encoding="utf-8")
    for n, (first, second) in enumerate([(redated, SEED_2026), (SEED_2026, redated)]):
        db = stores.new(f"s{n}")
        with Store(db) as store:
            ingest(store, [first])
            before = dump(store)
        for run in ([second], [first, second], [second, first]):
            with Store(db) as store, pytest.raises(TrackerError) as caught:
                ingest(store, run)
            assert str(second if run == [second] else run[1]) in str(caught.value)
            assert str(first if run == [second] else run[0]) in str(caught.value)
            assert "create_agent_runtime" in str(caught.value)
            with Store(db) as store:
                assert dump(store) == before


def test_same_day_sources_settle_documentation_and_cut_sides_whatever_the_order(stores: Stores, tmp_path: Path) -> None:
    shape = Structure((Member("x", Scalar("string"), True),))
    pages = [
        _page("2026-01-01", [Operation("op", shape, Structure(), documentation="Short.")]),
        _page("2026-01-01", [Operation("op", CUT_SIDE, Structure(), "Op", documentation="A longer text.")]),
        _page("2026-01-01", [Operation("op", shape, CUT_SIDE, documentation="")]),
    ]
    answers = set()
    for n, order in enumerate(itertools.permutations(pages)):
        with Store(stores.new(f"s{n}")) as store:
            for page in order:
                store_pages(store, [page])
            (shown,) = show(store, "test-svc", "op")
            assert shown.operation.input == shape and shown.operation.output == Structure()
            assert shown.operation.api_name == "Op"
            answers.add(_answers_of(store, "test-svc", ("2026-01-01",)))
    assert len(answers) == 1 and "A longer text." in answers.pop()


# -- a service a full baseline lacks -------------------------------------------------------------
def _service_page(service: str, date: str, ops: list[Operation], complete: bool = False) -> Page:
    methods = tuple(PageMethod(op, "new") for op in ops)
    return Page(f"{service}-{date}", dt.date.fromisoformat(date), None, methods, service=service, complete=complete)


def test_a_full_baseline_that_lacks_a_service_ends_it_whatever_the_order(stores: Stores, tmp_path: Path) -> None:
    a, b, b2 = Operation("op_a"), Operation("op_b"), Operation("op_b", Structure((Member("y", Scalar("string")),)))
    batches = [
        ([_service_page("one", "2026-01-01", [a], True), _service_page("two", "2026-01-01", [b], True)], True),
        ([_service_page("one", "2026-02-01", [a], True)], True),  # the full baseline of February lacks "two"
        ([_service_page("two", "2026-01-15", [b2])], False),
        ([_service_page("one", "2026-03-01", [a], True)], False),  # baseline --service one: says nothing of two
        ([_service_page("late", "2026-02-15", [a], True)], False),
    ]
    shuffled = [random.Random(seed).sample(batches, len(batches)) for seed in range(10)]
    for n, order in enumerate([batches, batches[::-1], *shuffled]):
        with Store(stores.new(f"s{n}")) as store:
            for pages, covers_all in order:
                store_pages(store, pages, covers_all=covers_all)
            assert store.state("two", "2026-01-20") == {"op_b": store.state("two", "2026-01-20")["op_b"]}
            assert store.state("two", "2026-01-20")["op_b"].release == "2026-01-15"
            assert store.state("two", "2026-02-01") == {} and store.state("two", "2026-12-31") == {}
            assert (store.ended("two"), store.ended("one"), store.ended("late")) == ("2026-02-01", None, None)
            assert store.releases("two") == ["2026-01-01", "2026-01-15", "2026-02-01"]
            assert store.releases("late") == ["2026-02-15"]  # a full baseline before it was first seen is not its end
            assert set(store.state("one", "2026-12-31")) == {"op_a"}


def test_a_service_back_after_its_end_lives_again(stores: Stores, tmp_path: Path) -> None:
    with Store(stores.new("s")) as store:
        store_pages(store, [_service_page("one", "2026-01-01", [Operation("op_a")], True)], covers_all=True)
        store_pages(store, [_service_page("two", "2026-02-01", [Operation("op_b")], True)], covers_all=True)
        assert store.ended("one") == "2026-02-01"
        store_pages(store, [_service_page("one", "2026-03-01", [Operation("op_c")])])
        assert store.ended("one") is None
        assert set(store.state("one", "2026-03-01")) == {"op_c"}  # the page lists only what it changed
        assert store.state("one", "2026-02-15") == {}
