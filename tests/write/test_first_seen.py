""" "Added" only where a source says so: an operation the store only started knowing is first seen,
not a change; a --from before a service's first state compares from that state and says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker import Store, ingest
from changelog_tracker.model import CUT_SIDE, Operation, Page, PageMethod, Structure
from changelog_tracker.rules.judge import diff, tracked_since
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages
from tests.helpers import SEED_2025, committed_model

AGENT = "bedrock-agentcore-control"
OPS = {op.name: op for op in operations_from_json(committed_model(AGENT, "1.42.65"), AGENT)}
NAMES = sorted(OPS)


def _page(date: str, statuses: dict[str, str], complete: bool = False, ops: dict[str, Operation] = OPS) -> Page:
    methods = tuple(PageMethod(ops[name], status) for name, status in sorted(statuses.items()))
    when = dt.date.fromisoformat(date)
    return Page(f"page {date}", when, "Amazon Bedrock AgentCore Control", methods, service=AGENT, complete=complete)


def _added(store: Store, since: str, until: str | None = None, transitive: bool = False) -> set[str]:
    found = diff(store, AGENT, since=since, until=until, transitive=transitive)
    return {f.change.operation for f in found if f.change.kind == "operation-added"}


def test_a_baseline_after_a_partial_page_adds_nothing(store: Store) -> None:
    # The real seed page knew 4 methods; the real 1.42.64 baseline knows 86: 82 are first seen.
    ingest(store, [SEED_2025])
    store_pages(store, model_pages({AGENT: committed_model(AGENT, "1.42.64")}, dt.date(2026, 3, 9), "1.42.64"))
    findings = diff(store, AGENT, since="2025-10-06", until="2026-03-09")
    assert findings, "the four methods the page knew did change"
    assert {f.change.kind for f in findings} != {"operation-added"}
    assert _added(store, "2025-10-06") == set()
    assert {f.change.operation for f in findings} <= {
        m["operation"] for p in store.pages(AGENT) for m in p.methods if not p.complete
    }


def test_a_page_listing_a_method_as_new_adds_it(store: Store) -> None:
    store_pages(store, [_page("2026-01-01", {"create_policy": "updated", "get_policy": "updated"})])
    store_pages(store, [_page("2026-02-01", {"delete_policy": "new", "list_policies": "updated"})])
    assert _added(store, "2026-01-01") == {"delete_policy"}  # list_policies existed: only first seen


def test_a_complete_source_that_lacked_it_makes_it_added(store: Store) -> None:
    old = operations_from_json(committed_model(AGENT, "1.40.46"), AGENT)
    pages = model_pages({AGENT: committed_model(AGENT, "1.40.46")}, dt.date(2025, 10, 6), "1.40.46")
    store_pages(store, pages)
    store_pages(store, [_page("2026-03-10", {"create_policy": "updated", "get_agent_runtime": "updated"})])
    assert "create_policy" not in {op.name for op in old}
    assert _added(store, "2025-10-06") == {"create_policy"}


def test_from_before_the_first_state_compares_from_it_and_says_so(store: Store) -> None:
    store_pages(store, [_page("2025-10-06", {"create_policy": "new"})])
    store_pages(store, [_page("2026-02-01", {"create_policy": "updated", "get_policy": "new"})])
    assert tracked_since(store, AGENT, "2025-01-01") == "2025-10-06"
    assert tracked_since(store, AGENT, "2025-10-06") is None
    findings = diff(store, AGENT, since="2025-01-01")
    assert [(f.change.operation, f.previous, f.tracked_since) for f in findings] == [
        ("get_policy", "2025-10-06", "2025-10-06")
    ]
    assert findings[0].to_json()["tracked_since"] == "2025-10-06"
    assert diff(store, AGENT, since="2025-10-06")[0].to_json()["tracked_since"] is None


def test_an_operation_first_seen_inside_the_range_is_compared_from_its_first_version(store: Store) -> None:
    old = {op.name: op for op in operations_from_json(committed_model(AGENT, "1.40.46"), AGENT)}
    store_pages(store, [_page("2025-10-06", {"create_policy": "updated"})])
    store_pages(store, [_page("2026-01-01", {"get_agent_runtime": "updated"}, ops=old)])
    store_pages(store, [_page("2026-03-10", {"get_agent_runtime": "updated"})])
    whole = diff(store, AGENT, since="2025-10-06")
    assert whole, "get_agent_runtime changed from 1.40.46 to 1.42.65"
    assert {(f.tracked_since, f.release, f.previous) for f in whole} == {("2026-01-01", "2026-03-10", "2025-10-06")}
    later = diff(store, AGENT, since="2026-01-01")
    assert [f.change for f in whole] == [f.change for f in later] and not any(f.tracked_since for f in later)


def test_no_change_into_or_out_of_a_side_the_page_cut(store: Store) -> None:
    # The 02-01 page cut the request ("This section is too large to render"): unknown, not emptied.
    real = OPS["create_agent_runtime"]
    cut = Operation(real.name, CUT_SIDE, real.output, real.api_name)
    assert isinstance(real.input, Structure)
    smaller = Structure(tuple(m for m in real.input.members if m.name != "description"))
    for day, version in (("2026-01-01", real), ("2026-02-01", cut), ("2026-03-01", replace(real, input=smaller))):
        store_pages(store, [_page(day, {real.name: "updated"}, ops={real.name: version})])
    assert diff(store, AGENT, since="2026-01-01", until="2026-02-01") == []
    assert diff(store, AGENT, since="2026-02-01", until="2026-03-01") == []
    assert diff(store, AGENT, since="2026-01-01", until="2026-03-01", transitive=True) == []
    [removed] = diff(store, AGENT, since="2026-01-01", until="2026-03-01")  # known on both ends
    assert (removed.change.path, removed.change.kind, removed.release) == (
        "description",
        "member-removed",
        "2026-03-01",
    )


@contextmanager
def _memory_store() -> Iterator[Store]:
    with Store(":memory:") as store:
        yield store


_PAGES = st.lists(
    st.tuples(
        st.integers(0, 30),  # day
        st.booleans(),  # complete
        st.dictionaries(st.sampled_from(NAMES[:12]), st.sampled_from(["new", "updated"]), min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None)
@given(pages=_PAGES, since=st.integers(-5, 31), transitive=st.booleans())
def test_no_operation_of_the_first_state_is_ever_added(
    pages: list[tuple[int, bool, dict[str, str]]], since: int, transitive: bool
) -> None:
    day = dt.date(2026, 1, 1)
    with _memory_store() as store:
        for offset, complete, statuses in pages:
            when = (day + dt.timedelta(offset)).isoformat()
            store_pages(store, [_page(when, statuses, complete)])
        first = store.releases(AGENT)[0]
        known_first = set(store.state(AGENT, first))
        start = (day + dt.timedelta(since)).isoformat()
        added = _added(store, start, transitive=transitive)
        complete = [p for p in store.pages(AGENT) if p.complete]
        dropped = {n for p in complete for n in NAMES if {"operation": n} not in _names(p.methods)}
        assert not added & (known_first - dropped)  # one a complete source dropped may come back: added again
        for name in added:  # each one is listed as new after the start, or a complete source lacked it
            listed_new = any(
                p.release > start and not p.complete and {"operation": name} in _names(p.methods, "new")
                for p in store.pages(AGENT)
            )
            lacked = any(p.complete and {"operation": name} not in _names(p.methods) for p in store.pages(AGENT))
            assert listed_new or lacked


def _names(methods: list[dict[str, object]], status: str | None = None) -> list[dict[str, object]]:
    return [{"operation": m["operation"]} for m in methods if status is None or m["status"] == status]
