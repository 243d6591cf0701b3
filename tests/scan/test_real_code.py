"""scan over real code: a committed extract of dagster-aws 0.25.10 (Apache-2.0) equals its hand count.

expected.json was counted by reading the code (see its notes), not from scan's output; ORIGIN.md says where the
files come from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from changelog_tracker.scan.files import scan_paths
from tests.helpers import DATA

REAL = DATA / "scan" / "dagster-aws-0.25.10"
EXPECTED: dict[str, Any] = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
RESULT = scan_paths([REAL])


def where(file: str) -> str:
    return Path(file).relative_to(REAL).as_posix()


def test_every_file_is_read() -> None:
    assert RESULT.files == len(list(REAL.rglob("*.py"))) == 8


def test_calls_equal_the_hand_count() -> None:
    found = sorted((where(c.file), c.line, c.service, c.method, c.via) for c in RESULT.calls)
    expected = sorted((c["file"], c["line"], c["service"], c["method"], c["via"]) for c in EXPECTED["calls"])
    assert found == expected


def test_unresolved_equal_the_hand_count() -> None:
    found = sorted((where(u.file), u.line) for u in RESULT.unresolved)
    assert found == sorted((u["file"], u["line"]) for u in EXPECTED["unresolved"])


def test_known_misses_are_neither_calls_nor_unresolved() -> None:
    reported = {(where(c.file), c.line) for c in RESULT.calls} | {(where(u.file), u.line) for u in RESULT.unresolved}
    assert reported.isdisjoint((m["file"], m["line"]) for m in EXPECTED["not_found"])
