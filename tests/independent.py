"""An independent oracle for diff tests: canonical shapes straight from raw service-2.json dicts
(not botocore.model, not our sources/botocore.py), then a plain tree diff.

It encodes what a doc page can show (SPEC.md section 3): recursion cut by shape-name history,
response members never required, map keys plain strings, documents, streaming payloads and
event streams in the page's forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore import xform_name

Tree = dict[str, Any]
_NUMBER = {"integer": "integer", "long": "integer", "double": "float"}


def method_name(api_name: str) -> str:
    """CreateAgentRuntime -> create_agent_runtime: botocore's own naming (naming is not under test here)."""
    return str(xform_name(api_name))


def canonical_ops(model: dict[str, Any]) -> dict[str, Tree]:
    """{method name: {"input": tree, "output": tree | None}} for every operation."""
    return {method_name(name): _op(model["shapes"], op) for name, op in model["operations"].items()}


def _op(shapes: dict[str, Any], op: dict[str, Any]) -> Tree:
    inputs = {"type": "structure", "members": {}}
    if "input" in op:
        inputs = _walk(shapes, op["input"], [], False, _payload(shapes, op["input"]))
    output = _walk(shapes, op["output"], [], True, _payload(shapes, op["output"])) if "output" in op else None
    return {"input": inputs, "output": output}


def _payload(shapes: dict[str, Any], ref: dict[str, Any]) -> str | None:
    """The streaming payload member's name: botocore's documenter marks any blob payload."""
    top = shapes[ref["shape"]]
    name = top.get("payload")
    if name and shapes[top["members"][name]["shape"]]["type"] == "blob":
        return str(name)
    return None


def _walk(
    shapes: dict[str, Any], ref: dict[str, Any], history: list[str], response: bool, payload: str | None = None
) -> Tree:
    name = ref["shape"]
    if name in history:
        return {"type": "recursive"}
    shape = shapes[name]
    if shape.get("document") or (ref.get("jsonvalue") and ref.get("location") == "header"):
        return {"type": "document"}
    history.append(name)
    try:
        return _typed(shapes, shape, history, response, payload)
    finally:
        history.pop()


def _typed(
    shapes: dict[str, Any], shape: dict[str, Any], history: list[str], response: bool, payload: str | None
) -> Tree:
    kind = shape["type"]
    if kind == "structure":
        if shape.get("eventstream"):
            members = _members(shapes, shape, history, response, None) if response else {}
            return {"type": "structure", "members": members, "event_stream": True}
        return {"type": "structure", "members": _members(shapes, shape, history, response, payload)}
    if kind == "list":
        return {"type": "list", "member": _walk(shapes, shape["member"], history, response)}
    if kind == "map":
        return {"type": "map", "key": {"type": "string"}, "value": _walk(shapes, shape["value"], history, response)}
    if kind == "string":
        return {"type": "string", "enum": list(shape["enum"])} if "enum" in shape else {"type": "string"}
    if kind in ("boolean", "timestamp", "blob"):
        return {"type": kind}
    return {"type": _NUMBER.get(kind, "float")}


def _members(
    shapes: dict[str, Any], shape: dict[str, Any], history: list[str], response: bool, payload: str | None
) -> dict[str, Any]:
    required = set() if response else set(shape.get("required", []))
    members = {}
    for name, ref in shape.get("members", {}).items():
        tree = _walk(shapes, ref, history, response)
        if name == payload:
            tree = {"type": "blob", "streaming": True}
        # A page shows no [REQUIRED] where it cuts recursion.
        members[name] = {"required": name in required and tree != {"type": "recursive"}, "shape": tree}
    return members


Edit = tuple[str, str, str, str, Any]  # (operation, direction, path, kind, detail)


def diff_ops(old: dict[str, Tree], new: dict[str, Tree], only: set[str] | None = None) -> set[Edit]:
    """Every edit between two canonical operation sets (restricted to ``only`` when given)."""
    edits: set[Edit] = set()
    for name in sorted((old.keys() | new.keys()) & (only if only is not None else old.keys() | new.keys())):
        if name not in old:
            edits.add((name, "request", "", "operation-added", None))
        elif name not in new:
            edits.add((name, "request", "", "operation-removed", None))
        else:
            for direction, side in (("request", "input"), ("response", "output")):
                edits.update((name, direction, *e) for e in _tree_diff(old[name][side], new[name][side], ""))
    return edits


def _signature(tree: Tree) -> tuple[Any, ...]:
    return (tree["type"], "enum" in tree, bool(tree.get("streaming")), bool(tree.get("event_stream")))


def _tree_diff(old: Tree | None, new: Tree | None, path: str) -> Iterator[tuple[str, str, Any]]:
    if old == new:
        return
    if old is None or new is None:
        yield path, "type-changed", None
        return
    if "recursive" in (old["type"], new["type"]):
        return
    if _signature(old) != _signature(new):
        yield path, "type-changed", None
    elif old["type"] == "structure":
        yield from _structure_diff(old["members"], new["members"], path)
    elif old["type"] == "list":
        yield from _tree_diff(old["member"], new["member"], path + "[]")
    elif old["type"] == "map":
        yield from _tree_diff(old["value"], new["value"], path + "{}")
    elif "enum" in old:
        yield from ((path, "enum-value-removed", v) for v in old["enum"] if v not in new["enum"])
        yield from ((path, "enum-value-added", v) for v in new["enum"] if v not in old["enum"])


def _structure_diff(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[tuple[str, str, Any]]:
    for name in old.keys() - new.keys():
        yield _join(path, name), "member-removed", None
    for name, member in new.items():
        where = _join(path, name)
        if name not in old:
            yield where, "member-added", member["required"]
            continue
        if old[name]["required"] != member["required"]:
            yield where, "became-required" if member["required"] else "became-optional", None
        yield from _tree_diff(old[name]["shape"], member["shape"], where)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def edits_of(findings: list[Any]) -> set[Edit]:
    """Our findings in the oracle's terms."""
    out: set[Edit] = set()
    for f in findings:
        c = f.change
        detail: Any = None
        if c.kind.startswith("enum-value"):
            detail = c.new if c.kind.endswith("added") else c.old
        elif c.kind == "member-added":
            detail = c.new["required"]
        out.add((c.operation, c.direction, c.path, c.kind, detail))
    return out
