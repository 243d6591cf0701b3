"""Traits overlays in the store: stored as the model gives them, carried over to page versions when
read (so the order of ingests never changes an answer), unknown where a page changed a shape."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker import Store
from changelog_tracker.graph.bodies import unpack
from changelog_tracker.model import Member, Operation, Overlay, Page, PageMethod, Scalar, Shape, Structure, walk
from changelog_tracker.sources.botocore import full_name, operations_from_json
from changelog_tracker.sources.detect import read_document
from changelog_tracker.write.ingest import store_pages
from oracle import pagegen
from tests.helpers import committed_model

SERVICE = "bedrock-agentcore-control"
OLD, NEW = committed_model(SERVICE, "1.42.64"), committed_model(SERVICE, "1.42.65")
SERVICE_TRAITS = {"protocol": "rest-json", "protocols": ["rest-json"], "api_version": "2023-06-05"}


def _paths(op: Operation) -> dict[str, Shape]:
    """Every member path of both sides (model.walk's), with its shape."""
    found: dict[str, Shape] = {}
    for side, shape in (("input", op.input), ("output", op.output)):
        if shape is not None:
            found.update((path, visited) for path, visited, _member in walk(shape, side))
    return found


def overlay_of(op: Operation, mark: str) -> Overlay:
    """An overlay over every path the operation has (a model lists them all), each entry telling
    its path and source apart, so a carried entry shows where it came from."""
    overlay: Overlay = {path: {"pattern": f"{mark}:{path}"} for path in _paths(op)}
    overlay[""] = {"errors": [f"{mark}Error"]}
    return overlay


def model_page(model: dict[str, Any], date: str, mark: str) -> Page:
    ops = [replace(op, traits=overlay_of(op, mark)) for op in operations_from_json(model, SERVICE)]
    methods = tuple(PageMethod(op, "new") for op in ops)
    day = dt.date.fromisoformat(date)
    traits = {**SERVICE_TRAITS, "api_version": mark}
    return Page(f"{mark}.whl", day, full_name(model), methods, service=SERVICE, complete=True, traits=traits)


def drop_page(date: str) -> Page:
    """The real page of 1.42.64 -> 1.42.65 (botocore's documenter), dated ``date``."""
    text = pagegen.page_between(OLD, NEW, dt.date.fromisoformat(date))
    assert text is not None
    (page,), _skipped = read_document(text, f"drop-{date}.txt")
    return replace(page, service=SERVICE)


def _answers(store: Store, dates: tuple[str, ...]) -> str:
    traits = {d: {op: store.traits(v) for op, v in store.state(SERVICE, d).items()} for d in dates}
    services = {d: store.service_traits(SERVICE, d) for d in dates}
    return json.dumps({"traits": traits, "service": services}, sort_keys=True)


def test_a_models_overlays_round_trip_and_identical_ones_are_one_row() -> None:
    page = model_page(OLD, "2026-03-01", "a")
    with Store(":memory:") as store:
        store_pages(store, [page])
        state = store.state(SERVICE, "2026-03-01")
        for method in page.methods:
            version = state[method.operation.name]
            assert store.traits(version) == method.operation.traits
            assert store.operation(version).traits == method.operation.traits
        assert store.service_traits(SERVICE, "2026-03-01") == page.traits
        assert store.service_traits(SERVICE, "2026-02-28") is None
        blobs = store.db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0]
        store_pages(store, [replace(page, date=dt.date(2026, 3, 5), source="again.whl")])
        assert store.db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == blobs
        again = store.state(SERVICE, "2026-03-05")
        assert {op: store.traits(v) for op, v in again.items()} == {op: store.traits(v) for op, v in state.items()}


def test_a_page_carries_over_what_it_did_not_change_and_nothing_else() -> None:
    with Store(":memory:") as store:
        store_pages(store, [model_page(OLD, "2026-03-01", "a")])
        page = drop_page("2026-03-10")
        store_pages(store, [page])
        store_pages(store, [model_page(NEW, "2026-03-20", "b")])
        before, during = store.state(SERVICE, "2026-03-01"), store.state(SERVICE, "2026-03-10")
        changed = {m.operation.name for m in page.methods}
        assert changed and changed < set(during)
        for name in changed:
            old_op, new_op = store.operation(before[name]), store.operation(during[name])
            old_paths, new_paths = _paths(old_op), _paths(new_op)
            carried = store.traits(during[name])
            assert carried is not None
            expected = {p: t for p, t in overlay_of(old_op, "a").items() if p and old_paths.get(p) == new_paths.get(p)}
            assert carried == expected
            assert "" not in carried  # a side changed: the operation's own traits are unknown
            assert any(old_paths.get(p) != new_paths.get(p) for p in old_paths)  # so some member is unknown
        for name in set(during) - changed:  # not on the page: the model's version as it was
            assert store.traits(during[name]) == store.traits(before[name])
        after = store.state(SERVICE, "2026-03-20")
        assert all(store.traits(v) == overlay_of(store.operation(v), "b") for v in after.values())
        assert store.service_traits(SERVICE, "2026-03-10") == {**SERVICE_TRAITS, "api_version": "a"}


def test_a_page_that_changed_no_shape_carries_over_everything() -> None:
    shape = Structure((Member("x", Scalar("string")), Member("y", Structure((Member("z", Scalar("integer")),)))))
    model = Operation("op", shape, Structure(), "Op")
    overlay = {"": {"errors": ["E"]}, "input": {}, "input.x": {"max": 5}, "input.y": {}, "input.y.z": {"min": 1}}
    overlay |= {"output": {}}
    base = Page("m", dt.date(2026, 1, 1), "T", (PageMethod(replace(model, traits=overlay), "new"),), service="t",
                complete=True)  # fmt: skip
    same = Page("p", dt.date(2026, 2, 1), "T", (PageMethod(replace(model, documentation="new text"), "updated"),),
                service="t")  # fmt: skip
    narrowed = Structure((Member("x", Scalar("string")), Member("y", Structure((Member("z", Scalar("float")),)))))
    changed = Page("q", dt.date(2026, 3, 1), "T", (PageMethod(Operation("op", narrowed, Structure()), "updated"),),
                   service="t")  # fmt: skip
    with Store(":memory:") as store:
        store_pages(store, [base, same, changed])
        assert store.traits(store.state("t", "2026-02-01")["op"]) == overlay
        # z changed, so did y and the input holding it; x and the output did not.
        assert store.traits(store.state("t", "2026-03-01")["op"]) == {"input.x": {"max": 5}, "output": {}}


def test_a_page_of_an_operation_no_model_knew_is_unknown() -> None:
    with Store(":memory:") as store:
        store_pages(store, [drop_page("2026-03-10")])
        assert all(store.traits(v) is None for v in store.state(SERVICE, "2026-03-10").values())
        assert store.service_traits(SERVICE, "2026-03-10") is None


def test_a_same_day_page_keeps_the_models_overlay_in_either_order() -> None:
    for order in ([model_page(NEW, "2026-03-20", "b"), drop_page("2026-03-20")],
                  [drop_page("2026-03-20"), model_page(NEW, "2026-03-20", "b")]):  # fmt: skip
        with Store(":memory:") as store:
            for page in order:
                store_pages(store, [page])
            state = store.state(SERVICE, "2026-03-20")
            assert all(store.traits(v) == overlay_of(store.operation(v), "b") for v in state.values())


SOURCES = [
    lambda: model_page(OLD, "2026-03-01", "a"),
    lambda: drop_page("2026-03-10"),
    lambda: model_page(NEW, "2026-03-20", "b"),
    lambda: drop_page("2026-03-20"),
    lambda: drop_page("2026-03-25"),
]
PAGES = [make() for make in SOURCES]
DATES = ("2026-02-01", "2026-03-01", "2026-03-10", "2026-03-15", "2026-03-20", "2026-03-25")


def _in_order(order: list[int]) -> str:
    with Store(":memory:") as store:
        for index in order:
            store_pages(store, [PAGES[index]])
        return _answers(store, DATES)


IN_ORDER = _in_order(list(range(len(PAGES))))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(len(PAGES))))
def test_any_order_of_ingests_gives_the_same_traits(order: list[int]) -> None:
    assert '"a:input' in IN_ORDER and '"b:input' in IN_ORDER  # both models' overlays are answers
    assert _in_order(order) == IN_ORDER


def _blob_bytes(page: Page) -> int:
    with Store(":memory:") as store:
        store_pages(store, [page])
        packs = store.db.execute("SELECT data FROM packs").fetchall()
        return sum(len(unpack(data) or b"") for (data,) in packs)  # what the blobs hold, before packing


def test_a_models_real_overlays_are_trees_of_their_traits_only_and_read_back_the_same() -> None:
    """Every path of a model's overlay is listed, most with ``{}``: stored flat they were most of a
    store's bytes. As trees beside the shape nodes only the traits are stored, and the walk of the
    nodes gives the ``{}`` of every other path back; an overlay listing other paths stays flat."""
    ops = list(operations_from_json(OLD, SERVICE))
    odd = replace(ops[0], name="Odd", traits={"": {}, "input.NotAMember": {"min": 1}})
    day = dt.date(2026, 3, 1)
    methods = tuple(PageMethod(op, "new") for op in [*ops, odd])
    page = Page("a.whl", day, full_name(OLD), methods, service=SERVICE, complete=True, traits=SERVICE_TRAITS)
    with Store(":memory:") as store:
        store_pages(store, [page])
        state = store.state(SERVICE, day.isoformat())
        for method in page.methods:
            assert store.traits(state[method.operation.name]) == method.operation.traits
        assert list(store.traits(state[ops[0].name]) or {}) == sorted(ops[0].traits or {})  # the flat order
    unknown = tuple(PageMethod(replace(op, traits=None), "new") for op in ops)
    stored = _blob_bytes(replace(page, methods=methods[:-1])) - _blob_bytes(replace(page, methods=unknown))
    flat = sum(len(json.dumps(op.traits, sort_keys=True, separators=(",", ":"))) for op in ops)
    assert stored < flat / 2


def test_trait_trees_are_written_as_the_canonical_json_of_their_value() -> None:
    """Trees are written as text directly (json.dumps of each was most of converting a big model):
    exactly the canonical JSON their value has, so ids and stores stay the same."""
    from changelog_tracker.graph.encode import NodeEncoder, canonical, node_id_of

    encoder = NodeEncoder()
    for model in (OLD, NEW):
        for op in operations_from_json(model, SERVICE):
            encoder.traits_id(op)
    assert len(encoder.blobs) > 50
    for blob, text in encoder.blobs.items():
        assert canonical(json.loads(text)) == text and node_id_of(text) == blob
