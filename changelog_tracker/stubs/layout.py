"""Spec -> template context: escaping, class or functional form, imports, where lines wrap.

Nothing here decides a type; it decides how each declaration is spelled so the files parse
whatever the page said, and read like hand-written stubs (ruff/isort layout, 120 columns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .names import is_safe_key, py_string
from .spec import Alias, LiteralSpec, MethodSpec, StubSpec, TypedDictSpec

LINE = 120
BUILTINS = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict"})
_MODULES = {
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "datetime": "datetime",
    "IO": "typing",
    "Any": "typing",
    "Literal": "typing",
    "NotRequired": "typing",
    "TypeAlias": "typing",
    "TypedDict": "typing",
    "Unpack": "typing",
    "EventStream": "botocore.eventstream",
    "StreamingBody": "botocore.response",
}
# botocore ships no types: with botocore-stubs installed these are typed, without them Any.
_UNTYPED = "  # type: ignore[import-untyped, import-not-found, unused-ignore]"
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    names: list[str]
    wrap: bool
    comment: str = ""


def import_groups(
    names: Iterable[str], local: tuple[str, list[str]] | None = None, hidden: frozenset[str] = frozenset()
) -> list[list[Import]]:
    """isort's sections: standard library, third party (botocore), this package; ``hidden`` names
    are imported as ``name as _name`` (see :func:`private`)."""
    by_module: dict[str, list[str]] = {}
    for name in names:
        if name in _MODULES:
            by_module.setdefault(_MODULES[name], []).append(name)
    stdlib = [_import(m, by_module[m], hidden) for m in sorted(by_module) if not m.startswith("botocore")]
    third = [_import(m, by_module[m], hidden, _UNTYPED) for m in sorted(by_module) if m.startswith("botocore")]
    ours = [_import(local[0], local[1], hidden)] if local and local[1] else []
    return [group for group in (stdlib, third, ours) if group]


def _import(module: str, names: list[str], hidden: frozenset[str], comment: str = "") -> Import:
    ordered = [f"{n} as {private(n)}" if n in hidden else n for n in sorted(set(names), key=isort_key)]
    one_line = f"from {module} import {', '.join(ordered)}"
    return Import(module, ordered, len(one_line) > LINE, comment)


def private(name: str) -> str:
    """The module-private spelling of an imported name that a client method shadows in the class body
    (a method named ``Unpack``): no method starts with ``_``, so nothing can shadow it."""
    return "_" + name


def isort_key(name: str) -> tuple[int, list[str | int], str]:
    """isort's default member order: CONSTANTS, then Classes, then variables, natural and case-blind."""
    rank = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    natural: list[str | int] = [int(p) if p.isdigit() else p for p in _DIGITS.split(name.lower())]
    return rank, natural, name


@dataclass(frozen=True, slots=True)
class FieldView:
    key: str
    annotation: str
    comment: str


@dataclass(frozen=True, slots=True)
class TypedDictView:
    name: str
    fields: list[FieldView]
    functional: bool


def typeddict_view(td: TypedDictSpec, reserved: frozenset[str]) -> TypedDictView:
    functional = not all(is_safe_key(f.key, reserved) for f in td.fields)
    fields = [
        FieldView(
            py_string(f.key) if functional else f.key,
            f.annotation if f.required else f"NotRequired[{f.annotation}]",
            f"  # {f.comment}" if f.comment else "",
        )
        for f in td.fields
    ]
    return TypedDictView(td.name, fields, functional)


@dataclass(frozen=True, slots=True)
class LiteralView:
    name: str
    values: list[str]
    wrap: bool


def literal_view(lit: LiteralSpec) -> LiteralView:
    values = [py_string(v) for v in lit.values]
    return LiteralView(lit.name, values, len(f"{lit.name} = Literal[{', '.join(values)}]") > LINE)


@dataclass(frozen=True, slots=True)
class AliasView:
    name: str
    annotation: str
    target: str
    comment: str


def alias_view(alias: Alias) -> AliasView:
    comment = f"  # {alias.comment}" if alias.comment else ""
    return AliasView(alias.name, ": TypeAlias" if alias.explicit else "", alias.target, comment)


@dataclass(frozen=True, slots=True)
class MethodView:
    name: str
    params: str
    returns: str
    wrap: bool
    skipped: bool
    request: str


def method_view(m: MethodSpec, hidden: frozenset[str] = frozenset()) -> MethodView:
    if m.kwargs == "skipped":
        return MethodView(py_string(m.name), "", "", False, True, m.request)

    def spell(name: str) -> str:
        return private(name) if name in hidden else name

    params = {
        "unpack": f"self, **kwargs: {spell('Unpack')}[{spell(m.request)}]",
        "none": "self",
        "any": f"self, **kwargs: {spell('Any')}",
    }[m.kwargs]
    returns = spell(m.response) if m.response else "None"
    one_line = f"    def {m.name}({params}) -> {returns}: ..."
    return MethodView(m.name, params, returns, len(one_line) > LINE, False, m.request)


def type_defs_context(spec: StubSpec) -> dict[str, object]:
    literal_names = [lit.name for lit in spec.literals]
    declared = [td.name for td in spec.typeddicts] + [a.name for a in spec.aliases] + literal_names
    uses = set(spec.uses)
    if spec.typeddicts:
        uses.add("TypedDict")
    if any(not f.required for td in spec.typeddicts for f in td.fields):
        uses.add("NotRequired")
    if any(a.explicit for a in spec.aliases):
        uses.add("TypeAlias")
    reserved = frozenset(declared) | frozenset(_MODULES) | BUILTINS
    return {
        "imports": import_groups(uses, (".literals", literal_names)),
        "aliases": [alias_view(a) for a in spec.aliases],
        "typeddicts": [typeddict_view(td, reserved) for td in spec.typeddicts],
    }


def client_context(spec: StubSpec) -> dict[str, object]:
    local = {m.request for m in spec.methods if m.kwargs == "unpack"}
    local |= {m.response for m in spec.methods if m.response and m.kwargs != "skipped"}
    uses = {"Unpack"} if any(m.kwargs == "unpack" for m in spec.methods) else set()
    if any(m.kwargs == "any" for m in spec.methods):
        uses.add("Any")
    # A method named like an imported name would shadow it for the annotations of the class body.
    hidden = frozenset(m.name for m in spec.methods if m.kwargs != "skipped") & (uses | local)
    methods = [method_view(m, hidden) for m in spec.methods]
    imports = import_groups(uses, (".type_defs", sorted(local)), hidden)
    return {"imports": imports, "methods": methods, "has_methods": any(not m.skipped for m in methods)}


def literals_context(spec: StubSpec) -> dict[str, object]:
    return {"literals": [literal_view(lit) for lit in spec.literals]}
