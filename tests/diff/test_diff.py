"""The differ against an independent oracle (tests/independent.py), on real models."""

from __future__ import annotations

import datetime as dt

from changelog_tracker import Store, ingest
from changelog_tracker.rules.judge import diff
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages
from tests.helpers import SEED_2025, SEED_2026, committed_model
from tests.independent import canonical_ops, diff_ops, edits_of

SERVICE = "bedrock-agentcore-control"


def test_oracle_agrees_with_the_botocore_source() -> None:
    # The two canonical forms are written independently; they must agree before either judges the other.
    for version in ("1.40.46", "1.42.65"):
        model = committed_model(SERVICE, version)
        ours = {op.name: op.to_json() for op in operations_from_json(model, SERVICE)}
        assert ours == canonical_ops(model)


def test_seed_diff_is_exactly_the_model_diff(store: Store) -> None:
    ingest(store, [SEED_2025, SEED_2026])
    findings = diff(store, SERVICE, since="2025-10-06", until="2026-03-10")
    old = canonical_ops(committed_model(SERVICE, "1.40.46"))
    new = canonical_ops(committed_model(SERVICE, "1.42.65"))
    on_both = {"create_agent_runtime", "get_agent_runtime", "update_agent_runtime"}
    expected = diff_ops(old, new, on_both)
    assert expected, "the oracle finds the AG-UI and other changes"
    assert edits_of(findings) == expected
    assert not [f for f in findings if f.change.operation == "create_memory"]
    # create_memory did change between the two releases: a drop not listing it says nothing.
    assert diff_ops(old, new, {"create_memory"})


def test_each_finding_names_the_release_that_brought_it(store: Store) -> None:
    # Four real releases as baselines; without --transitive a change's release is where it last changed.
    releases = [
        ("1.40.45", "2025-10-03"),
        ("1.40.46", "2025-10-06"),
        ("1.42.64", "2026-03-09"),
        ("1.42.65", "2026-03-10"),
    ]
    for version, day in releases:
        store_pages(
            store, model_pages({SERVICE: committed_model(SERVICE, version)}, dt.date.fromisoformat(day), version)
        )
    findings = diff(store, SERVICE, since="2025-10-03", until="2026-03-10")
    dates = [day for _, day in releases]
    up_to = {day: [f.change for f in diff(store, SERVICE, since=dates[0], until=day)] for day in dates[1:]}
    assert len({f.release for f in findings}) == 3, "changes came with 10-06, 03-09 and 03-10"
    for finding in findings:  # present as of its release, absent as of the release before
        before = dates[dates.index(finding.release) - 1]
        assert finding.change in up_to[finding.release] and finding.change not in up_to.get(before, [])
    stepped = diff(store, SERVICE, since="2025-10-03", until="2026-03-10", transitive=True)
    assert all((f.change, f.release) in [(s.change, s.release) for s in stepped] for f in findings)
