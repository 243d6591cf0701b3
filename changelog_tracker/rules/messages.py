"""Every message wording, keyed by rule id, in one place. Fields: the Change's attributes."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "operation-added": "new operation {operation}",
    "operation-removed": "operation {operation} was removed: every call to it fails",
    "service-removed": "service {service} was removed: every call to any of its operations fails",
    "request-member-added": "optional request member {path} added ({new[type]})",
    "request-required-member-added": "required request member {path} added: old payloads lack it",
    "request-member-removed": "request member {path} removed: old payloads that set it are rejected",
    "request-enum-value-added": "request {path} accepts the new value {new!r}",
    "request-enum-value-removed": "request {path} no longer accepts {old!r}: old payloads using it are rejected",
    "request-became-required": "request member {path} became required: old payloads without it are rejected",
    "request-became-optional": "request member {path} became optional",
    "request-type-changed": "request {path} changed type from {old} to {new}: old payloads no longer fit",
    "response-member-added": "response member {path} added ({new[type]})",
    "response-member-removed": "response member {path} removed: old readers of it break",
    "response-enum-value-added": "response {path} may now be {new!r}: readers matching every value must handle it",
    "response-enum-value-removed": "response {path} is no longer {old!r}",
    "response-became-required": "response member {path} is now always present",
    "response-became-optional": "response member {path} may now be absent: readers relying on it break",
    "response-type-changed": "response {path} changed type from {old} to {new}: old readers break",
}


def message(rule_id: str, path: str, direction: str, **fields: object) -> str:
    return MESSAGES[rule_id].format(path=path or f"(the whole {direction})", direction=direction, **fields)
