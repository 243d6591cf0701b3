"""What ``log``, ``show`` and ``check`` print: text or JSON, one registry per command.

A format is one writer and one registry line; the CLI's ``--format`` choices read the registry.
Every writer returns whole lines (each ending with a newline), or nothing for nothing to show.
Names, notes and enum values come from pages: text is made printable (terminal.printable).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..model import Shape, walk
from ..query.lookup import LogEntry, Shown
from ..terminal import printable
from .env import Format
from .syntax import render_request, render_response

if TYPE_CHECKING:  # check's validators load only for check
    from ..check.verdicts import Verdict

_DELTA_WORDS = {
    "covered": "holds, and more changed since our previous state (releases missing in between)",
    "mismatch": "does NOT match what changed (see log --format json)",
    "unverified": "unverified (no earlier state of this method in the store, or the page cut that section)",
}
_WORDS = {True: "valid", False: "INVALID", None: "cannot be checked"}


def _json(items: Sequence[Any], _options: object = None) -> str:
    return json.dumps([item.to_json() for item in items], indent=2) + "\n"


def _lines(texts: Sequence[str]) -> str:
    return "".join(printable(text) + "\n" for text in texts)


# -- log ---------------------------------------------------------------------------------------
def _log_text(entries: Sequence[LogEntry], _options: object = None) -> str:
    return _lines([_log_entry(e) for e in entries])


def _log_entry(e: LogEntry) -> str:
    kind = f"{e.new} new, {e.updated} updated"
    kind = "gone (service removed)" if e.ended else "baseline" if e.complete else kind
    lines = [f"{e.release}  {e.service:<32} {kind:<22} {e.operations:>4} operations"]
    lines += [f"            {note}" for note in e.notes]
    lines += [
        f"            delta summary of {verdict.operation}: {_DELTA_WORDS[verdict.status]}"
        for verdict in e.deltas
        if verdict.status != "confirmed"
    ]
    return "\n".join(lines)


LOG_FORMATS: dict[str, Format[Sequence[LogEntry], object]] = {
    "text": Format(_log_text, "txt"),
    "json": Format(_json, "json"),
}


# -- show --------------------------------------------------------------------------------------
def _show_text(shown: Sequence[Shown], _one: bool) -> str:
    return _lines([_text(item) for item in shown])


def _show_json(shown: Sequence[Shown], one: bool) -> str:
    """One operation asked for: its object; a whole service: the list."""
    body = [s.to_json() for s in shown]
    return json.dumps(body[0] if one else body, indent=2) + "\n"


def _text(item: Shown) -> str:
    op = item.operation
    parts = [f"# {item.service} {op.name} ({item.release})", "Request Syntax", render_request(op)]
    required = _required_paths(op.input)
    if required:
        parts.append("Required: " + ", ".join(required))
    parts += ["Response Syntax", "None" if op.output is None else render_response(op.output), ""]
    return "\n".join(parts)


def _required_paths(shape: Shape) -> list[str]:
    return [path for path, _shape, member in walk(shape) if member is not None and member.required]


SHOW_FORMATS: dict[str, Format[Sequence[Shown], bool]] = {
    "text": Format(_show_text, "txt"),
    "json": Format(_show_json, "json"),
}
"""show's formats; the option is True when one operation was asked for."""


# -- check -------------------------------------------------------------------------------------
def _check_text(verdicts: Sequence[Verdict], _options: object = None) -> str:
    return "".join(_verdict(v) + "\n" for v in verdicts)


def _verdict(verdict: Verdict) -> str:
    head = f"{verdict.payload}: {_WORDS[verdict.valid]}"
    if verdict.errors and verdict.valid is False:
        head += f" ({len(verdict.errors)} error{'s' if len(verdict.errors) > 1 else ''})"
    lines = [head]
    lines += [f"  {e.path or '(payload)'}: {e.kind}: {e.message}" for e in verdict.errors]
    if verdict.releases is not None:
        lines += [f"  {release}  {_WORDS[valid]}" for release, valid in verdict.releases]
    if verdict.broke_at:
        change = verdict.broken_by
        by = f" by {change.rule} at {change.path or '(operation)'}" if change else " (no change found to explain it)"
        lines.append(f"  broke at {verdict.broke_at}{by}")
    return printable("\n".join(lines))  # member names and enum values in messages come from pages


CHECK_FORMATS: dict[str, Format[Sequence[Verdict], object]] = {
    "text": Format(_check_text, "txt"),
    "json": Format(_json, "json"),
}
