"""The client surface: the class name, docstrings, ``client.exceptions``, typed paginators and waiters.

Built from what the operations' sources said: the ERRORS, PAGINATOR and WAITERS traits (models
only: a page never says, and then nothing is guessed: the stubs accept any name there, as botocore
does). mypy-boto3's rules: a paginator's ``paginate`` takes the operation's request without its
input token(s) and limit key, plus ``PaginationConfig``, and yields the operation's response; a
waiter's ``wait`` takes the request plus ``WaiterConfig`` (an operation's second and third waiter
get ``WaitExtra``, ``WaitExtraExtra`` TypedDicts, as theirs do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from botocore import xform_name

from .. import traits
from ..model import Operation
from .names import NameAllocator, is_method_name, pascal
from .spec import (
    ClientSpec,
    ExceptionSpec,
    FieldSpec,
    MethodSpec,
    PaginatorSpec,
    StubSpec,
    TypedDictSpec,
    WaiterSpec,
)

CLIENT_ERROR = "ClientError"
PAGINATION_CONFIG = TypedDictSpec(
    "PaginatorConfigTypeDef",
    (
        FieldSpec("MaxItems", "int", False),
        FieldSpec("PageSize", "int", False),
        FieldSpec("StartingToken", "str", False),
    ),
)
WAITER_CONFIG = TypedDictSpec(
    "WaiterConfigTypeDef", (FieldSpec("Delay", "int", False), FieldSpec("MaxAttempts", "int", False))
)
# Names an ``Exceptions`` attribute cannot take: the ones its annotations spell.
_EXCEPTION_RESERVED = frozenset({"type", "str", "BotocoreClientError"})
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[.,;:!?)])")  # "a <b>tag</b>." reads "a tag ." once tags are gone


def build_client(
    spec: StubSpec,
    operations: list[Operation],
    service_traits: dict[str, Any] | None,
    naming: str,
    service: str,
) -> ClientSpec:
    """The client of ``spec`` (built from ``operations``): ``naming`` "default" names the class
    ``Client`` (SPEC section 6), "mypy-boto3" ``<module name>Client`` as boto3-stubs does."""
    by_name = {op.name: op for op in reversed(operations)}  # the first given wins, as in build_spec
    known = [op.traits.get(traits.OPERATION) if op.traits is not None else None for op in by_name.values()]
    names = NameAllocator()
    for declared in _declared(spec):
        names.reserve(declared)
    typeddicts = {td.name: td for td in spec.typeddicts}
    aliases = {a.name: a.target for a in spec.aliases}
    added: list[TypedDictSpec] = []

    def request_of(method: MethodSpec) -> TypedDictSpec | None:
        target = method.request
        while target in aliases:
            target = aliases[target]
        return typeddicts.get(target)

    methods = [replace(m, doc=summary(by_name[m.name].documentation)) for m in spec.methods]
    paginators: list[PaginatorSpec] = []
    waiters: list[WaiterSpec] = []
    pagination_config = waiter_config = ""
    for method in methods:
        op, request = by_name[method.name], request_of(method)
        found = op.traits.get(traits.OPERATION, {}) if op.traits is not None else {}
        if request is None:
            continue
        if traits.PAGINATOR in found and method.response is not None:
            pagination_config = pagination_config or names.numbered(
                PAGINATION_CONFIG.name.removesuffix("TypeDef"), "TypeDef"
            )
            page = _paginate_request(request, found[traits.PAGINATOR], pagination_config)
            page = replace(page, name=names.numbered(method.request.removesuffix("TypeDef") + "Paginate", "TypeDef"))
            added.append(page)
            cls = names.numbered(pascal(op.api_name or op.name) + "Paginator")
            paginators.append(PaginatorSpec(cls, op.name, page.name, method.response))
        for i, waiter in enumerate(found.get(traits.WAITERS, ())):
            if xform_name(waiter) in {w.waiter for w in waiters}:  # one name, one waiter (the first)
                continue
            waiter_config = waiter_config or names.numbered(WAITER_CONFIG.name.removesuffix("TypeDef"), "TypeDef")
            stem = method.request.removesuffix("TypeDef") + "Wait" + "Extra" * i
            wait = TypedDictSpec(
                names.numbered(stem, "TypeDef"), (*request.fields, FieldSpec("WaiterConfig", waiter_config, False))
            )
            added.append(wait)
            waiters.append(WaiterSpec(names.numbered(pascal(waiter) + "Waiter"), xform_name(waiter), wait.name))
    if pagination_config:
        added.append(replace(PAGINATION_CONFIG, name=pagination_config))
    if waiter_config:
        added.append(replace(WAITER_CONFIG, name=waiter_config))
    full = replace(spec, typeddicts=sorted([*spec.typeddicts, *added], key=lambda td: td.name), methods=methods)
    return ClientSpec(
        _class_name(naming, service, service_traits),
        service,
        full,
        _exceptions(said.get(traits.ERRORS, ()) for said in known if said is not None),
        tuple(sorted(paginators, key=lambda p: p.name)),
        tuple(sorted(waiters, key=lambda w: w.name)),
        all(said is not None for said in known),
    )


def _declared(spec: StubSpec) -> Iterable[str]:
    yield from (td.name for td in spec.typeddicts)
    yield from (a.name for a in spec.aliases)
    yield from (lit.name for lit in spec.literals)


def _paginate_request(request: TypedDictSpec, paginator: dict[str, Any], config: str) -> TypedDictSpec:
    """The request without what the paginator drives (its input tokens and limit key)."""
    tokens = paginator.get("input_token", ())
    driven = {tokens} if isinstance(tokens, str) else set(tokens)
    if isinstance(paginator.get("limit_key"), str):
        driven.add(paginator["limit_key"])
    fields = tuple(f for f in request.fields if f.key not in driven)
    return TypedDictSpec(request.name, (*fields, FieldSpec("PaginationConfig", config, False)))


def _exceptions(errors: Iterable[Iterable[str]]) -> tuple[ExceptionSpec, ...]:
    """One per error shape the operations name, plus ClientError (what every one of them is)."""
    found = {name for names in errors for name in names} | {CLIENT_ERROR}
    usable = {name for name in found if is_method_name(name) and name not in _EXCEPTION_RESERVED}
    return tuple(ExceptionSpec(name) for name in sorted(usable))


def _class_name(naming: str, service: str, service_traits: dict[str, Any] | None) -> str:
    if naming == "default":
        return "Client"
    module = (service_traits or {}).get(traits.MODULE_NAME)
    return (module if isinstance(module, str) and is_method_name(module) else pascal(service, "Service")) + "Client"


def summary(documentation: str) -> str:
    """The first sentence of a method's documentation (mypy-boto3's docstrings are that long)."""
    text = _BEFORE_PUNCTUATION.sub("", " ".join(documentation.split()))
    return _SENTENCE.split(text, maxsplit=1)[0] if text else ""
