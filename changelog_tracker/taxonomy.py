"""The words changes are judged in, defined once: direction, change kind, severity, preset.

StrEnums, so each member is its string: JSON, snapshots and CLI values read as plain strings.
"""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    """The side of an operation a change is on: who reads it is who it can break."""

    REQUEST = "request"
    RESPONSE = "response"


class ChangeKind(StrEnum):
    """What the differ records, with no judgement."""

    OPERATION_ADDED = "operation-added"
    OPERATION_REMOVED = "operation-removed"
    SERVICE_REMOVED = "service-removed"
    MEMBER_ADDED = "member-added"
    MEMBER_REMOVED = "member-removed"
    ENUM_VALUE_ADDED = "enum-value-added"
    ENUM_VALUE_REMOVED = "enum-value-removed"
    BECAME_REQUIRED = "became-required"
    BECAME_OPTIONAL = "became-optional"
    TYPE_CHANGED = "type-changed"
    # What only a model knows (traits overlays, differ/traits.py): never a change into or out of unknown.
    CONSTRAINT_TIGHTENED = "constraint-tightened"
    CONSTRAINT_LOOSENED = "constraint-loosened"
    PATTERN_CHANGED = "pattern-changed"
    DEPRECATED = "deprecated"
    UNDEPRECATED = "undeprecated"
    ERROR_ADDED = "error-added"
    ERROR_REMOVED = "error-removed"
    PAGINATOR_ADDED = "paginator-added"
    PAGINATOR_REMOVED = "paginator-removed"
    PAGINATOR_CHANGED = "paginator-changed"
    WAITER_ADDED = "waiter-added"
    WAITER_REMOVED = "waiter-removed"
    BECAME_UNION = "became-union"
    UNION_REMOVED = "union-removed"
    KEY_ENUM_VALUE_ADDED = "key-enum-value-added"
    KEY_ENUM_VALUE_REMOVED = "key-enum-value-removed"
    PROTOCOL_CHANGED = "protocol-changed"
    SERVICE_ADDED = "service-added"


class Severity(StrEnum):
    """A rule's verdict, worst first (the order of iteration is the order of severity)."""

    BREAKING = "breaking"
    DANGEROUS = "dangerous"
    SAFE = "safe"


class Preset(StrEnum):
    """Who must not break: old payloads (requests), old readers (responses), or everyone."""

    PAYLOADS = "payloads"
    READERS = "readers"
    ALL = "all"
