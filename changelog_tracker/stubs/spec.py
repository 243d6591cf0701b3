"""What a stub package declares, before layout: plain data, page strings still raw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a stub package is laid out: SPEC section 6's, or the published mypy-boto3-<service>'s.
Layout = Literal["default", "mypy-boto3"]
LAYOUTS: tuple[Layout, ...] = ("default", "mypy-boto3")

# "default": SPEC.md section 6's names for each method's request and response, botocore's shape names
# for the rest where the source knows them; "mypy-boto3": mypy-boto3-builder's names throughout.
Naming = Literal["default", "mypy-boto3"]

METADATA = "ResponseMetadataTypeDef"
EMPTY_RESPONSE = "EmptyResponseMetadataTypeDef"  # what a method without an output returns (botocore's dict)
DOCUMENT = "JsonValue"
DOCUMENT_INPUT = "JsonValueInput"
BLOB = "BlobTypeDef"  # what a request blob takes: botocore accepts str, bytes and file objects
TIMESTAMP = "TimestampTypeDef"  # what a request timestamp takes: a datetime or a string botocore parses


@dataclass(frozen=True, slots=True)
class LiteralSpec:
    name: str
    values: tuple[str, ...]  # raw enum values, page order


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str  # raw member name
    annotation: str
    required: bool
    comment: str = ""


@dataclass(frozen=True, slots=True)
class TypedDictSpec:
    name: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    target: str
    comment: str = ""
    explicit: bool = False  # written ``name: TypeAlias = ...`` (needed for a recursive alias)


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str  # raw method name
    request: str  # the request TypedDict (or alias) name
    response: str | None  # None: the method returns None
    kwargs: str  # "unpack" (**kwargs: Unpack[request]), "none" (no arguments), "any" (side cut), "skipped"
    doc: str = ""  # the docstring's text, raw (the first sentence of the source's documentation)


@dataclass(frozen=True, slots=True)
class StubSpec:
    literals: list[LiteralSpec]
    typeddicts: list[TypedDictSpec]
    aliases: list[Alias]
    methods: list[MethodSpec]
    uses: frozenset[str]  # special names the annotations use: imports, the JSON aliases, metadata


# Every response of a real client carries this (botocore adds it; pages never show it).
METADATA_SPEC = TypedDictSpec(
    METADATA,
    (
        FieldSpec("RequestId", "str", True),
        FieldSpec("HTTPStatusCode", "int", True),
        FieldSpec("HTTPHeaders", "dict[str, str]", True),
        FieldSpec("RetryAttempts", "int", True),
        FieldSpec("HostId", "str", False),
    ),
)
# What botocore returns for a shape its documentation retypes as a dict (IAM's policy documents, which
# it decodes from JSON: botocore/handlers.py json_decode_policies), spelled as mypy-boto3 does.
POLICY = "PolicyDocumentTypeDef"
POLICY_DICT, POLICY_STATEMENT = "PolicyDocumentDictTypeDef", "PolicyDocumentStatementTypeDef"
POLICY_SPECS = (
    TypedDictSpec(
        POLICY_DICT, (FieldSpec("Version", "str", True), FieldSpec("Statement", f"list[{POLICY_STATEMENT}]", True))
    ),
    TypedDictSpec(
        POLICY_STATEMENT,
        (
            FieldSpec("Effect", "str", True),
            FieldSpec("Resource", "str | list[str]", True),
            FieldSpec("Sid", "str", True),
            FieldSpec("Action", "str | list[str]", True),
        ),
    ),
)
EMPTY_RESPONSE_SPEC = TypedDictSpec(EMPTY_RESPONSE, (FieldSpec("ResponseMetadata", METADATA, True),))
# mypy-boto3's spellings (its named unions), used where a request takes a blob or a timestamp.
SPECIAL_ALIASES = (
    Alias(BLOB, "str | bytes | IO[Any] | StreamingBody"),
    Alias(TIMESTAMP, "datetime | str"),
    Alias(POLICY, f"str | {POLICY_DICT}"),
)
JSON_ALIASES = (
    Alias(DOCUMENT, f"dict[str, {DOCUMENT}] | list[{DOCUMENT}] | str | int | float | bool | None", "", True),
    Alias(
        DOCUMENT_INPUT,
        f"Mapping[str, {DOCUMENT_INPUT}] | Sequence[{DOCUMENT_INPUT}] | str | int | float | bool | None",
        "",
        True,
    ),
)


# -- the client surface (stubs/client.py builds it) -----------------------------------------------
@dataclass(frozen=True, slots=True)
class PaginatorSpec:
    name: str  # the class (``ListFunctionsPaginator``)
    method: str  # raw method name: what ``get_paginator`` takes
    request: str  # the ``paginate`` kwargs TypedDict (``<request>PaginateTypeDef``)
    response: str  # what each page is


@dataclass(frozen=True, slots=True)
class WaiterSpec:
    name: str  # the class (``FunctionActiveWaiter``)
    waiter: str  # raw waiter name as ``get_waiter`` takes it (``function_active``)
    request: str  # the ``wait`` kwargs TypedDict (``<request>WaitTypeDef``)


@dataclass(frozen=True, slots=True)
class ExceptionSpec:
    name: str  # an error shape's name: an attribute of ``client.exceptions``


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """The client class and what hangs off it. ``complete`` False: some operation's source could not
    say its errors, paginators and waiters (a page), so the typed names may not be all there are and
    the stubs accept any other name too."""

    name: str  # the client class
    service: str
    spec: StubSpec  # every declaration of the package, the paginate/wait TypedDicts included
    exceptions: tuple[ExceptionSpec, ...]
    paginators: tuple[PaginatorSpec, ...]
    waiters: tuple[WaiterSpec, ...]
    complete: bool = True
