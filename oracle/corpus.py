"""Real-corpus self-check: pages botocore's own documenter writes, parsed, against the botocore source.

Where botocore cut a section, the page's answer (undocumented side, unknown required flags) is the
right one: the expected side is masked the same way and the operation counted as ``cut``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from changelog_tracker.errors import ParseError
from changelog_tracker.sources.botocore import ModelCatalog, operations_from_json
from changelog_tracker.sources.naming import name_cut_methods
from changelog_tracker.sources.text import read_text
from changelog_tracker.sources.wheel import installed_models
from oracle import pagegen

LAYOUTS: tuple[pagegen.Layout, ...] = ("oneline", "multiline")


@dataclass
class CorpusResult:
    operations: int = 0
    identical: int = 0
    cut: int = 0  # identical once what botocore cut is masked
    failures: dict[str, str] = field(default_factory=dict)  # "service/layout" -> first problem

    def add(self, other: CorpusResult) -> None:
        self.operations += other.operations
        self.identical += other.identical
        self.cut += other.cut
        self.failures.update(other.failures)


def check_service(service: str, layouts: Iterable[pagegen.Layout] = LAYOUTS) -> CorpusResult:
    """Every operation of one installed service, as a full page in each layout."""
    model = installed_models([service])[service]
    expected = {op.name: op.to_json() for op in operations_from_json(model, service)}
    known = ModelCatalog(model, service)
    blocks = pagegen.full_service_blocks(model, dt.date(2026, 1, 1), service)
    result = CorpusResult()
    for layout in layouts:
        text = pagegen.render_blocks(blocks, layout)
        result.operations += len(expected)
        try:
            (page,) = read_text(text, f"{service}.{layout}.txt")
            page = name_cut_methods(page, known)
        except ParseError as err:
            result.failures[f"{service}/{layout}"] = str(err)
            continue
        _compare(page, expected, result, f"{service}/{layout}")
    return result


def _compare(page: Any, expected: dict[str, Any], result: CorpusResult, where: str) -> None:
    got = {m.operation.name: m.operation.to_json() for m in page.methods}
    for name, want in expected.items():
        have = got.get(name)
        masked = _mask(want, have) if have is not None else None
        if have == want:
            result.identical += 1
        elif have is not None and have == masked:
            result.cut += 1
        else:
            result.failures.setdefault(where, f"{name} differs")


def _mask(want: Any, have: Any) -> Any:
    """``want`` with what the page lacks (an undocumented side, unknown required flags) taken as the page says."""
    if isinstance(have, dict) and have.get("type") == "undocumented":
        return have
    if isinstance(want, dict) and isinstance(have, dict):
        out = {k: _mask(v, have.get(k)) for k, v in want.items()}
        if "required" in want and have.get("required") is None and "required" in have:
            out["required"] = None
        return out
    return want


def check_corpus(
    services: Iterable[str], layouts: Iterable[pagegen.Layout] = LAYOUTS, processes: int = 2
) -> CorpusResult:
    """All ``services``, in parallel processes (the documenter is the slow part)."""
    total = CorpusResult()
    names, chosen = list(services), list(layouts)
    with ProcessPoolExecutor(processes) as pool:
        for one in pool.map(check_service, names, [chosen] * len(names), chunksize=1):
            total.add(one)
    return total
