"""Reading payloads: JSON, YAML (safe_load only) and JSON Lines batches, from files, folders or stdin.

A bad document is a usage error (exit 2) naming its file, line and column; payloads are never
evaluated, only parsed as data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParseError, TrackerError
from ..ingest import Document, decode

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
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ParseError(name, line, column, "valid YAML", err.problem or str(err)) from None
    except yaml.YAMLError as err:
        raise ParseError(name, 1, 1, "valid YAML", str(err)) from None
