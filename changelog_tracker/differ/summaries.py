"""Delta summaries checked against the graph: does a page's one-line summary say what really changed?

The feed (awslabs/aws-sdk-api-changes) shows only additions: new members by their type,
new enum values as a set, lists and maps looked through. We recompute that from the graph,
the method's previous state against the page's, and compare. (A second, narrower walk beside the
differ's: it renders additions in the feed's notation, which the differ's changes do not carry.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..graph.encode import CUT_NODE, PageRecord
from ..graph.nodes import NodeBody
from ..graph.store import Store, Version
from ..parse.delta import delta_from_json

Fetch = Callable[[str], NodeBody]
# The feed prints botocore type names; the model folds long into integer, double into float.
_SAME_TYPE = {"long": "integer", "double": "float", "character": "string"}
# Request members the feed leaves out of its summaries, per service (ec2-wide tagging churn).
FEED_HIDES: dict[str, frozenset[str]] = {"ec2": frozenset({"TagSpecifications"})}


@dataclass(frozen=True)
class SummaryVerdict:
    """Whether a page's delta summary of one method says what the graph says was added."""

    service: str
    release: str
    operation: str
    # "confirmed"; "covered" (true, but more changed: releases missing in between); "mismatch";
    # "unverified" (no earlier state in the store, or a page cut the section that changed)
    status: str
    page: Any = None  # what the page said
    computed: Any = None  # what the graph says was added

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "release": self.release,
            "operation": self.operation,
            "status": self.status,
            "page": _jsonable(self.page),
            "computed": _jsonable(self.computed),
        }


def verify_pages(store: Store, service: str | None = None) -> list[SummaryVerdict]:
    """A verdict for every updated method of every stored page (of one service)."""
    return [v for page in store.pages(service) for v in _verify_page(store, page)]


def _verify_page(store: Store, page: PageRecord) -> list[SummaryVerdict]:
    updated = [m for m in page.methods if m.get("deltas")]
    if not updated:
        return []
    before = store.state(page.service, _day_before(page.release))
    after = store.state(page.service, page.release)
    return [_verify_method(store, page, m, before.get(m["operation"]), after.get(m["operation"])) for m in updated]


def _verify_method(
    store: Store, page: PageRecord, method: dict[str, Any], old: Version | None, new: Version | None
) -> SummaryVerdict:
    said = [delta_from_json(d) for d in method["deltas"]]
    verdict = SummaryVerdict(page.service, page.release, method["operation"], "unverified", said)
    if old is None or new is None:
        return verdict  # no earlier state of this method in the store to compare with
    if CUT_NODE in (old.input, new.input, old.output, new.output):
        return verdict  # a page cut a section: what changed inside it is unknown
    request = additions(store.node, old.input, new.input)
    response = additions(store.node, old.output, new.output)
    computed = [d for d in (feed_request(page.service, request), response) if d]
    if _agrees(said, computed, same):
        status = "confirmed"
    elif _agrees(said, computed, covers):
        status = "covered"
    else:
        status = "mismatch"
    return SummaryVerdict(page.service, page.release, method["operation"], status, said, computed)


def _agrees(said: list[Any], computed: list[Any], equal: Callable[[Any, Any], bool]) -> bool:
    if len(said) == 1 and len(computed) == 2:
        return all(equal(said[0], c) for c in computed)  # request and response changed alike
    return len(said) == len(computed) and all(equal(s, c) for s, c in zip(said, computed, strict=True))


def feed_request(service: str, request: Any) -> Any:
    """Request additions as the feed shows them: without the members it hides for the service."""
    hidden = FEED_HIDES.get(service, frozenset())
    if not hidden or not isinstance(request, dict):
        return request
    return {name: value for name, value in request.items() if name not in hidden}


def additions(fetch: Fetch, old: str | None, new: str | None) -> Any:
    """The feed's delta of ``new`` over ``old`` (falsy when nothing was added)."""
    if old is None or new is None or old == new or CUT_NODE in (old, new):
        return {}
    new_body, old_body = fetch(new), fetch(old)
    if new_body["type"] == "structure":
        if old_body["type"] != "structure":
            return feed_type(fetch, new)
        before = {m[0]: m[2] for m in old_body["members"]}
        delta = {}
        for name, _required, child in new_body["members"]:
            value = feed_type(fetch, child) if name not in before else additions(fetch, before[name], child)
            if value or name not in before:
                delta[name] = value
        return delta
    if new_body["type"] == old_body["type"] == "list":
        return additions(fetch, old_body["member"], new_body["member"])
    if new_body["type"] == old_body["type"] == "map":
        return additions(fetch, old_body["value"], new_body["value"])
    if "enum" in new_body and old_body["type"] == "string":
        return frozenset(new_body["enum"]) - frozenset(old_body.get("enum", ()))
    return []


def feed_type(fetch: Fetch, node: str) -> Any:
    """A node's type in the feed's notation: members as a dict, a list as [item], enum values joined by |."""
    body = fetch(node)
    kind = body["type"]
    if kind == "structure":
        return {name: feed_type(fetch, child) for name, _required, child in body["members"]}
    if kind == "list":
        return [feed_type(fetch, body["member"])]
    if kind == "map":
        return {"string": feed_type(fetch, body["value"])}
    if "enum" in body:
        return " | ".join(body["enum"])
    return () if kind == "recursive" else kind


def same(page: Any, ours: Any) -> bool:
    """Equal up to what the model folds together (long/integer, double/float, documents)."""
    if ours == ():
        return True  # our page cut recursion here; the feed expands new members deeper, so any value fits
    if isinstance(page, str) and isinstance(ours, str):
        return _SAME_TYPE.get(page, page) == _SAME_TYPE.get(ours, ours)
    if ours == "document":
        return page in ("string", {}) or page == "document"
    if isinstance(page, dict) and isinstance(ours, dict):
        pair = _map_value(page, ours)
        if pair is not None:
            return same(*pair)
        return page.keys() == ours.keys() and all(same(page[k], ours[k]) for k in page)
    if isinstance(page, list) and isinstance(ours, list):
        return len(page) == len(ours) and all(same(p, o) for p, o in zip(page, ours, strict=True))
    return bool(page == ours)


def covers(page: Any, ours: Any) -> bool:
    """Everything the page says was added, was (our previous state may be older than the page's)."""
    if isinstance(page, dict) and isinstance(ours, dict):
        pair = _map_value(page, ours)
        if pair is not None:
            return covers(*pair)
        return page.keys() <= ours.keys() and all(covers(page[k], ours[k]) for k in page)
    if isinstance(page, frozenset) and isinstance(ours, frozenset):
        return page <= ours
    if isinstance(page, list) and isinstance(ours, list):
        return len(page) == len(ours) and all(covers(p, o) for p, o in zip(page, ours, strict=True))
    return same(page, ours)


def _map_value(page: dict[str, Any], ours: dict[str, Any]) -> tuple[Any, Any] | None:
    """For a map, the two values: the feed names an enum key's values ('A | B'), a page only 'string'."""
    if list(ours) == ["string"] and len(page) == 1 and "string" not in page:
        return next(iter(page.values())), ours["string"]
    return None


def _day_before(release: str) -> str:
    return (dt.date.fromisoformat(release) - dt.timedelta(days=1)).isoformat()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
