"""An independent oracle for diff tests: canonical shapes straight from raw service-2.json dicts
(not botocore.model, not our sources/botocore.py), then a plain tree diff.

It encodes what a doc page can show (SPEC.md section 3): recursion cut by shape-name history,
response members never required, map keys plain strings, documents, streaming payloads and
event streams in the page's forms.
"""

from __future__ import annotations

import json
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
    """Our shape findings in the oracle's terms (trait findings are trait_diff's: see below)."""
    out: set[Edit] = set()
    for f in findings:
        if f.rule.id in TRAIT_RULES:
            continue
        c = f.change
        detail: Any = None
        if c.kind.startswith("enum-value"):
            detail = c.new if c.kind.endswith("added") else c.old
        elif c.kind == "member-added":
            detail = c.new["required"]
        out.add((c.operation, c.direction, c.path, c.kind, detail))
    return out


# Traits (issue 13): what a model knows beyond the page, by member path, and the rule each change
# falls under (interfaces12.md sections 1 and 4), from raw service-2 / paginators-1 / waiters-2 dicts.

Traits = dict[str, dict[str, Any]]  # {path: {trait: value}}, paths as member_docs keys
TraitEdit = tuple[str, str, str, str, Any, Any]  # (operation, direction, path, rule, old, new)
_LIMITS = ("min", "max", "key_min", "key_max")
_PATTERNS = ("pattern", "key_pattern")


def trait_ops(model: dict[str, Any], paginators: Any = None, waiters: Any = None) -> dict[str, Traits]:
    """{method name: {path: traits}}: '' the operation, then every path the page-form walk visits."""
    pages = (paginators or {}).get("pagination", {})
    waiting: dict[str, list[str]] = {}
    for name, waiter in (waiters or {}).get("waiters", {}).items():
        waiting.setdefault(waiter["operation"], []).append(name)
    out = {}
    for name, op in model["operations"].items():
        paths: Traits = {"": _op_traits(op, pages.get(name), sorted(waiting.get(name, [])))}
        for side, response in (("input", False), ("output", True)):
            if side in op:
                _trait_walk(model["shapes"], op[side], side, [], response, paths, _payload(model["shapes"], op[side]))
            elif side == "input":
                paths["input"] = {}
        out[method_name(name)] = paths
    return out


def _op_traits(op: dict[str, Any], paginator: Any, waiter_names: list[str]) -> dict[str, Any]:
    traits: dict[str, Any] = {"errors": sorted(e["shape"] for e in op.get("errors", []))}
    if op.get("deprecated"):
        traits["deprecated"] = op.get("deprecatedMessage") or True
    if paginator is not None:
        traits["paginator"] = paginator
    if waiter_names:
        traits["waiters"] = waiter_names
    return traits


def _trait_walk(
    shapes: dict[str, Any],
    ref: dict[str, Any],
    path: str,
    history: list[str],
    response: bool,
    out: Traits,
    payload: str | None = None,
    required: bool = False,
) -> None:
    name = ref["shape"]
    shape = shapes[name]
    out[path] = _shape_traits(shapes, ref, shape, response and required)
    # Below: only where the page walk goes (no recursion, documents, request event streams).
    if name in history or shape.get("document") or (ref.get("jsonvalue") and ref.get("location") == "header"):
        return
    history.append(name)
    kind = shape["type"]
    if kind == "structure" and not (shape.get("eventstream") and not response):
        needed = set(shape.get("required", []))
        for member, member_ref in shape.get("members", {}).items():
            if member == payload:
                out[join_path(path, member)] = _shape_traits(shapes, member_ref, shapes[member_ref["shape"]], False)
                continue
            _trait_walk(shapes, member_ref, join_path(path, member), history, response, out, None, member in needed)
    elif kind == "list":
        _trait_walk(shapes, shape["member"], path + "[]", history, response, out)
    elif kind == "map":
        _trait_walk(shapes, shape["value"], path + "{}", history, response, out)
    history.pop()


def join_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _shape_traits(shapes: dict[str, Any], ref: dict[str, Any], shape: dict[str, Any], required: bool) -> dict[str, Any]:
    traits: dict[str, Any] = {key: shape[key] for key in ("min", "max", "pattern") if key in shape}
    if ref.get("deprecated") or shape.get("deprecated"):
        message = ref.get("deprecatedMessage") if ref.get("deprecated") else shape.get("deprecatedMessage")
        traits["deprecated"] = message or True
    if shape.get("union"):
        traits["union"] = True
    if shape["type"] == "map":
        key = shapes[shape["key"]["shape"]]
        traits.update({f"key_{k}": key[k] for k in ("min", "max", "pattern") if k in key})
        if "enum" in key:
            traits["key_enum"] = sorted(key["enum"])
    if ref.get("hostLabel"):
        traits["host_label"] = True
    if ref.get("idempotencyToken"):
        traits["idempotency_token"] = True
    if required:
        traits["required"] = True
    return traits


def trait_diff(old: dict[str, Traits], new: dict[str, Traits]) -> set[TraitEdit]:
    """Every trait change, under its rule id, of the operations both sides have, on the paths both know."""
    edits: set[TraitEdit] = set()
    for name in old.keys() & new.keys():
        for full in old[name].keys() & new[name].keys():
            side, _, path = full.partition(".")
            direction = "response" if side == "output" else "request"
            found = list(_path_edits(old[name][full], new[name][full], direction, full))
            if full == "":
                found += _operation_edits(old[name][""], new[name][""])
            for rule, a, b in found:
                # Errors are what readers of the response must handle: the response side.
                side_of = "response" if rule.startswith("error-") else direction
                edits.add((name, side_of, path, rule, _hashable(a), _hashable(b)))
    return edits


def _path_edits(old: dict[str, Any], new: dict[str, Any], direction: str, full: str) -> Iterator[tuple[str, Any, Any]]:
    """(rule, old, new) for the traits at one path."""
    changed = [k for k in _LIMITS if old.get(k) != new.get(k)]
    tighter = [k for k in changed if _tighter(k, old.get(k), new.get(k))]
    for word, keys in (("tightened", tighter), ("loosened", [k for k in changed if k not in tighter])):
        if keys:
            yield f"{direction}-constraint-{word}", {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}
    changed = [k for k in _PATTERNS if old.get(k) != new.get(k)]
    if changed:
        yield f"{direction}-pattern-changed", {k: old.get(k) for k in changed}, {k: new.get(k) for k in changed}
    if bool(old.get("deprecated")) != bool(new.get("deprecated")):
        who = "operation" if full == "" else f"{direction}-member"
        yield f"{who}-{'' if new.get('deprecated') else 'un'}deprecated", old.get("deprecated"), new.get("deprecated")
    if bool(old.get("union")) != bool(new.get("union")):
        yield f"{direction}-{'became-union' if new.get('union') else 'union-removed'}", None, None
    old_keys, new_keys = set(old.get("key_enum", [])), set(new.get("key_enum", []))
    yield from ((f"{direction}-key-enum-value-added", None, v) for v in new_keys - old_keys)
    yield from ((f"{direction}-key-enum-value-removed", v, None) for v in old_keys - new_keys)


def _tighter(key: str, old: Any, new: Any) -> bool:
    """A lower limit raised or added, an upper limit lowered or added."""
    if old is None or new is None:
        return old is None
    return bool(new > old) if key.endswith("min") else bool(new < old)


def _operation_edits(old: dict[str, Any], new: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(rule, old, new) for the operation's own traits beyond deprecation: errors, paginator, waiters."""
    yield from (("error-added", None, e) for e in set(new["errors"]) - set(old["errors"]))
    yield from (("error-removed", e, None) for e in set(old["errors"]) - set(new["errors"]))
    before, after = old.get("paginator"), new.get("paginator")
    if before != after:
        word = "added" if before is None else "removed" if after is None else "changed"
        yield f"paginator-{word}", before, after
    yield from (("waiter-added", None, w) for w in set(new.get("waiters", [])) - set(old.get("waiters", [])))
    yield from (("waiter-removed", w, None) for w in set(old.get("waiters", [])) - set(new.get("waiters", [])))


def protocol_edits(old: dict[str, Any], new: dict[str, Any]) -> set[TraitEdit]:
    """The service-level change between two models: protocol-changed (operation '', path '')."""
    before, after = old["metadata"].get("protocol"), new["metadata"].get("protocol")
    return {("", "request", "", "protocol-changed", before, after)} if before != after else set()


TRAIT_RULES = frozenset(
    [
        f"{d}-{k}"
        for d in ("request", "response")
        for k in (
            "constraint-tightened",
            "constraint-loosened",
            "pattern-changed",
            "member-deprecated",
            "member-undeprecated",
            "became-union",
            "union-removed",
            "key-enum-value-added",
            "key-enum-value-removed",
        )
    ]
    + [
        "operation-deprecated",
        "operation-undeprecated",
        "error-added",
        "error-removed",
        "paginator-added",
        "paginator-removed",
        "paginator-changed",
        "waiter-added",
        "waiter-removed",
        "protocol-changed",
        "service-added",
    ]
)


def trait_edits_of(findings: list[dict[str, Any]]) -> set[TraitEdit]:
    """The trait findings of `diff --format json` in the oracle's terms (what the contract leaves open,
    the old/new of a union change, is not compared)."""
    out: set[TraitEdit] = set()
    for f in findings:
        if f["rule"] in TRAIT_RULES:
            union = "union" in f["rule"]
            old, new = (None, None) if union else (_hashable(f["old"]), _hashable(f["new"]))
            out.add((f["operation"], f["direction"], f["path"], f["rule"], old, new))
    return out


def _hashable(value: Any) -> Any:
    """Dicts (limits, patterns, paginators) as canonical JSON, so edits go in sets."""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value
