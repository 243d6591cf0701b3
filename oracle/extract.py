"""Read what a stub package's methods accept back out of its files, with ``ast`` (never imported).

Works on our packages and on mypy-boto3's alike, so the two can be compared request by request:
for each method, every TypedDict reachable from its request, by member path (``a.b[].c``, the syntax of
``changelog_tracker.paths``), with its keys, its required keys and the Literal values of each key.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from changelog_tracker.paths import LIST, MAP

# {method: {path: {"keys": [...], "required": [...], "literals": {key: [values]}}}}
Requests = dict[str, dict[str, dict[str, Any]]]
_LISTS = {"Sequence", "List", "list", "Iterable", "EventStream"}
_MAPS = {"Mapping", "Dict", "dict"}
_WRAPPERS = {"NotRequired", "Required", "Annotated"}


@dataclass
class Declarations:
    """Module-level names of a package: TypedDict fields, Literal values, other aliases."""

    typeddicts: dict[str, list[tuple[str, ast.expr, bool]]] = field(default_factory=dict)  # key, type, required
    literals: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)


def read_package(package: Path) -> tuple[Declarations, dict[str, str | None]]:
    """The package's declarations and ``{method: request TypedDict name (None: no arguments)}``."""
    found = Declarations()
    for name in ("literals.pyi", "type_defs.pyi"):
        if (package / name).exists():
            _declarations(ast.parse((package / name).read_text(encoding="utf-8")), found)
    found.literals.update({k: v for k, a in found.aliases.items() if (v := _literal_values(a)) is not None})
    return found, _methods(ast.parse((package / "client.pyi").read_text(encoding="utf-8")))


def requests(package: Path) -> Requests:
    found, methods = read_package(package)
    return {name: _walk(found, request) if request else {"": _entry([], [], {})} for name, request in methods.items()}


def _declarations(tree: ast.Module, found: Declarations) -> None:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(_name(b) == "TypedDict" for b in node.bases):
            total = _total(node.keywords)
            found.typeddicts[node.name] = [
                (s.target.id, s.annotation, _required(s.annotation, total))
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name):
                _assignment(target.id, node.value, found)


def _assignment(name: str, value: ast.expr, found: Declarations) -> None:
    if isinstance(value, ast.Call) and _name(value.func) == "TypedDict" and len(value.args) > 1:
        fields = value.args[1]
        total = _total(value.keywords)
        if isinstance(fields, ast.Dict):
            found.typeddicts[name] = [
                (k.value, v, _required(v, total))
                for k, v in zip(fields.keys, fields.values, strict=True)
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
    else:
        found.aliases[name] = value


def _total(keywords: list[ast.keyword]) -> bool:
    return not any(k.arg == "total" and isinstance(k.value, ast.Constant) and k.value.value is False for k in keywords)


def _required(annotation: ast.expr, total: bool) -> bool:
    if isinstance(annotation, ast.Subscript) and _name(annotation.value) in ("NotRequired", "Required"):
        return _name(annotation.value) == "Required"
    return total


def _methods(tree: ast.Module) -> dict[str, str | None]:
    """Methods taking ``**kwargs: Unpack[X]`` (-> X) or nothing but self (-> None)."""
    methods: dict[str, str | None] = {}
    # Names imported as others (`Unpack as _Unpack`, where a method shadows `Unpack`).
    renamed = {a.asname: a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names if a.asname}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")):
            kwarg = fn.args.kwarg
            if kwarg is not None and isinstance(kwarg.annotation, ast.Subscript):
                if renamed.get(base := _name(kwarg.annotation.value), base) == "Unpack":
                    request = _name(kwarg.annotation.slice)
                    methods[fn.name] = renamed.get(request, request)
            elif kwarg is None and len(fn.args.args) == 1 and not fn.args.kwonlyargs and not fn.decorator_list:
                methods[fn.name] = None
    return methods


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value  # a forward reference
    return ""


def _literal_values(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Subscript) and _name(node.value) == "Literal":
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None


def _walk(found: Declarations, root: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    typeddict = _resolve(found, ast.Name(root), "")[1]  # the name may be an alias of another request's
    if typeddict is not None:
        _visit(found, typeddict[0], "", [typeddict[0]], out)
    return out


def _visit(found: Declarations, typeddict: str, path: str, stack: list[str], out: dict[str, dict[str, Any]]) -> None:
    keys, required, literals = [], [], {}
    for key, annotation, is_required in found.typeddicts.get(typeddict, []):
        keys.append(key)
        if is_required:
            required.append(key)
        values, inner = _resolve(found, annotation, "")
        if values:
            literals[key] = sorted(set(values))
        if inner is not None and inner[0] not in stack:
            child = f"{path}.{key}" if path else key
            _visit(found, inner[0], child + inner[1], [*stack, inner[0]], out)
    out[path] = _entry(keys, required, literals)


def _entry(keys: list[str], required: list[str], literals: dict[str, list[str]]) -> dict[str, Any]:
    return {"keys": sorted(keys), "required": sorted(required), "literals": literals}


Found = tuple[list[str], tuple[str, str] | None]  # Literal values, (first TypedDict, path suffix)


def _resolve(found: Declarations, node: ast.expr, suffix: str, aliases: frozenset[str] = frozenset()) -> Found:
    """Literal values the type admits, and the first TypedDict inside it (with ``[]``/``{}`` on the way).

    ``aliases``: those being expanded, so a recursive alias (a JSON document type) ends.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _resolve(found, ast.parse(node.value, mode="eval").body, suffix, aliases)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union(found, [node.left, node.right], suffix, aliases)
    if isinstance(node, ast.Subscript):
        return _subscript(found, node, suffix, aliases)
    name = _name(node)
    if name in found.literals:
        return list(found.literals[name]), None
    if name in found.typeddicts:
        return [], (name, suffix)
    if name in found.aliases and name not in aliases:
        return _resolve(found, found.aliases[name], suffix, aliases | {name})
    return [], None


def _subscript(found: Declarations, node: ast.Subscript, suffix: str, aliases: frozenset[str]) -> Found:
    base, args = _name(node.value), node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if base == "Literal":
        return _literal_values(node) or [], None
    if base in _WRAPPERS:
        return _resolve(found, args[0], suffix, aliases)
    if base in _LISTS:
        return _resolve(found, args[0], suffix + LIST, aliases)
    if base in _MAPS:
        return _resolve(found, args[-1], suffix + MAP, aliases)
    if base == "Union":
        return _union(found, args, suffix, aliases)
    return [], None


def _union(found: Declarations, parts: list[ast.expr], suffix: str, aliases: frozenset[str]) -> Found:
    values: list[str] = []
    inner = None
    for part in parts:
        more, found_inner = _resolve(found, part, suffix, aliases)
        values += more
        inner = inner or found_inner
    return values, inner
