"""changelog-tracker: the history of AWS's APIs from doc drops, and who each change breaks.

The public API, which the CLI is a thin layer over. Every name loads on first use, so a command
(and any import of a submodule, which runs this file first) imports only what it needs:

>>> from changelog_tracker import Store, ingest, show   # doctest: +SKIP
>>> with Store("data/tracker.db") as store:             # doctest: +SKIP
...     ingest(store, ["data/drops"])
...     show(store, "bedrock-agentcore-control", "create_agent_runtime", at="2026-03-10")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .check import check_payloads, validate
    from .errors import NoStoreError, NotFoundError, ParseError, StoreError, TrackerError
    from .graph.store import Store
    from .query.lookup import log, show
    from .render.findings import render_findings
    from .render.notes import render_notes
    from .render.site import write_site
    from .rules.judge import diff
    from .sources.detect import read_pages
    from .stubs.build import write_stubs
    from .write.baseline import baseline
    from .write.ingest import ingest

_LAZY = {
    **dict.fromkeys(["NoStoreError", "NotFoundError", "ParseError", "StoreError", "TrackerError"], "errors"),
    "Store": "graph.store",
    "log": "query.lookup",
    "show": "query.lookup",
    "baseline": "write.baseline",
    "ingest": "write.ingest",
    "diff": "rules.judge",
    "check_payloads": "check",
    "validate": "check",
    "render_findings": "render.findings",
    "render_notes": "render.notes",
    "write_site": "render.site",
    "read_pages": "sources.detect",
    "write_stubs": "stubs.build",
}
__all__ = [
    "NoStoreError", "NotFoundError", "ParseError", "Store", "StoreError", "TrackerError", "baseline",
    "check_payloads", "diff", "ingest", "log", "read_pages", "render_findings", "render_notes", "show", "validate",
    "write_site", "write_stubs",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'changelog_tracker' has no attribute {name!r}")
    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
