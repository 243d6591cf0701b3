"""Typed client stubs: mypy --strict over real services, typed samples against the seeds, parity with
mypy-boto3's request types, snapshots, and any names a page could hold.

One mypy run checks everything (about 50 packages built from the installed botocore, both seed
releases, the samples); each test reads its part of the result.
"""

from __future__ import annotations

import ast
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from changelog_tracker import Store, TrackerError, ingest
from changelog_tracker.cli import main
from changelog_tracker.cli.stubs import stubs as stubs_command
from changelog_tracker.model import ListShape, MapShape, Member, Operation, Scalar, Shape, Structure
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_models
from changelog_tracker.stubs import render_stubs, write_stubs
from oracle.extract import requests
from tests.helpers import DATA, SEED_2025, SEED_2026, committed_model

main.add_command(stubs_command)

SERVICE = "bedrock-agentcore-control"
PACKAGE = "bedrock_agentcore_control_stubs"
PACKAGE_2025 = "bedrock_agentcore_control_2025_stubs"  # the 2025 package, renamed so one mypy run holds both
PACKAGE_FULL = "bedrock_agentcore_control_full_stubs"  # every method of botocore 1.42.65
FILES = ("__init__.pyi", "literals.pyi", "type_defs.pyi", "client.pyi")
# Big models, and streaming bodies, event streams, documents and recursion (dynamodb, acm, amplifyuibuilder).
CHOSEN = [
    "ec2", "s3", "sagemaker", "quicksight", "glue", "mediaconvert", "lexv2-models", "dynamodb", "lambda",
    "kinesis", "bedrock-runtime", "lexv2-runtime", "glacier", "acm", "s3control", "cloudformation", "iam",
    "sts", "rds", "ecs", "sqs", "sns", "stepfunctions", "ssm",
]  # fmt: skip


def odd_member_services(models: dict[str, dict[str, Any]]) -> list[str]:
    """Services with a member name that is a Python keyword or no identifier (``from``, ``None``, ...)."""
    return sorted(
        name
        for name, model in models.items()
        if any(
            keyword.iskeyword(member) or not member.isidentifier()
            for shape in model["shapes"].values()
            for member in shape.get("members", {})
        )
    )


@dataclass(frozen=True)
class Checked:
    """The one mypy run: its summary line and its errors by file name."""

    summary: str
    errors: dict[str, list[tuple[int, str]]]
    services: list[str]
    root: Path


# -- building everything ------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "tracker.db"
    with Store(path) as store:
        ingest(store, [SEED_2025, SEED_2026])
    return path


def cli_stubs(db: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(db), "stubs", SERVICE, "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def seed_stubs(tmp_path_factory: pytest.TempPathFactory, seed_db: Path) -> dict[str, Path]:
    """``--out`` directories of the seeds' stubs, by release, written through the CLI."""
    root = tmp_path_factory.mktemp("seed-stubs")
    out = {}
    for date in ("2025-10-06", "2026-03-10"):
        out[date] = root / date
        assert f"as of {date}" in cli_stubs(seed_db, out[date], "--at", date)
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, seed_stubs: dict[str, Path]) -> Path:
    """``pip install DIR`` of the 2026 seed stubs, into a target directory, offline."""
    target = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target)]
    done = subprocess.run([*command, str(seed_stubs["2026-03-10"])], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory, seed_stubs: dict[str, Path], installed: Path) -> Checked:
    root = tmp_path_factory.mktemp("mypy")
    models = installed_models()
    # bedrock-agentcore-control is checked as the seed packages and the full 1.42.65 one instead.
    services = sorted((set(CHOSEN) | set(odd_member_services(models))) - {SERVICE})
    packages = root / "packages"
    for service in services:
        write_stubs(service, "2026-03-10", list(operations_from_json(models[service], service)), root / "out")
    shutil.copytree(root / "out", packages, ignore=shutil.ignore_patterns("*.toml", "*.py"))
    shutil.copytree(seed_stubs["2025-10-06"] / PACKAGE, packages / PACKAGE_2025)
    full = write_stubs(SERVICE, "2026-03-10", _full_model_operations(), root / "full")
    shutil.copytree(full, packages / PACKAGE_FULL)
    samples = _write_samples(root / "samples")
    names = [p.name for p in packages.iterdir()] + [PACKAGE]
    return _mypy(root, [packages, installed], names, samples, services)


def _full_model_operations() -> list[Operation]:
    return list(operations_from_json(committed_model(SERVICE, "1.42.65"), SERVICE))


def _mypy(root: Path, path: list[Path], packages: list[str], samples: list[Path], services: list[str]) -> Checked:
    (root / "mypy.ini").write_text("[mypy]\n")  # no user or project configuration
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", "/dev/null"]
    command += [arg for name in sorted(packages) for arg in ("-p", name)]
    command += [arg for sample in samples for arg in ("-m", sample.stem)]  # mypy takes modules or files, not both
    search = ":".join(str(p) for p in [*path, samples[0].parent])
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")} | {"MYPYPATH": search}
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1) and not done.stderr, done.stdout + done.stderr
    errors: dict[str, list[tuple[int, str]]] = {}
    for match in re.finditer(r"^(.+?):(\d+): error: (.*)$", done.stdout, re.MULTILINE):
        errors.setdefault(match[1], []).append((int(match[2]), match[3]))
    return Checked(done.stdout.strip().splitlines()[-1], errors, services, root)


# -- the typed samples: the seeds' payload shapes ------------------------------------------
SAMPLE_OK = """
from datetime import datetime

from {package} import __release__
from {package}.client import Client
from {package}.literals import ServerProtocolType
from {package}.type_defs import (
    CreateAgentRuntimeRequestTypeDef,
    CreateAgentRuntimeResponseTypeDef,
    ProtocolConfigurationTypeDef,
)

RELEASE: str = __release__


def deploy(client: Client, protocol: ServerProtocolType) -> str:
    request: CreateAgentRuntimeRequestTypeDef = {{
        "agentRuntimeName": "agent",
        "agentRuntimeArtifact": {{"containerConfiguration": {{"containerUri": "1234.dkr.ecr.aws/agent:1"}}}},
        "roleArn": "arn:aws:iam::123456789012:role/agent",
        "networkConfiguration": {{
            "networkMode": "VPC",
            "networkModeConfig": {{"securityGroups": ["sg-1"], "subnets": ["subnet-1"]}},
        }},
        "authorizerConfiguration": {{
            "customJWTAuthorizer": {{
                "discoveryUrl": "https://example.com/.well-known/openid-configuration",
                "allowedClients": ["app"],
            }}
        }},
        "requestHeaderConfiguration": {{"requestHeaderAllowlist": ["X-Trace"]}},
        "protocolConfiguration": {{"serverProtocol": protocol}},
        "lifecycleConfiguration": {{"idleRuntimeSessionTimeout": 900, "maxLifetime": 28800}},
        "environmentVariables": {{"LOG_LEVEL": "debug"}},
        "tags": {{"team": "agents"}},
    }}
    created: CreateAgentRuntimeResponseTypeDef = client.create_agent_runtime(**request)
    when: datetime | None = created.get("createdAt")
    runtime = client.get_agent_runtime(agentRuntimeId=created.get("agentRuntimeId", ""))
    mcp: ProtocolConfigurationTypeDef = {{"serverProtocol": "MCP"}}
    client.update_agent_runtime(
        agentRuntimeId="id",
        agentRuntimeArtifact={{
            "codeConfiguration": {{
                "code": {{"s3": {{"bucket": "b", "prefix": "agent/"}}}},
                "runtime": "PYTHON_3_12",
                "entryPoint": ["main.py"],
            }}
        }},
        roleArn="arn",
        networkConfiguration={{"networkMode": "PUBLIC"}},
        protocolConfiguration=mcp,
    )
    return str(when) + runtime.get("status", "READY")
"""
# `# E` marks each line mypy must report, and no other.
SAMPLE_AGUI = """
from {package}.client import Client


def deploy(client: Client) -> None:
    client.create_agent_runtime(
        agentRuntimeName="agent",
        agentRuntimeArtifact={{"containerConfiguration": {{"containerUri": "uri"}}}},
        roleArn="arn",
        networkConfiguration={{"networkMode": "PUBLIC"}},
        protocolConfiguration={{"serverProtocol": "AGUI"}},  # E before 2026-03-10
    )
"""
SAMPLE_MISSING = """
from {package}.client import Client
from {package}.type_defs import S3TypeDef


def deploy(client: Client) -> None:
    client.create_agent_runtime(  # E: roleArn is required
        agentRuntimeName="agent",
        agentRuntimeArtifact={{"containerConfiguration": {{"containerUri": "uri"}}}},
        networkConfiguration={{"networkMode": "PUBLIC"}},
    )
    location: S3TypeDef = {{"bucket": "b"}}  # E: prefix is required
    client.create_agent_runtime(
        agentRuntimeName="agent",
        agentRuntimeArtifact={{"containerConfiguration": {{}}}},  # E: containerUri is required
        roleArn="arn",
        networkConfiguration={{"networkMode": "PUBLIC"}},
    )
"""
SAMPLE_ENUM = """
from {package}.client import Client


def deploy(client: Client) -> None:
    client.create_agent_runtime(
        agentRuntimeName="agent",
        agentRuntimeArtifact={{"containerConfiguration": {{"containerUri": "uri"}}}},
        roleArn="arn",
        networkConfiguration={{"networkMode": "PRIVATE"}},  # E: not a NetworkMode
        protocolConfiguration={{"serverProtocol": "mcp"}},  # E: values are case-sensitive
    )
"""
SAMPLES = {
    "sample_ok": (SAMPLE_OK, PACKAGE),
    "sample_ok_full": (SAMPLE_OK, PACKAGE_FULL),
    "sample_agui_2026": (SAMPLE_AGUI, PACKAGE),
    "sample_agui_2025": (SAMPLE_AGUI, PACKAGE_2025),
    "sample_missing": (SAMPLE_MISSING, PACKAGE),
    "sample_enum": (SAMPLE_ENUM, PACKAGE),
}


def _write_samples(folder: Path) -> list[Path]:
    folder.mkdir()
    for name, (text, package) in SAMPLES.items():
        (folder / f"{name}.py").write_text(text.format(package=package).lstrip())
    return sorted(folder.iterdir())


def marked(sample: str, marker: str = "# E") -> set[int]:
    text, package = SAMPLES[sample]
    lines = text.format(package=package).lstrip().splitlines()
    return {number for number, line in enumerate(lines, 1) if marker in line}


def errors_in(checked: Checked, name: str) -> list[tuple[int, str]]:
    return [e for path, found in checked.errors.items() if Path(path).name == name for e in found]


# -- mypy --------------------------------------------------------------------------------
def test_mypy_strict_passes_on_every_generated_package(checked: Checked) -> None:
    packages = len(checked.services) + 3  # + the seed packages of both dates and the full 1.42.65 one
    assert len(checked.services) >= 40 and {"ec2", "s3", "sagemaker", "quicksight", "glue"} <= set(checked.services)
    assert {"apigateway", "logs", "wafv2", "appflow"} <= set(checked.services), "services with keyword members"
    in_stubs = {path: found for path, found in checked.errors.items() if "sample_" not in path}
    assert in_stubs == {}
    # Every package was found and checked: 4 files each, plus the samples.
    assert f"checked {4 * packages + len(SAMPLES)} source files" in checked.summary


def test_seed_sample_type_checks_against_2026_stubs(checked: Checked) -> None:
    assert errors_in(checked, "sample_ok.py") == []
    assert errors_in(checked, "sample_ok_full.py") == []
    assert errors_in(checked, "sample_agui_2026.py") == []


def test_agui_fails_before_its_release(checked: Checked) -> None:
    found = errors_in(checked, "sample_agui_2025.py")
    assert {line for line, _ in found} == marked("sample_agui_2025") != set()
    assert all("'AGUI'" in message and '"serverProtocol"' in message for _, message in found)


def test_missing_required_key_fails(checked: Checked) -> None:
    found = errors_in(checked, "sample_missing.py")
    assert {line for line, _ in found} == marked("sample_missing")
    messages = " ".join(message for _, message in found)
    assert '"roleArn"' in messages and '"prefix"' in messages and '"containerUri"' in messages


def test_wrong_enum_value_fails(checked: Checked) -> None:
    found = errors_in(checked, "sample_enum.py")
    assert {line for line, _ in found} == marked("sample_enum")
    assert any("PRIVATE" in message for _, message in found)


def test_pip_install_dir_installs_a_typed_package_with_its_release(installed: Path) -> None:
    assert sorted(p.name for p in (installed / PACKAGE).iterdir()) == sorted([*FILES, "py.typed"])
    metadata = next(installed.glob("*.dist-info")) / "METADATA"
    assert "Name: bedrock-agentcore-control-stubs\n" in metadata.read_text()
    assert "Version: 2026.3.10\n" in metadata.read_text()
    assert '__release__ = "2026-03-10"' in (installed / PACKAGE / "__init__.pyi").read_text()


def test_pyproject_names_the_release(seed_stubs: dict[str, Path]) -> None:
    project = tomllib.loads((seed_stubs["2025-10-06"] / "pyproject.toml").read_text())["project"]
    assert project["version"] == "2025.10.6" and "2025-10-06" in project["description"]


# -- what the botocore-built packages say --------------------------------------------------
def text_of(checked: Checked, service: str, file: str = "type_defs.pyi") -> str:
    return (checked.root / "out" / (service.replace("-", "_") + "_stubs") / file).read_text()


def test_streaming_and_event_stream_types(checked: Checked) -> None:
    s3 = text_of(checked, "s3")
    get_object = s3.split("class GetObjectResponseTypeDef(TypedDict):")[1].split("\n\n")[0]
    assert "    Body: StreamingBody\n" in get_object  # a whole response's keys are required (as mypy-boto3)
    put_object = s3.split("class PutObjectRequestTypeDef(TypedDict):")[1].split("\n\n")[0]
    assert "    Body: NotRequired[BlobTypeDef]" in put_object  # str, bytes or a file, as botocore takes
    assert re.search(r"Payload: EventStream\[\w+TypeDef\]\n", s3)  # required: a whole response's key
    assert "from botocore.response import StreamingBody  # type: ignore[" in s3


def test_keyword_members_take_the_functional_form(checked: Checked) -> None:
    logs = text_of(checked, "logs")
    assert re.search(r'"from": (NotRequired\[)?int', logs), "logs has members named `from`"
    client = text_of(checked, "apigateway", "client.pyi")
    assert "def update_rest_api(self, **kwargs: Unpack[UpdateRestApiRequestTypeDef])" in client


def test_model_recursion_refers_to_the_shape_it_repeats(checked: Checked) -> None:
    dynamodb = text_of(checked, "dynamodb")  # a model names the repeated shape (a page leaves it Any)
    assert "M: NotRequired[dict[str, AttributeValueOutputTypeDef]]" in dynamodb


def test_mypy_boto3_parity_for_every_request(tmp_path: Path) -> None:
    """Same keys, required keys and Literal values at every path of every request as mypy-boto3 1.42.65."""
    committed = json.loads((DATA / "mypy_boto3" / f"{SERVICE}-1.42.65.json").read_text())
    ours = requests(write_stubs(SERVICE, "2026-03-10", _full_model_operations(), tmp_path))
    assert sorted(ours) == sorted(committed["requests"])
    for method, paths in committed["requests"].items():
        assert ours[method] == paths, method
    assert len(ours) > 80 and sum(len(p) for p in ours.values()) > 300


# -- snapshots ---------------------------------------------------------------------------
class PyiSnapshot(SingleFileSnapshotExtension):
    file_extension = "pyi"
    _write_mode = WriteMode.TEXT


@pytest.mark.parametrize("date", ["2025-10-06", "2026-03-10"])
@pytest.mark.parametrize("file", FILES)
def test_seed_stub_files(seed_stubs: dict[str, Path], snapshot: SnapshotAssertion, date: str, file: str) -> None:
    text = (seed_stubs[date] / PACKAGE / file).read_text()
    assert text == snapshot(extension_class=PyiSnapshot)


# -- names, recursion, structural sharing ----------------------------------------------------
def op(name: str, members: tuple[Member, ...], output: Shape | None = None) -> Operation:
    return Operation(name, Structure(members), output)


def type_defs(operations: list[Operation]) -> str:
    return render_stubs("svc", "2026-01-01", operations)["svc_stubs/type_defs.pyi"]


def test_recursion_refers_to_the_enclosing_shape_of_the_same_member() -> None:
    inner = Structure((Member("name", Scalar("string"), True), Member("children", Scalar("recursive"))))
    tree = Structure((Member("children", ListShape(inner)),))
    cut = Structure((Member("and", ListShape(Scalar("recursive"))), Member("key", Scalar("string"))))
    text = type_defs([op("put_tree", (Member("tree", tree, True), Member("filter", cut)))])
    assert "class ChildTypeDef(TypedDict):\n    name: str\n    children: NotRequired[Sequence[ChildTypeDef]]" in text
    assert '"and": NotRequired[Sequence[Any]],  # recursive: the page does not say' in text


def test_identical_shapes_are_one_typeddict_and_names_never_collide() -> None:
    config = Structure((Member("mode", Scalar("string", ("A", "B")), True),))
    other = Structure((Member("size", Scalar("integer")),))
    ops = [
        op("create_thing", (Member("config", config, True),), Structure((Member("config", config),))),
        op("update_thing", (Member("settings", config),)),
        op("delete_thing", (Member("config", other),)),
    ]
    text = type_defs(ops)
    assert "    config: ConfigTypeDef\n" in text and "    settings: NotRequired[ConfigTypeDef]\n" in text
    assert text.count("    mode: ModeType\n") == 1  # one request TypedDict for both
    assert "class ConfigOutputTypeDef(TypedDict):\n    mode: NotRequired[ModeType]" in text
    assert "    config: NotRequired[DeleteThingConfigTypeDef]\n" in text
    assert ops[0].output is not None and "ResponseMetadata: NotRequired[ResponseMetadataTypeDef]" in text


def test_output_does_not_depend_on_the_order_of_operations() -> None:
    ops = [op(f"op_{i}", (Member("config", Structure((Member(f"k{i % 3}", Scalar("string")),))),)) for i in range(9)]
    assert render_stubs("svc", "2026-01-01", ops) == render_stubs("svc", "2026-01-01", ops[::-1])


def test_methods_without_input_without_output_and_cut_sides() -> None:
    ops = [
        Operation("list_things", Structure(), Structure((Member("n", Scalar("integer")),))),
        Operation("reset", Structure((Member("id", Scalar("string"), True),)), None),
        Operation("big", Scalar("undocumented"), Scalar("undocumented")),
    ]
    files = render_stubs("svc", "2026-01-01", ops)
    client = files["svc_stubs/client.pyi"]
    assert "def list_things(self) -> ListThingsResponseTypeDef: ..." in client
    assert "def reset(self, **kwargs: Unpack[ResetRequestTypeDef]) -> None: ..." in client
    assert "def big(self, **kwargs: Any) -> BigResponseTypeDef: ..." in client
    assert "BigRequestTypeDef = dict[str, Any]  # the page cut this side" in files["svc_stubs/type_defs.pyi"]
    assert "ListThingsRequestTypeDef = EmptyTypeDef" in files["svc_stubs/type_defs.pyi"]


def test_bad_service_or_release_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="not a date"):
        write_stubs("svc", "2026-13-01", [], tmp_path)
    with pytest.raises(TrackerError, match="cannot name a Python package"):
        write_stubs("Not A Service!", "2026-01-01", [], tmp_path)


def test_cli_unknown_service_exits_2(seed_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(seed_db), "stubs", "nope", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown service 'nope'" in result.output


# -- any names parse ------------------------------------------------------------------------
NASTY = st.sampled_from(
    [
        "from", "None", "class", "lambda", "type", "match", "_", "__init__", "__x", "1abc", "a-b", "a.b", "",
        '"""', "'''", '"', "'", "\\", "\\'", "a\nb", "x\r\ny", "\x00", "é", "ﬁ", "日本", "\u2028", "\ud800",
        "str", "TypedDict", "NotRequired", "Any", "datetime", "ResponseMetadata", "EmptyTypeDef", "ATypeDef",
    ]
)  # fmt: skip
NAMES = st.one_of(NASTY, st.text(max_size=8))


def shapes(depth: int = 2) -> st.SearchStrategy[Shape]:
    leaves = st.one_of(
        st.sampled_from([Scalar(t) for t in ("string", "integer", "float", "boolean", "timestamp", "blob")]),
        st.sampled_from([Scalar("document"), Scalar("recursive"), Scalar("undocumented"), Scalar("blob", (), True)]),
        st.lists(NAMES, min_size=1, max_size=3).map(lambda values: Scalar("string", tuple(values))),
    )
    if depth == 0:
        return leaves
    inner = shapes(depth - 1)
    maps = inner.map(lambda value: MapShape(Scalar("string"), value))
    return st.one_of(leaves, inner.map(ListShape), maps, structures(inner))


def structures(inner: st.SearchStrategy[Shape]) -> st.SearchStrategy[Structure]:
    member = st.tuples(NAMES, inner, st.sampled_from([True, False, None]))
    members = st.lists(member, max_size=4, unique_by=lambda t: t[0])
    return st.builds(
        lambda ms, events: Structure(tuple(Member(n, s, r) for n, s, r in ms), events), members, st.booleans()
    )


OPERATIONS = st.lists(
    st.tuples(NAMES, structures(shapes()), st.one_of(st.none(), structures(shapes()))),
    min_size=1,
    max_size=4,
    unique_by=lambda t: t[0],
).map(lambda ops: [Operation(name, i, o) for name, i, o in ops])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)
def test_any_names_give_stubs_that_parse_and_keep_every_key(operations: list[Operation]) -> None:
    files = render_stubs("svc", "2026-01-01", operations)
    for name, text in files.items():
        if name.endswith((".pyi", ".py")):
            ast.parse(text, filename=name)
    tomllib.loads(files["pyproject.toml"])
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        read = requests(Path(tmp) / "svc_stubs")
    for operation in operations:
        if not (operation.name.isascii() and operation.name.isidentifier()) or keyword.iskeyword(operation.name):
            assert operation.name not in read
            continue
        if operation.name.startswith("_"):
            continue
        assert isinstance(operation.input, Structure)
        top = read[operation.name][""]
        assert top["keys"] == sorted(m.name for m in operation.input.members)
        assert top["required"] == sorted(m.name for m in operation.input.members if m.required is True)
        for member in operation.input.members:
            if isinstance(member.shape, Scalar) and member.shape.enum:
                assert top["literals"][member.name] == sorted(set(member.shape.enum))


# -- several services into one --out ---------------------------------------------------------------
def _pip_install(source: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target)]
    done = subprocess.run([*command, str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_second_service_into_the_same_out_keeps_the_first_installable(tmp_path: Path) -> None:
    models, out = installed_models(["sts", "sqs"]), tmp_path / "out"
    write_stubs("sts", "2026-01-09", list(operations_from_json(models["sts"], "sts")), out)
    write_stubs("sqs", "2026-03-10", list(operations_from_json(models["sqs"], "sqs")), out)
    _pip_install(out, tmp_path / "site")
    for package, release in (("sts_stubs", "2026-01-09"), ("sqs_stubs", "2026-03-10")):
        assert sorted(p.name for p in (tmp_path / "site" / package).iterdir()) == sorted([*FILES, "py.typed"])
        assert f'__release__ = "{release}"' in (tmp_path / "site" / package / "__init__.pyi").read_text()
    [info] = (tmp_path / "site").glob("*.dist-info")
    metadata = (info / "METADATA").read_text()
    assert "Name: sqs-sts-stubs\n" in metadata and "Version: 2026.3.10\n" in metadata
    assert "sqs (2026-03-10)" in metadata and "sts (2026-01-09)" in metadata
    project = tomllib.loads((out / "pyproject.toml").read_text())["project"]
    assert project["name"] == "sqs-sts-stubs" and project["version"] == "2026.3.10"
    # The same service again replaces its own package only.
    write_stubs("sts", "2026-03-10", list(operations_from_json(models["sts"], "sts")), out)
    assert "sts (2026-03-10)" in tomllib.loads((out / "pyproject.toml").read_text())["project"]["description"]


def test_an_out_that_cannot_be_written_is_a_clear_error(seed_db: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["--store", str(seed_db), "stubs", SERVICE, "--out", str(tmp_path / "file/sub")])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path / 'file/sub'}") and "cannot write" in line, line
