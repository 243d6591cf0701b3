"""Reading payloads: JSON, YAML (safe_load only) and JSON Lines batches, from files, folders or stdin.

A bad document is a usage error (exit 2) naming its file, line and column; payloads are never
evaluated, only parsed as data.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParseError, TrackerError
from ..write.ingest import Document, decode

LINES = frozenset({".jsonl", ".ndjson"})
YAML = frozenset({".yaml", ".yml"})
SUFFIXES = LINES | YAML | {".json"}  # what a folder is searched for
STDIN = "<stdin>"


@dataclass(frozen=True, slots=True)
class Payload:
    """One request payload: ``name`` is its file, or ``file:LINE`` for a line of a batch."""

    name: str
    value: Any


def read_payloads(sources: Iterable[str | Path], stdin: Callable[[], bytes] | None = None) -> list[Payload]:
    """Every payload of ``sources`` (files, folders searched for JSON/YAML/JSON Lines, ``-`` for stdin)."""
    payloads: list[Payload] = []
    for document in _documents(sources, stdin or sys.stdin.buffer.read):
        payloads.extend(parse_document(document))
    return payloads


def _documents(sources: Iterable[str | Path], stdin: Callable[[], bytes]) -> Iterator[Document]:
    for raw in sources:
        if str(raw) == "-":
            yield Document(STDIN, stdin())
            continue
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES) if path.is_dir() else [path]
        if not files:  # an empty folder must not pass as "every payload is valid"
            raise TrackerError(f"{path}: no payload files in this folder (expected {', '.join(sorted(SUFFIXES))})")
        for file in files:
            try:
                yield Document(str(file), file.read_bytes())
            except OSError as err:
                raise TrackerError(f"{file}: cannot read: {err.strerror or err}") from None


def parse_document(document: Document) -> list[Payload]:
    text = decode(document).removeprefix("\ufeff")
    name = document.source
    if not text.strip():
        raise ParseError(name, 1, 1, "a JSON or YAML payload", "an empty file")
    suffix = Path(name).suffix.lower() if name != STDIN else ""
    if suffix in LINES:
        return _lines(name, text)
    if suffix in YAML or (suffix != ".json" and not text.lstrip().startswith(("{", "["))):
        return [Payload(name, _yaml(name, text))]
    return _json_or_lines(name, text)


def _json_or_lines(name: str, text: str) -> list[Payload]:
    try:
        _refuse_deep_json(name, text)
        return [Payload(name, json.loads(text))]
    except json.JSONDecodeError as err:
        if err.msg == "Extra data" and _first_line_is_object(text):
            return _lines(name, text)
        raise _json_error(name, err, err.lineno) from None


def _first_line_is_object(text: str) -> bool:
    first = next(line for line in text.split("\n") if line.strip())
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _lines(name: str, text: str) -> list[Payload]:
    """One payload per non-blank line (split on newlines only: U+2028 is valid inside JSON strings)."""
    payloads = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            _refuse_deep_json(name, line, number)
            payloads.append(Payload(f"{name}:{number}", json.loads(line)))
        except json.JSONDecodeError as err:
            raise _json_error(name, err, number) from None
    if not payloads:
        raise ParseError(name, 1, 1, "JSON Lines payloads", "only blank lines")
    return payloads


def _json_error(name: str, err: json.JSONDecodeError, line: int) -> ParseError:
    expected = err.msg.removeprefix("Expecting ") if err.msg.startswith("Expecting ") else f"valid JSON ({err.msg})"
    return ParseError(name, line, err.colno, expected)


def _yaml(name: str, text: str) -> Any:
    try:
        value = yaml.safe_load(text)
    except RecursionError:
        raise ParseError(name, 1, 1, f"at most {MAX_DEPTH} levels of nesting", "deeper nesting") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ParseError(name, line, column, "valid YAML", err.problem or str(err)) from None
    except yaml.YAMLError as err:
        raise ParseError(name, 1, 1, "valid YAML", str(err)) from None
    if _first_bad(value, _value_children) is not None:  # anchors and aliases can make a value contain itself
        node, reason = _first_bad(yaml.compose(text), _node_children) or (None, "")
        mark = node.start_mark if node is not None else None
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        found = "deeper nesting" if "levels" in reason else "an alias inside its anchor"
        raise ParseError(name, line, column, reason, found)
    return value


# Deeper payloads would overflow Python's stack while being read or checked; real ones nest a few dozen.
MAX_DEPTH = 200
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # JSON strings (skipped whole) and brackets


def _refuse_deep_json(name: str, text: str, line0: int = 1) -> None:
    """A located error at the bracket that nests past :data:`MAX_DEPTH` (counted only when it could)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        depth += 1 if token in ("[", "{") else -1 if token in ("]", "}") else 0
        if depth > MAX_DEPTH:
            at = match.start()
            line, column = line0 + text.count("\n", 0, at), at - text.rfind("\n", 0, at)
            raise ParseError(name, line, column, f"at most {MAX_DEPTH} levels of nesting", "deeper nesting")


def _first_bad(root: Any, children: Callable[[Any], list[Any]]) -> tuple[Any, str] | None:
    """The first container nested past :data:`MAX_DEPTH` or inside itself, and why (iterative: no recursion)."""
    inside: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(root, 1, False)]
    while stack:
        item, depth, leaving = stack.pop()
        if leaving:
            inside.discard(id(item))
            continue
        below = children(item)
        if not below:
            continue
        if id(item) in inside:
            return item, "a payload that does not contain itself"
        if depth > MAX_DEPTH:
            return item, f"at most {MAX_DEPTH} levels of nesting"
        inside.add(id(item))
        stack.append((item, depth, True))
        stack.extend((child, depth + 1, False) for child in below)
    return None


def _value_children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()] or [None]  # [None]: an empty container still counts
    return (list(value) or [None]) if isinstance(value, list) else []


def _node_children(node: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair] or [None]
    return (list(node.value) or [None]) if isinstance(node, yaml.SequenceNode) else []
