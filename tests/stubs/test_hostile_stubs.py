"""Hostile names from pages, stored and then turned into stubs: the package compiles and passes mypy --strict."""

from __future__ import annotations

import ast
import datetime as dt
import keyword
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.cli.stubs import stubs as stubs_command
from changelog_tracker.graph.store import Store
from changelog_tracker.model import ListShape, MapShape, Member, Operation, Page, PageMethod, Scalar, Structure
from changelog_tracker.write.ingest import store_pages
from oracle.extract import requests

main.add_command(stubs_command)

MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "{% raw %}", "]]>", "${x}"]
QUOTES = ['"', "'", '"""', "\\", "\\'", 'a"b', "back\\slash", "tab\there", "new\nline", "\x00", "\x1b[31m"]
BIDI = ["\u202eevil", "a\u2066b\u2069", "\u200f"]
KEYWORDS = [*keyword.kwlist, "match", "case", "type", "_"]
# No lone surrogate: no page (UTF-8) can hold one.
ODD = ["", " ", "1abc", "a-b", "a.b", "a b", "\xe9", "\ufb01", "\u65e5\u672c", "\u2028", "\U0001d518"]
TYPING = ["Literal", "TypedDict", "NotRequired", "Required", "Any", "TypeAlias", "Unpack", "Mapping", "Sequence",
          "IO", "datetime", "EventStream", "StreamingBody", "str", "int", "dict", "list", "bool", "float", "bytes",
          "object", "None", "Client", "JsonValue", "JsonValueInput", "ResponseMetadataTypeDef",
          "EmptyTypeDef"]  # fmt: skip
DUNDER = ["__init__", "__class__", "__dict__", "__x", "_private", "__annotations__", "__release__", "__service__"]
HOSTILE = list(dict.fromkeys([*MARKUP, *QUOTES, *BIDI, *KEYWORDS, *ODD, *TYPING, *DUNDER]))


def _members(names: list[str], shape: Scalar | Structure, required: bool) -> tuple[Member, ...]:
    return tuple(Member(name, shape, required) for name in names)


def _operations() -> list[Operation]:
    enum = Scalar("string", tuple(HOSTILE))
    nested = Structure(_members(HOSTILE, Scalar("string"), False))
    keyed = Member("map", MapShape(Scalar("string"), nested))
    output = Structure((*_members(HOSTILE, Scalar("integer"), False), keyed))
    ops = [
        # Every hostile name as a member (required and not), beside enum values that are all hostile.
        Operation(
            "put_hostile",
            Structure((*_members(HOSTILE, enum, True), Member("nested", ListShape(nested)))),
            output,
        ),
    ]
    # Every hostile name as a method, and as the only member of its request: names shadowing typing
    # names (a method named Unpack) must not break the annotations of the methods after it.
    for i, name in enumerate(n for n in HOSTILE if n):  # an empty name is a method whose syntax was cut
        returns = Structure((Member(name, enum),)) if i % 2 else None
        ops.append(Operation(name, Structure((Member(name, Structure((Member(name, enum),)), True),)), returns))
    for name in ["PutHostileRequestTypeDef", "ListThingsResponseTypeDef", "list_things", "Hostile"]:
        ops.append(Operation(name, Structure((Member("x", Scalar("string")),)), Structure((Member("y", enum),))))
    return ops


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-stubs")
    page = Page("hostile.txt", dt.date(2026, 3, 10), "Hostile", tuple(PageMethod(op, "new") for op in _operations()),
                service="hostile")  # fmt: skip
    with Store(root / "tracker.db") as store:
        store_pages(store, [page])
    result = CliRunner().invoke(main, ["--store", str(root / "tracker.db"), "stubs", "hostile", "--out", str(root)])
    assert result.exit_code == 0, result.output
    return root / "hostile_stubs"


def test_every_file_compiles_and_is_ascii(package: Path) -> None:
    for path in sorted(package.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert text.isascii(), path.name
        compile(ast.parse(text, filename=path.name), path.name, "exec")
    compile((package.parent / "stubs_backend.py").read_text(), "stubs_backend.py", "exec")


def test_mypy_strict_passes(package: Path) -> None:
    (package.parent / "mypy.ini").write_text("[mypy]\n")
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", "/dev/null"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    done = subprocess.run([*command, "-p", package.name], cwd=package.parent, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_key_and_value_survives(package: Path) -> None:
    read = requests(package)["put_hostile"][""]
    assert read["keys"] == sorted([*HOSTILE, "nested"])
    assert read["required"] == sorted(HOSTILE)
    assert all(read["literals"][name] == sorted(set(HOSTILE)) for name in HOSTILE)
