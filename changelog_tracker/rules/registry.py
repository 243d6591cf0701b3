"""The rule registry: one row per rule, carrying everything about it.

A row says which changes it matches (change kind, direction and an optional predicate), its
default severity, who it breaks, the presets it belongs to and its message. Severity depends on
who reads the side that changed (oasdiff's checker/rules.go and buf's categories are the models):
a request change can break old *payloads*, a response change old *readers*. Adding a rule is
adding a row (and its previous/current fixture in the tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def _operation_level(change: Change) -> bool:
    return change.path == ""


def _member_level(change: Change) -> bool:
    return change.path != ""


def _delta(old: Any, new: Any) -> str:
    """Two dicts' differing keys in words ('max 500 to 180, min none to 1'), for the {delta} field."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    words = [f"{key} {_word(old.get(key))} to {_word(new.get(key))}" for key in sorted(old.keys() | new.keys())
             if old.get(key) != new.get(key)]
    return ", ".join(words)


def _word(value: Any) -> str:
    return "none" if value is None else json.dumps(value, sort_keys=True)


def _note(value: Any) -> str:
    """A deprecation's message, for the {note} field: ' ("use X")', or nothing when it has none."""
    return f" ({json.dumps(value)})" if isinstance(value, str) and value else ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: which changes it matches, how bad they are, who they break, where it is selected, what it says."""

    id: str
    kind: K
    direction: Direction
    severity: Sev
    breaks: Preset | None  # who is broken (payloads or readers), or None when nobody is
    presets: tuple[Preset, ...]  # the named presets selecting it, besides "all" (which selects every rule)
    template: str  # the message; fields: path, direction, service, operation, old, new, delta, note
    when: Callable[[Change], bool] = _always  # what else the change must satisfy, beyond kind and direction

    def matches(self, change: Change) -> bool:
        return change.kind == self.kind and change.direction == self.direction and self.when(change)

    def message(self, change: Change) -> str:
        c = change
        return self.template.format(
            path=c.path or f"(the whole {c.direction})",
            direction=c.direction, service=c.service, operation=c.operation, old=c.old, new=c.new,
            delta=_delta(c.old, c.new), note=_note(c.new if c.new is not None else c.old),
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
    # What only a model knows (differ/traits.py), judged alike by who reads the side.
    Rule(
        "request-constraint-tightened", K.CONSTRAINT_TIGHTENED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request {path} limits tightened ({delta}): old payloads outside them are rejected",
    ),
    Rule(
        "request-constraint-loosened", K.CONSTRAINT_LOOSENED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request {path} limits loosened ({delta})",
    ),
    Rule(
        "response-constraint-loosened", K.CONSTRAINT_LOOSENED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response {path} limits loosened ({delta}): readers that size buffers or validate must handle it",
    ),
    Rule(
        "response-constraint-tightened", K.CONSTRAINT_TIGHTENED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response {path} limits tightened ({delta})",
    ),
    Rule(
        "request-pattern-changed", K.PATTERN_CHANGED, REQUEST, Sev.DANGEROUS, PAYLOADS, (PAYLOADS,),
        "request {path} pattern changed ({delta}): old payloads may no longer match",
    ),
    Rule(
        "response-pattern-changed", K.PATTERN_CHANGED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response {path} pattern changed ({delta})",
    ),
    Rule(
        "operation-deprecated", K.DEPRECATED, REQUEST, Sev.DANGEROUS, PAYLOADS, (PAYLOADS,),
        "operation {operation} is deprecated{note}: calls to it may stop working", when=_operation_level,
    ),
    Rule(
        "operation-undeprecated", K.UNDEPRECATED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "operation {operation} is no longer deprecated", when=_operation_level,
    ),
    Rule(
        "request-member-deprecated", K.DEPRECATED, REQUEST, Sev.DANGEROUS, PAYLOADS, (PAYLOADS,),
        "request member {path} is deprecated{note}: payloads setting it may stop working", when=_member_level,
    ),
    Rule(
        "request-member-undeprecated", K.UNDEPRECATED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request member {path} is no longer deprecated", when=_member_level,
    ),
    Rule(
        "response-member-deprecated", K.DEPRECATED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response member {path} is deprecated{note}: readers of it may stop getting it",
    ),
    Rule(
        "response-member-undeprecated", K.UNDEPRECATED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response member {path} is no longer deprecated",
    ),
    Rule(
        "error-added", K.ERROR_ADDED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "{operation} may now fail with {new}: handlers matching every error must handle it",
    ),
    Rule(
        "error-removed", K.ERROR_REMOVED, RESPONSE, Sev.SAFE, None, (READERS,),
        "{operation} no longer fails with {old}",
    ),
    Rule(
        "paginator-added", K.PAGINATOR_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "{operation} can be paginated",
    ),
    Rule(
        "paginator-removed", K.PAGINATOR_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "{operation} can no longer be paginated: code using its paginator fails",
    ),
    Rule(
        "paginator-changed", K.PAGINATOR_CHANGED, REQUEST, Sev.DANGEROUS, PAYLOADS, (PAYLOADS,),
        "the paginator of {operation} changed ({delta}): code relying on its tokens or keys may break",
    ),
    Rule(
        "waiter-added", K.WAITER_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "new waiter {new} on {operation}",
    ),
    Rule(
        "waiter-removed", K.WAITER_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "waiter {old} on {operation} was removed: code waiting with it fails",
    ),
    Rule(
        "request-became-union", K.BECAME_UNION, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request {path} became a tagged union: old payloads setting more than one member are rejected",
    ),
    Rule(
        "response-became-union", K.BECAME_UNION, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response {path} became a tagged union: only one of its members is set, readers expecting several break",
    ),
    Rule(
        "request-union-removed", K.UNION_REMOVED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request {path} is no longer a tagged union",
    ),
    Rule(
        "response-union-removed", K.UNION_REMOVED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response {path} is no longer a tagged union: readers expecting exactly one member may find several",
    ),
    Rule(
        "request-key-enum-value-added", K.KEY_ENUM_VALUE_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,),
        "request map {path} accepts the new key {new!r}",
    ),
    Rule(
        "request-key-enum-value-removed", K.KEY_ENUM_VALUE_REMOVED, REQUEST, Sev.BREAKING, PAYLOADS, (PAYLOADS,),
        "request map {path} no longer accepts the key {old!r}: old payloads using it are rejected",
    ),
    Rule(
        "response-key-enum-value-added", K.KEY_ENUM_VALUE_ADDED, RESPONSE, Sev.DANGEROUS, READERS, (READERS,),
        "response map {path} may now have the key {new!r}: readers matching every key must handle it",
    ),
    Rule(
        "response-key-enum-value-removed", K.KEY_ENUM_VALUE_REMOVED, RESPONSE, Sev.SAFE, None, (READERS,),
        "response map {path} no longer has the key {old!r}",
    ),
    Rule(
        "protocol-changed", K.PROTOCOL_CHANGED, REQUEST, Sev.DANGEROUS, PAYLOADS, (PAYLOADS, READERS),
        "service {service} changed protocol from {old} to {new}: requests and responses are serialized anew",
    ),
    Rule("service-added", K.SERVICE_ADDED, REQUEST, Sev.SAFE, None, (PAYLOADS,), "new service {service}"),
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
