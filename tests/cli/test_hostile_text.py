"""Control and bidi characters from pages never reach a terminal raw: log and show, text and JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.graph.store import Store
from changelog_tracker.model import Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.write.ingest import store_pages

# What a terminal acts on: C0/C1 controls (but tab and newline), DEL, bidi overrides and isolates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\u2066\x9b\x00"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shape = Structure((Member(f"name{HOSTILE}", Scalar("string", (f"A{HOSTILE}", "B")), True),))
    op = Operation("put_thing", shape, Structure((Member(HOSTILE, Scalar("integer")),)))
    page = Page(f"page{HOSTILE}.txt", dt.date(2026, 3, 10), f"Amazon Thing{HOSTILE}", (PageMethod(op, "new"),),
                release_note=f"Changes {HOSTILE}", service="thing")  # fmt: skip
    path = tmp_path_factory.mktemp("hostile") / "tracker.db"
    with Store(path) as store:
        store_pages(store, [page])
    return path


@pytest.mark.parametrize("args", [["log"], ["log", "thing"], ["show", "thing"], ["show", "thing", "put_thing"]])
def test_text_output_escapes_page_strings(db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.output), repr(result.output)
    assert "\\x1b]0;pwned\\x07" in result.output and "\\u202e" in result.output


@pytest.mark.parametrize("args", [["log"], ["show", "thing", "put_thing"]])
def test_json_output_escapes_page_strings(db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["--store", str(db), *args, "--format", "json"])
    assert result.exit_code == 0 and not RAW.search(result.output)
    assert any(HOSTILE in text for text in _strings(json.loads(result.output)))  # escaped, not lost


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
