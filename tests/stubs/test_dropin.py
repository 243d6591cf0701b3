"""``stubs --layout mypy-boto3``: mypy-boto3-<service>'s package and module layout, installable under its
distribution name, and importable at run time (a ``.py`` beside every ``.pyi``)."""

from __future__ import annotations

import ast
import json
import os
import random
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker import TrackerError
from changelog_tracker.cli import main
from changelog_tracker.cli.stubs import stubs as stubs_command
from changelog_tracker.model import Operation
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_files
from changelog_tracker.stubs import render_stubs, write_stubs
from changelog_tracker.stubs.runtime import runtime_twin
from tests.stubs.test_hostile_stubs import _operations as hostile_operations
from tests.stubs.test_stubs import SERVICE, seed_db

main.add_command(stubs_command)
__all__ = ["seed_db"]  # the seeds' store, a fixture shared with test_stubs

# mypy-boto3-lambda 1.42.37's modules (its wheel, read once).
PUBLISHED = {"__init__", "__main__", "client", "literals", "paginator", "type_defs", "version", "waiter"}
# Streaming bodies, event streams, documents, recursion, keyword members.
RUNTIME_SERVICES = ["lambda", "dynamodb", "s3", "bedrock-runtime", "amplifyuibuilder", "lexv2-runtime"]


def _operations(service: str) -> list[Operation]:
    files = installed_files([service])[service]
    return list(operations_from_json(files.model, service, files.paginators, files.waiters))


def _declared(stub: str) -> set[str]:
    """Every public module-level name a stub module binds."""
    names: set[str] = set()
    for node in ast.parse(stub).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names |= {a.asname or a.name for a in node.names}
    return {n for n in names if not n.startswith("_")}


def test_the_layout_is_mypy_boto3s() -> None:
    files = render_stubs(
        "lambda", "2026-03-10", _operations("lambda"), layout="mypy-boto3",
        service_traits={"module_name": "Lambda"}, botocore="1.42.65",
    )  # fmt: skip
    package = {name.split("/", 1)[1] for name in files if name.startswith("mypy_boto3_lambda/")}
    assert {name.split(".")[0] for name in package} == PUBLISHED | {"py"}
    assert "py.typed" in package
    stubs = {name for name in package if name.endswith(".pyi")}
    assert stubs and all(name[:-1] in package for name in stubs)  # a .py beside every .pyi
    client = ast.parse(files["mypy_boto3_lambda/client.pyi"])
    assert "LambdaClient" in _declared(files["mypy_boto3_lambda/client.pyi"]), ast.dump(client)[:200]
    init = files["mypy_boto3_lambda/__init__.pyi"]
    assert {"Client", "LambdaClient", "ListFunctionsPaginator", "FunctionActiveWaiter"} <= _declared(init)
    assert '__release__ = "2026-03-10"' in init and '__botocore_version__ = "1.42.65"' in init
    assert '__version__ = "1.42.65+2026.3.10"' in files["mypy_boto3_lambda/version.py"]
    assert tomllib.loads(files["pyproject.toml"])["project"]["name"] == "mypy-boto3-lambda"


def test_the_client_class_falls_back_to_the_service_in_pascal_case() -> None:
    files = render_stubs("bedrock-agentcore-control", "2026-03-10", [], layout="mypy-boto3")
    init = files["mypy_boto3_bedrock_agentcore_control/__init__.pyi"]
    assert "BedrockAgentcoreControlClient" in _declared(init)
    assert "__botocore_version__" not in init  # unknown: not recorded
    named = render_stubs("bedrock-agentcore-control", "2026-03-10", [], layout="mypy-boto3",
                         service_traits={"module_name": "BedrockAgentCoreControl"})  # fmt: skip
    assert "BedrockAgentCoreControlClient" in _declared(named["mypy_boto3_bedrock_agentcore_control/__init__.pyi"])


def test_an_unknown_layout_is_a_clear_error() -> None:
    with pytest.raises(TrackerError, match="unknown stub layout 'mypy_boto3'"):
        render_stubs("sqs", "2026-03-10", [], layout="mypy_boto3")  # type: ignore[arg-type]


def _pip_install(source: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target)]
    done = subprocess.run([*command, str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _run(path: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, cwd=path,
                          env={"PYTHONPATH": str(path), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Drop-in packages of real services and of every hostile name, pip-installed into one target."""
    out, target = tmp_path_factory.mktemp("out"), tmp_path_factory.mktemp("site")
    for service in RUNTIME_SERVICES:
        write_stubs(service, "2026-03-10", _operations(service), out, layout="mypy-boto3", botocore="1.42.65")
    write_stubs("hostile", "2026-01-01", hostile_operations(), out, layout="mypy-boto3")
    _pip_install(out, target)
    return target


def test_installed_under_mypy_boto3s_names_with_its_py_files(site: Path) -> None:
    [info] = site.glob("*.dist-info")
    metadata = (info / "METADATA").read_text()
    assert "Name: mypy-boto3-amplifyuibuilder-bedrock-runtime-dynamodb-and-4-more-" in metadata
    assert "Version: 1.42.65+2026.3.10\n" in metadata
    for service in RUNTIME_SERVICES:
        package = site / ("mypy_boto3_" + service.replace("-", "_"))
        assert (package / "type_defs.py").is_file() and (package / "type_defs.pyi").is_file()


@pytest.mark.parametrize("service", [*RUNTIME_SERVICES, "hostile"])
def test_every_declared_name_imports_at_run_time(site: Path, service: str) -> None:
    package = "mypy_boto3_" + service.replace("-", "_")
    modules = sorted(p.stem for p in (site / package).glob("*.pyi"))
    declared = {m: sorted(_declared((site / package / f"{m}.pyi").read_text())) for m in modules}
    code = f"""
import importlib, json
declared = {declared!r}
missing = {{m: [n for n in names if not hasattr(importlib.import_module("{package}." + m), n)]
            for m, names in declared.items()}}
print(json.dumps({{m: n for m, n in missing.items() if n}}))
"""
    assert json.loads(_run(site, code)) == {}


def test_type_defs_import_inside_and_outside_type_checking(site: Path) -> None:
    code = """
from typing import TYPE_CHECKING

from mypy_boto3_lambda import Client, __release__
from mypy_boto3_lambda.type_defs import InvocationRequestTypeDef

if TYPE_CHECKING:
    from mypy_boto3_lambda.type_defs import InvocationResponseTypeDef

request: InvocationRequestTypeDef = {"FunctionName": "f"}
print(__release__, Client.__name__, sorted(InvocationRequestTypeDef.__annotations__)[:1], request)
"""
    assert _run(site, code).startswith("2026-03-10 ")
    assert _run(site, "import runpy; runpy.run_module('mypy_boto3_lambda', run_name='__main__')").startswith(
        "Typed client stubs for lambda as of its 2026-03-10 release"
    )


def test_the_runtime_twin_runs_what_only_type_checkers_read() -> None:
    stub = '''"""Doc."""
from typing import TypedDict, NotRequired, TypeAlias
from botocore.paginate import Paginator
from botocore.eventstream import EventStream

class A(TypedDict):
    b: NotRequired[B]
Later = TypedDict("Later", {"from": B | None, "s": EventStream[A]})
Json: TypeAlias = dict[str, Json] | list[Json] | str | None
class B(TypedDict):
    a: A
class P(Paginator[A]): ...
'''
    namespace: dict[str, object] = {}
    exec(compile(runtime_twin(stub), "<twin>", "exec"), namespace)  # our own generated code, not page content
    assert {"A", "Later", "Json", "B", "P"} <= set(namespace) and namespace["__doc__"] == "Doc."


def test_dropins_and_default_packages_share_one_out(tmp_path: Path) -> None:
    write_stubs("sqs", "2026-03-10", _operations("sqs"), tmp_path, layout="mypy-boto3", botocore="1.42.65")
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["name"] == "mypy-boto3-sqs"
    write_stubs("sts", "2026-01-09", _operations("sts"), tmp_path, layout="mypy-boto3")
    project = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]
    assert project["name"] == "mypy-boto3-sqs-sts" and project["version"] == "1.42.65+2026.3.10"
    write_stubs("sts", "2026-01-09", _operations("sts"), tmp_path)  # the default layout beside them
    project = tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]
    assert project["name"] == "sqs-sts-stubs"
    _pip_install(tmp_path, tmp_path / "site")
    assert {p.name for p in (tmp_path / "site").iterdir() if not p.name.endswith("-info")} == {
        "mypy_boto3_sqs", "mypy_boto3_sts", "sts_stubs"
    }  # fmt: skip


def test_cli_writes_the_dropin_layout(seed_db: Path, tmp_path: Path) -> None:
    args = ["--store", str(seed_db), "stubs", SERVICE, "--layout", "mypy-boto3", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    package = tmp_path / "mypy_boto3_bedrock_agentcore_control"
    assert (package / "client.py").is_file() and (package / "client.pyi").is_file()
    assert '__release__ = "2026-03-10"' in (package / "__init__.pyi").read_text()
    assert '"""Creates an Amazon Bedrock AgentCore Runtime."""' in (package / "client.pyi").read_text()  # the store's
    # Pages name no botocore version: the version is the date's.
    assert tomllib.loads((tmp_path / "pyproject.toml").read_text())["project"]["version"] == "2026.3.10"


def test_help_teaches_both_layouts() -> None:
    result = CliRunner().invoke(main, ["stubs", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "[default|mypy-boto3]" in text and "mypy_boto3_<service>" in text and "boto3.client" in text


_KINDS = st.sampled_from(["class", "functional", "alias"])


@given(st.lists(st.tuples(_KINDS, st.lists(st.integers(0, 7), max_size=3)), min_size=1, max_size=8), st.randoms())
@settings(max_examples=30, deadline=None)
def test_the_runtime_twin_runs_in_any_order(decls: list[tuple[str, list[int]]], order: random.Random) -> None:
    """TypedDicts and aliases naming each other, themselves and what comes later, in any order."""
    names = [f"T{i}TypeDef" for i in range(len(decls))]
    lines = []
    for name, (kind, refs) in zip(names, decls, strict=True):
        used = [names[r % len(names)] for r in refs] or ["str"]
        union = " | ".join([*(f"list[{u}]" for u in used[1:]), used[0], "None"])
        lines.append({
            "class": f"class {name}(TypedDict):\n    a: NotRequired[{union}]\n",
            "functional": f'{name} = TypedDict("{name}", {{"from": {union}, "b": EventStream[{used[0]}]}})\n',
            "alias": f"{name}: TypeAlias = {union}\n",
        }[kind])  # fmt: skip
    order.shuffle(lines)
    imports = "from typing import NotRequired, TypeAlias, TypedDict\nfrom botocore.eventstream import EventStream\n"
    namespace: dict[str, object] = {}
    exec(compile(runtime_twin(imports + "".join(lines)), "<twin>", "exec"), namespace)  # generated here
    assert set(names) <= set(namespace)


@pytest.mark.slow  # about 10 s of mypy (scripts/stubs_release.py checks every service of a release)
def test_mypy_strict_passes_over_dropins(site: Path, tmp_path: Path) -> None:
    """The drop-in's own modules (``__init__`` re-exports, ``version``, ``__main__``) type-check too."""
    (tmp_path / "mypy.ini").write_text("[mypy]\n")
    packages = [arg for name in ("mypy_boto3_lambda", "mypy_boto3_lexv2_runtime", "mypy_boto3_hostile")
                for arg in ("-p", name)]  # fmt: skip
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", "/dev/null"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")} | {"MYPYPATH": str(site)}
    done = subprocess.run([*command, *packages], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr


def test_cli_from_a_baseline_names_the_client_and_the_botocore_version(tmp_path: Path) -> None:
    import botocore

    db, out, runner = tmp_path / "tracker.db", tmp_path / "out", CliRunner()
    done = runner.invoke(
        main, ["--store", str(db), "baseline", "--botocore", "--date", "2026-03-10", "--service", "sqs"]
    )
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["--store", str(db), "stubs", "sqs", "--layout", "mypy-boto3", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "SQSClient" in _declared((out / "mypy_boto3_sqs" / "client.pyi").read_text())  # MODULE_NAME, stored
    assert f'__botocore_version__ = "{botocore.__version__}"' in (out / "mypy_boto3_sqs" / "__init__.pyi").read_text()
    version = tomllib.loads((out / "pyproject.toml").read_text())["project"]["version"]
    assert version == f"{botocore.__version__}+2026.3.10"
