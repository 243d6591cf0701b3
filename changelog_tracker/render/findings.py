"""Findings -> text, Markdown, HTML, JSON, JUnit XML, SARIF 2.1.0 or GitHub workflow commands.

Groupings and counts are computed here; the templates (templates/findings/) only lay them out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from markupsafe import Markup

from ..errors import TrackerError
from ..query.release_notes import severity_counts
from ..rules import registry
from ..rules.judge import Finding
from ..rules.registry import BREAKING, DANGEROUS, SAFE, SEVERITIES, Rule, failing_severities
from ..terminal import printable
from .env import Format, environment

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {BREAKING: "error", DANGEROUS: "warning", SAFE: "note"}  # a rule's default level
FILTERS = ("severity", "service", "direction")
SERVICE_ITSELF = "(the service)"  # where a change to the service itself is listed among operations
_ANSI = {BREAKING: "\x1b[1;31m", DANGEROUS: "\x1b[33m", SAFE: "\x1b[32m"}


@dataclass(frozen=True)
class Row:
    """One finding as every format shows it: plain strings, old/new already described."""

    severity: str
    service: str
    operation: str
    direction: str
    path: str
    kind: str
    old: str
    new: str
    rule: str
    message: str
    impact: tuple[str, ...]
    accepted: str | None
    fingerprint: str
    release: str
    previous: str
    impact_other_side: tuple[str, ...] = ()
    failing: bool = False  # what fails the CI gate (--fail-on), and was not accepted in the config
    tracked_since: str | None = None


@dataclass(frozen=True)
class OperationGroup:
    name: str
    rows: tuple[Row, ...]

    @property
    def failures(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.failing)

    @property
    def failure_message(self) -> str:
        """JUnit's one-line failure message: the change itself, or how many there are."""
        failures = self.failures
        if len(failures) == 1:
            return failures[0].message
        return f"{len(failures)} {' or '.join(s for s in SEVERITIES if any(r.severity == s for r in failures))} changes"


@dataclass(frozen=True)
class ServiceGroup:
    name: str
    operations: tuple[OperationGroup, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for op in self.operations for r in op.rows)

    @property
    def tests(self) -> int:
        return len(self.operations)

    @property
    def failed(self) -> int:
        """Operations (JUnit test cases) with at least one failing change."""
        return sum(1 for op in self.operations if op.failures)


@dataclass(frozen=True)
class SeverityGroup:
    """The rows of one severity, by service and operation: what text, Markdown and HTML list, worst first."""

    severity: str
    services: tuple[ServiceGroup, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for svc in self.services for r in svc.rows)


def row(finding: Finding, fails: frozenset[str] = failing_severities(None)) -> Row:
    """``fails``: the severities the CI gate fails on (``failing_severities(--fail-on)``)."""
    c = finding.change
    failing = finding.severity in fails and finding.accepted is None
    return Row(finding.severity, c.service, c.operation or SERVICE_ITSELF, c.direction, c.path, c.kind,
               in_words(c.old), in_words(c.new), finding.rule.id, finding.message, finding.impact, finding.accepted,
               finding.fingerprint, finding.release, finding.previous, finding.impact_other_side, failing,
               finding.tracked_since)


def in_words(value: Any) -> str:
    """An old/new value in words: '' for none, a member as 'type (required)', an enum value as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "required" if value else "optional"
    if isinstance(value, dict) and "type" in value:
        required = value.get("required")
        flag = " (required)" if required is True else " (optional)" if required is False else ""
        return f"{value['type']}{flag}"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _rank(r: Row) -> tuple[int, str, str, str]:
    return (SEVERITIES.index(r.severity) if r.severity in SEVERITIES else len(SEVERITIES), r.direction, r.path, r.kind)


def group(rows: Iterable[Row]) -> tuple[ServiceGroup, ...]:
    """Services, then operations, by name; rows worst first inside an operation."""
    tree: dict[str, dict[str, list[Row]]] = {}
    for r in rows:
        tree.setdefault(r.service, {}).setdefault(r.operation, []).append(r)
    return tuple(
        ServiceGroup(svc, tuple(OperationGroup(op, tuple(sorted(rs, key=_rank))) for op, rs in sorted(ops.items())))
        for svc, ops in sorted(tree.items())
    )


def by_severity(rows: Iterable[Row]) -> tuple[SeverityGroup, ...]:
    """One group per severity present, worst first; each grouped by service and operation."""
    rows = list(rows)
    present = [s for s in SEVERITIES if any(r.severity == s for r in rows)]
    return tuple(SeverityGroup(s, group(r for r in rows if r.severity == s)) for s in present)


def counts(rows: Iterable[Row]) -> dict[str, int]:
    """Rows per severity, worst first, every severity present (zero included)."""
    return severity_counts(r.severity for r in rows)


def summary_line(rows: Sequence[Row]) -> str:
    tally = counts(rows)
    noun = "change" if len(rows) == 1 else "changes"
    parts = ", ".join(f"{n} {severity}" for severity, n in tally.items())
    accepted = sum(1 for r in rows if r.accepted is not None)
    return f"{len(rows)} {noun}: {parts}" + (f" ({accepted} accepted)" if accepted else "")


def page_data(filters: Sequence[str], total: int, findings: Sequence[Finding]) -> dict[str, Any]:
    """What a page's script reads (through |tojson): the filters it drives, and the findings shown."""
    return {"filters": list(filters), "total": total, "findings": [f.to_json() for f in findings]}


def filter_options(rows: Sequence[Row]) -> dict[str, list[str]]:
    return {
        "severity": list(SEVERITIES),
        "service": sorted({r.service for r in rows}),
        "direction": sorted({r.direction for r in rows}) or ["request", "response"],
    }


def render_findings(
    findings: list[Finding], fmt: str, *, title: str, fail_on: str | None = None, colour: bool = False
) -> str:
    """The findings in one format; every format ends with a newline.

    A CI format's failures (JUnit failures, SARIF 'error', GitHub ::error) are exactly what
    ``fail_on`` fails on (see ``failing_severities``); ``colour``: ANSI colours in text.
    """
    chosen = FORMATS.get(fmt)
    if chosen is None:
        raise TrackerError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return chosen.write(findings, _Options(title, failing_severities(fail_on), colour))


@dataclass(frozen=True)
class _Options:
    title: str
    fails: frozenset[str]
    colour: bool

    def paint(self, severity: str, text: str) -> str:
        """``text`` in the severity's colour; Markup, so the templates' control-character escaping
        (render/env.py) leaves our own colour codes alone while the text inside is made printable."""
        if not (self.colour and severity in _ANSI):
            return text
        return Markup(f"{_ANSI[severity]}{printable(text)}\x1b[0m")


def _template(name: str, findings: Sequence[Finding], options: _Options) -> str:
    rows = [row(f, options.fails) for f in findings]
    return environment().get_template(f"findings/{name}").render(
        title=options.title, services=group(rows), by_severity=by_severity(rows), counts=counts(rows),
        summary=summary_line(rows), rows=rows, options=filter_options(rows),
        data=page_data(FILTERS, len(rows), findings), severities=SEVERITIES, paint=options.paint, printable=printable,
    )


def _json(findings: Sequence[Finding], _options: _Options) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2) + "\n"


def _sarif(findings: Sequence[Finding], options: _Options) -> str:
    index = {rule.id: i for i, rule in enumerate(registry.RULES)}
    driver = {"name": "changelog-tracker", "version": _version(), "rules": [_sarif_rule(r) for r in registry.RULES]}
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"description": {"text": options.title}},
        "results": [_sarif_result(f, index, options.fails) for f in findings],
    }
    # Where the store started knowing a service, when the range began before it (the state compared from).
    since = {f.change.service: f.previous for f in findings if f.tracked_since == f.previous}
    if since:
        run["properties"] = {"trackedSince": dict(sorted(since.items()))}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def rule_description(rule: Rule) -> str:
    """'Request member removed: breaks old payloads' from the registry row alone."""
    text = rule.id.replace("-", " ").capitalize()
    return f"{text}: breaks old {rule.breaks}" if rule.breaks else text


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule_description(rule)},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
        "properties": {"tags": [rule.direction, rule.kind], "severity": rule.severity},
    }


def _level(finding: Finding, fails: frozenset[str]) -> str:
    """'error' exactly for what the gate fails on; other breaking or dangerous changes warn."""
    if finding.severity in fails and finding.accepted is None:
        return "error"
    return "warning" if finding.severity in (BREAKING, DANGEROUS) and finding.accepted is None else "note"


def _sarif_result(finding: Finding, index: dict[str, int], fails: frozenset[str]) -> dict[str, Any]:
    c = finding.change
    where = f"{c.service}.{c.operation}"
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index[finding.rule.id],
        "level": _level(finding, fails),
        "message": {"text": finding.message},
        "locations": [{"logicalLocations": [{
            "name": c.path or c.operation,
            "fullyQualifiedName": f"{where}.{c.path}" if c.path else where,
            "kind": "member" if c.path else "function",
        }]}],
        "partialFingerprints": {"changelogTracker/v1": finding.fingerprint},
        "properties": {"direction": c.direction, "kind": c.kind, "release": finding.release,
                       "previous": finding.previous, "impact": list(finding.impact),
                       "impactOtherSide": list(finding.impact_other_side)},
    }
    if finding.accepted is not None:
        result["suppressions"] = [{"kind": "external", "justification": finding.accepted}]
    return result


def _version() -> str:
    try:
        return version("changelog-tracker")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def _github(findings: Sequence[Finding], options: _Options) -> str:
    return "".join(github_command(f, options.fails) + "\n" for f in findings)


def github_command(finding: Finding, fails: frozenset[str] = failing_severities(None)) -> str:
    """``::error title=<rule>::<message>`` for what the gate fails on; ``::warning`` for other
    breaking or dangerous changes; an accepted or safe finding is only a notice."""
    c = finding.change
    command = {"error": "error", "warning": "warning"}.get(_level(finding, fails), "notice")
    text = f"{c.service}.{c.operation}: {finding.message}" if c.operation else finding.message
    if finding.accepted is not None:
        text += f" (accepted: {finding.accepted})"
    # GitHub's escapes first (CR and LF among them), then no other control reaches the log viewer.
    return f"::{command} title={_gh_property(finding.rule.id)}::{printable(_gh_data(text))}"


def _gh_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (toolkit's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (toolkit's escapeProperty)."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _text_like(name: str) -> Callable[[Sequence[Finding], _Options], str]:
    return lambda findings, options: _template(name, findings, options)


FORMATS: dict[str, Format[Sequence[Finding], _Options]] = {
    "text": Format(_text_like("text.txt"), "txt"),
    "markdown": Format(_text_like("markdown.md"), "md"),
    "html": Format(_text_like("page.html"), "html"),
    "json": Format(_json, "json"),
    "junit": Format(_text_like("junit.xml"), "xml"),
    "sarif": Format(_sarif, "sarif"),
    "github": Format(_github, "txt"),
}
"""diff's formats: the CLI's --format choices and the snapshot tests read this registry."""
