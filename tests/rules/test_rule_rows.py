"""The registry's structure: a rule is one row (match, message, who it breaks, presets), the taxonomy
is defined once, and every table the CLI and the renderers show is read from the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.differ import Change
from changelog_tracker.render.findings import render_findings
from changelog_tracker.rules import registry
from changelog_tracker.rules.config import load_config
from changelog_tracker.rules.judge import diff
from changelog_tracker.rules.registry import RULES, Rule, by_id, presets, rule_for
from changelog_tracker.taxonomy import ChangeKind, Direction, Preset, Severity
from tests.rules.test_rules import CASES, TRAIT_CASES, _store_pair

LIST_GONE = "request-list-became-scalar"


def _list_gone(change: Change) -> bool:
    return str(change.old).startswith("list<") and not str(change.new).startswith("list<")


# The example of "adding a rule": one row (here inserted before the general request-type-changed row,
# since the first row that matches a change is its rule) and one previous/current fixture.
ROW = Rule(
    LIST_GONE, ChangeKind.TYPE_CHANGED, Direction.REQUEST, Severity.BREAKING, Preset.PAYLOADS, (Preset.PAYLOADS,),
    "request {path} is no longer a list ({old} to {new}): old payloads sending several are rejected",
    when=_list_gone,
)
FIXTURE = CASES["request-type-changed"]  # ids: list<string> -> string


@pytest.fixture
def extended(monkeypatch: pytest.MonkeyPatch) -> tuple[Rule, ...]:
    """The registry with ROW added, and nothing else touched."""
    at = next(i for i, rule in enumerate(RULES) if rule.id == "request-type-changed")
    rules = (*RULES[:at], ROW, *RULES[at:])
    monkeypatch.setattr(registry, "RULES", rules)
    return rules


def test_presets_are_declared_per_row_and_equal_the_direction_split() -> None:
    # Before the rows declared their presets, PRESETS was derived from direction exactly so.
    request = {r.id for r in RULES if r.direction == "request"}
    response = {r.id for r in RULES if r.direction == "response"}
    assert presets() == {
        "payloads": frozenset(request),
        # (a new protocol serializes requests and responses alike: both presets, issue 13)
        "readers": frozenset({"operation-removed", "service-removed", "protocol-changed"} | response),
        "all": frozenset(r.id for r in RULES),
    }
    assert list(presets()) == [p.value for p in Preset]


def test_each_change_kind_and_side_falls_under_exactly_one_row() -> None:
    for kind in ChangeKind:
        for direction in Direction:
            for new in ({"required": True, "type": "string"}, {"required": False, "type": "string"}):
                change = Change("s", "op", direction, "x", kind, None, new)
                matching = [r.id for r in RULES if r.matches(change)]
                assert len(matching) <= 1, matching
                if matching:
                    assert rule_for(change).id == matching[0]


def test_the_taxonomy_keeps_todays_strings() -> None:
    assert [s.value for s in Severity] == ["breaking", "dangerous", "safe"]
    assert [d.value for d in Direction] == ["request", "response"]
    assert {k.value for k in ChangeKind} == {r.kind for r in RULES}
    assert json.dumps([Severity.SAFE, ChangeKind.MEMBER_ADDED]) == '["safe", "member-added"]'


def test_a_row_added_is_matched_judged_messaged_and_preset_selected(store: Store, extended: tuple[Rule, ...]) -> None:
    previous, current, _ = FIXTURE
    _store_pair(store, previous, current)
    [found] = diff(store, "fixture", since="2026-01-15")
    assert (found.rule, found.severity, found.change.path) == (ROW, "breaking", "ids")
    assert found.message == (
        "request ids is no longer a list (list<string> to string): old payloads sending several are rejected"
    )
    assert [f.rule.id for f in diff(store, "fixture", since="2026-01-15", preset="payloads")] == [LIST_GONE]
    assert diff(store, "fixture", since="2026-01-15", preset="readers") == []
    sarif = json.loads(render_findings([found], "sarif", title="t"))["runs"][0]
    assert [r["id"] for r in sarif["tool"]["driver"]["rules"]] == [r.id for r in extended]
    assert sarif["results"][0]["ruleId"] == LIST_GONE
    assert sarif["results"][0]["ruleIndex"] == extended.index(ROW)


def test_a_row_added_is_known_to_the_config_and_the_cli(tmp_path: Path, extended: tuple[Rule, ...]) -> None:
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        previous, current, _ = FIXTURE
        _store_pair(store, previous, current)
    toml = tmp_path / "changelog-tracker.toml"
    toml.write_text(f'[severity]\n"{LIST_GONE}" = "dangerous"\n')
    assert load_config(str(toml)).severity_of(LIST_GONE, "breaking") == "dangerous"
    args = ["--store", str(db), "diff", "fixture", "--from", "2026-01-15", "--format", "json"]
    shown = CliRunner().invoke(main, [*args, "--fail-on", "breaking"])
    assert shown.exit_code == 1 and [f["rule"] for f in json.loads(shown.stdout)] == [LIST_GONE]
    relaxed = CliRunner().invoke(main, [*args, "--fail-on", "breaking", "--config", str(toml)])
    assert relaxed.exit_code == 0 and json.loads(relaxed.stdout)[0]["severity"] == "dangerous"


def test_the_cli_choices_and_help_read_the_taxonomy() -> None:
    help_text = CliRunner().invoke(main, ["diff", "--help"]).stdout
    assert "[breaking|dangerous|safe]" in help_text and "--fail-on [breaking|dangerous]" in help_text
    listed = help_text.split("Kinds: ", 1)[1].split("; each under a rule", 1)[0]
    words = {w.strip(",") for w in listed.split()}
    spelled = {f"{stem}-{tail}" if stem else tail
               for w in words for stem, _, tails in [w.rpartition("-")] for tail in tails.split("/")}
    assert spelled == {k.value for k in ChangeKind}


@pytest.mark.parametrize(("rule_id", "fails"), [("request-constraint-tightened", 1), ("error-added", 0)])
def test_trait_rules_are_gated_by_fail_on_and_selected_by_presets(tmp_path: Path, rule_id: str, fails: int) -> None:
    db = tmp_path / "tracker.db"
    with Store(db) as store:
        previous, current, _ = TRAIT_CASES[rule_id]
        _store_pair(store, previous, current)
    args = ["--store", str(db), "diff", "fixture", "--from", "2026-01-01", "--format", "json"]
    gated = CliRunner().invoke(main, [*args, "--fail-on", "breaking"])
    assert gated.exit_code == fails and [f["rule"] for f in json.loads(gated.stdout)] == [rule_id]
    assert CliRunner().invoke(main, [*args, "--fail-on", "dangerous"]).exit_code == 1
    rule = by_id()[rule_id]
    for preset in ("payloads", "readers"):
        shown = CliRunner().invoke(main, [*args, "--preset", preset])
        assert [f["rule"] for f in json.loads(shown.stdout)] == ([rule_id] if preset in rule.presets else [])
