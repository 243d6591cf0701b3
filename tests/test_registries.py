"""Extension points are registries: a format or a page layout added as one registry line is offered
by the CLI, rendered or read, and named in errors, with no other edit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main
from changelog_tracker.errors import ParseError
from changelog_tracker.model import Page
from changelog_tracker.render import findings, notes, views
from changelog_tracker.render.env import Format
from changelog_tracker.render.findings import render_findings
from changelog_tracker.render.notes import render_notes
from changelog_tracker.sources import detect
from changelog_tracker.sources.detect import PageReader, read_pages
from changelog_tracker.sources.document import Document

TOY_PAGE = '<html><body><div class="toy">2026-03-10 toy</div></body></html>'
UNKNOWN_PAGE = "<html><head><title>Nothing here</title></head><body><p>hi</p></body></html>"


def _toy(items: object, _options: object) -> str:
    return f"toy: {len(items)}\n"  # type: ignore[arg-type]


def _run(store: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    return result.exit_code, result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with Store(path):
        pass
    return path


@pytest.mark.parametrize(
    ("registry", "command"),
    [(findings.FORMATS, "diff"), (notes.FORMATS, "notes"), (views.LOG_FORMATS, "log"),
     (views.SHOW_FORMATS, "show"), (views.CHECK_FORMATS, "check")],
)
def test_a_registered_format_is_a_cli_choice(registry: dict[str, Format[object, object]], command: str,
                                             store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, before = _run(store, command, "--help")
    assert "toy" not in before
    assert re.search(r"\[(\w+\|)+\w+\]", before), before  # the choices, as click lists them
    monkeypatch.setitem(registry, "toy", Format(_toy, "toy"))
    _, after = _run(store, command, "--help")
    assert "|toy]" in after


def test_a_registered_findings_format_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(findings.FORMATS, "toy", Format(_toy, "toy"))
    assert render_findings([], "toy", title="t") == "toy: 0\n"


def test_a_registered_notes_format_renders(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(notes.FORMATS, "toy", Format(_toy, "toy"))
    with Store(store) as opened:
        assert render_notes(opened, "2026-01-01", fmt="toy") == "toy: 0\n"
    assert _run(store, "notes", "--from", "2026-01-01", "--format", "toy") == (0, "toy: 0\n")


def test_a_registered_log_format_is_used_by_the_command(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(views.LOG_FORMATS, "toy", Format(_toy, "toy"))
    assert _run(store, "log", "--format", "toy") == (0, "toy: 0\n")


# -- page readers ------------------------------------------------------------------------------
# This module is itself a page layout (LOOKS_LIKE, detects, read), registered by one line below.
LOOKS_LIKE = "a toy page (<div class='toy'>)"


def detects(document: Document) -> bool:
    return document.soup.find("div", class_="toy") is not None


def read(document: Document) -> tuple[list[Page], list[str]]:
    return [Page(document.source, dt.date(2026, 3, 10), "Toy", ())], []


@pytest.fixture
def toy_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "READERS", [*detect.READERS, PageReader("toy", __name__, markup=True)])


def test_a_registered_page_layout_is_detected_and_read(toy_reader: None) -> None:
    [page] = read_pages(TOY_PAGE, "toy.html")
    assert (page.source, page.full_name) == ("toy.html", "Toy")


def test_the_unknown_layout_error_names_every_html_layout(toy_reader: None) -> None:
    with pytest.raises(ParseError) as caught:
        read_pages(UNKNOWN_PAGE, "x.html")
    message = str(caught.value)
    looks = [r.layout.LOOKS_LIKE for r in detect.READERS if r.markup]
    assert message == f"x.html:1:1: expected {' or '.join(looks)}, found 'Nothing here'"
    assert LOOKS_LIKE in message and "a change-feed page" in message and "a boto3 reference page" in message


def test_readers_are_one_list_of_layout_modules() -> None:
    assert [r.name for r in detect.READERS] == ["text", "feed", "boto3"]
    for reader in detect.READERS:
        assert callable(reader.layout.detects) and callable(reader.layout.read) and reader.layout.LOOKS_LIKE


# -- each step in its room -------------------------------------------------------------------
def test_stub_templates_sit_beside_the_stub_code() -> None:
    from changelog_tracker.render.env import TEMPLATES
    from changelog_tracker.stubs import build

    beside = Path(build.__file__).parent / "templates"
    assert (beside / "client.pyi.j2").is_file() and not (TEMPLATES / "stubs").exists()
    assert "client.pyi.j2" in build._environment().list_templates()


@pytest.mark.parametrize("module", ["query.lookup", "query.release_notes"])
def test_queries_do_not_lay_out(module: str) -> None:
    """The queries answer; render/ lays out: no query module imports render/."""
    import ast
    import importlib

    source = Path(importlib.import_module(f"changelog_tracker.{module}").__file__ or "").read_text()
    imported = [n.module or "" for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)]
    assert imported and not [m for m in imported if m.startswith("render") or ".render" in m]
