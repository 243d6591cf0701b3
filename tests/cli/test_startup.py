"""Start-up (issue 16): `--help` and a `show` on a small store load none of the heavy libraries the
commands they do not run need (parser, templates, graphs, botocore, HTML). Counted in a fresh process,
not timed: what is imported is exact, a time on a shared machine is not (benchmarks/startup.py times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SEED_2026

HEAVY = ("lark", "jinja2", "networkx", "bs4", "botocore", "yaml", "rich", "pathspec", "libcst", "docutils")
# The command in a fresh interpreter, then the heavy top-level packages it imported.
PROBE = """
import json, sys
from changelog_tracker.cli import main
try:
    main(json.loads(sys.argv[1]), prog_name="changelog-tracker")
except SystemExit as end:
    assert not end.code, end.code
heavy = json.loads(sys.argv[2])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(heavy))))
"""


def heavy_imports(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("startup") / "t.db"
    subprocess.run(
        [sys.executable, "-m", "changelog_tracker", "--store", str(store), "ingest", str(SEED_2026)],
        capture_output=True, check=True,
    )  # fmt: skip
    return store


def test_help_loads_no_heavy_library() -> None:
    assert heavy_imports("--help") == []


@pytest.mark.parametrize("command", [["sync", "--help"], ["stubs", "--help"], ["ingest", "--help"]])
def test_a_commands_help_loads_no_heavy_library(command: list[str]) -> None:
    assert heavy_imports(*command) == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_show_on_a_small_store_loads_no_heavy_library(small_store: Path, fmt: str) -> None:
    assert heavy_imports("--store", str(small_store), "show", "bedrock-agentcore-control", "--format", fmt) == []


def test_log_loads_no_heavy_library(small_store: Path) -> None:
    assert heavy_imports("--store", str(small_store), "log") == []
