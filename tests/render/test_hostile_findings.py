"""Hostile strings from pages, through the store and diff, stay inert in every findings format."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from changelog_tracker import Store
from changelog_tracker.model import Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.render.findings import render_findings
from changelog_tracker.rules.judge import Finding, diff
from changelog_tracker.write.ingest import store_pages

# Markup, an attribute break-out, a template expression, a CDATA end, an RTL override, terminal
# escapes and controls, GitHub's own escape character, CR and LF.
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=x>{{7*7}}]]>\u202egnp.exe\x1b[2J\x07\x00%\r\n'
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _op(name: str, values: tuple[str, ...], extra: bool) -> Operation:
    members = (Member(f"mode{HOSTILE}", Scalar("string", values)),)
    output = Structure((Member(f"out{HOSTILE}", Scalar("string")),) if extra else ())
    return Operation(name, Structure(members), output)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    name = f"op{HOSTILE}"
    releases = [
        ("2026-01-01", [(_op(name, ("a", f"v{HOSTILE}"), True), "updated")]),
        ("2026-02-01", [(_op(name, (f"w{HOSTILE}",), False), "updated"), (_op(f"new{HOSTILE}", ("a",), True), "new")]),
    ]
    with Store(tmp_path_factory.mktemp("hostile") / "tracker.db") as store:
        for day, methods in releases:
            page_methods = tuple(PageMethod(op, status) for op, status in methods)
            page = Page("hostile", dt.date.fromisoformat(day), f"Hostile {HOSTILE}", page_methods, service="hostile")
            store_pages(store, [page])
        found = diff(store, "hostile", since="2026-01-01")
    kinds = sorted(f.change.kind for f in found)
    assert kinds == [
        "enum-value-added",
        "enum-value-removed",
        "enum-value-removed",
        "member-removed",
        "operation-added",
    ]
    return found


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_html_has_no_injected_element(hostile: list[Finding]) -> None:
    parser = _Tags()
    parser.feed(render_findings(hostile, "html", title=f"t {HOSTILE}"))
    assert not [t for t, _ in parser.tags if t == "img"]
    assert [t for t, _ in parser.tags].count("script") == 2  # the page's JSON data and its own script
    handlers = [(t, a) for t, attrs in parser.tags for a, _ in attrs if a.startswith("on")]
    assert handlers == [("form", "onsubmit")]  # the page's own filter form, nothing from data


def test_junit_is_well_formed(hostile: list[Finding]) -> None:
    root = ET.fromstring(render_findings(hostile, "junit", title=HOSTILE, fail_on="breaking"))
    names = [case.get("name") or "" for case in root.iter("testcase")]
    assert len(names) == 2 and all("<script>" in n and "]]>" in n for n in names)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_are_valid_and_carry_the_strings(fmt: str, hostile: list[Finding]) -> None:
    data = json.loads(render_findings(hostile, fmt, title=HOSTILE))
    messages = (
        [f["message"] for f in data] if fmt == "json" else [r["message"]["text"] for r in data["runs"][0]["results"]]
    )
    assert messages == [f.message for f in hostile] and any(HOSTILE in m for m in messages)


def test_github_annotations_stay_one_command_each(hostile: list[Finding]) -> None:
    out = render_findings(hostile, "github", title=HOSTILE)
    lines = out.split("\n")[:-1]
    assert len(lines) == len(hostile) and "\r" not in out
    assert all(re.fullmatch(r"::(error|warning|notice) title=[a-z-]+::[^\r\n]+", line) for line in lines)
    assert all("%25" in line and "%0D%0A" in line for line in lines)  # '%', CR and LF escaped GitHub's way
    assert not TERMINAL_UNSAFE.search(out.replace("\n", ""))


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_formats_carry_no_terminal_controls(fmt: str, hostile: list[Finding]) -> None:
    out = render_findings(hostile, fmt, title=HOSTILE)
    if fmt == "text":
        assert not TERMINAL_UNSAFE.search(out.replace("\n", ""))
        assert "{{7*7}}" in out and "\\u202e" in out and "\\x1b[2J" in out
    assert len([line for line in out.splitlines() if "enum" in line or "new operation" in line]) >= 3
