"""changelog-tracker: the history of AWS's APIs from doc drops, and who each change breaks.

The public API, which the CLI is a thin layer over:

>>> from changelog_tracker import Store, ingest, show   # doctest: +SKIP
>>> with Store("data/tracker.db") as store:             # doctest: +SKIP
...     ingest(store, ["data/drops"])
...     show(store, "bedrock-agentcore-control", "create_agent_runtime", at="2026-03-10")
"""

from .baseline import baseline
from .errors import NotFoundError, ParseError, TrackerError
from .graph.store import Store
from .ingest import ingest
from .queries import log, show
from .sources.detect import read_pages
from .stubs.build import write_stubs

__all__ = [
    "NotFoundError",
    "ParseError",
    "Store",
    "TrackerError",
    "baseline",
    "ingest",
    "log",
    "read_pages",
    "show",
    "write_stubs",
]
