"""differ/traits.py: two overlays of one operation into trait edits, only where both sides know."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from changelog_tracker import Store, ingest
from changelog_tracker.differ.traits import TraitEdit, overlay_edits, protocols, side_of
from changelog_tracker.model import Overlay
from changelog_tracker.rules.judge import diff
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.taxonomy import ChangeKind as K
from changelog_tracker.taxonomy import Direction
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages
from tests.helpers import SEED_2026, committed_model

REQ, RESP = Direction.REQUEST, Direction.RESPONSE
# The kinds only an overlay gives (the taxonomy lists them after type-changed), less the service's own.
TRAIT_KINDS = frozenset(list(K)[list(K).index(K.CONSTRAINT_TIGHTENED) :]) - {K.PROTOCOL_CHANGED, K.SERVICE_ADDED}


def edits(old: Overlay, new: Overlay) -> list[tuple[str, Direction, str, K, Any, Any]]:
    return [(e.at, e.direction, e.path, e.kind, e.old, e.new) for e in overlay_edits(old, new)]


def test_side_of_names_the_side_and_the_side_relative_path() -> None:
    assert side_of("input") == (REQ, "")
    assert side_of("input.Tags[].Key") == (REQ, "Tags[].Key")
    assert side_of("output.Map{}") == (RESP, "Map{}")
    with pytest.raises(ValueError):
        side_of("inputs.X")


def test_limits_split_into_tightened_and_loosened_with_only_the_changed_keys() -> None:
    old = {"input.Arn": {"min": 1, "max": 500, "pattern": "^a$"}}
    new = {"input.Arn": {"min": 0, "max": 180, "pattern": "^a$"}}
    assert edits(old, new) == [
        ("input.Arn", REQ, "Arn", K.CONSTRAINT_TIGHTENED, {"max": 500}, {"max": 180}),
        ("input.Arn", REQ, "Arn", K.CONSTRAINT_LOOSENED, {"min": 1}, {"min": 0}),
    ]
    # A limit added tightens, one dropped loosens; map key limits count alike.
    assert edits({"output.M": {"key_max": 5}}, {"output.M": {"key_min": 2}}) == [
        ("output.M", RESP, "M", K.CONSTRAINT_TIGHTENED, {"key_min": None}, {"key_min": 2}),
        ("output.M", RESP, "M", K.CONSTRAINT_LOOSENED, {"key_max": 5}, {"key_max": None}),
    ]


def test_each_trait_group_of_a_member() -> None:
    old: Overlay = {"input.S": {"pattern": "^a+$", "union": True}, "output.M": {"key_enum": ["A", "B"]},
                    "output.R": {"deprecated": "use X"}}
    new: Overlay = {"input.S": {"pattern": "^[a-z]+$", "key_pattern": ".", "deprecated": True},
                    "output.M": {"key_enum": ["B", "C"], "required": True}, "output.R": {}}
    assert edits(old, new) == [
        ("input.S", REQ, "S", K.PATTERN_CHANGED, {"pattern": "^a+$", "key_pattern": None},
         {"pattern": "^[a-z]+$", "key_pattern": "."}),
        ("input.S", REQ, "S", K.DEPRECATED, None, True),
        ("input.S", REQ, "S", K.UNION_REMOVED, True, None),
        ("output.M", RESP, "M", K.KEY_ENUM_VALUE_REMOVED, "A", None),
        ("output.M", RESP, "M", K.KEY_ENUM_VALUE_ADDED, None, "C"),
        ("output.M", RESP, "M", K.BECAME_REQUIRED, False, True),
        ("output.R", RESP, "R", K.UNDEPRECATED, "use X", None),
    ]


def test_operation_traits_errors_are_the_responses() -> None:
    pages = {"input_token": "NextToken", "output_token": "NextToken", "result_key": "Items"}
    old: Overlay = {"": {"errors": ["A", "B"], "paginator": pages, "waiters": ["Exists"]}}
    new: Overlay = {"": {"errors": ["B", "C"], "paginator": {**pages, "output_token": "Next"}, "deprecated": True}}
    assert edits(old, new) == [
        ("", REQ, "", K.DEPRECATED, None, True),
        ("", RESP, "", K.ERROR_REMOVED, "A", None),
        ("", RESP, "", K.ERROR_ADDED, None, "C"),
        ("", REQ, "", K.PAGINATOR_CHANGED, pages, {**pages, "output_token": "Next"}),
        ("", REQ, "", K.WAITER_REMOVED, "Exists", None),
    ]
    assert edits({"": {}}, {"": {"paginator": pages, "waiters": ["W"]}}) == [
        ("", REQ, "", K.PAGINATOR_ADDED, None, pages),
        ("", REQ, "", K.WAITER_ADDED, None, "W"),
    ]
    assert edits({"": {"paginator": pages}}, {"": {}}) == [("", REQ, "", K.PAGINATOR_REMOVED, pages, None)]


def test_what_is_no_change() -> None:
    # A request member's required-ness lives in the node; a new message on a deprecation, host
    # labels and idempotency tokens are not compared; unknown paths never are.
    old: Overlay = {"input.A": {"required": True, "deprecated": "a"}, "input.B": {"max": 3}}
    new: Overlay = {"input.A": {"deprecated": "b", "host_label": True, "idempotency_token": True}, "input.C": {}}
    assert edits(old, new) == []


def test_a_request_root_deprecated_with_its_operation_is_one_change() -> None:
    old: Overlay = {"": {}, "input": {}}
    new: Overlay = {"": {"deprecated": True}, "input": {"deprecated": True}}
    assert edits(old, new) == [("", REQ, "", K.DEPRECATED, None, True)]


def test_protocols_are_compared_only_when_both_are_known() -> None:
    assert protocols({"protocol": "json"}, {"protocol": "smithy-rpc-v2-cbor"}) == ("json", "smithy-rpc-v2-cbor")
    assert protocols({"protocol": "json"}, {"protocol": "json", "api_version": "2"}) is None
    assert protocols(None, {"protocol": "json"}) is None and protocols({}, {"protocol": "json"}) is None


# -- the property: a change iff a compared trait differs at a path both sides know ----------------

PATHS = ("", "input", "input.a", "input.a[]", "input.m", "output", "output.b", "output.m{}")
_NUMBER = st.none() | st.integers(0, 3)
_TEXT = st.none() | st.sampled_from(["^a$", "^b$"])
_NAMES = st.lists(st.sampled_from(["X", "Y", "Z"]), unique=True).map(sorted)
_MEMBER = st.fixed_dictionaries({}, optional={
    "min": _NUMBER, "max": _NUMBER, "key_min": _NUMBER, "key_max": _NUMBER, "pattern": _TEXT, "key_pattern": _TEXT,
    "deprecated": st.sampled_from([True, "gone"]), "union": st.just(True), "key_enum": _NAMES,
    "required": st.booleans(), "host_label": st.just(True), "idempotency_token": st.just(True),
})
_PAGINATOR = st.fixed_dictionaries({"input_token": st.sampled_from(["NextToken", "Marker"])})
_OPERATION = st.fixed_dictionaries({}, optional={
    "deprecated": st.sampled_from([True, "gone"]), "errors": _NAMES, "paginator": _PAGINATOR, "waiters": _NAMES,
})


def _traits(path: str) -> st.SearchStrategy[dict[str, Any]]:
    # (A request root deprecated with its operation is folded into one change: tested above.)
    if path == "input":
        return _MEMBER.map(lambda traits: {k: v for k, v in traits.items() if k != "deprecated"})
    return _OPERATION if path == "" else _MEMBER


_OVERLAY = st.sets(st.sampled_from(PATHS)).flatmap(
    lambda paths: st.fixed_dictionaries({p: _traits(p) for p in sorted(paths)})
)


def _meaning(path: str, traits: dict[str, Any]) -> dict[str, Any]:
    """What the differ compares, written independently: absent is none, deprecation is a flag."""
    if path == "":
        return {"deprecated": "deprecated" in traits, "errors": set(traits.get("errors", ())),
                "paginator": traits.get("paginator"), "waiters": set(traits.get("waiters", ()))}
    meaning = {k: traits.get(k) for k in ("min", "max", "key_min", "key_max", "pattern", "key_pattern")}
    meaning |= {"deprecated": "deprecated" in traits, "union": bool(traits.get("union")),
                "key_enum": set(traits.get("key_enum", ()))}
    if path.startswith("output"):
        meaning["required"] = bool(traits.get("required"))
    return meaning


@given(_OVERLAY, _OVERLAY)
def test_a_change_is_reported_iff_a_trait_differs_at_a_path_both_know(old: Overlay, new: Overlay) -> None:
    found = overlay_edits(old, new)
    changed = {p for p in old.keys() & new.keys() if _meaning(p, old[p]) != _meaning(p, new[p])}
    assert {e.at for e in found} == changed
    for edit in found:
        _assert_faithful(edit, old[edit.at], new[edit.at])
    assert overlay_edits(old, old) == []


def _assert_faithful(edit: TraitEdit, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Every edit's old and new are the overlays' own values."""
    if edit.kind in (K.CONSTRAINT_TIGHTENED, K.CONSTRAINT_LOOSENED, K.PATTERN_CHANGED):
        assert all(old.get(k) == v for k, v in edit.old.items()) and all(new.get(k) == v for k, v in edit.new.items())
        assert all(old.get(k) != new.get(k) for k in edit.old)
    elif edit.kind in (K.DEPRECATED, K.UNDEPRECATED):
        assert (edit.old, edit.new) == (old.get("deprecated"), new.get("deprecated"))
    elif edit.kind in (K.PAGINATOR_ADDED, K.PAGINATOR_REMOVED, K.PAGINATOR_CHANGED):
        assert (edit.old, edit.new) == (old.get("paginator"), new.get("paginator"))


# -- real models, end to end (sources -> store -> differ -> rules) --------------------------------

SERVICE = "bedrock-agentcore-control"


def _baselines(store: Store, *releases: tuple[str, str]) -> None:
    for version, day in releases:
        pages = model_pages({SERVICE: committed_model(SERVICE, version)}, dt.date.fromisoformat(day), version)
        store_pages(store, pages)


def _traits_known() -> bool:
    return next(operations_from_json(committed_model(SERVICE, "1.42.64"), SERVICE)).traits is not None


@pytest.mark.skipif(not _traits_known(), reason="the botocore source keeps no traits yet (engineer T)")
def test_real_trait_changes_between_two_releases(store: Store) -> None:
    # Between botocore 1.40.46 and 1.42.64: DeleteMemory may raise ConflictException, a header name's
    # pattern lost '_', an expiry's min went from 7 to 3 days, an S3 prefix got a max length.
    _baselines(store, ("1.40.46", "2025-10-06"), ("1.42.64", "2026-03-09"))
    found = {(f.change.operation, f.rule.id, f.change.path, json.dumps([f.change.old, f.change.new]))
             for f in diff(store, SERVICE, since="2025-10-06") if f.change.kind in TRAIT_KINDS}
    assert ("delete_memory", "error-added", "", '[null, "ConflictException"]') in found
    assert ("create_memory", "request-constraint-loosened", "eventExpiryDuration", '[{"min": 7}, {"min": 3}]') in found
    patterns = {(op, path) for op, rule, path, _ in found if rule == "request-pattern-changed"}
    assert patterns and all(path.endswith("requestHeaderAllowlist[]") for _op, path in patterns)
    limits = {rule for _op, rule, _path, values in found if values.endswith('{"max": 1024}]')}
    assert "request-constraint-tightened" in limits


@pytest.mark.skipif(not _traits_known(), reason="the botocore source keeps no traits yet (engineer T)")
def test_a_page_between_baselines_reports_no_trait_change(store: Store) -> None:
    # A text page (it knows no traits) after the baseline: nothing into or out of unknown.
    _baselines(store, ("1.40.46", "2025-10-06"))
    ingest(store, [SEED_2026])
    findings = diff(store, SERVICE, since="2025-10-06", transitive=True)
    assert findings and not [f for f in findings if f.change.kind in TRAIT_KINDS]
