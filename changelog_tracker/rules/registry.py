"""The rule registry: one row per rule, carrying everything about it.

A row says which changes it matches (change kind, direction and an optional predicate), its
default severity, who it breaks, the presets it belongs to and its message. Severity depends on
who reads the side that changed (oasdiff's checker/rules.go and buf's categories are the models):
a request change can break old *payloads*, a response change old *readers*. Adding a rule is
adding a row (and its previous/current fixture in the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..differ import Change
from ..taxonomy import ChangeKind as K
from ..taxonomy import Direction, Preset
from ..taxonomy import Severity as Sev

# A finding's severity is a plain str (the config may override a rule's): the renderers key on these.
BREAKING, DANGEROUS, SAFE = (s.value for s in Sev)
SEVERITIES = (BREAKING, DANGEROUS, SAFE)  # worst first
PAYLOADS, READERS = Preset.PAYLOADS, Preset.READERS
REQUEST, RESPONSE = Direction.REQUEST, Direction.RESPONSE


def _always(change: Change) -> bool:
    return True


def _required(change: Change) -> bool:
    return bool((change.new or {}).get("required"))


def _optional(change: Change) -> bool:
    return not _required(change)


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: which changes it matches, how bad they are, who they break, where it is selected, what it says."""

    id: str
    kind: K
    direction: Direction
    severity: Sev
    breaks: Preset | None  # who is broken (payloads or readers), or None when nobody is
    presets: tuple[Preset, ...]  # the named presets selecting it, besides "all" (which selects every rule)
    template: str  # the message; fields: path, direction, service, operation, old, new
    when: Callable[[Change], bool] = _always  # what else the change must satisfy, beyond kind and direction

    def matches(self, change: Change) -> bool:
        return change.kind == self.kind and change.direction == self.direction and self.when(change)

    def message(self, change: Change) -> str:
        c = change
        return self.template.format(
            path=c.path or f"(the whole {c.direction})",
            direction=c.direction, service=c.service, operation=c.operation, old=c.old, new=c.new,
        )


RULES: tuple[Rule, ...] = (
    Rule("operation-added", K.OPERATION_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,), "new operation {operation}"),
    Rule(
        "operation-removed", K.OPERATION_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS, READERS),
        "operation {operation} was removed: every call to it fails",
    ),
    Rule(
        "service-removed", K.SERVICE_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS, READERS),
        "service {service} was removed: every call to any of its operations fails",
    ),
    Rule(
        "request-member-added", K.MEMBER_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "optional request member {path} added ({new[type]})", when=_optional,
    ),
    Rule(
        "request-required-member-added", K.MEMBER_ADDED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "required request member {path} added: old payloads lack it", when=_required,
    ),
    Rule(
        "request-member-removed", K.MEMBER_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request member {path} removed: old payloads that set it are rejected",
    ),
    Rule(
        "request-enum-value-added", K.ENUM_VALUE_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request {path} accepts the new value {new!r}",
    ),
    Rule(
        "request-enum-value-removed", K.ENUM_VALUE_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request {path} no longer accepts {old!r}: old payloads using it are rejected",
    ),
    Rule(
        "request-became-required", K.BECAME_REQUIRED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request member {path} became required: old payloads without it are rejected",
    ),
    Rule(
        "request-became-optional", K.BECAME_OPTIONAL, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request member {path} became optional",
    ),
    Rule(
        "request-type-changed", K.TYPE_CHANGED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request {path} changed type from {old} to {new}: old payloads no longer fit",
    ),
    Rule(
        "response-member-added", K.MEMBER_ADDED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response member {path} added ({new[type]})",
    ),
    Rule(
        "response-member-removed", K.MEMBER_REMOVED, RESPONSE, Sev.BREAKING, READERS, (READERS,),
        "response member {path} removed: old readers of it break",
    ),
    Rule(
        "response-enum-value-added", K.ENUM_VALUE_ADDED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response {path} may now be {new!r}: readers matching every value must handle it",
    ),
    Rule(
        "response-enum-value-removed", K.ENUM_VALUE_REMOVED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response {path} is no longer {old!r}",
    ),
    Rule(
        "response-became-required", K.BECAME_REQUIRED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response member {path} is now always present",
    ),
    Rule(
        "response-became-optional", K.BECAME_OPTIONAL, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response member {path} may now be absent: readers relying on it break",
    ),
    Rule(
        "response-type-changed", K.TYPE_CHANGED, RESPONSE, Sev.BREAKING, READERS, (READERS,),
        "response {path} changed type from {old} to {new}: old readers break",
    ),
)


# The tables below are read from RULES when asked, so a row added to RULES is seen everywhere.
def by_id() -> dict[str, Rule]:
    """Every rule by its id, in registry order."""
    return {rule.id: rule for rule in RULES}


def rule_for(change: Change) -> Rule:
    """The rule a change falls under: the first row that matches it."""
    return next(rule for rule in RULES if rule.matches(change))


def presets() -> dict[str, frozenset[str]]:
    """Each preset's rule ids, keyed by plain strings (what users type and errors quote); "all" is every rule."""
    named = {p.value: frozenset(r.id for r in RULES if p in r.presets) for p in Preset if p != Preset.ALL}
    return {**named, Preset.ALL.value: frozenset(r.id for r in RULES)}


# --fail-on: the severities it fails on (each at least as bad as itself; failing on safe would fail
# on everything, so it is not offered). Without it, CI formats still mark breaking and dangerous
# changes as failures (JUnit failures, SARIF errors, GitHub ::error) while the exit code stays 0.
FAIL_ON = {s: frozenset(SEVERITIES[: i + 1]) for i, s in enumerate(SEVERITIES) if s != SAFE}
DEFAULT_FAIL_ON = DANGEROUS


def failing_severities(fail_on: str | None) -> frozenset[str]:
    """The severities that fail: those of ``--fail-on``, or breaking and dangerous without it."""
    return FAIL_ON[fail_on or DEFAULT_FAIL_ON]
