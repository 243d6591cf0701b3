"""Spec -> template context: escaping, class or functional form, imports, where lines wrap.

Nothing here decides a type; it decides how each declaration is spelled so the files parse
whatever the page said, and read like hand-written stubs (ruff/isort layout, 120 columns).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .names import is_safe_key, py_string
from .spec import Alias, ClientSpec, LiteralSpec, MethodSpec, StubSpec, TypedDictSpec

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
    decorator: str = ""  # a whole line (``@overload  # type: ignore[...]``)
    comment: str = ""  # after the ``def`` line's first token group: a ``# type: ignore[...]``
    doc: tuple[str, ...] = ()  # the docstring's lines, quotes included, escaped


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
    # An operation named like one of BaseClient's members replaces it (as on botocore's client class).
    comment = _OVERRIDE if m.name in BASE_MEMBERS else ""
    return signature(m.name, params, returns, comment=comment, doc=docstring(m.doc, 8), request=m.request)


def signature(
    name: str,
    params: str,
    returns: str,
    *,
    decorator: str = "",
    comment: str = "",
    doc: tuple[str, ...] = (),
    request: str = "",
) -> MethodView:
    """A method laid out as ruff formats stubs: on one line when it fits in 120 columns."""
    one_line = f"    def {name}({params}) -> {returns}:{'' if doc else ' ...'}{'' if decorator else comment}"
    return MethodView(name, params, returns, len(one_line) > LINE, False, request, decorator, comment, doc)


def docstring(text: str, indent: int) -> tuple[str, ...]:
    """``text`` as docstring lines for a body at ``indent``: every line escaped (py_string's rules, so
    page text can neither end the string nor bring a byte that is not printable ASCII)."""
    if not text:
        return ()
    one = f'"""{py_string(text)[1:-1]}"""'
    if indent + len(one) <= LINE:
        return (one,)
    lines = textwrap.wrap(text, LINE - indent, break_long_words=False, break_on_hyphens=False)
    return ('"""', *(py_string(line)[1:-1] for line in lines), '"""')


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


# botocore's BaseClient (as botocore-stubs types it).
BASE_MEMBERS = frozenset(
    {"meta", "exceptions", "close", "can_paginate", "get_paginator", "get_waiter", "waiter_names"}
)
_IGNORE = "  # type: ignore[{}, unused-ignore]"  # unused where botocore is untyped (no botocore-stubs)
_UNTYPED_BASE = _IGNORE.format("misc")  # subclassing botocore's classes, Any where it is untyped
_OVERRIDE = _IGNORE.format("override")  # narrower than botocore's signatures, as mypy-boto3's are


def client_context(client: ClientSpec) -> dict[str, object]:
    spec = client.spec
    local = {m.request for m in spec.methods if m.kwargs == "unpack"}
    local |= {m.response for m in spec.methods if m.response and m.kwargs != "skipped"}
    uses = {"Unpack"} if any(m.kwargs == "unpack" for m in spec.methods) else set()
    if any(m.kwargs == "any" for m in spec.methods):
        uses.add("Any")
    taken = frozenset(m.name for m in spec.methods if m.kwargs != "skipped")
    members = _fixed_members(client, taken)
    uses |= {name for member in members for name in member.uses}
    # A method named like an imported name would shadow it for the annotations of the class body
    # after it (the client's own members come first, the operations after them).
    hidden = taken & (uses | local)

    def spell(name: str) -> str:
        return private(name) if name in hidden else name

    botocore = [
        Import("botocore.client", ["BaseClient", "ClientMeta"], False, _UNTYPED),
        Import("botocore.errorfactory", ["BaseClientExceptions"], False, _UNTYPED),
        Import("botocore.exceptions", ["ClientError as BotocoreClientError"], False, _UNTYPED),
    ]
    for name, module in (("Paginator", "botocore.paginate"), ("Waiter", "botocore.waiter")):
        if name in uses:
            botocore.append(_import(module, [name], hidden, _UNTYPED))
    typed = {m.name: sorted({cls for _, cls in m.named}) for m in members}
    ours = [
        _import(module, names, hidden)
        for module, names in ((".paginator", typed.get("get_paginator", [])), (".type_defs", sorted(local)),
                              (".waiter", typed.get("get_waiter", [])))
        if names
    ]  # fmt: skip
    return {
        "imports": [group for group in (_stdlib(uses, hidden), botocore, ours) if group],
        "name": client.name,
        "exceptions": [e.name for e in client.exceptions],
        "complete": client.complete,
        "meta": "meta" not in taken,  # an operation of a member's name replaces it, as on botocore's client
        "exceptions_property": "exceptions" not in taken,
        "fixed": [view for member in members for view in member.views(spell)],
        "methods": [method_view(m, hidden) for m in spec.methods],
    }


_TYPING = {**_MODULES, "overload": "typing"}


def _stdlib(names: set[str], hidden: frozenset[str]) -> list[Import]:
    by_module: dict[str, list[str]] = {}
    for name in names:
        module = _TYPING.get(name)  # names of this package and botocore's are imported elsewhere
        if module is not None and not module.startswith("botocore"):
            by_module.setdefault(module, []).append(name)
    return [_import(module, by_module[module], hidden) for module in sorted(by_module)]


@dataclass(frozen=True, slots=True)
class _Member:
    """One of botocore's client members: its signatures (spelled late: imports may be aliased)."""

    name: str
    signatures: tuple[tuple[str, str], ...]  # (params after self, returns), with {Name} placeholders
    uses: frozenset[str]
    named: tuple[tuple[str, str], ...] = ()  # get_paginator / get_waiter: (typed name, class)

    def views(self, spell: Callable[[str], str]) -> list[MethodView]:
        def fill(text: str) -> str:
            return re.sub(r"\{(\w+)\}", lambda m: spell(m[1]), text)

        overloaded = len(self.signatures) > 1
        return [
            signature(
                self.name,
                fill(f"self{params}"),
                fill(returns),
                decorator=f"@{spell('overload')}" + (_OVERRIDE if i == 0 else "") if overloaded else "",
                comment=_OVERRIDE if self.named and not overloaded else "",  # typed narrower than botocore
            )
            for i, (params, returns) in enumerate(self.signatures)
        ]


def _fixed_members(client: ClientSpec, taken: frozenset[str]) -> list[_Member]:
    """botocore's client members, typed as mypy-boto3 types them (get_paginator / get_waiter by name);
    an operation of the same name replaces one, as it does on botocore's client class. ``close`` and
    the rest of BaseClient are inherited, as in mypy-boto3 (where botocore is untyped, any attribute is)."""
    members = [
        _Member("can_paginate", ((", operation_name: str", "bool"),), frozenset()),
        _Member(
            "generate_presigned_url",
            ((", ClientMethod: str, Params: {Mapping}[str, {Any}] = ..., ExpiresIn: int = 3600, HttpMethod: str = ...",
              "str"),),
            frozenset({"Mapping", "Any"}),
        ),
    ]  # fmt: skip
    for method, param, base, named in (
        ("get_paginator", "operation_name", "Paginator", tuple((p.method, p.name) for p in client.paginators)),
        ("get_waiter", "waiter_name", "Waiter", tuple((w.waiter, w.name) for w in client.waiters)),
    ):
        if not named:  # no typed name: botocore's own signature (any name)
            continue
        signatures = [(f", {param}: {{Literal}}[{py_string(value)}]", f"{{{cls}}}") for value, cls in named]
        uses = {"Literal", *(cls for _, cls in named)}
        if not client.complete:
            fallback = "{Paginator}[{Any}]" if base == "Paginator" else "{Waiter}"
            signatures.append((f", {param}: str", fallback))
            uses |= {base, "Any"} if base == "Paginator" else {base}
        if len(signatures) > 1:
            uses.add("overload")
        members.append(_Member(method, tuple(signatures), frozenset(uses), named))
    return [member for member in members if member.name not in taken]


def paginator_context(client: ClientSpec) -> dict[str, object]:
    local = sorted({name for p in client.paginators for name in (p.request, p.response)})
    return {
        "imports": [
            [Import("typing", ["TYPE_CHECKING", "Unpack"], False)],
            [Import("botocore.paginate", ["PageIterator", "Paginator"], False, _UNTYPED)],
            [_import(".type_defs", local, frozenset())],
        ],
        "paginators": list(client.paginators),
        "base_comment": _IGNORE.format("misc, valid-type"),  # the base is a variable where botocore is untyped
        "override": _OVERRIDE,
    }


def waiter_context(client: ClientSpec) -> dict[str, object]:
    return {
        "imports": [
            [Import("typing", ["Unpack"], False)],
            [Import("botocore.waiter", ["Waiter"], False, _UNTYPED)],
            [_import(".type_defs", sorted({w.request for w in client.waiters}), frozenset())],
        ],
        "waiters": list(client.waiters),
        "base_comment": _UNTYPED_BASE,
        "override": _OVERRIDE,
    }


def literals_context(spec: StubSpec) -> dict[str, object]:
    return {"literals": [literal_view(lit) for lit in spec.literals]}
