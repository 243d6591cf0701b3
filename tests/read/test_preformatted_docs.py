"""Documentation may hold any preformatted block (a JSON policy, code, a dict in the feed's own
notation): only a delta summary naming the members of the method below makes a method "updated".

Real data: aiops of botocore 1.44.8, trimmed to ListTagsForResource and PutInvestigationGroupPolicy,
whose documentation shows an IAM policy as a preformatted JSON block just before its Request Syntax.
"""

from __future__ import annotations

import datetime as dt
import json
import pprint
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.text import SEE_ALSO, read_text
from oracle import pagegen
from tests.helpers import committed_model

SERVICE = "aiops"
DAY = dt.date(2026, 1, 1)
MODEL = committed_model(SERVICE, "1.44.8")
POLICY = "put_investigation_group_policy"
MEMBERS = {"identifier", "policy", "resourceArn", "tags"}  # the two methods' top-level members


def _expected() -> dict[str, Any]:
    return {op.name: op.to_json() for op in operations_from_json(MODEL, SERVICE)}


def _read(text: str) -> dict[str, tuple[str, Any, Any, str]]:
    (page,) = read_text(text, "aiops.txt")
    return {
        m.operation.name: (m.status, m.deltas, m.operation.to_json(), m.operation.documentation) for m in page.methods
    }


@pytest.mark.parametrize("layout", pagegen.LAYOUTS)
def test_a_json_policy_in_documentation_leaves_a_new_method_new(layout: pagegen.Layout) -> None:
    read = _read(pagegen.full_service_page(MODEL, DAY, layout, SERVICE))
    assert {name: (status, deltas, shapes) for name, (status, deltas, shapes, _) in read.items()} == {
        name: ("new", (), shapes) for name, shapes in _expected().items()
    }
    assert '"Version": "2008-10-17"' in read[POLICY][3]


@pytest.mark.parametrize("layout", pagegen.LAYOUTS)
def test_an_updated_method_keeps_its_summary_and_its_json_documentation(layout: pagegen.Layout) -> None:
    """The delta summary is the block naming the method's members, not the JSON after it."""
    shapes = MODEL["shapes"]
    request = shapes["PutInvestigationGroupPolicyRequest"]
    without_policy = {k: v for k, v in request["members"].items() if k != "policy"}
    old = {
        **MODEL,
        "operations": {"PutInvestigationGroupPolicy": MODEL["operations"]["PutInvestigationGroupPolicy"]},
        "shapes": {**shapes, "PutInvestigationGroupPolicyRequest": {**request, "members": without_policy}},
    }
    page = pagegen.page_between(old, MODEL, DAY, None, layout, SERVICE)
    assert page is not None
    read = _read(page)
    assert read["list_tags_for_resource"][:2] == ("new", ())
    status, deltas, got, documentation = read[POLICY]
    assert (status, deltas, got) == ("updated", ({"policy": "string"},), _expected()[POLICY])
    assert documentation.startswith("Creates an IAM resource policy") and '"Version"' in documentation


_STRUCTURE = {"Request Syntax", "Response Syntax", "Response Structure", "Parameters", "dict", "None"}
_STRUCTURE |= {"Request", "Response", SEE_ALSO}
_line = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).map(str.strip)
# Lines a page's structure is read from (a header starts with a digit, a parameter cell with '(')
# are out: text pages cannot tell them from documentation.
_doc_line = _line.filter(lambda s: s and s not in _STRUCTURE and not s[0].isdigit() and s[0] not in "(#*-")
_key = _doc_line.filter(lambda s: s not in MEMBERS)
_value: st.SearchStrategy[Any] = st.recursive(
    st.sampled_from(["string", "integer", "A | B"]) | st.frozensets(_key, min_size=1, max_size=3).map(set),
    lambda inner: st.dictionaries(_key, inner, min_size=1, max_size=3) | st.lists(inner, min_size=1, max_size=1),
    max_leaves=6,
)
_dicts = st.dictionaries(_key, _value, min_size=1, max_size=4)
_blocks = st.one_of(
    _dicts.map(lambda d: pprint.pformat(d, width=80)),  # the feed's own notation, other keys
    st.builds(lambda d, indent: json.dumps(d, indent=indent, default=sorted), _dicts, st.sampled_from([None, 1, 2])),
    st.lists(_doc_line, min_size=1, max_size=4).map("\n".join),  # code, prose, anything
).map(lambda text: tuple(s.strip() for s in text.splitlines() if s.strip()))


_BLOCKS = pagegen.full_service_blocks(MODEL, DAY, SERVICE)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=_blocks, where=st.integers(0, 10), layout=st.sampled_from(pagegen.LAYOUTS))
def test_a_preformatted_documentation_block_never_changes_a_method(
    block: tuple[str, ...], where: int, layout: pagegen.Layout
) -> None:
    """Anywhere in the documentation of a new method, before its Request Syntax."""
    blocks = _BLOCKS
    start = next(i for i, b in enumerate(blocks) if isinstance(b, str) and b.startswith("Creates an IAM resource"))
    see_also = next(i for i in range(start, len(blocks)) if blocks[i] == SEE_ALSO)
    at = start + where % (see_also - start + 1)
    read = _read(pagegen.render_blocks([*blocks[:at], block, *blocks[at:]], layout))
    assert {name: (status, deltas, shapes) for name, (status, deltas, shapes, _) in read.items()} == {
        name: ("new", (), shapes) for name, shapes in _expected().items()
    }
