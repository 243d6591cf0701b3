"""scan's judging pieces: payloads validated with what the code leaves unknown, what a call uses,
and which changes touch it (hand-written rule examples, one per kind)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker.differ import Change
from changelog_tracker.model import CUT_SIDE, ListShape, MapShape, Member, Scalar, Structure
from changelog_tracker.scan.calls import SPREAD, UNKNOWN, Call
from changelog_tracker.scan.judge import touches
from changelog_tracker.scan.usage import read_path, usage
from changelog_tracker.scan.validate import ALIASES, payload_errors, request
from changelog_tracker.taxonomy import Direction

STATUS = Scalar("string", ("ACTIVE", "INACTIVE"))
TAG = Structure((Member("Key", Scalar("string"), True), Member("Value", Scalar("string"))))
INNER = Structure((Member("Id", Scalar("string"), True), Member("Size", Scalar("integer"))))
REQUEST = Structure((
    Member("Name", Scalar("string"), True),
    Member("Status", STATUS),
    Member("Count", Scalar("integer")),
    Member("Tags", ListShape(TAG)),
    Member("Labels", MapShape(Scalar("string"), Scalar("string"))),
    Member("Inner", INNER),
))


def kinds(payload: dict[Any, Any], via: str = "client") -> list[tuple[str, str]]:
    sent = request(REQUEST, payload, "svc", "put", via)
    return [(e.path, e.kind) for e in payload_errors(REQUEST, sent) or []]


# -- validation ------------------------------------------------------------------------------------
def test_literals_are_checked_as_check_strict_checks_them() -> None:
    assert kinds({"Name": 1, "Status": "GONE", "Count": True, "Nope": 1}) == [
        ("Name", "wrong-type"), ("Status", "not-in-enum"), ("Count", "wrong-type"), ("Nope", "unknown-member"),
    ]
    assert kinds({}) == [("Name", "missing-required")]


def test_an_unknown_value_matches_anything() -> None:
    payload = {"Name": UNKNOWN, "Status": UNKNOWN, "Count": UNKNOWN, "Tags": UNKNOWN, "Labels": UNKNOWN,
               "Inner": UNKNOWN}
    assert kinds(payload) == []
    assert kinds({"Name": "n", "Tags": [UNKNOWN, {"Key": UNKNOWN}], "Inner": {"Id": UNKNOWN, "Size": UNKNOWN}}) == []


def test_spread_may_supply_required_members_at_its_own_level_only() -> None:
    assert kinds({SPREAD: UNKNOWN}) == []
    assert kinds({SPREAD: UNKNOWN, "Inner": {"Size": 1}}) == [("Inner.Id", "missing-required")]
    assert kinds({"Name": "n", "Inner": {SPREAD: UNKNOWN}}) == []


def test_a_literal_unknown_member_beside_spread_is_still_unknown() -> None:
    assert kinds({SPREAD: UNKNOWN, "Nmae": "x"}) == [("Nmae", "unknown-member")]


def test_pagination_and_waiter_settings_are_not_members() -> None:
    assert kinds({"Name": "n", "PaginationConfig": {"MaxItems": 5}}, "paginator") == []
    assert kinds({"Name": "n", "WaiterConfig": {"Delay": 5}}, "waiter") == []
    assert kinds({"Name": "n", "WaiterConfig": {}}) == [("WaiterConfig", "unknown-member")]


def test_botocores_parameter_aliases_stand_for_their_members() -> None:
    aliased = Structure((Member("from", Scalar("long"), True), Member("logGroupName", Scalar("string"), True)))
    sent = request(aliased, {"fromTime": 1, "logGroupName": "g"}, "logs", "create_export_task", "client")
    assert sent == {"from": 1, "logGroupName": "g"} and payload_errors(aliased, sent) == []
    assert request(aliased, {"fromTime": 1}, "logs", "describe_exports", "client") == {"fromTime": 1}
    filters = Structure((Member("Filter", ListShape(Scalar("string"))),))
    assert request(filters, {"Filters": ["a"]}, "ec2", "describe_instances", "client") == {"Filter": ["a"]}
    shown = Structure((Member("Filters", ListShape(Scalar("string"))),))  # a page shows the alias itself
    assert request(shown, {"Filters": ["a"]}, "ec2", "describe_instances", "client") == {"Filters": ["a"]}
    assert len(ALIASES) == 3


def test_constraints_of_the_traits_overlay_are_checked_where_known() -> None:
    traits = {"input.Name": {"max": 3}, "input.Labels": {"min": 3}, "input.Count": {"min": 1}}

    def bounded(payload: dict[Any, Any]) -> list[tuple[str, str]]:
        return [(e.path, e.kind) for e in payload_errors(REQUEST, payload, traits) or []]

    assert bounded({"Name": "toolong", "Count": 0, "Labels": {"a": "b"}}) == [
        ("Name", "invalid-length"), ("Count", "invalid-range"), ("Labels", "invalid-length")]
    assert bounded({"Name": UNKNOWN, "Count": UNKNOWN, "Labels": {"a": "b", SPREAD: UNKNOWN}}) == []
    assert payload_errors(REQUEST, {"Name": "toolong"}) == []  # unknown traits: nothing more is checked


def test_a_cut_request_cannot_be_checked() -> None:
    assert payload_errors(CUT_SIDE, {"Name": "n"}) is None


LITERALS = st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
PAYLOADS = st.dictionaries(st.sampled_from(["Name", "Status", "Count", "Tags", "Labels", "Inner", "Other"]),
                           st.one_of(LITERALS, st.lists(LITERALS, max_size=2),
                                     st.dictionaries(st.sampled_from(["Id", "Size", "Key"]), LITERALS, max_size=2)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS, st.data())
def test_making_a_value_unknown_drops_exactly_its_errors(payload: dict[str, Any], data: st.DataObject) -> None:
    if not payload:
        return
    key = data.draw(st.sampled_from(sorted(payload)))
    before = kinds(payload)
    after = kinds({**payload, key: UNKNOWN})
    kept = [(p, k) for p, k in before if not (p == key or p.startswith((key + ".", key + "[")))]
    assert after == kept if key in {m.name for m in REQUEST.members} else after == before


# -- what a call uses ----------------------------------------------------------------------------
def test_usage_names_paths_as_changes_do() -> None:
    used = usage(REQUEST, {"Name": "n", "Tags": [{"Key": "k"}], "Labels": {"team": "a"}, "Inner": {SPREAD: 1}})
    assert used.sent == {"", "Name", "Tags", "Tags[]", "Tags[].Key", "Labels", "Labels{}", "Inner"}
    assert used.keys == {"Labels": {"team"}} and used.open == {"Inner"}
    assert used.literals["Tags[].Key"] == ["k"] and used.sizes == {"Tags": [1], "Labels": [1]}
    assert used.missing_at("Count") and not used.missing_at("Inner.Id") and not used.missing_at("Name")


def test_a_read_through_a_map_is_its_value() -> None:
    response = Structure((Member("Tags", MapShape(Scalar("string"), TAG)), Member("Items", ListShape(INNER))))
    assert read_path(response, "Tags.team.Value") == "Tags{}.Value"
    assert read_path(response, "Items[].Id") == "Items[].Id"
    assert read_path(None, "A.B[]") == "A.B[]"


# -- which changes touch a call (one example per kind) ---------------------------------------------
CALL = Call("app.py", 3, 5, "svc", "put_thing", "client", {}, ("Item.Status", "Items[].Id"))
PAGES = Call("app.py", 4, 5, "svc", "put_thing", "paginator", {})
WAITS = Call("app.py", 5, 5, "svc", "thing_ready", "waiter", {})


def change(kind: str, path: str = "", old: Any = None, new: Any = None, side: str = "request") -> Change:
    return Change("svc", "put_thing", Direction(side), path, kind, old, new)  # type: ignore[arg-type]


def hits(c: Change, payload: dict[Any, Any], call: Call = CALL) -> bool:
    used = usage(REQUEST, payload)
    return touches(c, call, used, call.reads)


def test_a_removed_or_retyped_member_touches_only_calls_that_send_it() -> None:
    for kind in ("member-removed", "type-changed", "deprecated"):
        assert hits(change(kind, "Tags[].Value"), {"Tags": [{"Key": "k", "Value": "v"}]})
        assert not hits(change(kind, "Tags[].Value"), {"Tags": [{"Key": "k"}]})


def test_a_newly_required_member_touches_calls_that_lack_it_for_sure() -> None:
    required = change("became-required", "Inner.Size", {"required": False}, {"required": True})
    assert hits(required, {"Inner": {"Id": "i"}})
    assert not hits(required, {"Inner": {"Id": "i", "Size": 1}})
    assert not hits(required, {"Inner": {"Id": "i", SPREAD: UNKNOWN}})  # **kwargs may supply it
    assert not hits(required, {"Name": "n"})  # the structure is not sent at all
    added = change("member-added", "Region", None, {"type": "string", "required": True})
    assert hits(added, {"Name": "n"}) and not hits(added, {SPREAD: UNKNOWN})
    assert not hits(change("member-added", "Region", None, {"type": "string", "required": False}), {"Name": "n"})


def test_a_removed_enum_value_touches_calls_that_send_that_value() -> None:
    removed = change("enum-value-removed", "Status", "INACTIVE")
    assert hits(removed, {"Status": "INACTIVE"})
    assert not hits(removed, {"Status": "ACTIVE"}) and not hits(removed, {"Status": UNKNOWN})
    assert not hits(change("enum-value-added", "Status", None, "PAUSED"), {"Status": "ACTIVE"})
    key = change("key-enum-value-removed", "Labels", "team")
    assert hits(key, {"Labels": {"team": "a"}}) and not hits(key, {"Labels": {"owner": "a"}})


def test_a_tightened_constraint_touches_literals_it_now_rejects() -> None:
    shorter = change("constraint-tightened", "Name", {"max": 10}, {"max": 3})
    assert hits(shorter, {"Name": "toolong"}) and not hits(shorter, {"Name": "ok"})
    assert not hits(shorter, {"Name": UNKNOWN})
    fewer = change("constraint-tightened", "Tags", {"max": None}, {"max": 1})
    assert hits(fewer, {"Tags": [{"Key": "a"}, {"Key": "b"}]}) and not hits(fewer, {"Tags": [{"Key": "a"}]})
    assert hits(change("constraint-tightened", "Count", {"min": None}, {"min": 5}), {"Count": 2})
    assert hits(change("constraint-tightened", "Labels", {"key_max": None}, {"key_max": 2}), {"Labels": {"abc": "x"}})


def test_a_changed_pattern_touches_literals_that_matched_and_no_longer_do() -> None:
    pattern = change("pattern-changed", "Name", {"pattern": "^[a-z-]+$"}, {"pattern": "^[a-z]+$"})
    assert hits(pattern, {"Name": "my-name"}) and not hits(pattern, {"Name": "name"})
    assert not hits(change("pattern-changed", "Name", {"pattern": "^a"}, {"pattern": "(unclosed"}), {"Name": "b"})


def test_operation_changes_touch_every_call_and_paginator_waiter_changes_their_own() -> None:
    assert hits(change("operation-removed"), {}) and hits(change("deprecated"), {})
    assert not hits(change("operation-added"), {})
    assert hits(change("paginator-removed"), {}, PAGES) and not hits(change("paginator-removed"), {})
    assert hits(change("waiter-removed", "", "ThingReady"), {}, WAITS)
    assert not hits(change("waiter-removed", "", "OtherReady"), {}, WAITS)


def test_a_response_change_touches_calls_that_read_it_or_below_it() -> None:
    assert hits(change("member-removed", "Item", side="response"), {})
    assert hits(change("became-optional", "Items[].Id", side="response"), {})
    assert not hits(change("member-removed", "Items[].Name", side="response"), {})
    assert not hits(change("member-removed", "Item.Stat", side="response"), {})
    assert hits(change("error-added", "", None, "ThrottlingException", side="response"), {})
