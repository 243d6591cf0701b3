"""Bad input: exit 2, file:line:column and what was expected, no traceback, store untouched."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.errors import ParseError
from tests.helpers import SEED_2025, SEED_2026

SEED_TEXT = SEED_2026.read_text(encoding="utf-8")
ONE_LINE_TEXT = SEED_2025.read_text(encoding="utf-8")


def _truncated() -> bytes:
    return SEED_TEXT[: len(SEED_TEXT) // 2].encode()


def _unbalanced() -> bytes:
    return ONE_LINE_TEXT.replace("'containerUri': 'string' } }", "'containerUri': 'string' }", 1).encode()


def _unknown_literal() -> bytes:
    return ONE_LINE_TEXT.replace(
        "'idleRuntimeSessionTimeout': 123", "'idleRuntimeSessionTimeout': Decimal(1)", 1
    ).encode()


def _missing_member_header() -> bytes:
    return SEED_TEXT.replace("containerUri (string) -- [REQUIRED]\n", "", 1).encode()


BAD_INPUTS: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated": (_truncated, r"expected"),
    "unbalanced": (_unbalanced, r"expected .*Request Syntax"),
    "unknown-literal": (_unknown_literal, r":7:\d+: expected .*Request Syntax.*Decimal"),
    "missing-header": (_missing_member_header, r"expected parameter header 'containerUri \(string\) --'"),
    "garbage": (lambda: b"\x00\x01 hello <<<>>> }}}", r":1:1: expected a page header"),
    "empty": (lambda: b"", r":1:1: expected a doc drop page, found 'an empty file'"),
    "not-utf8": (lambda: "2026/03/10 - é".encode("latin-1") + b"\n\xff", r":1:14: expected UTF-8 text"),
}


def _snapshot(db: Path) -> bytes:
    return db.read_bytes()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", str(SEED_2025)])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_rejected_whole(case: str, filled: Path, tmp_path: Path) -> None:
    make, pattern = BAD_INPUTS[case]
    bad = tmp_path / f"{case}.txt"
    bad.write_bytes(make())
    before = _snapshot(filled)
    # A good page in the same run must not be stored either: the run is all-or-nothing.
    result = CliRunner().invoke(main, ["--store", str(filled), "ingest", str(SEED_2026), str(bad)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(bad) in result.output
    assert re.search(pattern, result.output), result.output
    assert re.search(rf"{re.escape(str(bad))}:\d+:\d+: expected ", result.output)
    assert _snapshot(filled) == before


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(_unbalanced())
    proc = subprocess.run(
        [sys.executable, "-m", "changelog_tracker", "--store", str(tmp_path / "s.db"), "ingest", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {bad}:")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s.db"), "ingest", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s.db"), "show", "x", "--at", "2026-13-40"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_errors_cross_back_from_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_module = importlib.import_module("changelog_tracker.write.ingest")  # the module, not the function

    monkeypatch.setattr(ingest_module, "PARALLEL_BYTES", 0)  # parse these two small files in workers
    bad = tmp_path / "bad.txt"
    bad.write_bytes(_unknown_literal())
    documents = ingest_module.collect([SEED_2026, bad])
    placing = ingest_module.Placing()
    with pytest.raises(ParseError) as caught:
        ingest_module.prepare_all(documents, placing)
    assert (caught.value.source, caught.value.line) == (str(bad), 7) and "Decimal" in str(caught.value)
    bigger = tmp_path / "bigger.txt"  # bigger, so it is parsed (and fails) first
    bigger.write_bytes(_unknown_literal() + b"\n" * 1000)
    with pytest.raises(ParseError) as caught:
        ingest_module.prepare_all(ingest_module.collect([SEED_2026, bad, bigger]), placing)
    assert caught.value.source == str(bad)  # the first bad document in input order
    prepared = ingest_module.prepare_all(ingest_module.collect([SEED_2025, SEED_2026]), placing)
    assert [p.record.release for item in prepared for p in item.pages] == ["2025-10-06", "2026-03-10"]  # input order
