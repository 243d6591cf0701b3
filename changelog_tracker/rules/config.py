"""``changelog-tracker.toml``: per-rule severity overrides and accepted known changes.

[severity]
response-enum-value-added = "safe"

[[accept]]
fingerprint = "3f2a9c1e0b7d"
reason = "we never read status"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TrackerError
from .registry import BY_ID, SEVERITIES

if TYPE_CHECKING:
    from ..compare import Finding

CONFIG_NAME = "changelog-tracker.toml"


@dataclass(frozen=True)
class Config:
    severity: dict[str, str] = field(default_factory=dict)
    accepted: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason

    def severity_of(self, rule_id: str, default: str) -> str:
        """The severity a finding under ``rule_id`` gets: the config's override, else the rule's own."""
        return self.severity.get(rule_id, default)

    def acceptance(self, finding: Finding) -> str | None:
        """The reason the config accepts this finding, or None."""
        return self.accepted.get(finding.fingerprint)

    def stale_warnings(self) -> list[str]:
        """One line per accept that matched no finding judged with this config (call after judging)."""
        return []


def load_config(path: str | Path | None = None) -> Config:
    """The given file, else ./changelog-tracker.toml if present, else the defaults."""
    target = Path(path) if path else Path(CONFIG_NAME)
    if not target.exists():
        if path:
            raise TrackerError(f"{target}: no such config file")
        return Config()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise TrackerError(f"{target}: {err}") from None
    return _validated(target, data)


def _validated(target: Path, data: dict[str, object]) -> Config:
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise TrackerError(f"{target}: [severity] must be a table of rule id = severity")
    for rule, level in severity.items():
        if rule not in BY_ID:
            raise TrackerError(f"{target}: unknown rule {rule!r}; rules: {', '.join(sorted(BY_ID))}")
        if level not in SEVERITIES:
            raise TrackerError(f"{target}: severity of {rule} must be one of {', '.join(SEVERITIES)}, not {level!r}")
    entries = data.get("accept", [])
    if not isinstance(entries, list):
        raise TrackerError(f"{target}: accepted changes go in [[accept]] tables")
    accepted = {}
    for entry in entries:
        if not isinstance(entry, dict) or "fingerprint" not in entry or "reason" not in entry:
            raise TrackerError(f"{target}: each [[accept]] needs a fingerprint and a reason")
        accepted[str(entry["fingerprint"])] = str(entry["reason"])
    return Config(dict(severity), accepted)
