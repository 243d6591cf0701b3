"""HTML doc pages: boto3 reference pages (Sphinx + furo) and change-feed pages (docutils), built
offline from real botocore models by oracle/html_pages.py, read back to the very shapes
botocore's models give; bad pages are rejected whole through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel
from botocore.model import Shape as BotoShape
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.errors import ParseError
from changelog_tracker.model import CUT_SIDE, ListShape, MapShape, Operation, Page, Shape, Structure
from changelog_tracker.parse.params import unknown_required
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.detect import read_document, read_pages
from changelog_tracker.sources.services import resolve
from changelog_tracker.sources.wheel import installed_models
from oracle import html_pages as build
from oracle import pagegen
from tests.helpers import DATA, SEED_2025, committed_model

# Every page of each: the required ones, tagged unions (bedrock-agentcore*, bedrock-agent-runtime,
# cleanrooms), event streams both ways (bedrock-runtime, lexv2-runtime, kinesis, logs), streaming
# bodies (s3, lambda), sections botocore cuts as too large (glue, wafv2), documents, recursion,
# and big ones (glue, iam, apigateway). Costliest first, so the process pool finishes together.
SERVICES = (
    "glue", "bedrock-agentcore-control", "dynamodb", "s3", "wafv2", "cleanrooms", "iam", "lambda",
    "apigateway", "bedrock-agent-runtime", "logs", "bedrock-agentcore", "bedrock-runtime", "kms",
    "stepfunctions", "kinesis", "sns", "sqs", "secretsmanager", "lexv2-runtime", "sts", "dynamodbstreams",
)  # fmt: skip
# The default run reads these (tagged unions, streaming bodies, event streams); the rest are
# behind the ``slow`` marker, which CI runs as its own step.
QUICK = ("bedrock-agentcore-control", "lambda", "kinesis")
QUICK_USES = {"lambda", "bedrock-agentcore-control"}  # pages the CLI tests below take
DAY = dt.date(2026, 1, 2)
HTML_DATA = DATA / "html"
AGENTCORE = "bedrock-agentcore-control"


# ---------------------------------------------------------------- the corpus (built once, in parallel)


@dataclass(frozen=True)
class Read:
    """What a page said of one operation."""

    operation: dict[str, Any]  # canonical JSON
    api_name: str | None
    unions: frozenset[str]  # where it flagged a tagged union


@dataclass(frozen=True)
class Facts:
    """What a page said of itself."""

    date: dt.date | None
    full_name: str | None
    service: str | None
    statuses: frozenset[str]
    deltas: int
    methods: int

    @classmethod
    def of(cls, page: Page) -> Facts:
        statuses = frozenset(m.status for m in page.methods)
        deltas = sum(len(m.deltas) for m in page.methods)
        return cls(page.date, page.full_name, page.service, statuses, deltas, len(page.methods))


@dataclass(frozen=True)
class Built:
    service: str
    root: Path
    cuts: dict[str, frozenset[str]]  # method -> sections botocore cut (from the generated rst)
    feed: dict[str, Read]
    feed_page: Facts
    feed_notes: int  # tagged-union notes on the page
    boto3: dict[str, Read]
    boto3_pages: set[Facts]
    boto3_notes: int


def union_paths(shape: Shape | None, path: str) -> set[str]:
    if isinstance(shape, Structure):
        found = {path} if shape.union else set()
        return found.union(*(union_paths(m.shape, f"{path}.{m.name}") for m in shape.members))
    if isinstance(shape, ListShape):
        return union_paths(shape.member, f"{path}[]")
    if isinstance(shape, MapShape):
        return union_paths(shape.value, f"{path}{{}}")
    return set()


def _read(page: Page) -> dict[str, Read]:
    return {
        m.operation.name: Read(
            m.operation.to_json(),
            m.operation.api_name,
            frozenset(union_paths(m.operation.input, "input") | union_paths(m.operation.output, "output")),
        )
        for m in page.methods
    }


def _build_and_read(service: str, root: Path) -> Built:
    """One service: its feed page (every operation new) and its boto3 pages, built and read back."""
    try:
        return _build_and_read_service(service, root)
    except Exception as err:  # our exceptions do not survive pickling: send the message home
        raise RuntimeError(f"{service}: {type(err).__name__}: {err}") from None


def _build_and_read_service(service: str, root: Path) -> Built:
    model = installed_models([service])[service]
    out = root / service
    feed = build.feed_page(model, service, DAY, out / "feed")
    assert feed is not None
    feed_text = feed.read_text(encoding="utf-8")
    [feed_page] = read_pages(feed_text, str(feed))
    boto3_facts, boto3_read, notes, cuts = set(), {}, 0, {}
    for operation, path in build.boto3_reference_pages(model, service, None, out / "boto3").items():
        text = path.read_text(encoding="utf-8")
        notes += text.count(build.UNION_NOTE)
        [page] = read_pages(text, str(path))
        boto3_facts.add(Facts.of(page))
        boto3_read.update(_read(page))
        rst = build.boto3_source(out / "boto3", service, operation).read_text(encoding="utf-8")
        cuts[xform_name(operation)] = frozenset(build.cut_sections(rst))
    feed_notes = feed_text.count(build.UNION_NOTE)
    return Built(service, out, cuts, _read(feed_page), Facts.of(feed_page), feed_notes, boto3_read, boto3_facts, notes)


@pytest.fixture(scope="session")
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The pages of every service this run's tests ask for (all of SERVICES under ``-m slow``),
    built once, in parallel: building them all takes minutes, so the default run builds a few."""
    wanted = _wanted_services(request.session.items)
    root = tmp_path_factory.mktemp("html-pages")
    context = multiprocessing.get_context("fork")  # workers share the loaded modules
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=context) as pool:
        built = list(pool.map(_build_and_read, wanted, [root] * len(wanted)))
    return {b.service: b for b in built}


def _wanted_services(items: list[pytest.Item]) -> list[str]:
    """SERVICES that the collected tests use, in SERVICES' order (costliest first)."""
    users = [item for item in items if "corpus" in getattr(item, "fixturenames", ())]
    if any(item.get_closest_marker("slow") and not hasattr(item, "callspec") for item in users):
        return list(SERVICES)  # a test over the whole corpus
    named = {item.callspec.params.get("service") for item in users if hasattr(item, "callspec")}
    return [s for s in SERVICES if s in named | QUICK_USES]


@cache
def model_of(service: str) -> dict[str, Any]:
    return installed_models([service])[service]


def expected_operations(service: str, cuts: dict[str, frozenset[str]]) -> dict[str, Operation]:
    """botocore's model, with what the pages could not show: the sections botocore cut."""
    expected = {}
    for op in operations_from_json(model_of(service), service):
        cut = cuts[op.name]
        if "Request Syntax" in cut:
            op = replace(op, input=CUT_SIDE)
        elif "Parameters" in cut:
            op = replace(op, input=unknown_required(op.input))
        if "Response Syntax" in cut:
            op = replace(op, output=CUT_SIDE)
        expected[op.name] = op
    return expected


def shown_unions(op: OperationModel, cut: frozenset[str]) -> set[str]:
    """Where botocore's documenter prints its tagged-union note on a structure (it needs the
    shape's documentation; a recursion shows no members, so no structure there to flag)."""
    found: set[str] = set()

    def walk(shape: BotoShape, path: str, history: tuple[str, ...], shown: bool, response: bool) -> None:
        if shape.name in history or getattr(shape, "is_document_type", False):
            return
        history = (*history, shape.name)
        if shape.type_name == "structure":
            if shape.serialization.get("eventstream") and not response:
                return  # a request's event stream is written {...}, members unlisted
            if shown and getattr(shape, "is_tagged_union", False) and shape.documentation:
                found.add(path)
            for name, member in shape.members.items():
                walk(member, f"{path}.{name}", history, True, response)
        elif shape.type_name == "list":
            walk(shape.member, f"{path}[]", history, True, response)
        elif shape.type_name == "map":
            walk(shape.value, f"{path}{{}}", history, True, response)

    if op.input_shape is not None and not cut & {"Request Syntax", "Parameters"}:
        walk(op.input_shape, "input", (), False, False)
    if op.output_shape is not None and not cut & {"Response Syntax", "Response Structure"}:
        walk(op.output_shape, "output", (), True, True)
    return found


# ---------------------------------------------------------------- every operation, both page kinds


def _services() -> list[Any]:
    return [s if s in QUICK else pytest.param(s, marks=pytest.mark.slow) for s in SERVICES]


@pytest.mark.parametrize("kind", ["feed", "boto3"])
@pytest.mark.parametrize("service", _services())
def test_pages_read_back_to_the_model(corpus: dict[str, Built], service: str, kind: str) -> None:
    built = corpus[service]
    expected = expected_operations(service, built.cuts)
    read = built.feed if kind == "feed" else built.boto3
    assert sorted(read) == sorted(expected)
    wrong = [name for name, op in expected.items() if read[name].operation != op.to_json()]
    assert not wrong, f"{len(wrong)} operations differ from the model, first {wrong[:3]}"
    assert {name: r.api_name for name, r in read.items()} == {name: op.api_name for name, op in expected.items()}


@pytest.mark.parametrize("kind", ["feed", "boto3"])
@pytest.mark.parametrize("service", _services())
def test_union_notes_become_union_flags(corpus: dict[str, Built], service: str, kind: str) -> None:
    built = corpus[service]
    model = ServiceModel(model_of(service), service)
    read = built.feed if kind == "feed" else built.boto3
    for api_name in model.operation_names:
        method = xform_name(api_name)
        assert read[method].unions == shown_unions(model.operation_model(api_name), built.cuts[method]), method


@pytest.mark.slow
def test_the_corpus_covers_what_it_claims(corpus: dict[str, Built]) -> None:
    assert sum(len(b.boto3) for b in corpus.values()) > 1200
    assert sum(len(r.unions) for b in corpus.values() for r in b.boto3.values()) > 500
    assert sum(b.boto3_notes for b in corpus.values()) > sum(
        len(r.unions) for b in corpus.values() for r in b.boto3.values()
    )
    cut = {section for b in corpus.values() for sections in b.cuts.values() for section in sections}
    # Which real sections botocore cuts depends on its version (1.44 raised the syntax limit to
    # 2,000 lines); the installed one must still cut some, of the four kinds it knows.
    assert cut <= {"Request Syntax", "Parameters", "Response Syntax", "Response Structure"} and len(cut) >= 2
    shapes = json.dumps([r.operation for b in corpus.values() for r in b.feed.values()])
    for needle in ('"streaming": true', '"event_stream": true', '"document"', '"recursive"', '"undocumented"'):
        assert needle in shapes


@pytest.mark.slow
def test_page_facts(corpus: dict[str, Built]) -> None:
    for service, built in corpus.items():
        count, full_name = len(model_of(service)["operations"]), model_of(service)["metadata"]["serviceFullName"]
        assert built.feed_page == Facts(DAY, full_name, None, frozenset({"new"}), 0, count)
        assert resolve(full_name) == service  # how ingest names the feed page's service
        # boto3 pages carry no date (--date applies) and no full name; the service, they do.
        assert built.boto3_pages == {Facts(None, None, service, frozenset({"new"}), 0, 1)}
        assert built.feed_notes == built.boto3_notes  # the same documenter, the same notes
        assert "<script" in (built.root / "feed" / f"{DAY}_{service}.html").read_text(encoding="utf-8")


def test_boto3_service_from_the_class_name_without_the_breadcrumb(corpus: dict[str, Built]) -> None:
    path = _boto3_page(corpus, "lambda", "invoke")
    text = path.read_text(encoding="utf-8").replace('href="../../lambda.html"', 'href="#"')
    assert read_pages(text, "x.html")[0].service == "lambda"  # the class name, Lambda
    assert read_pages(text.replace("Lambda", "NoSuchThing"), "x.html")[0].service is None


# ---------------------------------------------------------------- updated methods and their deltas


def _without(model: dict[str, Any], shape: str, member: str) -> dict[str, Any]:
    """A copy of ``model`` whose ``shape`` lacks ``member``."""
    copy: dict[str, Any] = json.loads(json.dumps(model))
    body = copy["shapes"][shape]
    del body["members"][member]
    body["required"] = [name for name in body.get("required", []) if name != member]
    return copy


def _feed_update() -> tuple[dict[str, Any], dict[str, Any], str]:
    """Two days of bedrock-agentcore-control, the older one edited so the page shows every form:
    a new method, a one-delta update, and a Request/Response pair."""
    old, new = committed_model(AGENTCORE, "1.42.64"), committed_model(AGENTCORE, "1.42.65")
    old = {**old, "operations": {k: v for k, v in old["operations"].items() if k != "GetGateway"}}
    old = _without(_without(old, "UpdateGatewayRequest", "description"), "UpdateGatewayResponse", "gatewayUrl")
    return old, new, "Adds AG-UI & more <things>."


def test_feed_page_with_updates_reads_statuses_deltas_and_note(tmp_path: Path) -> None:
    old, new, note = _feed_update()
    path = build.feed_page(new, AGENTCORE, dt.date(2026, 3, 10), tmp_path, old, note)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "Request <pre>" in text and "Response <pre>" in text and "(new)</summary>" in text
    [page] = read_pages(text, str(path))
    assert (page.date, page.full_name, page.release_note) == (
        dt.date(2026, 3, 10),
        "Amazon Bedrock AgentCore Control",
        note,
    )
    deltas = pagegen.method_deltas(ServiceModel(old), ServiceModel(new))
    assert {m.operation.api_name: m.status for m in page.methods} == {
        "GetGateway": "new",
        **dict.fromkeys(deltas, "updated"),
    }
    assert {m.operation.api_name: m.deltas for m in page.methods if m.deltas} == {
        name: tuple(delta.values()) for name, delta in deltas.items()
    }
    assert len(deltas["UpdateGateway"]) == 2  # request and response changed differently
    expected = {op.name: op.to_json() for op in operations_from_json(new, AGENTCORE)}
    assert {m.operation.name: m.operation.to_json() for m in page.methods} == {
        m.operation.name: expected[m.operation.name] for m in page.methods
    }


# ---------------------------------------------------------------- through the CLI


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _wheel(tmp_path: Path, model: dict[str, Any], day: dt.date) -> Path:
    """A botocore-shaped wheel holding one bedrock-agentcore-control model, its files stamped with ``day``."""
    path = tmp_path / "botocore-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        name = f"botocore/data/{AGENTCORE}/2023-06-05/service-2.json"
        wheel.writestr(zipfile.ZipInfo(name, (day.year, day.month, day.day, 12, 0, 0)), json.dumps(model))
    return path


def _boto3_page(corpus: dict[str, Built], service: str, method: str) -> Path:
    return Path(build.boto3_page_path(corpus[service].root / "boto3", service, method))


def test_cli_ingests_a_folder_mixing_text_and_html(corpus: dict[str, Built], tmp_path: Path) -> None:
    db, folder = tmp_path / "t.db", tmp_path / "drops"
    folder.mkdir()
    old, new, note = _feed_update()
    run(db, "baseline", "--botocore", str(_wheel(tmp_path, old, dt.date(2026, 3, 9))))
    # Detected by content, not by name: the text seed is called .html, the HTML pages .txt.
    shutil.copy(SEED_2025, folder / "a-seed.html")
    feed = build.feed_page(new, AGENTCORE, dt.date(2026, 3, 10), tmp_path, old, note)
    assert feed is not None
    shutil.copy(feed, folder / "b-feed.txt")
    shutil.copy(_boto3_page(corpus, AGENTCORE, "create_agent_runtime"), folder / "c-boto3.txt")
    run(db, "ingest", str(folder), "--date", "2026-03-11")
    log = json.loads(run(db, "log", "--format", "json"))
    assert [(e["release"], e["service"]) for e in log] == [
        (day, AGENTCORE) for day in ("2026-03-11", "2026-03-10", "2026-03-09", "2025-10-06")
    ]
    [feed_entry] = [e for e in log if e["release"] == "2026-03-10"]
    assert {d["status"] for d in feed_entry["delta_summaries"]} == {"confirmed"}
    shown = json.loads(run(db, "show", AGENTCORE, "CreateAgentRuntime", "--at", "2026-03-11", "--format", "json"))
    [expected] = [
        op for op in operations_from_json(model_of(AGENTCORE), AGENTCORE) if op.name == "create_agent_runtime"
    ]
    assert (shown["release"], {"input": shown["input"], "output": shown["output"]}) == (
        "2026-03-11",
        expected.to_json(),
    )


def test_cli_boto3_page_needs_a_date(corpus: dict[str, Built], tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", str(SEED_2025))
    before = db.read_bytes()
    page = _boto3_page(corpus, "lambda", "invoke")
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", str(page)])
    assert result.exit_code == 2 and "pass --date" in result.output and str(page) in result.output
    assert db.read_bytes() == before
    run(db, "ingest", str(page), "--date", "2026-01-05")
    assert json.loads(run(db, "show", "lambda", "invoke", "--format", "json"))["release"] == "2026-01-05"


BAD_PAGES = {  # tests/data/html/<name>.html: where the error points and what it says is missing
    "script-in-method": r":12:7: expected method documentation \(no <script> or <style> in it\), found .<script>",
    "truncated": r":19:1: expected a </dl> closing this <dl> \(truncated page\?\), found 'end of file'",
    "broken-nesting": r":50:5: expected </dl> for the <dl> of line 19 here \(broken markup\), found '</details>'",
    "missing-response-structure": r":31:1: expected a 'Response Structure' heading \(get_gateway\)$",
    "missing-member": r":38:1: expected the members of response to list status \(from the syntax block\) "
    r"\(get_gateway\), found 'only gatewayArn'",
    "missing-parameter": r":16:1: expected the parameter list to list gatewayIdentifier \(from the syntax block\) "
    r"\(get_gateway\), found 'none'",
    "extra-parameter": r":16:1: expected the parameter list to match the syntax block \(get_gateway\), "
    r"found 'extra clientToken'",
    "code-injection": r":17:23: expected one of .* in the Request Syntax, found '__import__'",
    "wrong-type": r":40:1: expected type string for response.gatewayArn \(get_gateway\), found 'integer'",
    "header-count": r":9:5: expected 2 new methods \(the header's count\), found '1'",
    "js-shell": r":1:1: expected a change-feed page .* or a boto3 reference page .*, found 'Loading API changes…'",
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_cli_rejects_a_bad_page_whole(name: str, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", str(SEED_2025))
    before = db.read_bytes()
    bad = HTML_DATA / f"{name}.html"
    # A good page in the same run is not stored either: the run is all-or-nothing.
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", str(DATA / "seeds"), str(bad)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert re.search(re.escape(str(bad)) + BAD_PAGES[name], result.output, re.MULTILINE), result.output
    assert db.read_bytes() == before


def test_bad_pages_differ_from_a_good_one_only_where_they_say() -> None:
    """The fixtures are one small page each with one defect: the good page they share reads."""
    good = (
        (HTML_DATA / "missing-member.html")
        .read_text(encoding="utf-8")
        .replace(
            "of the gateway.</p>\n</li>\n",
            "of the gateway.</p>\n</li>\n<li><p><strong>status</strong> <em>(string) --</em></p>\n</li>\n",
        )
    )
    [page] = read_pages(good, "good.html")
    [method] = page.methods
    assert method.operation.to_json() == {
        "input": {
            "type": "structure",
            "members": {"gatewayIdentifier": {"required": True, "shape": {"type": "string"}}},
        },
        "output": {
            "type": "structure",
            "members": {
                "gatewayArn": {"required": False, "shape": {"type": "string"}},
                "status": {"required": False, "shape": {"type": "string", "enum": ["CREATING", "READY"]}},
            },
        },
    }
    assert method.operation.api_name == "GetGateway"
    with pytest.raises(ParseError):
        read_pages(good.replace("</details>", "", 1), "cut.html")


# ---------------------------------------------------------------- a folder of boto3 reference pages


def test_a_folder_of_boto3_pages_skips_what_is_no_operation(tmp_path: Path) -> None:
    """boto3's reference has a page per client method, some of which are no API operation
    (botocore's ``document_custom_method`` pages: no Request Syntax), and pages of paginators and
    waiters: those are skipped, each named."""
    built = build.boto3_reference_pages(model_of("s3"), "s3", ["ListBuckets", "GetObject"], tmp_path, others=True)
    others = sorted(set(built) - {"ListBuckets", "GetObject"})
    methods = {"can_paginate", "close", "get_paginator", "get_waiter", "generate_presigned_url"}
    assert {f"client/{name}" for name in methods} | {"paginator/ListObjects", "waiter/BucketExists"} <= set(others)
    skipped: list[str] = []
    read: list[str] = []
    for path in built.values():
        pages, skips = read_document(path.read_text(encoding="utf-8"), str(path))
        read += [m.operation.name for page in pages for m in page.methods]
        skipped += skips
    assert sorted(read) == ["get_object", "list_buckets"]
    said = sorted(re.sub(r".*: (?:(paginator|waiter) )?(\w+) is no API operation.*", r"\1/\2", s) for s in skipped)
    assert [s if not s.startswith("/") else "client" + s for s in said] == others
    db = tmp_path / "t.db"
    folder = built["ListBuckets"].parent.parent  # client/, paginator/ and waiter/
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", str(folder), "--date", "2026-01-05"])
    assert result.exit_code == 0, result.output
    assert f"note: {len(others)} pages skipped, no API operation (" in result.stderr  # said how many
    shown = json.loads(run(db, "show", "s3", "get_object", "--format", "json"))
    [expected] = [op for op in operations_from_json(model_of("s3"), "s3") if op.name == "get_object"]
    assert {"input": shown["input"], "output": shown["output"]} == expected.to_json()
