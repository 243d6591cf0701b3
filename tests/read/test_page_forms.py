"""Pages in every form their writers produce, and damage they must not survive (issue 10).

Pages are made from real botocore models by botocore's own documenter (oracle/pagegen.py for
text, oracle/html_pages.py for the feed's docutils HTML); only the defects are edits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from changelog_tracker.cli import main
from changelog_tracker.parse.lalr import MAX_NESTING
from changelog_tracker.parse.params import page_type
from changelog_tracker.sources.detect import read_pages
from changelog_tracker.sources.header import FIRST_DAY, LAST_DAY
from oracle import html_pages as build
from oracle import pagegen
from tests.helpers import SEED_2025, SEED_2026, committed_model

SERVICE = "bedrock-agentcore-control"
DAY = dt.date(2026, 3, 10)
SEED_TEXT = SEED_2026.read_text(encoding="utf-8")


def _models() -> tuple[dict[str, Any], dict[str, Any]]:
    """1.42.64 -> 1.42.65 of bedrock-agentcore-control, GetGateway dropped from the older one:
    the page lists one new method and three updated ones."""
    old, new = committed_model(SERVICE, "1.42.64"), committed_model(SERVICE, "1.42.65")
    old = {**old, "operations": {k: v for k, v in old["operations"].items() if k != "GetGateway"}}
    return old, new


def text_page(layout: pagegen.Layout = "multiline") -> str:
    old, new = _models()
    page = pagegen.page_between(old, new, DAY, None, layout, SERVICE)
    assert page is not None
    return page


def feed_html() -> str:
    old, new = _models()
    page = build.feed_page_html(new, SERVICE, DAY, old)
    assert page is not None
    return page


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(db), *args])


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    assert invoke(db, "ingest", str(SEED_2025)).exit_code == 0
    return db


def rejected(db: Path, path: Path, pattern: str) -> str:
    """``path`` is rejected whole: exit 2, one located line matching ``pattern``, the store unchanged."""
    before = db.read_bytes()
    result = invoke(db, "ingest", str(path))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: expected ", result.output), result.output
    assert re.search(pattern, result.output), result.output
    assert db.read_bytes() == before
    return result.output


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------- item 1: the feed's header


def test_pagegen_writes_the_feeds_one_count_phrase() -> None:
    header = text_page().split("\n", 1)[0]
    assert header == "2026/03/10 - Amazon Bedrock AgentCore Control - 1 new 3 updated api methods"


HEADER_FORMS = {
    "feed": "1 new 3 updated api methods",
    "feed-copy-without-space": "1 new3 updated api methods",
    "older-pages": "1 new api methods - 3 updated api methods",
}


@pytest.mark.parametrize("layout", pagegen.LAYOUTS)
@pytest.mark.parametrize("form", sorted(HEADER_FORMS))
def test_every_header_form_reads_the_same(form: str, layout: pagegen.Layout, tmp_path: Path) -> None:
    page = text_page(layout)
    rest = page.split("\n", 1)[1]
    variant = f"2026/03/10 - Amazon Bedrock AgentCore Control - {HEADER_FORMS[form]}\n{rest}"
    [expected], [read] = read_pages(page, "a.txt"), read_pages(variant, "b.txt")
    assert [(m.status, m.operation.to_json()) for m in read.methods] == [
        (m.status, m.operation.to_json()) for m in expected.methods
    ]
    assert sorted(m.status for m in read.methods) == ["new", "updated", "updated", "updated"]
    db = tmp_path / "t.db"
    assert invoke(db, "ingest", str(write(tmp_path, "p.txt", variant))).exit_code == 0


def test_feed_html_header_reads() -> None:
    html = feed_html()
    assert re.search(r"1 new\s+3 updated\s+api methods", html)
    [page] = read_pages(html, "feed.html")
    assert sorted(m.status for m in page.methods) == ["new", "updated", "updated", "updated"]


@pytest.mark.parametrize(
    "counts",
    [
        "1 new api methods - 1 new api methods - 3 updated api methods",  # a duplicated phrase
        "3 updated api methods - 3 updated api methods",
        "1 new 3 updated api methods - 3 updated api methods",
        "01 new 3 updated api methods",
        "0 new 4 updated api methods",
        "1 new 3 updated api method",
    ],
)
def test_counts_botocore_never_writes_are_rejected(counts: str, filled: Path, tmp_path: Path) -> None:
    page = text_page()
    header, rest = page.split("\n", 1)
    bad = write(tmp_path, "bad.txt", header.replace("1 new 3 updated api methods", counts) + "\n" + rest)
    rejected(filled, bad, r":1:\d+: expected .*count")


@pytest.mark.parametrize(
    ("counts", "found"), [("4 new api methods", "4 new"), ("2 new 2 updated api methods", "2 new")]
)
def test_counts_must_match_the_methods_listed(counts: str, found: str, filled: Path, tmp_path: Path) -> None:
    """The total is right, the split into new and updated (delta summary first) is not."""
    page = text_page()
    header, rest = page.split("\n", 1)
    bad = write(tmp_path, "bad.txt", header.replace("1 new 3 updated api methods", counts) + "\n" + rest)
    rejected(filled, bad, rf":1:\d+: expected {found} methods \(the header's count\)")


# ---------------------------------------------------------------- dates


BAD_DATES = {
    "month-13": "2026/13/45",
    "zeros": "0000/00/00",
    "feb-30": "2026/02/30",
    "arabic-indic-digits": "\u0662\u0660\u0662\u0666/\u0660\u0663/\u0661\u0660",
    "year-1": "0001/01/01",  # accepted before, and then `log` crashed on the store for good
    "year-9999": "9999/12/31",  # the store's open end
}


@pytest.mark.parametrize("case", sorted(BAD_DATES))
def test_impossible_dates_in_a_text_page(case: str, filled: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.txt", SEED_TEXT.replace("2026/03/10", BAD_DATES[case], 1))
    rejected(filled, bad, r":1:1: expected a (real )?date")
    assert invoke(filled, "log").exit_code == 0


@pytest.mark.parametrize("case", sorted(BAD_DATES))
def test_impossible_dates_in_a_feed_page(case: str, filled: Path, tmp_path: Path) -> None:
    html = feed_html()
    assert html.count("2026/03/10") == 1
    bad = write(tmp_path, "bad.html", html.replace("2026/03/10", BAD_DATES[case]))
    rejected(filled, bad, r"expected a (real )?date .*in the page header")


@pytest.mark.parametrize(
    "value", ["2026-13-45", "2026-02-30", "0001-01-01", "9999-12-31", "\u0662\u0660\u0662\u0666-01-01"]
)
@pytest.mark.parametrize(
    "command", [["show", SERVICE, "--at"], ["diff", SERVICE, "--from"], ["ingest", str(SEED_2026), "--date"]]
)
def test_date_options_take_the_same_range(command: list[str], value: str, filled: Path) -> None:
    before = filled.read_bytes()
    result = invoke(filled, *command, value)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{value!r} is not a" in result.output
    assert filled.read_bytes() == before


def test_the_range_ends_are_accepted(filled: Path) -> None:
    assert invoke(filled, "show", SERVICE, "--at", LAST_DAY.isoformat()).exit_code == 0
    result = invoke(filled, "diff", SERVICE, "--from", FIRST_DAY.isoformat(), "--to", LAST_DAY.isoformat())
    assert result.exit_code == 0, result.output
    day = FIRST_DAY.strftime("%Y/%m/%d")
    [page] = read_pages(SEED_TEXT.replace("2026/03/10", day, 1), "first.txt")
    assert page.date == FIRST_DAY


# ---------------------------------------------------------------- lines, BOM, whitespace


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85", "\u2029", "\x1c", "\r"])
def test_line_numbers_count_newlines_only(separator: str, filled: Path, tmp_path: Path) -> None:
    """Characters str.splitlines() splits on inside a description: the error's line is grep's."""
    lines = SEED_TEXT.split("\n")
    doc = next(i for i, line in enumerate(lines) if line.startswith("Creates an Amazon Bedrock AgentCore"))
    lines[doc] = lines[doc].replace(" ", separator, 3)
    target = lines.index("containerUri (string) -- [REQUIRED]")
    lines[target] = "containerUri (string) -- [REQUIRD]"
    bad = write(tmp_path, "bad.txt", "\n".join(lines))
    rejected(filled, bad, rf"bad.txt:{target + 1}:1: expected '\[REQUIRED\]' or a description")


def test_blank_lines_around_blocks_carry_no_meaning(tmp_path: Path) -> None:
    spaced = re.sub(r"(Request Syntax|Response Syntax|Response Structure|dict)\n", r"\1\n\n  \t\n", SEED_TEXT)
    spaced = spaced.replace("\n", "\r\n")
    [expected], [read] = read_pages(SEED_TEXT, "a.txt"), read_pages(spaced, "b.txt")
    assert [m.operation.to_json() for m in read.methods] == [m.operation.to_json() for m in expected.methods]
    assert invoke(tmp_path / "t.db", "ingest", str(write(tmp_path, "p.txt", spaced))).exit_code == 0


def test_blank_lines_keep_error_lines_true(filled: Path, tmp_path: Path) -> None:
    lines = re.sub(r"(Request Syntax)\n", r"\1\n\n\n", SEED_TEXT).split("\n")
    target = lines.index("'containerUri': 'string'")
    lines[target] = "'containerUri': Decimal(1)"
    bad = write(tmp_path, "bad.txt", "\n".join(lines))
    rejected(filled, bad, rf"bad.txt:{target + 1}:\d+: expected .* in the Request Syntax, found 'Decimal")


@pytest.mark.parametrize("kind", ["text", "html"])
def test_a_byte_order_mark_is_read(kind: str, tmp_path: Path) -> None:
    page = SEED_TEXT if kind == "text" else feed_html()
    plain, marked = tmp_path / "plain.db", tmp_path / "marked.db"
    assert invoke(plain, "ingest", str(write(tmp_path, f"a.{kind}", page))).exit_code == 0
    result = invoke(marked, "ingest", str(write(tmp_path, f"b.{kind}", "\ufeff" + page)))
    assert result.exit_code == 0, result.output
    shown = [invoke(db, "show", SERVICE, "--format", "json").output for db in (plain, marked)]
    assert shown[0] == shown[1]


def test_an_html_page_is_told_what_html_needs(filled: Path, tmp_path: Path) -> None:
    """A feed fragment (no <html>, starting with its header paragraph) with a bad date."""
    html = feed_html()
    end = html.rindex("</details>") + len("</details>")
    fragment = html[html.index('<p class="title is-5">') : end].replace("2026/03/10", "2026/02/30")
    bad = write(tmp_path, "bad.html", fragment)
    output = rejected(filled, bad, r"expected a real date YYYY/MM/DD in the page header")
    assert "as the first line" not in output


# ---------------------------------------------------------------- flags


def test_a_damaged_nested_required_flag_is_rejected(filled: Path, tmp_path: Path) -> None:
    line = SEED_TEXT.split("\n").index("containerUri (string) -- [REQUIRED]") + 1
    for damaged in ("[REQUIRD]", "[REQUIRED", "REQUIRED]", "[required]", "[REQUIRED]."):
        bad = write(
            tmp_path,
            "bad.txt",
            SEED_TEXT.replace("containerUri (string) -- [REQUIRED]", f"containerUri (string) -- {damaged}"),
        )
        rejected(filled, bad, rf":{line}:1: expected '\[REQUIRED\]' or a description")


def test_a_damaged_top_level_required_flag_is_rejected(filled: Path, tmp_path: Path) -> None:
    lines = SEED_TEXT.split("\n")
    at = lines.index("[REQUIRED]")
    lines[at] = "[REQUIRED"
    rejected(
        filled, write(tmp_path, "bad.txt", "\n".join(lines)), rf":{at + 1}:1: expected '\[REQUIRED\]' or a description"
    )


def test_a_damaged_required_flag_in_html_is_rejected(filled: Path, tmp_path: Path) -> None:
    html = feed_html()
    assert "<strong>[REQUIRED]</strong>" in html
    for count in (1, html.count("<strong>[REQUIRED]</strong>")):  # a top-level one, then every one
        bad = write(
            tmp_path, "bad.html", html.replace("<strong>[REQUIRED]</strong>", "<strong>[REQUIRD]</strong>", count)
        )
        rejected(filled, bad, r"expected '\[REQUIRED\]' or a description")


# ---------------------------------------------------------------- item 10: type names


TYPE_SPELLINGS = {
    "EventStream": [
        "EventStream",
        ".EventStream",
        ":class:`.EventStream`",
        ":py:class:`~botocore.eventstream.EventStream`",
    ],
    "StreamingBody": [
        "StreamingBody",
        ".StreamingBody",
        ":class:`.StreamingBody`",
        ":py:class:`botocore.response.StreamingBody`",
    ],
    "document": ["document", ":ref:`document<document>`", ":ref:`document <document>`"],
    "string": ["string", ":py:class:`string`"],
}


@pytest.mark.parametrize("name", sorted(TYPE_SPELLINGS))
def test_type_spellings_name_one_type(name: str) -> None:
    assert {page_type(spelling) for spelling in TYPE_SPELLINGS[name]} == {name}


STREAMING = [  # (service, operation, the type whose spelling varies)
    ("bedrock-runtime", "InvokeModelWithResponseStream", "EventStream"),
    ("bedrock-runtime", "InvokeModel", "StreamingBody"),
    ("bedrock-runtime", "Converse", "document"),
]


def _installed_page(service: str, operation: str) -> str:
    from botocore.model import ServiceModel

    from changelog_tracker.sources.wheel import installed_models

    model = installed_models([service])[service]
    op = ServiceModel(model, service_name=service).operation_names.index(operation)
    assert op >= 0
    page = pagegen.render_page(ServiceModel(model, service_name=service), DAY, [operation], {}, None, "multiline")
    return page


@pytest.mark.parametrize(("service", "operation", "kind"), STREAMING)
def test_text_pages_read_every_spelling_of_a_type(service: str, operation: str, kind: str) -> None:
    page = _installed_page(service, operation)
    header = re.compile(rf"(\(){re.escape(kind)}(\) --)")
    assert header.search(page), f"no '({kind}) --' on the page"
    [expected] = read_pages(page, "a.txt")
    for spelling in TYPE_SPELLINGS[kind][1:]:
        variant = header.sub(rf"\g<1>{spelling}\g<2>", page)
        [read] = read_pages(variant, "b.txt")
        assert [m.operation.to_json() for m in read.methods] == [m.operation.to_json() for m in expected.methods]


def test_html_pages_read_every_spelling_of_a_type() -> None:
    html = feed_html()
    [expected] = read_pages(html, "a.html")
    header = re.compile(r"(<em>\()string(\) --)")
    assert header.search(html)
    for spelling in (":py:class:`string`", ".string", ":class:`~builtins.string`"):
        [read] = read_pages(header.sub(rf"\g<1>{spelling}\g<2>", html), "b.html")
        assert [m.operation.to_json() for m in read.methods] == [m.operation.to_json() for m in expected.methods]


# ---------------------------------------------------------------- nesting


def _nested_model(depth: int) -> dict[str, Any]:
    """A model whose one operation's input nests ``depth`` structures (Level1 holds Level2...)."""
    shapes: dict[str, Any] = {"Leaf": {"type": "string"}}
    for level in range(depth, 0, -1):
        inner = f"Level{level + 1}" if level < depth else "Leaf"
        shapes[f"Level{level}"] = {"type": "structure", "members": {"inner": {"shape": inner}}}
    shapes["Request"] = {"type": "structure", "members": {"top": {"shape": "Level1"}}}
    shapes["Response"] = {"type": "structure", "members": {"top": {"shape": "Level1"}}}
    return {
        "version": "2.0",
        "metadata": {"apiVersion": "2026-01-01", "endpointPrefix": "deep", "protocol": "json",
                     "serviceFullName": "Amazon Bedrock AgentCore Control", "serviceId": "Deep",
                     "signatureVersion": "v4", "targetPrefix": "Deep", "uid": "deep-2026-01-01"},
        "operations": {"GetDeep": {"name": "GetDeep", "http": {"method": "POST", "requestUri": "/"},
                                   "input": {"shape": "Request"}, "output": {"shape": "Response"}}},
        "shapes": shapes,
    }  # fmt: skip


def test_the_deepest_accepted_nesting_survives_the_pipeline(tmp_path: Path) -> None:
    """A method one level shallower on day 1, then at the deepest accepted nesting on day 2
    (an updated method: its delta summary is as deep): ingest, show, diff, log all answer."""
    # client.get_deep( top={ inner={ ... 'string' } } ): the call's "(" and one "{" per structure.
    deepest = MAX_NESTING - 1
    shallower, deep = _nested_model(deepest - 1), _nested_model(deepest)
    first = pagegen.page_between(None, shallower, DAY, None, "oneline", SERVICE)
    second = pagegen.page_between(shallower, deep, DAY + dt.timedelta(days=1), None, "multiline", SERVICE)
    assert first is not None and second is not None and "updated api methods" in second
    db = tmp_path / "t.db"
    for name, page in (("first.txt", first), ("second.txt", second)):
        result = invoke(db, "ingest", str(write(tmp_path, name, page)))
        assert result.exit_code == 0, result.output
    shown = json.loads(invoke(db, "show", SERVICE, "get_deep", "--format", "json").output)
    shape, depth = shown["input"]["members"]["top"]["shape"], 1
    while shape["type"] == "structure":
        shape, depth = shape["members"]["inner"]["shape"], depth + 1
    assert depth == deepest + 1 and shape == {"type": "string"}
    assert invoke(db, "show", SERVICE, "get_deep").exit_code == 0
    diff = invoke(db, "diff", SERVICE, "--from", DAY.isoformat(), "--to", "2026-03-11", "--format", "json")
    assert diff.exit_code == 0, diff.output
    assert json.loads(diff.output)
    for args in (["log", SERVICE], ["log", SERVICE, "--format", "json"], ["notes", "--from", "2026-03-01"]):
        result = invoke(db, *args)
        assert result.exit_code == 0 and result.exception is None, (args, result.output)


NESTED: dict[str, Callable[[int], str]] = {
    "request": lambda n: SEED_TEXT.replace(
        "'containerUri': 'string'", "'containerUri': " + "{'a': " * n + "'string'" + "}" * n, 1
    ),
    "response": lambda n: SEED_TEXT.replace(
        "'agentRuntimeArn': 'string'", "'agentRuntimeArn': " + "[" * n + "'string'," + "]" * n, 1
    ),
    "delta": lambda n: SEED_TEXT.replace(
        "{'protocolConfiguration': {'serverProtocol': {'AGUI'}}}", "{'a': " * n + "{'AGUI'}" + "}" * n, 1
    ),
}


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 500, 10_000])
@pytest.mark.parametrize("where", sorted(NESTED))
def test_deep_nesting_is_rejected_where_it_starts(where: str, depth: int, filled: Path, tmp_path: Path) -> None:
    text = NESTED[where](depth)
    assert text != SEED_TEXT
    bad = write(tmp_path, "bad.txt", text)
    rejected(
        filled,
        bad,
        rf"expected brackets nested at most {MAX_NESTING} deep in .*, found 'nesting deeper than {MAX_NESTING}'",
    )


# ---------------------------------------------------------------- the same damage in an HTML page


def test_deep_nesting_in_an_html_page(filled: Path, tmp_path: Path) -> None:
    html = feed_html()
    assert "'agentRuntimeArn': 'string'" in html
    deep = "'agentRuntimeArn': " + "[" * 10_000 + "'string'," + "]" * 10_000
    bad = write(tmp_path, "bad.html", html.replace("'agentRuntimeArn': 'string'", deep, 1))
    rejected(filled, bad, rf"expected brackets nested at most {MAX_NESTING} deep in the (Request|Response) Syntax")


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85"])
def test_html_line_numbers_count_newlines_only(separator: str, filled: Path, tmp_path: Path) -> None:
    lines = feed_html().split("\n")
    doc = next(i for i, line in enumerate(lines) if line.startswith("<p>The identifier of the gateway"))
    lines[doc] = lines[doc].replace(" ", separator, 3)
    target = next(i for i, line in enumerate(lines) if i > doc and "'gatewayId': 'string'" in line)
    lines[target] = lines[target].replace("'string'", "Decimal(1)", 1)
    bad = write(tmp_path, "bad.html", "\n".join(lines))
    rejected(filled, bad, rf"bad.html:{target + 1}:\d+: expected .*, found 'Decimal")


def test_a_duplicated_count_phrase_in_an_html_page(filled: Path, tmp_path: Path) -> None:
    html = re.sub(r"(1 new\s+3 updated\s+api methods)", r"1 new api methods - \1", feed_html(), count=1)
    rejected(filled, write(tmp_path, "bad.html", html), r"expected one count phrase")
