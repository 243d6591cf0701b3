"""What ``scan`` prints: text, JSON, SARIF 2.1.0, GitHub workflow commands, JUnit XML.

Every location is the user's own source line (file:line:col), relative to the working directory
where it lies inside it, so a CI job annotates the pull request's code. Names and messages quote
user code and store content: text formats show them through ``terminal.printable``.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..rules.registry import BREAKING, DANGEROUS, SEVERITIES, failing_severities
from ..scan.calls import Call, Unresolved
from ..scan.judge import Hit, Report
from ..terminal import printable
from .env import Format, environment
from .findings import SARIF_SCHEMA, _gh_data, _gh_property, _version


@dataclass(frozen=True)
class Options:
    fail_on: str | None = None
    verbose: bool = False  # text lists the unresolved calls too
    root: Path | None = None  # locations relative to this folder (default: the working directory)

    def failing(self, hit: Hit) -> bool:
        return hit.severity in failing_severities(self.fail_on) and hit.accepted is None

    def level(self, hit: Hit) -> str:
        """SARIF's level: 'error' exactly for what the gate fails on, 'warning' for other breaking or
        dangerous hits, else 'note'."""
        if self.failing(hit):
            return "error"
        return "warning" if hit.severity in (BREAKING, DANGEROUS) and hit.accepted is None else "note"

    def where(self, file: str) -> str:
        """``file`` relative to the root when inside it, with forward slashes (as SARIF and GitHub take it)."""
        root = (self.root or Path.cwd()).resolve()
        path = Path(file)
        with contextlib.suppress(ValueError):  # outside the root: as given
            path = path.resolve().relative_to(root)
        return path.as_posix()


def counts(report: Report) -> dict[str, int]:
    by = {s: sum(1 for h in report.hits if h.severity == s) for s in SEVERITIES}
    return {"files": report.files, "lines": report.lines, "calls": len(report.calls), "findings": len(report.hits),
            **by, "unresolved": len(report.unresolved)}


def summary_line(report: Report) -> str:
    n = counts(report)
    parts = ", ".join(f"{n[s]} {s}" for s in SEVERITIES)
    return (f"{_many(n['calls'], 'call')} in {_many(n['files'], 'file')} ({_many(n['lines'], 'line')}), "
            f"{report.title}: {_many(n['findings'], 'finding')} ({parts}), {n['unresolved']} unresolved")


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _text(report: Report, options: Options) -> str:
    lines = [f"{options.where(h.call.file)}:{h.call.line}:{h.call.col}: {h.severity} {h.rule} {_said(h)}"
             for h in report.hits]
    if options.verbose:
        lines += [f"{options.where(u.file)}:{u.line}:{u.col}: unresolved: {u.reason}: {u.text}"
                  for u in report.unresolved]
    lines.append(summary_line(report))
    return "".join(printable(line) + "\n" for line in lines)


def _said(hit: Hit) -> str:
    """A hit's message with its release, and the config's reason where it accepts it."""
    dated = hit.release and hit.release not in hit.message  # "not yet (first in R)" says it already
    text = hit.message + (f" (release {hit.release})" if dated else "")
    return text + (f" (accepted: {hit.accepted})" if hit.accepted is not None else "")


def _call_json(call: Call, options: Options) -> dict[str, Any]:
    return {"file": options.where(call.file), "line": call.line, "col": call.col, "service": call.service,
            "method": call.method, "via": call.via, "reads": list(call.reads)}


def _unresolved_json(u: Unresolved, options: Options) -> dict[str, Any]:
    return {"file": options.where(u.file), "line": u.line, "col": u.col, "reason": u.reason, "text": u.text}


def _json(report: Report, options: Options) -> str:
    out = {
        "title": report.title,
        "counts": counts(report),
        "calls": [_call_json(c, options) for c in report.calls],
        "findings": [{**h.to_json(), "file": options.where(h.call.file), "failing": options.failing(h)}
                     for h in report.hits],
        "unresolved": [_unresolved_json(u, options) for u in report.unresolved],
    }
    return json.dumps(out, indent=2) + "\n"


def _sarif(report: Report, options: Options) -> str:
    rules = sorted({h.rule: h.severity for h in report.hits}.items())
    index = {rule: i for i, (rule, _) in enumerate(rules)}
    driver = {"name": "changelog-tracker", "version": _version(), "rules": [
        {"id": rule, "properties": {"severity": severity}} for rule, severity in rules]}
    run = {
        "tool": {"driver": driver},
        "automationDetails": {"description": {"text": report.title}},
        "results": [_sarif_result(h, index, options) for h in report.hits],
        "properties": {"counts": counts(report)},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _sarif_result(hit: Hit, index: dict[str, int], options: Options) -> dict[str, Any]:
    c = hit.call
    result: dict[str, Any] = {
        "ruleId": hit.rule,
        "ruleIndex": index[hit.rule],
        "level": options.level(hit),
        "message": {"text": hit.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": options.where(c.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": c.line, "startColumn": c.col},
        }}],
        "properties": {"severity": hit.severity, "release": hit.release, "path": hit.path,
                       "service": c.service, "method": c.method},
    }
    if hit.fingerprint:
        result["partialFingerprints"] = {"changelogTracker/v1": hit.fingerprint}
    if hit.accepted is not None:
        result["suppressions"] = [{"kind": "external", "justification": hit.accepted}]
    return result


def _github(report: Report, options: Options) -> str:
    lines = []
    for hit in report.hits:
        c = hit.call
        command = {"error": "error", "warning": "warning"}.get(options.level(hit), "notice")
        where = f"file={_gh_property(options.where(c.file))},line={c.line},col={c.col}"
        # GitHub's escapes first (CR and LF among them), then no other control reaches the log viewer.
        lines.append(printable(f"::{command} {where},title={_gh_property(hit.rule)}::{_gh_data(_said(hit))}") + "\n")
    return "".join(lines)


@dataclass(frozen=True)
class _Case:
    """One call as a JUnit test case: the hits at it, those that fail the gate apart."""

    name: str
    hits: tuple[Hit, ...]
    failures: tuple[Hit, ...]


def _junit(report: Report, options: Options) -> str:
    files: dict[str, list[_Case]] = {}
    for call in report.calls:
        hits = tuple(h for h in report.hits if h.call == call)
        name = f"{call.service}.{call.method} at {call.line}:{call.col}"
        failed = tuple(h for h in hits if options.failing(h))
        files.setdefault(options.where(call.file), []).append(_Case(name, hits, failed))
    return environment().get_template("scan/junit.xml").render(
        title=report.title, files=sorted(files.items()), total=len(report.calls),
        failed=sum(1 for cases in files.values() for case in cases if case.failures), said=_said,
    )


FORMATS: dict[str, Format[Report, Options]] = {
    "text": Format(_text, "txt"),
    "json": Format(_json, "json"),
    "sarif": Format(_sarif, "sarif"),
    "github": Format(_github, "txt"),
    "junit": Format(_junit, "xml"),
}
"""scan's formats: the CLI's --format choices and the snapshot tests read this registry."""


def render_scan(report: Report, fmt: str, options: Options | None = None) -> str:
    return FORMATS[fmt].write(report, options or Options())

