"""The rule registry: one row per rule id, its change kind, direction and default severity.

Severity depends on who reads the side that changed (oasdiff's checker/rules.go and buf's
categories are the models): a request change can break old *payloads*, a response change old
*readers*. ``breaks`` names who is broken, which is what the presets select on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..differ import (
    BECAME_OPTIONAL,
    BECAME_REQUIRED,
    ENUM_VALUE_ADDED,
    ENUM_VALUE_REMOVED,
    MEMBER_ADDED,
    MEMBER_REMOVED,
    OPERATION_ADDED,
    OPERATION_REMOVED,
    SERVICE_REMOVED,
    TYPE_CHANGED,
    Change,
)

BREAKING, DANGEROUS, SAFE = "breaking", "dangerous", "safe"
SEVERITIES = (BREAKING, DANGEROUS, SAFE)  # worst first
PAYLOADS, READERS = "payloads", "readers"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    direction: str
    severity: str
    breaks: str | None  # "payloads", "readers", or None when nobody is broken


RULES: tuple[Rule, ...] = (
    Rule("operation-added", OPERATION_ADDED, "request", SAFE, None),
    Rule("operation-removed", OPERATION_REMOVED, "request", BREAKING, PAYLOADS),
    Rule("service-removed", SERVICE_REMOVED, "request", BREAKING, PAYLOADS),
    Rule("request-member-added", MEMBER_ADDED, "request", SAFE, None),
    Rule("request-required-member-added", MEMBER_ADDED, "request", BREAKING, PAYLOADS),
    Rule("request-member-removed", MEMBER_REMOVED, "request", BREAKING, PAYLOADS),
    Rule("request-enum-value-added", ENUM_VALUE_ADDED, "request", SAFE, None),
    Rule("request-enum-value-removed", ENUM_VALUE_REMOVED, "request", BREAKING, PAYLOADS),
    Rule("request-became-required", BECAME_REQUIRED, "request", BREAKING, PAYLOADS),
    Rule("request-became-optional", BECAME_OPTIONAL, "request", SAFE, None),
    Rule("request-type-changed", TYPE_CHANGED, "request", BREAKING, PAYLOADS),
    Rule("response-member-added", MEMBER_ADDED, "response", SAFE, None),
    Rule("response-member-removed", MEMBER_REMOVED, "response", BREAKING, READERS),
    Rule("response-enum-value-added", ENUM_VALUE_ADDED, "response", DANGEROUS, READERS),
    Rule("response-enum-value-removed", ENUM_VALUE_REMOVED, "response", SAFE, None),
    Rule("response-became-required", BECAME_REQUIRED, "response", SAFE, None),
    Rule("response-became-optional", BECAME_OPTIONAL, "response", DANGEROUS, READERS),
    Rule("response-type-changed", TYPE_CHANGED, "response", BREAKING, READERS),
)
BY_ID = {rule.id: rule for rule in RULES}


def rule_for(change: Change) -> Rule:
    """The rule a change falls under."""
    if change.kind in (OPERATION_ADDED, OPERATION_REMOVED, SERVICE_REMOVED):
        return BY_ID[change.kind]
    if change.kind == MEMBER_ADDED and change.direction == "request" and (change.new or {}).get("required"):
        return BY_ID["request-required-member-added"]
    return BY_ID[f"{change.direction}-{change.kind}"]


PRESETS: dict[str, frozenset[str]] = {
    PAYLOADS: frozenset(r.id for r in RULES if r.direction == "request"),
    READERS: frozenset({"operation-removed", "service-removed"} | {r.id for r in RULES if r.direction == "response"}),
    "all": frozenset(BY_ID),
}


# --fail-on: the severities it fails on. Without it, CI formats still mark breaking and dangerous
# changes as failures (JUnit failures, SARIF errors, GitHub ::error) while the exit code stays 0.
FAIL_ON: dict[str, frozenset[str]] = {BREAKING: frozenset({BREAKING}), DANGEROUS: frozenset({BREAKING, DANGEROUS})}
DEFAULT_FAIL_ON = DANGEROUS


def failing_severities(fail_on: str | None) -> frozenset[str]:
    """The severities that fail: those of ``--fail-on``, or breaking and dangerous without it."""
    return FAIL_ON[fail_on or DEFAULT_FAIL_ON]
