"""Renderers: every findings format, release notes, the static site; escaping; a real browser."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from changelog_tracker import Store, ingest
from changelog_tracker.differ import Change
from changelog_tracker.model import Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.query.release_notes import release_notes
from changelog_tracker.render.findings import FORMATS as FINDINGS_FORMATS
from changelog_tracker.render.findings import render_findings
from changelog_tracker.render.notes import FORMATS as NOTES_FORMATS
from changelog_tracker.render.notes import render_notes
from changelog_tracker.render.site import write_site
from changelog_tracker.rules.judge import Finding, diff
from changelog_tracker.rules.registry import RULES, SEVERITIES, rule_for
from changelog_tracker.write.ingest import store_pages
from tests.helpers import SEED_2025, SEED_2026

SERVICE = "bedrock-agentcore-control"
TITLE = f"{SERVICE}: 2025-10-06 to 2026-03-10"
ATOM = "{http://www.w3.org/2005/Atom}"
# Tries to run in a page three ways; the pipe, percent and newline test Markdown and GitHub escaping.
EVIL = "<script>alert(1)</script><img src=x onerror=\"window.__xss=1\">\"'&|%\n"
EVIL_KEY = "evil<script>alert(1)</script>\"'&"


def _text_snapshot(extension: str) -> type[SingleFileSnapshotExtension]:
    # syrupy >= 4.?: file_extension; earlier 4.x: _file_extension. Set both: real files either way.
    attributes = {"_write_mode": WriteMode.TEXT, "file_extension": extension, "_file_extension": extension}
    return type(f"{extension.capitalize()}Snapshot", (SingleFileSnapshotExtension,), attributes)


EXTENSIONS = {ext: _text_snapshot(ext) for ext in ("txt", "md", "html", "json", "xml", "sarif")}
FORMAT_EXTENSIONS = {name: fmt.extension for name, fmt in FINDINGS_FORMATS.items()}
NOTES_EXTENSIONS = {name: fmt.extension for name, fmt in NOTES_FORMATS.items()}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("seeds") / "tracker.db") as store:
        ingest(store, [SEED_2025, SEED_2026])
        yield store


@pytest.fixture(scope="module")
def findings(seeded: Store) -> list[Finding]:
    found = diff(seeded, SERVICE, since="2025-10-06", until="2026-03-10")
    assert Counter(f.severity for f in found) == {"safe": 14, "dangerous": 1}, "seed diff changed: see rules/judge.py"
    return found


def evil_findings() -> list[Finding]:
    """Hand-built findings whose every page-supplied field is hostile."""
    svc, op = f"svc{EVIL_KEY}", f"op{EVIL}"
    changes = [
        Change(svc, op, "request", f"member{EVIL}", "enum-value-removed", f"v{EVIL}", None),
        Change(svc, op, "response", f"out{EVIL}", "member-added", None, {"required": False, "type": "string"}),
    ]
    found = [Finding(c, rule_for(c), rule_for(c).severity, "2026-03-10", "2025-10-06", (f"other{EVIL}",))
             for c in changes]
    return [*found, replace(found[0], accepted=f"reason {EVIL}")]


def put(
    store: Store, service: str, release: str, ops: list[Operation], full_name: str, note: str | None, new: str = ""
) -> None:
    """A release written straight to the store, for names no real page has; ``new``: the one it lists as new."""
    methods = tuple(PageMethod(op, "new" if op.name == new else "updated") for op in ops)
    page = Page("test", dt.date.fromisoformat(release), full_name, methods, note, service=service)
    store_pages(store, [page])


def enum_op(name: str, values: tuple[str, ...], outputs: tuple[str, ...]) -> Operation:
    inputs = Structure((Member("mode", Scalar("string", values)),))
    return Operation(name, inputs, Structure(tuple(Member(n, Scalar("string")) for n in outputs)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Three releases; 'extra' is added in the second and removed in the third."""
    with Store(tmp_path_factory.mktemp("demo") / "tracker.db") as store:
        put(store, "demo", "2025-01-01", [enum_op("get_thing", ("A", "B"), ("status",))], "Demo Service", "first")
        put(store, "demo", "2025-02-01", [enum_op("get_thing", ("A", "B", "C"), ("status", "extra")),
                                          enum_op("create_thing", ("A",), ())], "Demo Service", "adds C",
            new="create_thing")
        put(store, "demo", "2025-03-01", [enum_op("get_thing", ("A", "C"), ("status", "later"))], "Amazon Demo", None)
        yield store


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("evil") / "tracker.db") as store:
        op = f"op{EVIL}"
        put(store, EVIL_KEY, "2025-01-01", [enum_op(op, ("a",), ())], f"Amazon {EVIL}", f"note {EVIL}")
        put(store, EVIL_KEY, "2025-02-01", [enum_op(op, (EVIL,), (EVIL,))], f"AWS {EVIL}", f"note {EVIL}")
        yield store


# -- snapshots -------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", list(FORMAT_EXTENSIONS))
def test_findings_snapshot(fmt: str, findings: list[Finding], snapshot: SnapshotAssertion) -> None:
    rendered = render_findings(findings, fmt, title=TITLE)
    assert rendered.endswith("\n")
    assert rendered == snapshot.use_extension(EXTENSIONS[FORMAT_EXTENSIONS[fmt]])


@pytest.mark.parametrize(("fmt", "ext"), list(NOTES_EXTENSIONS.items()))
def test_notes_snapshot(fmt: str, ext: str, seeded: Store, snapshot: SnapshotAssertion) -> None:
    assert render_notes(seeded, "2025-10-01", "2026-03-10", fmt) == snapshot.use_extension(EXTENSIONS[ext])


# -- what each format must say ---------------------------------------------------------------
def test_text_lists_each_change_once_worst_first(findings: list[Finding]) -> None:
    lines = render_findings(findings, "text", title=TITLE).splitlines()
    changes = [line for line in lines if line.startswith("      ")]
    assert len(changes) == len(findings)
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[1:4] == [lines[-1], "dangerous: 1 change", "safe: 14 changes"]  # the counts first, and last
    get = lines.index("    get_agent_runtime")
    assert lines[get + 1].split()[0] == "dangerous" and lines[get - 1] == f"  {SERVICE}"
    assert lines[-1] == "15 changes: 0 breaking, 1 dangerous, 14 safe"


def test_text_colour_only_when_asked_and_page_strings_printable() -> None:
    evil = evil_findings()
    plain = render_findings(evil, "text", title=f"t {EVIL}\x1b[2J\u202e")
    assert "\x1b" not in plain and "\u202e" not in plain and "\\x1b[2J\\u202e" in plain
    coloured = render_findings(evil, "text", title="t", colour=True)
    assert "\x1b[1;31mbreaking" in coloured and "\x1b[32msafe" in coloured
    assert re.sub("\x1b\\[[0-9;]*m", "", coloured) == render_findings(evil, "text", title="t")


def test_json_is_the_spec_list(findings: list[Finding]) -> None:
    data = json.loads(render_findings(findings, "json", title=TITLE))
    assert data == [f.to_json() for f in findings]
    spec = {"service", "operation", "direction", "path", "kind", "severity", "rule", "old", "new"}
    assert all(spec <= item.keys() for item in data)


def test_markdown_counts_and_sections(findings: list[Finding]) -> None:
    md = render_findings(findings, "markdown", title=TITLE)
    assert "| dangerous | 1 |" in md and "| safe | 14 |" in md and "| **total** | **15** |" in md
    assert md.count("\n## dangerous (1)") == 1 and md.index("## dangerous") < md.index("## safe (14)")
    assert md.count("\n#### `") == 4 and md.count("\n### `") == 2  # get_agent_runtime under both severities


def test_junit_one_suite_per_service_failures_for_unaccepted(findings: list[Finding]) -> None:
    accepted = [replace(f, accepted="known") if f.severity == "dangerous" else f for f in findings]
    for found, failing in ((findings, 1), (accepted, 0)):
        root = ET.fromstring(render_findings(found, "junit", title=TITLE))
        (suite,) = root.findall("testsuite")
        assert suite.get("name") == SERVICE and suite.get("tests") == "3" and suite.get("failures") == str(failing)
        failures = {case.get("name"): case.find("failure") for case in suite.findall("testcase")}
        assert [name for name, fail in failures.items() if fail is not None] == ["get_agent_runtime"][:failing]
    dangerous = next(f for f in findings if f.severity == "dangerous")
    fail = ET.fromstring(render_findings(findings, "junit", title=TITLE)).find(".//failure")
    assert fail is not None and fail.get("message") == dangerous.message and fail.get("type") == "dangerous"


def test_sarif_2_1_0(findings: list[Finding]) -> None:
    mixed = [*findings, *evil_findings()]
    sarif = json.loads(render_findings(mixed, "sarif", title=TITLE))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    levels = {"breaking": "error", "dangerous": "warning", "safe": "note"}
    assert [r["defaultConfiguration"]["level"] for r in rules] == [levels[rule.severity] for rule in RULES]
    assert all(r["shortDescription"]["text"] for r in rules)
    assert len(run["results"]) == len(mixed)
    for result, finding in zip(run["results"], mixed, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule.id
        level = "error" if finding.severity != "safe" and not finding.accepted else "note"  # fails by default
        assert result["level"] == level and result["message"]["text"] == finding.message
        assert result["partialFingerprints"] == {"changelogTracker/v1": finding.fingerprint}
        (location,) = result["locations"][0]["logicalLocations"]
        c = finding.change
        assert location["fullyQualifiedName"] == f"{c.service}.{c.operation}" + (f".{c.path}" if c.path else "")
        assert ("suppressions" in result) == (finding.accepted is not None)


def test_github_commands(findings: list[Finding]) -> None:
    mixed = [*findings, *evil_findings()]
    lines = render_findings(mixed, "github", title=TITLE).splitlines()
    assert len(lines) == len(mixed)
    assert all(re.fullmatch(r"::(error|warning|notice) title=[^:]+::.+", line) for line in lines)
    expected = ["notice" if f.accepted or f.severity == "safe" else "error" for f in mixed]  # fails by default
    assert [line[2:].split(" ", 1)[0] for line in lines] == expected
    assert "%25%0A" in lines[-1] and "\r" not in lines[-1]  # EVIL's "%\n", escaped GitHub's way


@pytest.mark.parametrize("fail_on", [None, "breaking", "dangerous"])
def test_ci_formats_fail_exactly_what_fail_on_fails_on(fail_on: str | None, findings: list[Finding]) -> None:
    mixed = [*findings, *evil_findings()]  # breaking, dangerous, safe, and an accepted breaking one
    fails = {"breaking": {"breaking"}}.get(fail_on or "", {"breaking", "dangerous"})
    failing = [f for f in mixed if f.severity in fails and f.accepted is None]
    junit = ET.fromstring(render_findings(mixed, "junit", title=TITLE, fail_on=fail_on))
    cases = {(c.get("classname"), c.get("name")) for c in junit.iter("testcase") if c.find("failure") is not None}
    assert cases == {(f.change.service, f.change.operation.replace("\n", " ")) for f in failing}  # XML attributes
    assert int(junit.get("failures") or -1) == len(cases)
    sarif = json.loads(render_findings(mixed, "sarif", title=TITLE, fail_on=fail_on))
    results = sarif["runs"][0]["results"]
    assert [r["partialFingerprints"]["changelogTracker/v1"] for r in results if r["level"] == "error"] == [
        f.fingerprint for f in failing
    ]
    github = render_findings(mixed, "github", title=TITLE, fail_on=fail_on).splitlines()
    assert sum(line.startswith("::error ") for line in github) == len(failing)
    warned = [f for f in mixed if f.severity != "safe" and f.accepted is None and f not in failing]
    assert sum(line.startswith("::warning ") for line in github) == len(warned)


# -- escaping --------------------------------------------------------------------------------
def test_html_escapes_everything_from_pages() -> None:
    html = render_findings(evil_findings(), "html", title=f"title {EVIL}")
    assert "<script>alert" not in html and "<img" not in html
    assert html.count("<script") == 2  # the JSON data block and the page's own script
    rows = _Page.parse(html).rows
    assert [json.loads(r["data-service"]) for r in rows] == [[f"svc{EVIL_KEY}"]] * 3
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert data and json.loads(data.group(1))["findings"][0]["operation"] == f"op{EVIL}"


def test_junit_and_markdown_escape() -> None:
    evil = evil_findings()
    junit = render_findings(evil, "junit", title=EVIL)
    assert "<script>" not in junit and "<img" not in junit
    suite = ET.fromstring(junit).find("testsuite")
    assert suite is not None and suite.get("name") == f"svc{EVIL_KEY}"
    md = render_findings(evil, "markdown", title=EVIL)
    prose = re.sub(r"(`+).*?\1", "", md)  # inside a code span, '<' is literal text in Markdown
    assert not re.search(r"(?<!\\)<", prose), "a '<' from data is not backslash-escaped"
    table_rows = [line for line in md.splitlines() if "| `re" in line]  # the change rows: `request-...`, `response-...`
    assert len(table_rows) == len(evil)
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 10 for line in table_rows), "a '|' from data split a cell"


def test_atom_and_site_escape(evil_store: Store, tmp_path: Path) -> None:
    atom = render_notes(evil_store, "2024-12-31", "2025-12-31", "atom")
    assert "<script" not in atom and "<img" not in atom
    feed = ET.fromstring(atom)
    content = feed.findtext(f"{ATOM}entry/{ATOM}content") or ""
    assert "&lt;script&gt;" in content and "<script" not in content  # escaped once more inside the HTML
    for page in write_site(evil_store, tmp_path / "site"):
        assert page.resolve().is_relative_to((tmp_path / "site").resolve())
        text = page.read_text()
        # The page's data block, the site's URL-state script and the filter script: no other.
        assert "<script>alert" not in text and "<img" not in text and text.count("<script") == 3, page


# -- release notes ---------------------------------------------------------------------------
def test_notes_list_each_change_under_its_release(demo: Store) -> None:
    notes = release_notes(demo, "2024-12-31", "2025-12-31")
    assert [(n.release, n.first) for n in notes] == [("2025-03-01", False), ("2025-02-01", False), ("2025-01-01", True)]
    rules = {n.release: sorted(f.rule.id for f in n.findings) for n in notes}
    assert rules == {
        "2025-03-01": ["request-enum-value-removed", "response-member-added", "response-member-removed"],
        "2025-02-01": ["operation-added", "request-enum-value-added", "response-member-added"],
        "2025-01-01": [],
    }
    assert [n.full_name for n in notes] == ["Amazon Demo", "Demo Service", "Demo Service"]
    later = release_notes(demo, "2025-01-15", "2025-02-01")
    assert [(n.release, n.first, len(n.findings)) for n in later] == [("2025-02-01", False, 3)]


def test_notes_markdown_order(demo: Store) -> None:
    md = render_notes(demo, "2024-12-31", "2025-12-31")
    order = [md.index(s) for s in ("## 2025-03-01", "#### Breaking (2)", "#### Safe (1)", "## 2025-02-01",
                                   "> adds C", "## 2025-01-01", "First release of this service")]
    assert order == sorted(order)
    assert "### Amazon Demo (`demo`)" in md and "- new operation create\\_thing" in md


def test_atom_feed_is_valid(demo: Store) -> None:
    feed = ET.fromstring(render_notes(demo, "2024-12-31", "2025-12-31", "atom"))
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}updated") == "2025-03-01T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"tag:changelog-tracker,{d}:demo"
                                                          for d in ("2025-03-01", "2025-02-01", "2025-01-01")]
    assert all(e.findtext(f"{ATOM}updated") == f"{e.findtext(f'{ATOM}id', '').split(',')[1][:10]}T00:00:00Z"
               for e in entries)
    assert all(e.find(f"{ATOM}title") is not None and e.find(f"{ATOM}content") is not None for e in entries)


# -- the site --------------------------------------------------------------------------------
def test_site_pages_and_relative_links(demo: Store, tmp_path: Path) -> None:
    out = tmp_path / "site"
    written = write_site(demo, out)
    names = sorted(str(p.relative_to(out)) for p in written)
    assert names == ["index.html", "releases/2025-01-01.html", "releases/2025-02-01.html", "releases/2025-03-01.html",
                     "services/demo.html"]
    for page in written:
        for href in _Page.parse(page.read_text()).links:
            assert not re.match(r"^([a-z]+:|/)", href), f"{page}: {href} is not relative"
            assert (page.parent / href).resolve().is_file(), f"{page}: {href} is broken"
    service = (out / "services/demo.html").read_text()
    names_table = service[service.index("Names over time"):service.index("<h2>Releases")]
    assert re.findall(r"<tr><td>([^<]+)</td><td class=\"mono\">([^<]+)</td><td class=\"mono\">([^<]+)</td>",
                      names_table) == [("Demo Service", "2025-01-01", "2025-02-01"),
                                       ("Amazon Demo", "2025-03-01", "2025-03-01")]
    assert len(_Page.parse(service).rows) == 6  # three changes in each of the two later releases
    release = (out / "releases/2025-03-01.html").read_text()
    assert len(_Page.parse(release).rows) == 3


class _Page(HTMLParser):
    """The attributes of every filterable row, and every href and src."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.rows += [found] if "data-filter-row" in found else []
        self.links += [v for k, v in found.items() if k in ("href", "src")]

    @classmethod
    def parse(cls, html: str) -> _Page:
        parser = cls()
        parser.feed(html)
        return parser


# -- a real browser --------------------------------------------------------------------------
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium from Debian's packages; selenium-manager never runs (the driver path is given)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: the browser tests need Debian's chromium; run `{INSTALL}`")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: `pip install selenium` (or `pip install -e .[test]`)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _open(driver: Any, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return window.__xss") is None, "a page ran script from data"


def _count(driver: Any, key: str) -> int:
    return int(driver.find_element("css selector", f'.summary [data-count="{key}"]').text)


def _visible(driver: Any) -> list[Any]:
    return [row for row in driver.find_elements("css selector", "[data-filter-row]") if row.is_displayed()]


def _toggle(driver: Any, name: str, value: str) -> None:
    driver.find_element("css selector", f'#filters input[name="{name}"][value="{value}"]').click()


def _shown(driver: Any) -> int:
    return int(driver.find_element("id", "shown").text)


def test_browser_diff_page_counts_and_filters(browser: Any, findings: list[Finding], tmp_path: Path) -> None:
    everything = [*findings, *evil_findings()]  # two services, every severity, hostile names
    page = tmp_path / "diff.html"
    page.write_text(render_findings(everything, "html", title=TITLE), encoding="utf-8")
    _open(browser, page)
    tally = Counter(f.severity for f in everything)
    assert [_count(browser, s) for s in SEVERITIES] == [tally[s] for s in SEVERITIES] == [2, 1, 15]
    assert _count(browser, "total") == len(everything) == len(_visible(browser)) == _shown(browser)

    _toggle(browser, "severity", "safe")
    rows = _visible(browser)
    assert rows and {json.loads(r.get_attribute("data-severity"))[0] for r in rows} <= {"breaking", "dangerous"}
    assert len(rows) == tally["breaking"] + tally["dangerous"] == _shown(browser)
    create = browser.find_element("xpath", "//h4[code='create_agent_runtime']")
    assert not create.is_displayed(), "an operation with no visible change stays shown"

    _toggle(browser, "severity", "safe")
    browser.find_element("css selector", f'#filters select[name="service"] option[value="{SERVICE}"]').click()
    _toggle(browser, "direction", "response")
    rows = _visible(browser)
    expected = [f for f in findings if f.change.direction == "request"]
    assert len(rows) == len(expected) == _shown(browser) == 9


def test_browser_site_index_counts_and_filter(browser: Any, seeded: Store, findings: list[Finding],
                                              tmp_path: Path) -> None:
    write_site(seeded, tmp_path / "site")
    _open(browser, tmp_path / "site" / "index.html")
    tally = Counter(f.severity for f in findings)  # the seeds' only changes are the 2026-03-10 release's
    assert [_count(browser, s) for s in (*SEVERITIES, "total")] == [*(tally[s] for s in SEVERITIES), len(findings)]
    assert len(_visible(browser)) == 2 == _shown(browser)
    _toggle(browser, "severity", "safe")
    _toggle(browser, "severity", "dangerous")
    rows = _visible(browser)
    assert [r.find_element("css selector", "a").text for r in rows] == ["2025-10-06"] and _shown(browser) == 1
    _toggle(browser, "severity", "none")
    assert _visible(browser) == [] and _shown(browser) == 0
    _open(browser, tmp_path / "site" / "releases" / "2026-03-10.html")
    assert _count(browser, "dangerous") == 1 and len(_visible(browser)) == len(findings)


def test_browser_site_filters_live_in_the_url(browser: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "tracker.db") as store:
        ingest(store, [SEED_2025, SEED_2026])
        put(store, "demo", "2026-03-10", [enum_op("get_thing", ("A",), ("status",))], "Demo Service", None)
        put(store, "demo", "2026-04-01", [enum_op("get_thing", ("A", "B"), ("status",))], "Demo Service", None)
        write_site(store, tmp_path / "site")
    index = tmp_path / "site" / "index.html"
    _open(browser, index)
    assert len(_visible(browser)) == 4 == _shown(browser)
    browser.find_element("css selector", f'#filters select[name="service"] option[value="{SERVICE}"]').click()
    rows = _visible(browser)
    assert [int(r.find_element("css selector", '[data-count="total"]').text) for r in rows] == [15, 0]
    _toggle(browser, "severity", "safe")
    _toggle(browser, "severity", "none")
    assert len(_visible(browser)) == 1 == _shown(browser)
    shared = browser.current_url
    assert shared.startswith(index.resolve().as_uri() + "#") and f"service={SERVICE}" in shared
    browser.get("about:blank")
    browser.get(shared)  # a fresh load of the shared link shows the same view
    assert len(_visible(browser)) == 1 == _shown(browser)
    assert not browser.find_element("css selector", '#filters input[name="severity"][value="safe"]').is_selected()
    browser.get(index.resolve().as_uri() + "#service=demo")
    assert [r.find_element("css selector", "a").text for r in _visible(browser)] == ["2026-04-01", "2026-03-10"]

    _open(browser, tmp_path / "site" / "releases" / "2026-03-10.html")
    codes = browser.find_elements("css selector", "tr[data-fingerprint] code.fingerprint")
    rows = browser.find_elements("css selector", "tr[data-fingerprint]")
    assert [c.text for c in codes] == [r.get_attribute("data-fingerprint") for r in rows] and len(codes) == 15
    rows[0].find_element("css selector", "button.copy").click()
    assert browser.execute_script("return window.getSelection().toString()") == codes[0].text


def test_browser_hostile_site_and_urls_run_nothing(browser: Any, evil_store: Store, tmp_path: Path) -> None:
    for page in write_site(evil_store, tmp_path / "site"):
        _open(browser, page)
        browser.get(page.resolve().as_uri() + "#service=%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D1%22%3E")
        assert browser.execute_script("return window.__xss") is None, page
