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
    said = {name: _said(op) for name, op in by_name.items()}
    methods = [replace(m, doc=summary(by_name[m.name].documentation)) for m in spec.methods]
    surface = _Surface(spec)
    for method in methods:
        op, request = by_name[method.name], surface.request_of(method)
        if request is not None:
            surface.add(op, method, request, said[method.name] or {})
    typeddicts = sorted([*spec.typeddicts, *surface.typeddicts()], key=lambda td: td.name)
    return ClientSpec(
        _class_name(naming, service, service_traits),
        service,
        replace(spec, typeddicts=typeddicts, methods=methods),
        _exceptions(known.get(traits.ERRORS, ()) for known in said.values() if known is not None),
        tuple(sorted(surface.paginators, key=lambda p: p.name)),
        tuple(sorted(surface.waiters, key=lambda w: w.name)),
        all(known is not None for known in said.values()),
    )


def _said(op: Operation) -> dict[str, Any] | None:
    """What the operation's source said about it (errors, paginator, waiters); None: it could not say."""
    return None if op.traits is None else op.traits.get(traits.OPERATION)


class _Surface:
    """The paginators and waiters, and the TypedDicts their methods take, named clear of the spec's."""

    def __init__(self, spec: StubSpec) -> None:
        self.names = NameAllocator()
        for declared in _declared(spec):
            self.names.reserve(declared)
        self._typeddicts = {td.name: td for td in spec.typeddicts}
        self._aliases = {a.name: a.target for a in spec.aliases}
        self.added: list[TypedDictSpec] = []
        self.paginators: list[PaginatorSpec] = []
        self.waiters: list[WaiterSpec] = []
        self.configs: dict[str, TypedDictSpec] = {}  # PaginationConfig / WaiterConfig, once each

    def request_of(self, method: MethodSpec) -> TypedDictSpec | None:
        target = method.request
        while target in self._aliases:
            target = self._aliases[target]
        return self._typeddicts.get(target)

    def config(self, spec: TypedDictSpec) -> str:
        if spec.name not in self.configs:
            self.configs[spec.name] = replace(
                spec, name=self.names.numbered(spec.name.removesuffix("TypeDef"), "TypeDef")
            )
        return self.configs[spec.name].name

    def add(self, op: Operation, method: MethodSpec, request: TypedDictSpec, said: dict[str, Any]) -> None:
        stem = method.request.removesuffix("TypeDef")
        if traits.PAGINATOR in said and method.response is not None:
            fields = _paginated(request, said[traits.PAGINATOR])
            page = self.typeddict(
                stem + "Paginate", (*fields, FieldSpec("PaginationConfig", self.config(PAGINATION_CONFIG), False))
            )
            cls = self.names.numbered(pascal(op.api_name or op.name) + "Paginator")
            self.paginators.append(PaginatorSpec(cls, op.name, page, method.response))
        for i, waiter in enumerate(said.get(traits.WAITERS, ())):
            if xform_name(waiter) in {w.waiter for w in self.waiters}:  # one name, one waiter (the first)
                continue
            config = FieldSpec("WaiterConfig", self.config(WAITER_CONFIG), False)
            wait = self.typeddict(stem + "Wait" + "Extra" * i, (*request.fields, config))
            self.waiters.append(WaiterSpec(self.names.numbered(pascal(waiter) + "Waiter"), xform_name(waiter), wait))

    def typeddict(self, stem: str, fields: tuple[FieldSpec, ...]) -> str:
        self.added.append(TypedDictSpec(self.names.numbered(stem, "TypeDef"), fields))
        return self.added[-1].name

    def typeddicts(self) -> list[TypedDictSpec]:
        return [*self.added, *self.configs.values()]


def _declared(spec: StubSpec) -> Iterable[str]:
    yield from (td.name for td in spec.typeddicts)
    yield from (a.name for a in spec.aliases)
    yield from (lit.name for lit in spec.literals)


def _paginated(request: TypedDictSpec, paginator: dict[str, Any]) -> tuple[FieldSpec, ...]:
    """The request's fields but what the paginator drives (its input tokens and limit key)."""
    tokens = paginator.get("input_token", ())
    driven = {tokens} if isinstance(tokens, str) else set(tokens)
    if isinstance(paginator.get("limit_key"), str):
        driven.add(paginator["limit_key"])
    return tuple(f for f in request.fields if f.key not in driven)


def _exceptions(errors: Iterable[Iterable[str]]) -> tuple[ExceptionSpec, ...]:
    """One per error shape the operations name, plus ClientError (what every one of them is).

    botocore's (and mypy-boto3's) also have the exception shapes no operation names: 7 of botocore
    1.42.65's 5571, errors inside event streams (logs) and orphans (codedeploy, codepipeline); the
    ERRORS traits do not carry them."""
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
