"""The client surface ordinary boto3 code type-checks against: ``client.exceptions``, paginators and
waiters typed by name, botocore's client members, docstrings.

Packages are built from committed botocore models (with their paginators-1 and waiters-2 files)
and checked with mypy --strict twice: with botocore-stubs (botocore's classes typed, as users of
mypy-boto3 have them) and without any site package (botocore untyped): both pass, and a small
boto3 program gets exactly the errors its ``# E`` lines mark.
"""

from __future__ import annotations

import ast
import gzip
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from changelog_tracker.model import Member, Operation, Scalar, Structure
from changelog_tracker.sources.botocore import operations_from_json, service_traits
from changelog_tracker.sources.text import read_text
from changelog_tracker.stubs import render_stubs, write_stubs
from changelog_tracker.stubs.client import build_client, summary
from changelog_tracker.stubs.typedefs import build_spec
from oracle.extract import read_package
from tests.helpers import DATA, SEED_2026

HISTORY = DATA / "history"
VERSION = "1.42.25"
SERVICES = ["arc-region-switch", "ecs"]  # the slow test checks every service of tests/data/history


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


TYPED = _installed("botocore-stubs")  # mypy then finds botocore typed (boto3-stubs brings it too)


def _json(kind: str, service: str) -> Any:
    path = HISTORY / kind / service / f"{VERSION}.json.gz"
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def model_operations(service: str) -> list[Operation]:
    model, paginators, waiters = (_json(kind, service) for kind in ("models", "paginators", "waiters"))
    return list(operations_from_json(model, service, paginators, waiters))


# `# E` marks each line mypy must report; `# E typed` only where botocore is typed (botocore-stubs).
SAMPLE = """
from ecs_stubs.client import Client
from ecs_stubs.type_defs import ListClustersResponseTypeDef


def clusters(client: Client) -> list[str]:
    arns: list[str] = []
    for page in client.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 10}):
        arns += page.get("clusterArns", [])
    first: ListClustersResponseTypeDef = next(iter(client.get_paginator("list_clusters").paginate()))
    client.get_waiter("services_stable").wait(cluster="c", services=["s"], WaiterConfig={"Delay": 5})
    try:
        client.describe_clusters(clusters=arns)
    except client.exceptions.ClusterNotFoundException as error:
        print(error.response)
    except client.exceptions.ClientError:
        pass
    if client.can_paginate("list_tasks"):
        client.close()
    print(client.generate_presigned_url("list_clusters", ExpiresIn=60), client.meta, first)
    return arns


def mistakes(client: Client) -> None:
    client.get_paginator("list_cluster")  # E: no such paginator
    client.get_paginator("list_clusters").paginate(nextToken="t")  # E: the paginator drives the token
    client.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": "10"})  # E
    client.get_waiter("services_stable").wait(cluster="c")  # E: services is required
    client.get_waiter("service_stable")  # E: no such waiter
    for page in client.get_paginator("list_tasks").paginate(cluster="c"):
        print(page["clusterArns"])  # E typed: a key of another response
    try:
        pass
    except client.exceptions.NoSuchClusterException:  # E typed: no such error shape
        pass
"""


@dataclass(frozen=True)
class Run:
    errors: dict[str, list[tuple[int, str]]]
    summary: str


def mypy(root: Path, packages: list[str], modules: list[str], *, site: bool) -> Run:
    (root / "mypy.ini").write_text("[mypy]\n")  # no user or project configuration
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", "/dev/null"]
    command += [] if site else ["--no-site-packages"]
    command += [arg for name in packages for arg in ("-p", name)] + [arg for m in modules for arg in ("-m", m)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1) and not done.stderr, done.stdout + done.stderr
    errors: dict[str, list[tuple[int, str]]] = {}
    for match in re.finditer(r"^(.+?):(\d+): error: (.*)$", done.stdout, re.MULTILINE):
        errors.setdefault(match[1], []).append((int(match[2]), match[3]))
    return Run(errors, done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("client-stubs")
    for service in SERVICES:
        write_stubs(service, "2026-01-09", model_operations(service), root)
    for path, text in render_stubs("hostile", "2026-03-10", hostile_operations()).items():
        if path.startswith("hostile_stubs/"):
            (root / path).parent.mkdir(exist_ok=True)
            (root / path).write_text(text)
    (root / "sample.py").write_text(SAMPLE.lstrip())
    return root


def packages(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("*_stubs"))


def marked(typed: bool) -> set[int]:
    lines = SAMPLE.lstrip().splitlines()
    return {n for n, line in enumerate(lines, 1) if "# E" in line and (typed or "# E typed" not in line)}


def sample_errors(run: Run) -> list[tuple[int, str]]:
    return [e for path, found in run.errors.items() if Path(path).name == "sample.py" for e in found]


@pytest.fixture(scope="module")
def untyped(out: Path) -> Run:
    return mypy(out, packages(out), ["sample"], site=False)


@pytest.fixture(scope="module")
def typed(out: Path) -> Run:
    if not TYPED:
        pytest.skip("botocore-stubs is not installed (boto3-stubs brings it): botocore untyped only")
    return mypy(out, packages(out), ["sample"], site=True)


def test_packages_pass_mypy_strict_with_botocore_untyped(out: Path, untyped: Run) -> None:
    assert {path: found for path, found in untyped.errors.items() if "sample" not in path} == {}
    files = sum(1 for p in out.glob("*_stubs/*.pyi"))
    assert files == 6 * (len(SERVICES) + 1) and f"checked {files + 1} source files" in untyped.summary


def test_packages_pass_mypy_strict_with_botocore_stubs(typed: Run) -> None:
    assert {path: found for path, found in typed.errors.items() if "sample" not in path} == {}


def test_sample_gets_exactly_the_marked_errors_untyped(untyped: Run) -> None:
    found = sample_errors(untyped)
    assert {line for line, _ in found} == marked(typed=False)
    messages = " ".join(message for _, message in found)
    assert '"get_paginator" of "Client"' in messages and '"get_waiter" of "Client"' in messages
    assert '"nextToken"' in messages and '"services"' in messages


def test_sample_gets_exactly_the_marked_errors_typed(typed: Run) -> None:
    found = sample_errors(typed)
    assert {line for line, _ in found} == marked(typed=True)
    messages = " ".join(message for _, message in found)
    assert '"ListTasksResponseTypeDef" has no key "clusterArns"' in messages


# -- what build_client says ------------------------------------------------------------------
def test_paginate_request_drops_what_the_paginator_drives() -> None:
    operations = model_operations("ecs")
    client = build_client(build_spec(operations), operations, None, "default", "ecs")
    by_name = {td.name: td for td in client.spec.typeddicts}
    paginator = next(p for p in client.paginators if p.method == "list_tasks")
    assert (paginator.name, paginator.request, paginator.response) == (
        "ListTasksPaginator", "ListTasksRequestPaginateTypeDef", "ListTasksResponseTypeDef")  # fmt: skip
    keys = [f.key for f in by_name[paginator.request].fields]
    request = [f.key for f in by_name["ListTasksRequestTypeDef"].fields]
    assert keys == [k for k in request if k not in ("nextToken", "maxResults")] + ["PaginationConfig"]
    assert [f.key for f in by_name["PaginatorConfigTypeDef"].fields] == ["MaxItems", "PageSize", "StartingToken"]
    # One operation's waiters, sorted by name: Wait, WaitExtra (as mypy-boto3 names them).
    waiters = {w.waiter: w.request for w in client.waiters}
    assert waiters == {
        "services_inactive": "DescribeServicesRequestWaitTypeDef",
        "services_stable": "DescribeServicesRequestWaitExtraTypeDef",
        "tasks_running": "DescribeTasksRequestWaitTypeDef",
        "tasks_stopped": "DescribeTasksRequestWaitExtraTypeDef",
    }
    assert by_name["DescribeTasksRequestWaitTypeDef"].fields[-1].key == "WaiterConfig"


def test_exceptions_are_the_error_shapes_the_operations_name() -> None:
    model = _json("models", "ecs")
    operations = model_operations("ecs")
    client = build_client(build_spec(operations), operations, None, "default", "ecs")
    named = {error["shape"] for op in model["operations"].values() for error in op.get("errors", ())}
    assert [e.name for e in client.exceptions] == sorted(named | {"ClientError"})
    assert client.complete and client.name == "Client"


def test_class_name_follows_the_naming() -> None:
    operations = model_operations("ecs")
    spec = build_spec(operations)
    said = service_traits(_json("models", "ecs"))
    assert build_client(spec, operations, said, "mypy-boto3", "ecs").name == "ECSClient"
    assert build_client(spec, operations, said, "default", "ecs").name == "Client"
    fallback = build_client(spec, operations, None, "mypy-boto3", "bedrock-agentcore-control")
    assert fallback.name == "BedrockAgentcoreControlClient"


def test_pages_give_no_paginator_or_waiter_and_accept_any_error_name() -> None:
    """A page never says: nothing is guessed, and botocore's own signatures stay (any name)."""
    operations = [replace_traits(op, None) for op in model_operations("ecs")]
    client = build_client(build_spec(operations), operations, None, "default", "ecs")
    assert (client.paginators, client.waiters, client.complete) == ((), (), False)
    assert [e.name for e in client.exceptions] == ["ClientError"]
    text = render_stubs("ecs", "2026-01-09", operations)
    assert "ecs_stubs/paginator.pyi" not in text and "ecs_stubs/waiter.pyi" not in text
    client_pyi = text["ecs_stubs/client.pyi"]
    assert "def get_paginator" not in client_pyi and "def get_waiter" not in client_pyi
    assert "def __getattr__(self, name: str) -> type[BotocoreClientError]" in client_pyi


def test_partly_known_keeps_a_fallback_overload() -> None:
    """Some methods from a model, some from pages: the typed names, and any other name too."""
    operations = [op if op.name == "list_clusters" else replace_traits(op, None) for op in model_operations("ecs")]
    client_pyi = render_stubs("ecs", "2026-01-09", operations)["ecs_stubs/client.pyi"]
    assert 'def get_paginator(self, operation_name: Literal["list_clusters"]) -> ListClustersPaginator' in client_pyi
    assert "def get_paginator(self, operation_name: str) -> Paginator[Any]: ..." in client_pyi
    assert "def __getattr__(self, name: str)" in client_pyi and "    ServerException: type[" in client_pyi


def replace_traits(op: Operation, overlay: Any) -> Operation:
    return Operation(op.name, op.input, op.output, op.api_name, op.documentation, overlay)


def test_docstrings_are_the_first_sentence_escaped() -> None:
    assert summary("Creates a cluster. It can take a while.") == "Creates a cluster."
    assert summary("  A   spaced\n text ") == "A spaced text"
    assert summary("Grants a principal permission ( to use ) a function . You can.") == (
        "Grants a principal permission ( to use) a function.")  # fmt: skip
    hostile = 'Ends the string """ or \\ and \u202e; "quoted". Second sentence.'
    op = Operation("put_thing", Structure((Member("x", Scalar("string")),)), None, documentation=hostile)
    text = render_stubs("svc", "2026-01-01", [op])["svc_stubs/client.pyi"]
    assert text.isascii()
    tree = ast.parse(text)
    client = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    method = next(n for n in client.body if isinstance(n, ast.FunctionDef) and n.name == "put_thing")
    assert ast.get_docstring(method) == 'Ends the string """ or \\ and \u202e; "quoted".'


def test_a_pages_documentation_becomes_docstrings() -> None:
    page = read_text(SEED_2026.read_text(encoding="utf-8"), SEED_2026.name)[0]
    text = render_stubs("bedrock-agentcore-control", "2026-03-10", [m.operation for m in page.methods])
    client = text["bedrock_agentcore_control_stubs/client.pyi"]
    assert '        """Creates an Amazon Bedrock AgentCore Runtime."""\n' in client


def test_long_docstrings_wrap_within_the_line() -> None:
    words = " ".join(["word"] * 60) + "."
    op = Operation("put_thing", Structure(), None, documentation=words)
    text = render_stubs("svc", "2026-01-01", [op])["svc_stubs/client.pyi"]
    assert max(len(line) for line in text.splitlines() if "word" in line) <= 120
    method = next(n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef) and n.name == "put_thing")
    assert " ".join((ast.get_docstring(method) or "").split()) == words


@pytest.mark.slow
def test_every_history_service_passes_mypy_strict(tmp_path: Path) -> None:
    services = json.loads((HISTORY / "manifest.json").read_text())["services"]
    for service in services:
        write_stubs(service, "2026-01-09", model_operations(service), tmp_path)
    for site in (False, True) if TYPED else (False,):
        run = mypy(tmp_path, packages(tmp_path), [], site=site)
        assert run.errors == {} and run.summary.startswith("Success"), run.summary


# -- parity with mypy-boto3 -------------------------------------------------------------------
def surface(package: Path) -> dict[str, Any]:
    """What a package's client surface says, read with ``ast`` (ours and mypy-boto3's alike): per
    paginator and waiter name, its class and its kwargs' keys and required keys; the error names."""
    found, _ = read_package(package)
    client = ast.parse((package / "client.pyi").read_text())
    out: dict[str, Any] = {"exceptions": [], "paginators": {}, "waiters": {}}
    for node in client.body:
        if isinstance(node, ast.ClassDef) and node.name == "Exceptions":
            out["exceptions"] = sorted(s.target.id for s in node.body if isinstance(s, ast.AnnAssign)
                                       and isinstance(s.target, ast.Name))  # fmt: skip
    getters = [f for n in client.body if isinstance(n, ast.ClassDef) for f in n.body if isinstance(f, ast.FunctionDef)]
    for kind, getter, method in (("paginators", "get_paginator", "paginate"), ("waiters", "get_waiter", "wait")):
        module = package / f"{kind[:-1]}.pyi"
        tree = ast.parse(module.read_text()) if module.exists() else ast.Module([], [])
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        for fn in (f for f in getters if f.name == getter and isinstance(f.args.args[1].annotation, ast.Subscript)):
            literal = fn.args.args[1].annotation.slice  # type: ignore[union-attr]
            assert isinstance(literal, ast.Constant) and isinstance(fn.returns, ast.Name)
            call = next(f for f in classes[fn.returns.id].body if isinstance(f, ast.FunctionDef) and f.name == method)
            assert call.args.kwarg is not None and isinstance(call.args.kwarg.annotation, ast.Subscript)
            kwargs = found.typeddicts[ast.unparse(call.args.kwarg.annotation.slice)]
            out[kind][literal.value] = {
                "class": fn.returns.id,
                "keys": sorted(key for key, _, _ in kwargs),
                "required": sorted(key for key, _, required in kwargs if required),
            }
    return out


def history_files(service: str, version: str) -> dict[str, Any]:
    """The model, paginators and waiters of ``version``: each the newest committed on or before it."""
    def newest(kind: str) -> Any:
        found = sorted((p for p in (HISTORY / kind / service).glob("*.json.gz")), key=lambda p: _key(p.name))
        path = [p for p in found if _key(p.name) <= _key(version)][-1]
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)

    return {"service-2": newest("models"), "paginators-1": newest("paginators"), "waiters-2": newest("waiters")}


def _key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.removesuffix(".json.gz").split("."))


@pytest.mark.parametrize(
    ("service", "version"), [("lambda", "1.42.37"), ("dynamodb", "1.42.55"), ("bedrock-agentcore-control", "1.42.65")]
)
def test_client_surface_is_mypy_boto3s(tmp_path: Path, service: str, version: str) -> None:
    """The same paginators, waiters (names, classes, kwargs keys and required keys) and errors as the
    published mypy-boto3 package of the same botocore version."""
    committed = DATA / "mypy_boto3_client"
    if (committed / f"{service}-{version}.botocore.json.gz").exists():
        with gzip.open(committed / f"{service}-{version}.botocore.json.gz", "rt", encoding="utf-8") as handle:
            files = json.load(handle)
    else:
        files = history_files(service, version)
    operations = list(operations_from_json(files["service-2"], service, files["paginators-1"], files["waiters-2"]))
    ours = surface(write_stubs(service, "2026-03-10", operations, tmp_path))
    theirs = json.loads((committed / f"{service}-{version}.json").read_text())
    assert ours["exceptions"] == theirs["exceptions"]
    assert ours["paginators"] == theirs["paginators"]
    assert ours["waiters"] == theirs["waiters"]
    assert len(ours["paginators"]) >= 5 and len(ours["waiters"]) >= 6


# -- snapshots -------------------------------------------------------------------------------
class PyiSnapshot(SingleFileSnapshotExtension):
    file_extension = "pyi"
    _write_mode = WriteMode.TEXT


@pytest.mark.parametrize("file", ["client.pyi", "paginator.pyi", "waiter.pyi"])
def test_client_surface_files(out: Path, snapshot: SnapshotAssertion, file: str) -> None:
    text = (out / "arc_region_switch_stubs" / file).read_text()
    assert text == snapshot(extension_class=PyiSnapshot)


# -- hostile names -----------------------------------------------------------------------------
def hostile_operations() -> list[Operation]:
    """Models only say these names, but nothing stops a model: every hostile name as an error shape,
    a waiter, a paginator's method and tokens, beside methods named like the client's own members."""
    from tests.stubs.test_hostile_stubs import HOSTILE

    clashing = ["get_paginator", "meta", "exceptions", "Literal", "overload", "Paginator", "Waiter", "str", "bool",
                "Mapping", "Any", "ClientMeta", "Exceptions", "BaseClient", "property", "type"]  # fmt: skip
    request = Structure(tuple(Member(name, Scalar("string"), True) for name in HOSTILE))
    output = Structure((Member("Items", Scalar("string")),))
    ops = []
    for i, name in enumerate([*HOSTILE, *clashing, "list_things"]):
        paginator = {"input_token": HOSTILE[i % len(HOSTILE)], "limit_key": "max", "output_token": "x"}
        said = {"errors": sorted(HOSTILE), "waiters": sorted(HOSTILE[i : i + 3]), "paginator": paginator}
        ops.append(Operation(name, request, output, name, f'{name} """ {name}.', {"": said}))
    return ops


def test_hostile_names_compile_and_pass_mypy_strict(out: Path, untyped: Run) -> None:
    """(mypy: test_packages_pass_mypy_strict_with_botocore_untyped checks the hostile package too.)"""
    package = out / "hostile_stubs"
    assert {"paginator.pyi", "waiter.pyi", "client.pyi"} <= {p.name for p in package.iterdir()}
    for path in sorted(package.glob("*.pyi")):
        text = path.read_text()
        assert text.isascii(), path.name
        compile(ast.parse(text), path.name, "exec")
    assert not [path for path in untyped.errors if "hostile_stubs" in path]
