"""What a stub package declares, before layout: plain data, page strings still raw."""

from __future__ import annotations

from dataclasses import dataclass

METADATA = "ResponseMetadataTypeDef"
DOCUMENT = "JsonValue"
DOCUMENT_INPUT = "JsonValueInput"


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
JSON_ALIASES = (
    Alias(DOCUMENT, f"dict[str, {DOCUMENT}] | list[{DOCUMENT}] | str | int | float | bool | None", "", True),
    Alias(
        DOCUMENT_INPUT,
        f"Mapping[str, {DOCUMENT_INPUT}] | Sequence[{DOCUMENT_INPUT}] | str | int | float | bool | None",
        "",
        True,
    ),
)
