"""Read what a stub package's methods accept back out of its files, with ``ast`` (never imported).

Works on our packages and on mypy-boto3's alike, so the two can be compared request by request:
for each method, every TypedDict reachable from its request (and from its response), by member path
(``a.b[].c``, the syntax of ``changelog_tracker.paths``), with its keys, its required keys, the Literal
values of each key and, where a key is a map with Literal keys, those (``map_keys``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from changelog_tracker.paths import LIST, MAP

# {method: {path: {"keys": [...], "required": [...], "literals": {key: [values]}, "map_keys"?: {key: [values]}}}}
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


def read_package(package: Path, responses: bool = False) -> tuple[Declarations, dict[str, str | None]]:
    """The package's declarations and ``{method: request TypedDict name (None: no arguments)}`` (``responses``:
    ``{method: the TypedDict it returns (None: another type)}``)."""
    found = Declarations()
    for name in ("literals.pyi", "type_defs.pyi"):
        if (package / name).exists():
            _declarations(ast.parse((package / name).read_text(encoding="utf-8")), found)
    found.literals.update({k: v for k, a in found.aliases.items() if (v := _literal_values(a)) is not None})
    return found, _methods(ast.parse((package / "client.pyi").read_text(encoding="utf-8")), responses)


def requests(package: Path) -> Requests:
    found, methods = read_package(package)
    return {name: _walk(found, request) if request else {"": _entry([], [], {})} for name, request in methods.items()}


def responses(package: Path) -> Requests:
    """What every method returns, read as :func:`requests` reads what it accepts ({} where it returns None)."""
    found, methods = read_package(package, responses=True)
    return {name: _walk(found, response) if response else {} for name, response in methods.items()}


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


def _methods(tree: ast.Module, responses: bool = False) -> dict[str, str | None]:
    """Methods taking ``**kwargs: Unpack[X]`` (-> X) or nothing but self (-> None); ``responses``: the same
    methods, each to the name it returns (None: not a name)."""
    methods: dict[str, str | None] = {}
    returns: dict[str, str | None] = {}
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
            if fn.name in methods:
                named = _name(fn.returns) if fn.returns is not None else ""
                returns[fn.name] = renamed.get(named, named) or None
    return returns if responses else methods


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


# {TypedDict name: {"entry": entry, "children": {key: [TypedDict name, path suffix]}}}: a package's
# TypedDicts as a graph, the compact form of its Requests (committed extracts hold this).
Graph = dict[str, dict[str, Any]]


def graph(found: Declarations) -> Graph:
    """Every TypedDict's entry, and the TypedDict each key leads to (through lists and maps)."""
    out: Graph = {}
    for typeddict, fields in found.typeddicts.items():
        keys, required, literals, map_keys, children = [], [], {}, {}, {}
        for key, annotation, is_required in fields:
            keys.append(key)
            if is_required:
                required.append(key)
            values, inner = _resolve(found, annotation, "")
            if values:
                literals[key] = sorted(set(values))
            if key_values := _map_keys(found, annotation):
                map_keys[key] = key_values
            if inner is not None:
                children[key] = list(inner)
        out[typeddict] = {"entry": _entry(keys, required, literals, map_keys), "children": children}
    return out


def paths(typeddicts: Graph, root: str | None) -> dict[str, dict[str, Any]]:
    """Every path under the TypedDict ``root`` with its entry; a TypedDict met again below itself ends a path."""
    out: dict[str, dict[str, Any]] = {}
    if root in typeddicts:
        _visit(typeddicts, root, "", [root], out)
    return out


def _walk(found: Declarations, root: str) -> dict[str, dict[str, Any]]:
    typeddict = _resolve(found, ast.Name(root), "")[1]  # the name may be an alias of another request's
    return paths(graph(found), typeddict[0]) if typeddict is not None else {}


def _visit(typeddicts: Graph, typeddict: str, path: str, stack: list[str], out: dict[str, dict[str, Any]]) -> None:
    node = typeddicts[typeddict]
    for key, (inner, suffix) in node["children"].items():
        if inner not in stack and inner in typeddicts:
            child = f"{path}.{key}" if path else key
            _visit(typeddicts, inner, child + suffix, [*stack, inner], out)
    out[path] = node["entry"]


def package_graph(package: Path) -> dict[str, Any]:
    """What every method of a package accepts and returns, compactly: ``{"typeddicts": Graph (those
    reachable), "requests"/"responses": {method: root TypedDict or None}}`` (expand with :func:`expand`)."""
    found, accepts = read_package(package)
    returns = read_package(package, responses=True)[1]
    typeddicts = graph(found)
    sides = {"requests": accepts, "responses": returns}
    roots = {side: {m: _root(found, name) for m, name in methods.items()} for side, methods in sides.items()}
    reachable: set[str] = set()
    stack = [name for methods in roots.values() for name in methods.values() if name]
    while stack:
        name = stack.pop()
        if name in reachable or name not in typeddicts:
            continue
        reachable.add(name)
        stack += [inner for inner, _suffix in typeddicts[name]["children"].values()]
    return {"typeddicts": {name: typeddicts[name] for name in sorted(reachable)}, **roots}


def _root(found: Declarations, name: str | None) -> str | None:
    inner = _resolve(found, ast.Name(name), "")[1] if name else None
    return inner[0] if inner else None


def expand(body: dict[str, Any]) -> dict[str, Requests]:
    """:func:`package_graph`'s form back to ``{"requests": Requests, "responses": Requests}``."""
    empty = {"": _entry([], [], {})}
    requests = {m: paths(body["typeddicts"], r) if r else empty for m, r in body["requests"].items()}
    responses = {m: paths(body["typeddicts"], r) for m, r in body["responses"].items()}
    return {"requests": requests, "responses": responses}


def _entry(
    keys: list[str], required: list[str], literals: dict[str, list[str]], map_keys: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    entry = {"keys": sorted(keys), "required": sorted(required), "literals": literals}
    return entry | {"map_keys": map_keys} if map_keys else entry


def _map_keys(found: Declarations, node: ast.expr) -> list[str]:
    """The Literal values a map's keys take where ``node`` is (a wrapped) map with Literal keys."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _map_keys(found, ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.Subscript):
        base, args = _name(node.value), node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in _WRAPPERS:
            return _map_keys(found, args[0])
        if base in _MAPS and len(args) == 2:
            return sorted(set(_resolve(found, args[0], "")[0]))
    return []


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
