"""``changelog-tracker.toml``: per-rule severity overrides and accepted known changes.

[severity]
response-enum-value-added = "safe"

[[accept]]
fingerprint = "3f2a9c1e0b7d"     # or any of rule, service, operation, path: patterns, * and ?
reason = "we never read status"
expires = 2026-06-30             # optional: from the next day on, it no longer applies

The file is found as git and buf find theirs: the nearest one in the working directory or a parent.
Every key is checked; tomllib gives no positions, so mistakes are located by reading the text.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..errors import TrackerError
from ..suggest import did_you_mean
from .registry import SEVERITIES, by_id

if TYPE_CHECKING:
    from .judge import Finding

CONFIG_NAME = "changelog-tracker.toml"
TABLES = ("severity", "accept")
SCOPES = ("fingerprint", "rule", "service", "operation", "path")
ACCEPT_KEYS = (*SCOPES, "reason", "expires")


@cache
def glob(pattern: str) -> re.Pattern[str]:
    """``*`` any run, ``?`` one character, all else literal: member paths hold ``[]`` and ``{}``."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.S)


@dataclass(frozen=True)
class Accept:
    """One [[accept]]: the changes it covers (every scope given must match), why, and until when."""

    where: str  # FILE:LINE of its header, for warnings
    scope: tuple[tuple[str, str], ...]  # (field, glob pattern)
    reason: str
    expires: dt.date | None = None

    def covers(self, finding: Finding) -> bool:
        c = finding.change
        values = {"fingerprint": finding.fingerprint, "rule": finding.rule.id, "service": c.service,
                  "operation": c.operation, "path": c.path}
        return all(glob(pattern).fullmatch(values[key]) for key, pattern in self.scope)

    @property
    def label(self) -> str:
        return ", ".join(f"{key} = {pattern!r}" for key, pattern in self.scope)


@dataclass(frozen=True)
class Config:
    severity: dict[str, str] = field(default_factory=dict)
    accepts: tuple[Accept, ...] = ()
    today: dt.date = field(default_factory=dt.date.today)
    # Which accepts matched a finding: judging records it, stale_warnings reads it.
    _used: set[int] = field(default_factory=set, init=False, compare=False, repr=False)

    def severity_of(self, rule_id: str, default: str) -> str:
        """The severity a finding under ``rule_id`` gets: the config's override, else the rule's own."""
        return self.severity.get(rule_id, default)

    def acceptance(self, finding: Finding) -> str | None:
        """The reason of the first live accept covering this finding, or None; records every match."""
        reason = None
        for index, accept in enumerate(self.accepts):
            if not self._expired(accept) and accept.covers(finding):
                self._used.add(index)
                reason = reason if reason is not None else accept.reason
        return reason

    def stale_warnings(self) -> list[str]:
        """One line per accept that expired, or matched no finding judged with this config (call after judging)."""
        warnings = []
        for index, accept in enumerate(self.accepts):
            if self._expired(accept):
                warnings.append(f"{accept.where}: accept ({accept.label}) expired on {accept.expires}: "
                                "it no longer applies; remove it or move its date")
            elif index not in self._used:
                warnings.append(f"{accept.where}: accept ({accept.label}) matched no change judged in this run: "
                                "stale?")
        return warnings

    def _expired(self, accept: Accept) -> bool:
        return accept.expires is not None and accept.expires < self.today


def find_config(start: Path | None = None) -> Path | None:
    """The nearest changelog-tracker.toml in ``start`` (default: the working directory) or a parent."""
    folder = (start or Path.cwd()).absolute()
    for candidate in (folder / CONFIG_NAME, *(parent / CONFIG_NAME for parent in folder.parents)):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: str | Path | None = None, *, today: dt.date | None = None) -> Config:
    """The given file (``--config``), else the nearest one found upward, else the defaults."""
    target = Path(path) if path else find_config()
    if target is None:
        return Config()
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise TrackerError(f"{target}: no such config file") from None
    except OSError as err:
        raise TrackerError(f"{target}: cannot read the config: {err.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, err.start) + 1 : err.start].decode("utf-8", "replace")) + 1
        raise TrackerError(f"{target}:{line}:{column}: expected UTF-8 text, found byte {raw[err.start]:#04x}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TrackerError(_toml_error(target, text, err)) from None
    return _Reader(target, text).config(data, today or dt.date.today())


def _toml_error(target: Path, text: str, err: tomllib.TOMLDecodeError) -> str:
    """tomllib's message in our FILE:LINE:COL form."""
    message = str(err)
    at = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    line, column = (at.group(1), at.group(2)) if at else (str(text.count("\n") + 1), "1")  # "at end of document"
    return f"{target}:{line}:{column}: expected valid TOML, found: {message[: at.start()] if at else message}"


# A table header ([a] or [[a]]) or a key line (a = / "a" = / a.b =); the name group is what follows.
_HEADER = re.compile(r"\s*(\[\[?)\s*(?P<name>[^\]#]*?)\s*\]")
_KEY = re.compile(r"\s*(?P<name>[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*[.=]")


@dataclass(frozen=True)
class _Line:
    number: int
    column: int
    table: str  # the header it is under ("" at the top), e.g. "accept"
    index: int  # which [[table]] of that name (0 for plain tables)
    header: bool
    name: str  # the header's dotted name, or the line's first key, unquoted


def _unquote(name: str) -> str:
    return name[1:-1] if name[:1] in "\"'" else name


def _lines(text: str) -> Iterator[_Line]:
    table, counts = "", {"": 0}
    for number, line in enumerate(text.split("\n"), 1):  # TOML's lines end at \n only, as tomllib counts them
        header = _HEADER.match(line)
        if header:
            table = ".".join(_unquote(part.strip()) for part in header.group("name").split("."))
            counts[table] = counts.get(table, -1) + 1 if header.group(1) == "[[" else 0
            yield _Line(number, header.start("name") + 1, table, counts[table], True, table)
            continue
        key = _KEY.match(line)
        if key:
            yield _Line(number, key.start("name") + 1, table, counts[table], False, _unquote(key.group("name")))


class _Reader:
    """Checks the parsed data against the text it came from, so every error names its line."""

    def __init__(self, target: Path, text: str) -> None:
        self.target = target
        self.lines = list(_lines(text))

    def config(self, data: dict[str, object], today: dt.date) -> Config:
        for key in data:
            if key not in TABLES:
                self.fail(self.at("", 0, key), "a table [severity] or [[accept]]", repr(key), key, TABLES)
        return Config(self.severity(data.get("severity", {})), self.accepts(data.get("accept", [])), today)

    def severity(self, table: object) -> dict[str, str]:
        if not isinstance(table, dict):
            self.fail(self.at("", 0, "severity"), "a table [severity] of rule id = severity", repr(table))
        for rule, level in table.items():
            if rule not in (ids := by_id()):
                hint = did_you_mean(rule, ids) or f"; rule ids: {', '.join(ids)}"
                self.fail(self.at("severity", 0, rule), "a rule id", f"{rule!r}{hint}")
            if level not in SEVERITIES:
                self.fail(self.at("severity", 0, rule), f"one of {', '.join(SEVERITIES)} for {rule}", repr(level))
        return dict(table)

    def accepts(self, entries: object) -> tuple[Accept, ...]:
        if not isinstance(entries, list):
            self.fail(self.at("", 0, "accept"), "accepted changes in [[accept]] tables (an array)", "[accept]")
        return tuple(self.accept(i, entry) for i, entry in enumerate(entries))

    def accept(self, index: int, entry: object) -> Accept:
        head = self.at("accept", index)
        if not isinstance(entry, dict):
            self.fail(head, "an [[accept]] table", repr(entry))
        for key, value in entry.items():
            if key not in ACCEPT_KEYS:
                self.fail(self.at("accept", index, key), f"one of {', '.join(ACCEPT_KEYS)}", repr(key), key,
                          ACCEPT_KEYS)
            if key != "expires" and not isinstance(value, str):
                self.fail(self.at("accept", index, key), f"a string for {key}", repr(value))
        if not entry.get("reason"):
            self.fail(head, 'a reason = "..." in this [[accept]]', "none")
        scope = tuple((key, entry[key]) for key in SCOPES if key in entry)
        if not scope:
            self.fail(head, "at least one of fingerprint, rule, service, operation or path in this [[accept]]",
                      "none: it would accept every change")
        rule, ids = entry.get("rule"), by_id()
        if rule is not None and not any(glob(rule).fullmatch(known) for known in ids):
            self.fail(self.at("accept", index, "rule"), "a rule id or a pattern matching one",
                      f"{rule!r}{did_you_mean(rule, ids)}")
        expires = entry.get("expires")
        if expires is not None and (not isinstance(expires, dt.date) or isinstance(expires, dt.datetime)):
            self.fail(self.at("accept", index, "expires"), "a TOML date (expires = 2026-06-30)", repr(expires))
        return Accept(f"{self.target}:{head[0]}", scope, entry["reason"], expires)

    def at(self, table: str, index: int, key: str | None = None) -> tuple[int, int]:
        """(line, column) of ``key`` in the index-th ``table``, else of its header, as near as the text says."""
        dotted = f"{table}.{key}" if table else key
        tries: list[Callable[[_Line], bool]] = []
        if key is not None:
            tries += [lambda line: not line.header and (line.table, line.index, line.name) == (table, index, key),
                      lambda line: line.header and line.name == dotted]
        if table:
            tries += [lambda line: line.header and (line.name, line.index) == (table, index),
                      lambda line: not line.header and (line.table, line.name) == ("", table)]  # accept = [{...}]
        for test in tries:
            found = next((line for line in self.lines if test(line)), None)
            if found:
                return found.number, found.column
        return 1, 1

    def fail(self, where: tuple[int, int], expected: str, found: str, key: str | None = None,
             known: tuple[str, ...] = ()) -> NoReturn:
        hint = did_you_mean(key, known) if key is not None and known else ""
        raise TrackerError(f"{self.target}:{where[0]}:{where[1]}: expected {expected}, found {found}{hint}")
