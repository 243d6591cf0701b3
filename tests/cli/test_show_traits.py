"""show --format json: the traits a model knows, as extra keys beside SPEC.md section 3's fixed ones."""

from __future__ import annotations

import json
from dataclasses import replace

from changelog_tracker.query.lookup import Shown
from changelog_tracker.render.views import SHOW_FORMATS
from tests.read.test_traits import converted

FIXED = {"service", "operation", "release", "input", "output"}


def test_known_traits_are_extra_keys_and_the_fixed_keys_keep_their_meaning() -> None:
    op = next(op for op in converted("s3control") if op.name == "get_access_point")
    shown = Shown("s3control", "2026-03-10", op).to_json()
    assert set(shown) == FIXED | {"errors", "paginator", "waiters", "deprecated"}
    assert (shown["errors"], shown["paginator"], shown["waiters"], shown["deprecated"]) == ([], None, [], False)
    account = shown["input"]["members"]["AccountId"]
    assert account["traits"] == {"host_label": True, "max": 64, "pattern": op.traits["input.AccountId"]["pattern"]}  # type: ignore[index]
    assert shown["input"]["traits"] == {} and shown["output"]["traits"] == {}
    stripped = json.loads(json.dumps(shown))
    for key in ("errors", "paginator", "waiters", "deprecated"):
        del stripped[key]
    _strip(stripped["input"]), _strip(stripped["output"])
    assert {k: stripped[k] for k in ("input", "output")} == op.to_json()


def _strip(shape: dict) -> None:  # type: ignore[type-arg]
    shape.pop("traits", None)
    for member in shape.get("members", {}).values():
        member.pop("traits", None)
        _strip(member["shape"])
    for key in ("member", "value"):
        if key in shape:
            _strip(shape[key])


def test_list_members_map_values_and_unknown_paths() -> None:
    op = next(op for op in converted("s3control") if op.name == "list_access_points")
    assert op.traits is not None
    overlay = dict(op.traits)
    listed = "output.AccessPointList[]"
    assert listed in overlay
    del overlay["output.AccessPointList[].Name"]  # unknown: no key
    shown = Shown("s3control", "2026-03-10", replace(op, traits=overlay)).to_json()
    item = shown["output"]["members"]["AccessPointList"]["shape"]["member"]
    assert item["traits"] == overlay[listed]
    assert "traits" not in item["members"]["Name"] and "traits" in item["members"]["NetworkOrigin"]
    assert shown["paginator"] == overlay[""].get("paginator") and shown["errors"] == overlay[""]["errors"]


def test_a_page_operation_shows_the_fixed_keys_only() -> None:
    op = next(op for op in converted("s3control") if op.name == "get_access_point")
    shown = Shown("s3control", "2026-03-10", replace(op, traits=None))
    assert set(shown.to_json()) == FIXED
    text = SHOW_FORMATS["json"].write([shown], True)
    assert "traits" not in text and "errors" not in text
