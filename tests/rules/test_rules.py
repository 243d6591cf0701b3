"""One previous/current fixture pair per rule, asserting the exact finding (buf/oasdiff style)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from changelog_tracker import Store
from changelog_tracker.errors import TrackerError
from changelog_tracker.model import (
    ListShape,
    MapShape,
    Member,
    Operation,
    Overlay,
    Page,
    PageMethod,
    Scalar,
    Structure,
)
from changelog_tracker.rules.config import load_config
from changelog_tracker.rules.judge import diff, worst
from changelog_tracker.rules.registry import RULES
from changelog_tracker.write.ingest import store_pages

S, E = Scalar("string"), Scalar("string", ("A", "B"))


def op(inputs: tuple[Member, ...] = (), outputs: tuple[Member, ...] | None = (), name: str = "put_item") -> Operation:
    return Operation(name, Structure(inputs), None if outputs is None else Structure(outputs))


def req(name: str, shape: object = S, required: bool = False) -> Member:
    return Member(name, shape, required)  # type: ignore[arg-type]


WRAP = req("config", Structure((req("mode", E),)))
# rule id -> (previous, current, (path, old, new))
CASES: dict[str, tuple[list[Operation], list[Operation], tuple[str, object, object]]] = {
    "operation-added": ([], [op()], ("", None, None)),
    "operation-removed": ([op()], [], ("", None, None)),
    "request-member-added": (
        [op()],
        [op((req("tags", MapShape(S, S)),))],
        ("tags", None, {"required": False, "type": "map<string>"}),
    ),
    "request-required-member-added": (
        [op()],
        [op((req("id", required=True),))],
        ("id", None, {"required": True, "type": "string"}),
    ),
    "request-member-removed": ([op((req("id"),))], [op()], ("id", {"required": False, "type": "string"}, None)),
    "request-enum-value-added": (
        [op((WRAP,))],
        [op((req("config", Structure((req("mode", Scalar("string", ("A", "B", "C"))),))),))],
        ("config.mode", None, "C"),
    ),
    "request-enum-value-removed": (
        [op((WRAP,))],
        [op((req("config", Structure((req("mode", Scalar("string", ("A",))),))),))],
        ("config.mode", "B", None),
    ),
    "request-became-required": ([op((req("id"),))], [op((req("id", required=True),))], ("id", False, True)),
    "request-became-optional": ([op((req("id", required=True),))], [op((req("id"),))], ("id", True, False)),
    "request-type-changed": (
        [op((req("ids", ListShape(S)),))],
        [op((req("ids", S),))],
        ("ids", "list<string>", "string"),
    ),
    "response-member-added": (
        [op()],
        [op(outputs=(req("arn"),))],
        ("arn", None, {"required": False, "type": "string"}),
    ),
    "response-member-removed": (
        [op(outputs=(req("arn"),))],
        [op()],
        ("arn", {"required": False, "type": "string"}, None),
    ),
    "response-enum-value-added": (
        [op(outputs=(req("items", ListShape(Structure((req("state", E),)))),))],
        [op(outputs=(req("items", ListShape(Structure((req("state", Scalar("string", ("A", "B", "Z"))),)))),))],
        ("items[].state", None, "Z"),
    ),
    "response-enum-value-removed": (
        [op(outputs=(req("state", E),))],
        [op(outputs=(req("state", Scalar("string", ("B",))),))],
        ("state", "A", None),
    ),
    "response-became-required": (
        [op(outputs=(req("arn"),))],
        [op(outputs=(req("arn", required=True),))],
        ("arn", False, True),
    ),
    "response-became-optional": (
        [op(outputs=(req("arn", required=True),))],
        [op(outputs=(req("arn"),))],
        ("arn", True, False),
    ),
    "response-type-changed": (
        [op(outputs=(req("state", E),))],
        [op(outputs=(req("state", S),))],
        ("state", "enum", "string"),
    ),
}



def model(operation: Operation, overlay: Overlay) -> Operation:
    """The operation as a model source gives it: with its traits overlay."""
    return replace(operation, traits=overlay)


ARN, CONFIG, TAGS = (req("arn"),), (req("config", Structure((req("mode", E),))),), (req("tags", MapShape(S, S)),)
PAGES = {"input_token": "NextToken", "output_token": "NextToken", "result_key": "Items"}


def traits_case(
    inputs: tuple[Member, ...], outputs: tuple[Member, ...], at: str, old: dict[str, object], new: dict[str, object]
) -> tuple[list[Operation], list[Operation]]:
    """One operation whose shapes stay and whose traits at overlay path ``at`` go from old to new."""
    return [model(op(inputs, outputs), {at: old})], [model(op(inputs, outputs), {at: new})]


# rule id -> (previous, current, (path, old, new)): what only a model knows
TRAIT_CASES: dict[str, tuple[list[Operation], list[Operation], tuple[str, object, object]]] = {
    "request-constraint-tightened": (*traits_case(ARN, (), "input.arn", {"max": 500}, {"max": 180}),
                                     ("arn", {"max": 500}, {"max": 180})),
    "request-constraint-loosened": (*traits_case(ARN, (), "input.arn", {"min": 24}, {"min": 1}),
                                    ("arn", {"min": 24}, {"min": 1})),
    "response-constraint-loosened": (*traits_case((), ARN, "output.arn", {"max": 180}, {}),
                                     ("arn", {"max": 180}, {"max": None})),
    "response-constraint-tightened": (*traits_case((), ARN, "output.arn", {}, {"min": 1}),
                                      ("arn", {"min": None}, {"min": 1})),
    "request-pattern-changed": (*traits_case(ARN, (), "input.arn", {"pattern": "^a+$"}, {"pattern": "^[a-z]+$"}),
                                ("arn", {"pattern": "^a+$"}, {"pattern": "^[a-z]+$"})),
    "response-pattern-changed": (*traits_case((), ARN, "output.arn", {}, {"pattern": "^x$"}),
                                 ("arn", {"pattern": None}, {"pattern": "^x$"})),
    "operation-deprecated": (*traits_case(ARN, (), "", {}, {"deprecated": "use put_items"}),
                             ("", None, "use put_items")),
    "operation-undeprecated": (*traits_case(ARN, (), "", {"deprecated": True}, {}), ("", True, None)),
    "request-member-deprecated": (*traits_case(ARN, (), "input.arn", {}, {"deprecated": True}), ("arn", None, True)),
    "request-member-undeprecated": (*traits_case(ARN, (), "input.arn", {"deprecated": True}, {}),
                                    ("arn", True, None)),
    "response-member-deprecated": (*traits_case((), ARN, "output.arn", {}, {"deprecated": "gone"}),
                                   ("arn", None, "gone")),
    "response-member-undeprecated": (*traits_case((), ARN, "output.arn", {"deprecated": "gone"}, {}),
                                     ("arn", "gone", None)),
    "error-added": (*traits_case(ARN, (), "", {"errors": []}, {"errors": ["ThrottlingException"]}),
                    ("", None, "ThrottlingException")),
    "error-removed": (*traits_case(ARN, (), "", {"errors": ["A", "B"]}, {"errors": ["B"]}), ("", "A", None)),
    "paginator-added": (*traits_case(ARN, (), "", {}, {"paginator": PAGES}), ("", None, PAGES)),
    "paginator-removed": (*traits_case(ARN, (), "", {"paginator": PAGES}, {}), ("", PAGES, None)),
    "paginator-changed": (*traits_case(ARN, (), "", {"paginator": PAGES}, {"paginator": {**PAGES, "limit_key": "N"}}),
                          ("", PAGES, {**PAGES, "limit_key": "N"})),
    "waiter-added": (*traits_case(ARN, (), "", {}, {"waiters": ["ItemExists"]}), ("", None, "ItemExists")),
    "waiter-removed": (*traits_case(ARN, (), "", {"waiters": ["ItemExists"]}, {}), ("", "ItemExists", None)),
    "request-became-union": (*traits_case(CONFIG, (), "input.config", {}, {"union": True}), ("config", None, True)),
    "response-became-union": (*traits_case((), CONFIG, "output.config", {}, {"union": True}),
                              ("config", None, True)),
    "request-union-removed": (*traits_case(CONFIG, (), "input.config", {"union": True}, {}), ("config", True, None)),
    "response-union-removed": (*traits_case((), CONFIG, "output.config", {"union": True}, {}),
                               ("config", True, None)),
    "request-key-enum-value-added": (*traits_case(TAGS, (), "input.tags", {"key_enum": ["A"]},
                                                  {"key_enum": ["A", "B"]}), ("tags", None, "B")),
    "request-key-enum-value-removed": (*traits_case(TAGS, (), "input.tags", {"key_enum": ["A", "B"]},
                                                    {"key_enum": ["B"]}), ("tags", "A", None)),
    "response-key-enum-value-added": (*traits_case((), TAGS, "output.tags", {"key_enum": []}, {"key_enum": ["Z"]}),
                                      ("tags", None, "Z")),
    "response-key-enum-value-removed": (*traits_case((), TAGS, "output.tags", {"key_enum": ["Z"]}, {}),
                                        ("tags", "Z", None)),
}


def _store_pair(
    store: Store, previous: list[Operation], current: list[Operation], facts: tuple[dict[str, object], ...] = ({}, {})
) -> None:
    for date, ops, traits in (("2026-01-01", previous, facts[0]), ("2026-02-01", current, facts[1])):
        methods = tuple(PageMethod(o, "new") for o in ops)
        page = Page("fixture", dt.date.fromisoformat(date), "Fixture", methods, service="fixture", complete=True,
                    traits=traits or None)
        store_pages(store, [page])


def test_every_rule_has_a_fixture() -> None:
    # service-removed and service-added have their own tests below, as has protocol-changed.
    assert not CASES.keys() & TRAIT_CASES.keys()
    assert {*CASES, *TRAIT_CASES, "service-removed", "service-added", "protocol-changed"} == {
        rule.id for rule in RULES}


def test_a_service_gone_from_botocore_is_removed_with_its_operations(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's side (a complete source without the service ends it) is faked: state is {} from then on.
    _store_pair(store, [op(name="create"), op(name="delete")], [op(name="create"), op(name="delete")])
    state = store.state
    monkeypatch.setattr(store, "ended", lambda service: "2026-03-01")
    monkeypatch.setattr(store, "state", lambda service, at: {} if at >= "2026-03-01" else state(service, at))
    found = diff(store, "fixture", since="2026-01-15")
    assert [(f.rule.id, f.change.operation, f.severity, f.release) for f in found] == [
        ("service-removed", "", "breaking", "2026-03-01"),
        ("operation-removed", "create", "breaking", "2026-03-01"),
        ("operation-removed", "delete", "breaking", "2026-03-01"),
    ]
    assert found[0].message == "service fixture was removed: every call to any of its operations fails"
    assert {f.rule.id for f in diff(store, "fixture", since="2026-01-15", preset="readers")} >= {"service-removed"}
    assert len(diff(store, "fixture", since="2026-01-15", until="2026-03-01", transitive=True)) == 3
    assert diff(store, "fixture", since="2026-03-01") == []
    assert diff(store, "fixture", since="2026-01-02", until="2026-02-28") == []


@pytest.mark.parametrize("rule_id", sorted({*CASES, *TRAIT_CASES}))
def test_rule_fixture(rule_id: str, store: Store) -> None:
    previous, current, (path, old, new) = {**CASES, **TRAIT_CASES}[rule_id]
    _store_pair(store, previous, current)
    (finding,) = diff(store, "fixture", since="2026-01-01", until="2026-02-01")
    rule = next(r for r in RULES if r.id == rule_id)
    c = finding.change
    assert (finding.rule.id, finding.severity, c.path, c.old, c.new) == (rule_id, rule.severity, path, old, new)
    assert (c.service, c.operation, c.direction, c.kind) == ("fixture", "put_item", rule.direction, rule.kind)
    assert finding.release == "2026-02-01" and finding.previous == "2026-01-01"
    assert finding.message and (path in finding.message or rule_id.startswith("operation"))


def test_direction_decides_severity(store: Store) -> None:
    before = op((WRAP,), (WRAP,))
    grown = req("config", Structure((req("mode", Scalar("string", ("A", "B", "C"))),)))
    _store_pair(store, [before], [op((grown,), (grown,))])
    severities = {f.change.direction: f.severity for f in diff(store, "fixture", since="2026-01-01")}
    assert severities == {"request": "safe", "response": "dangerous"}


def test_impact_names_operations_sharing_the_shape(store: Store) -> None:
    shared = req("config", Structure((req("mode", E),)))
    grown = req("config", Structure((req("mode", Scalar("string", ("A", "B", "C"))),)))
    previous = [op((shared,), name="create"), op((shared,), name="update"), op((req("other"),), name="delete")]
    current = [op((grown,), name="create"), op((grown,), name="update"), op((req("other"),), name="delete")]
    _store_pair(store, previous, current)
    impact = {f.change.operation: f.impact for f in diff(store, "fixture", since="2026-01-01")}
    assert impact == {"create": ("update",), "update": ("create",)}


def test_impact_keeps_the_sides_apart(store: Store) -> None:
    # A member removed from a shape that create/update send and get returns: a request change for
    # create (update alike), a response change for get; never "also affects" across sides.
    shared, cut = Structure((req("mode", E), req("name"))), Structure((req("mode", E),))

    def ops(shape: Structure) -> list[Operation]:
        return [
            op((req("config", shape),), name="create"),
            op((req("config", shape),), name="update"),
            op(outputs=(req("config", shape),), name="get"),
        ]

    _store_pair(store, ops(shared), ops(cut))
    impact = {f.change.operation: (f.impact, f.impact_other_side) for f in diff(store, "fixture", since="2026-01-01")}
    assert impact == {
        "create": (("update",), ("get",)),
        "update": (("create",), ("get",)),
        "get": ((), ("create", "update")),
    }


def test_config_overrides_severity_and_accepts_known_changes(store: Store, tmp_path: Path) -> None:
    previous, current, _ = CASES["request-member-removed"]
    _store_pair(store, previous, current)
    (plain,) = diff(store, "fixture", since="2026-01-01")
    config_file = tmp_path / "changelog-tracker.toml"
    config_file.write_text(
        f'[severity]\n"request-member-removed" = "dangerous"\n\n'
        f'[[accept]]\nfingerprint = "{plain.fingerprint}"\nreason = "nobody sets id"\n'
    )
    (judged,) = diff(store, "fixture", since="2026-01-01", config=load_config(config_file))
    assert (judged.severity, judged.accepted, judged.fingerprint) == ("dangerous", "nobody sets id", plain.fingerprint)
    assert worst([plain]) == "breaking" and worst([judged]) is None


@pytest.mark.parametrize(
    "text",
    [
        '[severity]\nnope = "safe"\n',
        '[severity]\n"request-member-removed" = "fatal"\n',
        "[[accept]]\nreason = 'x'\n",
        "not toml [",
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(TrackerError, match=str(path)):
        load_config(path)


def test_presets_select_who_breaks(store: Store) -> None:
    _store_pair(store, [op((req("id"),), (req("arn"),))], [op((), ())])
    rules = {
        p: {f.rule.id for f in diff(store, "fixture", since="2026-01-01", preset=p)}
        for p in ("payloads", "readers", "all")
    }
    assert rules == {
        "payloads": {"request-member-removed"},
        "readers": {"response-member-removed"},
        "all": {"request-member-removed", "response-member-removed"},
    }


def test_transitive_sees_a_change_undone_inside_the_range(store: Store) -> None:
    pages = [("2026-01-01", [op((WRAP,))]), ("2026-02-01", [op()]), ("2026-03-01", [op((WRAP,))])]
    for date, ops in pages:
        methods = tuple(PageMethod(o, "new") for o in ops)
        store_pages(store, [Page("f", dt.date.fromisoformat(date), "F", methods, service="fixture", complete=True)])
    assert diff(store, "fixture", since="2026-01-01", until="2026-03-01") == []
    steps = diff(store, "fixture", since="2026-01-01", until="2026-03-01", transitive=True)
    assert [(f.rule.id, f.release) for f in steps] == [
        ("request-member-removed", "2026-02-01"),
        ("request-member-added", "2026-03-01"),
    ]


def _full_baseline(store: Store, date: str, services: dict[str, list[Operation]]) -> None:
    """A complete source of every service of its release (a full botocore baseline)."""
    pages = [Page("botocore", dt.date.fromisoformat(date), name.title(), tuple(PageMethod(o, "new") for o in ops),
                  service=name, complete=True, traits={"protocol": "json"}) for name, ops in services.items()]
    store_pages(store, pages, covers_all=True)


def test_a_service_new_in_botocore_is_added_and_a_first_baseline_only_first_seen(store: Store) -> None:
    _full_baseline(store, "2026-01-01", {"other": [op()]})
    _full_baseline(store, "2026-02-01", {"other": [op()], "fixture": [op(name="create"), op(name="delete")]})
    found = diff(store, "fixture", since="2026-01-15")
    assert [(f.rule.id, f.change.operation, f.severity, f.release, f.tracked_since) for f in found] == [
        ("service-added", "", "safe", "2026-02-01", "2026-02-01"),
    ]
    assert found[0].message == "new service fixture"
    assert [f.rule.id for f in diff(store, "fixture", since="2026-01-15", transitive=True)] == ["service-added"]
    assert diff(store, "fixture", since="2026-01-15", preset="readers") == []
    assert diff(store, "fixture", since="2026-02-01") == [] and diff(store, "other", since="2025-12-01") == []


def test_a_service_first_stored_without_an_earlier_full_baseline_is_not_added(store: Store) -> None:
    _full_baseline(store, "2026-02-01", {"other": [op()]})  # a full baseline of the day only, not before
    page = Page("f", dt.date(2026, 2, 1), "F", (PageMethod(op(), "new"),), service="fixture", complete=True)
    store_pages(store, [page])
    assert diff(store, "fixture", since="2025-12-01") == []


def test_a_protocol_change_is_one_service_finding_for_payloads_and_readers(store: Store) -> None:
    _store_pair(store, [op()], [op()], ({"protocol": "json"}, {"protocol": "smithy-rpc-v2-cbor", "api_version": "2"}))
    page = Page("drop", dt.date(2026, 3, 1), "Fixture", (PageMethod(op(), "updated"),), service="fixture")
    store_pages(store, [page])  # a page knows no protocol: the model's carries on
    for preset in ("payloads", "readers", "all"):
        found = diff(store, "fixture", since="2026-01-01", preset=preset)
        assert [(f.rule.id, f.change.operation, f.change.old, f.change.new, f.release) for f in found] == [
            ("protocol-changed", "", "json", "smithy-rpc-v2-cbor", "2026-02-01"),
        ]
    assert diff(store, "fixture", since="2026-02-01") == []
    assert found[0].severity == "dangerous" and "json to smithy-rpc-v2-cbor" in found[0].message


def test_unknown_traits_are_no_change_in_a_mixed_history(store: Store) -> None:
    # A baseline knows arn's max; a page then changes the request (arn's node stays, so its entry
    # carries over; the new member is unknown); the next baseline tightens arn and limits name.
    shape = (req("arn"),)
    grown = (req("arn"), req("name"))
    first = model(op(shape), {"": {}, "input": {}, "input.arn": {"max": 500}})
    last = model(op(grown), {"": {}, "input": {}, "input.arn": {"max": 180}, "input.name": {"max": 9}})
    _store_pair(store, [first], [last])
    page = Page("drop", dt.date(2026, 1, 15), "Fixture", (PageMethod(op(grown), "updated"),), service="fixture")
    store_pages(store, [page])
    assert [(f.rule.id, f.change.path, f.release) for f in diff(store, "fixture", since="2026-01-01",
                                                                 until="2026-01-15")] == [
        ("request-member-added", "name", "2026-01-15"),
    ]
    stepped = diff(store, "fixture", since="2026-01-01", transitive=True)
    assert [(f.rule.id, f.change.path, f.release) for f in stepped] == [
        ("request-member-added", "name", "2026-01-15"),
        ("request-constraint-tightened", "arn", "2026-02-01"),
    ]
    whole = diff(store, "fixture", since="2026-01-01")
    assert {(f.rule.id, f.release) for f in whole} == {("request-member-added", "2026-01-15"),
                                                       ("request-constraint-tightened", "2026-02-01")}


def test_a_trait_change_on_a_shared_scalar_impacts_only_the_operations_sharing_its_parent(store: Store) -> None:
    # Every operation's "arn" is the one node "string": impact must follow the structure holding it.
    config, flat = (req("config", Structure((req("arn"),))),), (req("arn"), req("name"))
    previous = [model(op(config, name="create"), {"input.config.arn": {"max": 500}}),
                model(op(config, name="update"), {"input.config.arn": {"max": 500}}),
                model(op(flat, name="delete"), {"input.arn": {"max": 500}, "": {"errors": []}})]
    current = [model(op(config, name="create"), {"input.config.arn": {"max": 180}}),
               model(op(config, name="update"), {"input.config.arn": {"max": 500}}),
               model(op(flat, name="delete"), {"input.arn": {"max": 500}, "": {"errors": ["Gone"]}})]
    # ... and "list<string>" alike: a pattern on list members follows the structure holding the list.
    ids, named = (req("ids", ListShape(S)),), (req("ids", ListShape(S)), req("name"))
    previous += [model(op(ids, name="tag"), {"input.ids[]": {}}), model(op(named, name="untag"), {})]
    current += [model(op(ids, name="tag"), {"input.ids[]": {"pattern": "^i-"}}), model(op(named, name="untag"), {})]
    _store_pair(store, previous, current)
    impact = {(f.change.operation, f.rule.id): (f.impact, f.impact_other_side)
              for f in diff(store, "fixture", since="2026-01-01")}
    assert impact == {("create", "request-constraint-tightened"): (("update",), ()),
                      ("delete", "error-added"): ((), ()), ("tag", "request-pattern-changed"): ((), ())}
