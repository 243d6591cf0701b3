"""Release notes and the report site: a day's own release, one service, the config, hostile strings."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker import Store, ingest
from changelog_tracker.cli import main
from changelog_tracker.query.release_notes import release_notes
from changelog_tracker.render.notes import render_notes
from changelog_tracker.render.site import EPOCH, MANIFEST, write_site
from changelog_tracker.rules.config import CONFIG_NAME, load_config
from tests.helpers import SEED_2025, SEED_2026
from tests.render.test_render import EVIL, enum_op, put

SERVICE = "bedrock-agentcore-control"
# Everything a page could carry to attack a reader: markup, a template, CDATA's end, terminal
# escapes, a right-to-left override, characters XML 1.0 cannot hold at all.
HOSTILE = EVIL + "{{7*7}}]]>\x1b[31mred\u202eevil\x00\x07\x0c"
ATOM = "{http://www.w3.org/2005/Atom}"
DANGEROUS_RULE = "response-enum-value-added"  # the seeds' one dangerous change (2026-03-10)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    db = tmp_path_factory.mktemp("seeds") / "tracker.db"
    with Store(db) as store:
        ingest(store, [SEED_2025, SEED_2026])
    return db


@pytest.fixture(scope="module")
def two_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("two") / "tracker.db") as store:
        ingest(store, [SEED_2025, SEED_2026])
        put(store, "demo", "2026-03-10", [enum_op("get_thing", ("A",), ("status",))], "Demo Service", None)
        put(store, "demo", "2026-04-01", [enum_op("get_thing", ("A", "B"), ("status",))], "Demo Service", None)
        yield store


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("hostile") / "tracker.db") as store:
        op = f"op{HOSTILE}"
        put(store, f"svc{HOSTILE}", "2025-01-01", [enum_op(op, ("a",), ())], f"Amazon {HOSTILE}", f"note {HOSTILE}")
        put(store, f"svc{HOSTILE}", "2025-02-01", [enum_op(op, (HOSTILE,), (HOSTILE,))], f"AWS {HOSTILE}",
            f"note {HOSTILE}")
        yield store


def cli(db: Path, *args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, ["--store", str(db), *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result


# -- notes: --from includes its day, SERVICE like diff ---------------------------------------------
def test_notes_of_one_day_show_that_days_release(seeded: Path) -> None:
    with Store(seeded) as store:
        (note,) = release_notes(store, "2026-03-10", "2026-03-10")
    assert (note.release, note.first, len(note.findings)) == ("2026-03-10", False, 15)
    assert {f.previous for f in note.findings} == {"2025-10-06"}
    (first,) = json.loads(cli(seeded, "notes", "--from", "2025-10-06", "--to", "2025-10-06", "--format", "json").stdout)
    assert (first["release"], first["first_release"], first["changes"]) == ("2025-10-06", True, [])


def test_notes_take_a_service(two_services: Store, tmp_path: Path) -> None:
    both = release_notes(two_services, "2026-01-01")
    assert [(n.release, n.service) for n in both] == [("2026-04-01", "demo"), ("2026-03-10", SERVICE),
                                                      ("2026-03-10", "demo")]
    only = release_notes(two_services, "2026-01-01", service="Demo Service")
    assert [(n.release, n.service) for n in only] == [("2026-04-01", "demo"), ("2026-03-10", "demo")]
    text = cli(two_services.path, "notes", "demo", "--from", "2026-03-10", "--format", "text").stdout
    assert text.startswith("Release notes: demo, 2026-03-10 to newest\n") and SERVICE not in text
    feed = ET.fromstring(render_notes(two_services, "2026-03-10", fmt="atom", service="Demo Service"))
    assert feed.findtext(f"{ATOM}id") == "tag:changelog-tracker,2026-03-10:notes/demo/2026-03-10/newest"
    for wrong in (["nosuch", "--from", "2026-03-10"], ["--from", "2026-03-10", "--to", "2026-03-09"]):
        error = cli(two_services.path, "notes", *wrong, code=2).stderr
        assert error.startswith("error: ") and error.count("\n") == 1, error


# -- the config is honoured -----------------------------------------------------------------------
def test_notes_honour_severities_and_accepts(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_text(f'[severity]\n{DANGEROUS_RULE} = "breaking"\n\n'
                    '[[accept]]\nrule = "response-member-added"\nreason = "we ignore new output"\n\n'
                    '[[accept]]\nservice = "ecs"\nreason = "stale"\n')
    with Store(seeded) as store:
        config = load_config(path)
        (note,) = release_notes(store, "2026-03-10", config=config)
    assert [f.severity for f in note.findings if f.rule.id == DANGEROUS_RULE] == ["breaking"]
    accepted = [f for f in note.findings if f.accepted is not None]
    assert accepted and {f.rule.id for f in accepted} == {"response-member-added"}
    (stale,) = config.stale_warnings()
    assert stale.startswith(f"{path}:8: ")


def test_notes_cli_finds_the_config_upward_and_warns_of_stale_accepts(seeded: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / CONFIG_NAME).write_text(f'[severity]\n{DANGEROUS_RULE} = "breaking"\n\n'
                                        '[[accept]]\nfingerprint = "000000000000"\nreason = "old"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    result = cli(seeded, "notes", SERVICE, "--from", "2026-03-10", "--format", "json")
    (note,) = json.loads(result.stdout)
    assert note["counts"] == {"breaking": 1, "dangerous": 0, "safe": 14}
    assert result.stderr.startswith(f"warning: {tmp_path / CONFIG_NAME}:4: ") and "000000000000" in result.stderr
    (tmp_path / CONFIG_NAME).write_text("[[accepts]]\n")
    error = cli(seeded, "notes", "--from", "2026-03-10", code=2).stderr
    assert error.startswith(f"error: {tmp_path / CONFIG_NAME}:1:3: ") and error.count("\n") == 1


# -- hostile strings ------------------------------------------------------------------------------
def test_notes_text_and_markdown_are_printable(hostile: Store) -> None:
    for text in (render_notes(hostile, "2025-01-01", fmt="text"), render_notes(hostile, "2025-01-01")):
        assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text and "\x07" not in text
        assert "\\x1b[31mred\\u202eevil" in text
    text = cli(hostile.path, "notes", "--from", "2025-01-01", "--format", "text").stdout
    assert "\x1b" not in text and "\u202e" not in text


def test_atom_is_well_formed_whatever_the_strings(hostile: Store) -> None:
    atom = render_notes(hostile, "2025-01-01", fmt="atom")
    feed = ET.fromstring(atom)  # raises on anything XML 1.0 cannot carry
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    title = entries[0].findtext(f"{ATOM}title") or ""
    assert "{{7*7}}]]>" in title and "<script>" in title  # literal text, once parsed
    content = entries[0].findtext(f"{ATOM}content") or ""
    assert "&lt;script&gt;" in content and "<script" not in content and "49" not in content


# -- the site -------------------------------------------------------------------------------------
class _Rows(HTMLParser):
    """Each filterable row's attributes and the text of its count cells; every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[dict[str, str], dict[str, str]]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if "data-filter-row" in found:
            self.rows.append((found, {}))
        self._cell = found.get("data-count") if tag == "td" and self.rows else None

    def handle_data(self, data: str) -> None:
        if self._cell:
            self.rows[-1][1][self._cell] = data.strip()
            self._cell = None

    @classmethod
    def of(cls, path: Path) -> _Rows:
        parser = cls()
        parser.feed(path.read_text(encoding="utf-8"))
        return parser


def test_site_index_counts_each_service_release_apart(two_services: Store, tmp_path: Path) -> None:
    """The service filter keeps a row's counts true: a row is one service's release, never a day's sum."""
    write_site(two_services, tmp_path)
    rows = _Rows.of(tmp_path / "index.html").rows
    notes = release_notes(two_services, EPOCH)
    assert len(rows) == len(notes) == 4
    for (attrs, cells), note in zip(rows, notes, strict=True):
        assert json.loads(attrs["data-service"]) == [note.service]
        assert json.loads(attrs["data-severity"]) == note.severities
        assert cells == {**{s: str(n) for s, n in note.counts.items()}, "total": str(len(note.findings))}


def test_site_honours_the_config(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_text(f'[severity]\n{DANGEROUS_RULE} = "breaking"\n\n'
                    f'[[accept]]\nrule = "{DANGEROUS_RULE}"\nreason = "we read status leniently"\n')
    cli(seeded, "report", "--out", str(tmp_path / "site"), "--config", str(path))
    release = _Rows.of(tmp_path / "site" / "releases" / "2026-03-10.html").rows
    judged = [attrs for attrs, _ in release if "accepted" in attrs["class"]]
    assert [json.loads(a["data-severity"]) for a in judged] == [["breaking"]]
    index = _Rows.of(tmp_path / "site" / "index.html").rows
    assert [cells["breaking"] for _, cells in index] == ["1", "0"]


def test_a_regenerated_site_removes_only_its_own_stale_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with Store(tmp_path / "a.db") as store:
        put(store, "old", "2025-01-01", [enum_op("get_thing", ("A",), ())], "Old Service", None)
        put(store, "demo", "2025-02-01", [enum_op("get_thing", ("A",), ())], "Demo Service", None)
        write_site(store, site)
    assert (site / "services" / "old.html").is_file() and (site / "releases" / "2025-01-01.html").is_file()
    mine = [site / "README.txt", site / "releases" / "custom.html", tmp_path / "outside.html"]
    for path in mine:
        path.write_text("the user's own")
    with Store(tmp_path / "b.db") as store:
        put(store, "demo", "2025-02-01", [enum_op("get_thing", ("A",), ())], "Demo Service", None)
        written = write_site(store, site)
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assert files == sorted([MANIFEST, "README.txt", "releases/custom.html",
                            *(str(p.relative_to(site)) for p in written)])
    assert "services/old.html" not in files and "releases/2025-01-01.html" not in files
    # A manifest that names files the site never writes (or outside it) deletes nothing of them.
    (site / MANIFEST).write_text(json.dumps({"files": ["../outside.html", "README.txt", "/etc/passwd",
                                                       "releases/../../outside.html"]}))
    with Store(tmp_path / "b.db") as store:
        write_site(store, site)
    assert all(path.read_text() == "the user's own" for path in mine[::2])
    assert (site / "releases" / "custom.html").is_file()


def test_hostile_strings_stay_inert_in_every_site_page(hostile: Store, tmp_path: Path) -> None:
    written = write_site(hostile, tmp_path)
    assert len(written) == 4
    for page in written:
        text = page.read_text(encoding="utf-8")
        parsed = _Rows.of(page)
        assert [tag for tag, _ in parsed.tags if tag in ("img", "iframe", "object")] == [], page
        assert sum(tag == "script" for tag, _ in parsed.tags) == 3, page  # page data, site state, filters
        handlers = {(tag, k) for tag, attrs in parsed.tags for k in attrs if k.startswith("on")}
        assert handlers <= {("form", "onsubmit")}, page  # the filter form's own, where it has one
        assert "49" not in text and "\u202e" not in text and "\x1b" not in text and "\x00" not in text, page
        assert "{{7*7}}" in text, page  # shown, literally
        data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', text, re.S)
        assert data is not None
        json.loads(data.group(1))


def _site_of(folder: Path, text: str) -> list[Path]:
    """Two releases of one service whose names, note, enum value and member are ``text``."""
    with Store(folder / "tracker.db") as store:
        put(store, "svc", "2025-01-01", [enum_op("op", ("a",), ())], f"Amazon {text}", f"note {text}")
        put(store, "svc", "2025-02-01", [enum_op("op", (text,), (text,))], f"AWS {text}", text)
        feed = ET.fromstring(render_notes(store, "2025-01-01", fmt="atom"))  # raises unless well-formed
        assert len(feed.findall(f"{ATOM}entry")) == 2
        json.loads(render_notes(store, "2025-01-01", fmt="json"))
        return write_site(store, folder / "site")


@pytest.fixture(scope="module")
def plain_tags(tmp_path_factory: pytest.TempPathFactory) -> list[list[tuple[str, dict[str, str]]]]:
    return [_Rows.of(page).tags for page in _site_of(tmp_path_factory.mktemp("plain"), "plain")]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40))
def test_any_page_string_keeps_atom_well_formed_and_site_markup_ours(
        tmp_path: Path, plain_tags: list[list[tuple[str, dict[str, str]]]], text: str) -> None:
    """Whatever a page's strings hold, every site page has only the kinds of element a plain one has."""
    pages = _site_of(tmp_path / hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest(), text)
    for page, plain in zip(pages, plain_tags, strict=True):
        assert {tag for tag, _ in _Rows.of(page).tags} <= {tag for tag, _ in plain}, (page, text)
