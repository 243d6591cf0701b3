"""The drop generator (the test oracle) reproduces the real seed pages byte for byte."""

from __future__ import annotations

import gzip
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.docs.bcdoc.restdoc import LARGE_SECTION_MESSAGE, SECTION_LINE_LIMIT_CONFIG
from botocore.model import ServiceModel

from changelog_tracker.sources import wheel
from oracle import pagegen

DATA = Path(__file__).parents[1] / "data"
SERVICE = "bedrock-agentcore-control"
SEEDS = [  # old version, new version, page date, layout of that day
    ("1.40.45", "1.40.46", date(2025, 10, 6), "oneline"),
    ("1.42.64", "1.42.65", date(2026, 3, 10), "multiline"),
]


def _model(version: str) -> dict[str, Any]:
    with gzip.open(DATA / "models" / SERVICE / f"{version}.json.gz", "rt", encoding="utf-8") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


def _seed(day: date) -> str:
    return (DATA / "seeds" / f"{day.isoformat()}_{SERVICE}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "day", "layout"), SEEDS)
def test_seed_reproduced_byte_for_byte(old: str, new: str, day: date, layout: pagegen.Layout) -> None:
    seed = _seed(day)
    note = seed.splitlines()[1].removeprefix("Changes ")
    page = pagegen.page_between(_model(old), _model(new), day, note, layout, SERVICE)
    assert page == seed


@pytest.mark.parametrize(("old", "new", "day", "layout"), SEEDS)
def test_seed_without_note_lacks_only_the_changes_line(old: str, new: str, day: date, layout: pagegen.Layout) -> None:
    page = pagegen.page_between(_model(old), _model(new), day, None, layout, SERVICE)
    seed_lines = _seed(day).splitlines()
    assert page is not None
    assert page.splitlines() == seed_lines[:1] + seed_lines[2:]


def test_layouts_differ_only_inside_preformatted_blocks() -> None:
    old, new, day, _ = SEEDS[1]
    pages = {layout: pagegen.page_between(_model(old), _model(new), day, None, layout) for layout in pagegen.LAYOUTS}
    oneline, multiline = pages["oneline"], pages["multiline"]
    assert oneline is not None and multiline is not None
    assert oneline != multiline
    assert " ".join(oneline.split()) == " ".join(multiline.split())
    assert "client.create_agent_runtime( agentRuntimeName='string'," in oneline


def test_unchanged_model_gives_no_page() -> None:
    model = _model("1.42.65")
    assert pagegen.page_between(model, model, date(2026, 3, 10)) is None


def test_new_and_updated_methods_header_and_order() -> None:
    old, new = _model("1.42.64"), _model("1.42.65")
    old = {**old, "operations": {k: v for k, v in old["operations"].items() if k != "CreateGateway"}}
    page = pagegen.page_between(old, new, date(2026, 3, 10), None, "multiline", SERVICE)
    assert page is not None
    header, body = page.split("\n", 1)
    assert header == "2026/03/10 - Amazon Bedrock AgentCore Control - 1 new 3 updated api methods"
    created = pagegen.method_text(ServiceModel(new).operation_model("CreateGateway"), "multiline")
    # the new method comes first, with no delta line, then the first updated one
    assert body.startswith(created + "\n{'protocolConfiguration': {'serverProtocol': {'AGUI'}}}\nCreates an Amazon")
    assert not page.endswith("\n")


# ---------------------------------------------------------------- delta semantics on a small model


def _service(shapes: dict[str, Any], operations: dict[str, Any]) -> dict[str, Any]:
    metadata = {
        "apiVersion": "2020-01-01",
        "endpointPrefix": "demo",
        "protocol": "json",
        "uid": "demo-2020-01-01",
        "serviceFullName": "Demo Service",
        "serviceId": "Demo",
        "signatureVersion": "v4",
    }
    return {"version": "2.0", "metadata": metadata, "operations": operations, "shapes": shapes}


def _struct(**members: str) -> dict[str, Any]:
    return {"type": "structure", "members": {name: {"shape": shape} for name, shape in members.items()}}


def _op(name: str, input: str, output: str) -> dict[str, Any]:
    return {
        "name": name,
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": input},
        "output": {"shape": output},
        "documentation": f"<p>Does {name}.</p>",
    }


def _demo(new: bool) -> dict[str, Any]:
    shapes: dict[str, Any] = {
        "Str": {"type": "string"},
        "Int": {"type": "string"} if new else {"type": "integer"},
        "Long": {"type": "long"},
        "Bool": {"type": "boolean"},
        "Mode": {"type": "string", "enum": ["A", "B", "D", "C"] if new else ["A", "B"]},
        "Kind": {"type": "string", "enum": ["X", "Y"]},
        "Items": {"type": "list", "member": {"shape": "Item"}},
        "Item": _struct(Id="Str", Size="Long") if new else _struct(Id="Str"),
        "Tags": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Tag"}},
        "Tag": _struct(Value="Str", Kind="Kind") if new else _struct(Value="Str"),
        "Node": _struct(Child="Node", Label="Str"),
        "Extra": _struct(Flag="Bool", Again="Extra"),
        "Req": _struct(Name="Str", Count="Int", Mode="Mode", Items="Items", Tags="Tags", Node="Node"),
        "Resp": _struct(Mode="Mode"),
        "Same": _struct(Items="Items"),
        "Plain": _struct(Name="Str"),
    }
    if new:
        shapes["Req"]["members"]["Extra"] = {"shape": "Extra"}
    operations = {
        "Put": _op("Put", "Req", "Resp"),
        "Echo": _op("Echo", "Same", "Same"),
        "Ping": _op("Ping", "Plain", "Plain"),
    }
    if new:
        operations = {"Add": _op("Add", "Plain", "Plain"), **operations}
    return _service(shapes, operations)


REQUEST = {
    "Count": "string",
    "Extra": {"Again": (), "Flag": "boolean"},
    "Items": {"Size": "long"},
    "Mode": {"C", "D"},
    "Tags": {"Kind": "X | Y"},
}


def test_method_deltas_follow_the_feed() -> None:
    deltas = pagegen.method_deltas(ServiceModel(_demo(False)), ServiceModel(_demo(True)))
    assert deltas == {
        "Put": {"request": REQUEST, "response": {"Mode": {"C", "D"}}},
        "Echo": {"both": {"Items": {"Size": "long"}}},
    }  # Ping is unchanged, Add is new: neither has a delta; Node's self-reference adds nothing


def test_ec2_request_tag_specifications_are_hidden_as_the_feed_does() -> None:
    old, new = _demo(False), _demo(True)
    new["shapes"]["Req"]["members"]["TagSpecifications"] = {"shape": "Str"}
    deltas = pagegen.method_deltas(ServiceModel(old, "ec2"), ServiceModel(new, "ec2"))
    assert deltas["Put"]["request"] == REQUEST
    assert "TagSpecifications" in pagegen.method_deltas(ServiceModel(old), ServiceModel(new))["Put"]["request"]


def test_format_delta_wraps_like_pprint_and_sorts_sets() -> None:
    delta = {"request": REQUEST, "response": {"Mode": {"D", "C"}}}
    assert pagegen.format_delta(delta, "multiline").splitlines() == [
        "Request",
        "{'Count': 'string',",
        "'Extra': {'Again': (), 'Flag': 'boolean'},",
        "'Items': {'Size': 'long'},",
        "'Mode': {'C', 'D'},",
        "'Tags': {'Kind': 'X | Y'}}",
        "Response",
        "{'Mode': {'C', 'D'}}",
    ]
    assert pagegen.format_delta(delta, "oneline").splitlines()[1] == (
        "{'Count': 'string', 'Extra': {'Again': (), 'Flag': 'boolean'}, 'Items': {'Size': 'long'}, "
        "'Mode': {'C', 'D'}, 'Tags': {'Kind': 'X | Y'}}"
    )
    assert pagegen.format_delta({"both": {"Mode": {"C", "D"}}}, "oneline") == "{'Mode': {'C', 'D'}}"


def test_demo_page_lists_new_then_updated_in_model_order() -> None:
    page = pagegen.page_between(_demo(False), _demo(True), date(2024, 2, 29), "Adds  things.\n More.", "oneline")
    assert page is not None
    lines = page.splitlines()
    assert lines[:3] == [
        "2024/02/29 - Demo Service - 1 new 2 updated api methods",
        "Changes Adds things. More.",
        "Does Add.",
    ]
    starts = [lines.index(f"Does {name}.") for name in ("Add", "Put", "Echo")]
    assert starts == sorted(starts)
    assert lines[starts[1] - 4 : starts[1]] == [
        "Request",
        pagegen.format_delta({"both": REQUEST}, "oneline"),
        "Response",
        "{'Mode': {'C', 'D'}}",
    ]
    assert lines[starts[2] - 1] == "{'Items': {'Size': 'long'}}"
    assert "Does Ping." not in lines


# ---------------------------------------------------------------- flattening rules


def test_flattening_of_botocore_markup() -> None:
    rst = (
        "Intro with ``code`` and **bold** and `a link <https://x.example/a>`__.\n\n"
        ":type Body: :ref:`document<document>`\n:param Body: **[REQUIRED]** \n\n  Text.\n\n"
        "  .. note::    This is a Tagged Union structure. Only one of the     following top level keys "
        "will be set: ``a``. The structure of ``SDK_UNKNOWN_MEMBER`` is     as follows::\n\n"
        "            'SDK_UNKNOWN_MEMBER': {'name': 'UnknownMemberName'}\n\n"
        "  - **Payload** (:class:`.EventStream`) -- \n\n    Events.\n\n"
        "  - (:class:`.StreamingBody`) -- \n\n"
        ".. note::\n\n  A plain note keeps its text.\n\n"
        "Malformed ``markup `` from AWS text stays as docutils leaves it.\n"
    )
    assert pagegen.rst_blocks(rst) == [
        "Intro with code and bold and a link.",
        "document",
        "[REQUIRED]",
        "Text.",
        "Payload (EventStream) --",
        "Events.",
        "(StreamingBody) --",
        "A plain note keeps its text.",
        "Malformed ``markup `` from AWS text stays as docutils leaves it.",
    ]


def _wide_model(members: int) -> dict[str, Any]:
    shapes = {
        "Str": {"type": "string"},
        "Wide": _struct(**{f"m{i}": "Str" for i in range(members)}),
        "Small": _struct(Id="Str"),
    }
    return _service(shapes, {"Big": _op("Big", "Wide", "Small")})


def test_too_large_section_flattens_to_its_own_lines() -> None:
    assert "too large" in LARGE_SECTION_MESSAGE  # botocore still cuts sections this way
    # Wider than botocore's own limit for a syntax block (1,500 lines up to 1.43, 2,000 from 1.44).
    members = SECTION_LINE_LIMIT_CONFIG["request-example"]["line_limit"] + 100
    page = pagegen.full_service_page(_wide_model(members), date(2024, 1, 1), "oneline")
    lines = page.splitlines()
    cut = "# This section is too large to render. # Please see the AWS API Documentation linked below."
    assert lines[2:11] == [
        "See also: AWS API Documentation",
        "Request Syntax",
        cut,
        "AWS API Documentation",
        "Parameters",
        cut,
        "AWS API Documentation",
        "dict",
        "Response Syntax",
    ]
    assert lines[11:] == ["{ 'Id': 'string' }", "Response Structure", "(dict) --", "Id (string) --"]


# ---------------------------------------------------------------- real services, installed botocore

BOTOCORE_MARKUP = (
    ":ref:`",
    ":class:`",
    ":py:",
    "**[REQUIRED]**",
    ") --*",
    "`AWS API",
    ".. note::",
    "Tagged Union",
    "SDK_UNKNOWN_MEMBER",
    ":type ",
    ":param ",
    ":rtype:",
    ":returns:",
)


SPECIAL_TYPES = {  # botocore's links and roles, shown as their display text
    "bedrock-runtime": {
        "body (StreamingBody) --",
        "body (EventStream) --",
        "bytes or seekable file-like object",
        "additionalModelRequestFields (document) --",
        "input (document) -- [REQUIRED]",
    },
    "kinesis": {"EventStream (EventStream) --", "'EventStream': EventStream({"},
}
# Two services kept small for speed; together they carry every special type, tagged unions and
# (in bedrock-runtime's Converse) a section too large to render.
FullBlocks = tuple[str, dict[str, Any], list[pagegen.Block]]


@pytest.fixture(scope="module", params=sorted(SPECIAL_TYPES))
def full_blocks(request: pytest.FixtureRequest) -> FullBlocks:
    service: str = request.param
    model = wheel.installed_models([service])[service]
    return service, model, pagegen.full_service_blocks(model, date(2026, 1, 1), service)


@pytest.mark.parametrize("layout", pagegen.LAYOUTS)
def test_full_service_page_lists_every_operation_once(full_blocks: FullBlocks, layout: pagegen.Layout) -> None:
    _, model, blocks = full_blocks
    lines = pagegen.render_blocks(blocks, layout).splitlines()
    count = len(model["operations"])
    assert lines[0] == f"2026/01/01 - {model['metadata']['serviceFullName']} - {count} new api methods"
    calls = [line.split("(", 1)[0] for line in lines if line.startswith("client.")]
    assert calls == [f"client.{xform_name(name)}" for name in model["operations"]]
    assert all(line and line == line.strip() for line in lines)
    assert not [line for line in lines if any(mark in line for mark in BOTOCORE_MARKUP)]
    returning = [name for name, op in model["operations"].items() if "output" in op]
    assert lines.count("Response Structure") == len(returning)


def test_full_service_page_shows_special_types(full_blocks: FullBlocks) -> None:
    service, _, blocks = full_blocks
    assert SPECIAL_TYPES[service] <= set(pagegen.render_blocks(blocks, "multiline").splitlines())


# ---------------------------------------------------------------- wheels


def _fake_wheel(path: Path) -> Path:
    def member(name: str, stamp: tuple[int, int, int]) -> zipfile.ZipInfo:
        return zipfile.ZipInfo(name, date_time=(*stamp, 12, 0, 0))

    old = json.dumps(_service({}, {})).encode()
    new = json.dumps(_demo(True)).encode()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member("botocore/__init__.py", (2020, 1, 1)), "")
        archive.writestr(member("botocore/data/demo/2019-01-01/service-2.json", (2025, 10, 6)), old)
        archive.writestr(member("botocore/data/demo/2020-01-01/service-2.json.gz", (2025, 10, 6)), gzip.compress(new))
        archive.writestr(member("botocore/data/demo/2020-01-01/paginators-1.json", (2025, 10, 7)), "{}")
        archive.writestr(member("botocore/data/other/2018-01-01/service-2.json", (2025, 10, 6)), old)
    return path


def test_wheel_models_take_the_newest_api_version(tmp_path: Path) -> None:
    path = _fake_wheel(tmp_path / "botocore-9.9.9-py3-none-any.whl")
    assert wheel.wheel_services(path) == ["demo", "other"]
    assert wheel.wheel_models(path, ["demo"]) == {"demo": _demo(True)}
    with pytest.raises(KeyError):
        wheel.wheel_models(path, ["missing"])


def test_wheel_date_is_the_most_common_data_file_date(tmp_path: Path) -> None:
    assert wheel.wheel_date(_fake_wheel(tmp_path / "w.whl")) == date(2025, 10, 6)


def test_installed_models_are_raw_service_models() -> None:
    models = wheel.installed_models(["dynamodb", "s3"])
    assert sorted(models) == ["dynamodb", "s3"]
    assert "GetItem" in models["dynamodb"]["operations"]
    assert models["s3"]["metadata"]["serviceFullName"] == "Amazon Simple Storage Service"
    # s3's service-2.sdk-extras.json makes Expires a timestamp for clients; the raw model says string
    assert models["s3"]["shapes"]["Expires"] == {"type": "string"}
    with pytest.raises(KeyError):
        wheel.installed_models(["no-such-service"])


def test_a_method_with_a_line_past_docutils_limit_keeps_its_text() -> None:
    # Real ec2 documentation has lines longer than docutils' default 10,000-character guard.
    model = wheel.installed_models(["ec2"])["ec2"]
    service = ServiceModel(model, service_name="ec2")
    text = pagegen.method_text(service.operation_model("CreateLaunchTemplate"), "multiline")
    assert "client.create_launch_template(" in text and "Response Structure" in text
