"""One walk and one transform over model shapes, one module owning the path syntax, one name each."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given

import changelog_tracker
from changelog_tracker import paths
from changelog_tracker.graph.encode import member_docs
from changelog_tracker.graph.store import Store
from changelog_tracker.model import ListShape, MapShape, Member, Scalar, Shape, Structure, transform, walk
from changelog_tracker.parse.params import unknown_required
from changelog_tracker.sources.botocore import operations_from_json
from tests.helpers import committed_model
from tests.read.test_roundtrip import shapes

PACKAGE = Path(changelog_tracker.__file__).parent
STRING = Scalar("string")
# The files that spell shape paths only through changelog_tracker/paths.py (others follow at merge).
PATH_USERS = (
    "model.py",
    "graph/encode.py",
    "graph/nodes.py",
    "graph/store.py",
    "parse/params.py",
    "stubs/shapes.py",
    "../oracle/extract.py",
    "check/compile.py",
    "check/payloads.py",
    "sources/botocore.py",
)


def _operations() -> list[Shape]:
    model = committed_model("bedrock-agentcore-control", "1.42.65")
    operations = operations_from_json(model, "bedrock-agentcore-control")
    return [side for op in operations for side in (op.input, op.output) if side]


def test_walk_is_depth_first_in_member_order_with_the_path_grammar() -> None:
    tags = Member("Tags", MapShape(STRING, ListShape(STRING)), documentation="tags")
    shape = Structure((Member("Name", STRING, True), tags))
    visits = [(path, member) for path, _shape, member in walk(shape, "input")]
    assert visits == [
        ("input", None),
        ("input.Name", shape.members[0]),
        ("input.Tags", tags),
        ("input.Tags" + paths.MAP, None),
        ("input.Tags" + paths.MAP + paths.LIST, None),
    ]
    assert [p for p, _s, _m in walk(shape)][1] == paths.join("", "Name") == "Name"


@given(shapes)
def test_transform_with_identity_rebuilds_an_equal_shape(shape: Shape) -> None:
    assert transform(shape, lambda s: s) == shape
    assert len(list(walk(transform(shape, lambda s: s)))) == len(list(walk(shape)))


def test_walkers_of_real_shapes_are_made_of_walk_and_transform() -> None:
    for side in _operations():
        cut = unknown_required(side)
        assert [p for p, _s, _m in walk(cut)] == [p for p, _s, _m in walk(side)]
        assert all(m.required is None for _p, _s, m in walk(cut) if m is not None)
    op = next(operations_from_json(committed_model("bedrock-agentcore-control", "1.42.65"), "x"))
    sides = [("input", op.input)] + ([("output", op.output)] if op.output else [])
    walked = {p: m.documentation for side, s in sides for p, _s, m in walk(s, side) if m and m.documentation}
    assert walked and walked == member_docs(op)


def _spelled(tree: ast.AST) -> list[int]:
    """Lines of string constants (f-string parts included) that spell a path segment themselves."""
    segments = {paths.LIST, paths.MAP, paths.MAP_KEY}
    found = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in segments]
    return found + [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.JoinedStr)
        and any(isinstance(v, ast.Constant) and str(v.value).startswith(tuple(segments)) for v in n.values)
    ]


def test_path_syntax_is_spelled_only_in_paths() -> None:
    for name in PATH_USERS:
        assert _spelled(ast.parse((PACKAGE / name).read_text())) == [], name


def test_paths_sits_at_the_bottom_of_the_layering() -> None:
    tree = ast.parse((PACKAGE / "paths.py").read_text())
    imported = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in imported)


def test_one_name_one_meaning() -> None:
    from changelog_tracker import model
    from changelog_tracker.check import compile as check_compile
    from changelog_tracker.graph import encode, nodes
    from changelog_tracker.parse import syntax
    from oracle import pagegen

    assert not hasattr(model, "UNDOCUMENTED") and Scalar("undocumented") == model.CUT_SIDE
    assert not hasattr(encode, "UNDOCUMENTED_ID") and encode.CUT_NODE == "undocumented"
    assert not hasattr(check_compile, "UNDOCUMENTED") and check_compile.UNCHECKABLE == "undocumented"
    assert not hasattr(syntax, "UNKNOWN_MEMBER") and syntax.SDK_UNKNOWN_MEMBER == "SDK_UNKNOWN_MEMBER"
    assert not hasattr(pagegen, "type_repr") and hasattr(pagegen, "feed_type")
    assert not hasattr(nodes, "children") and hasattr(nodes, "child_edges")
    assert not hasattr(Store, "_fetch")
    for name in ("model.py", "../oracle/extract.py", "check/verdicts.py"):
        assert "SPEC" not in ast.get_docstring(ast.parse((PACKAGE / name).read_text()), clean=False), name  # type: ignore[operator]
