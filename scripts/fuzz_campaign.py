"""Mutants of real pages through ``ingest``: every one is read, or rejected cleanly (issue 10).

The seeds are real pages: the two seed drops, text pages botocore's documenter writes for real
models (oracle/pagegen.py, both layouts) and a change-feed HTML page (oracle/html_pages.py).
Each case mutates one seed (line deletions, duplications and swaps, truncation, byte flips,
unbalanced brackets and quotes, impossible dates and counts, NUL bytes, a BOM, CRLF, tabs,
1 MB lines, 10,000-deep nesting of brackets or markup) and ingests it into a copy of a filled store through the CLI
(``changelog_tracker.cli.main``, in process). A case passes when the mutant is either stored,
and then ``log`` and ``show --format json`` of every service answer well-formed JSON, or
rejected with exit 2 and one ``error: FILE:LINE:COL: expected ...`` line, the store file
byte-identical. Never a traceback, never longer than the time limit.

    python -m scripts.fuzz_campaign --cases 5000 --seed 1

prints: cases, accepted, rejected, tracebacks (must be 0), store changes (must be 0), timeouts
(must be 0), and each failing case (mutation, seed page, random seed) to replay.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from typing import Any

import click
from click.testing import CliRunner

from changelog_tracker.cli import main as cli
from oracle import pagegen

ROOT = Path(__file__).resolve().parents[1]

DATA = ROOT / "tests" / "data"
SEEDS = DATA / "seeds"
FILLER = SEEDS / "2025-10-06_bedrock-agentcore-control.txt"  # the store every case starts from
SERVICE = "bedrock-agentcore-control"
TIME_LIMIT = 20.0  # seconds per case; the slowest real case (a 1 MB line) takes well under 1 s

Mutation = Callable[[bytes, random.Random], bytes]


# ---------------------------------------------------------------- seed pages


@cache
def seed_pages() -> dict[str, bytes]:
    """{name: page}: the two seeds, pagegen text pages of real models, a feed HTML page."""
    import gzip

    from oracle import html_pages as build

    def model(version: str) -> dict[str, Any]:
        with gzip.open(DATA / "models" / SERVICE / f"{version}.json.gz", "rt", encoding="utf-8") as handle:
            loaded: dict[str, Any] = json.load(handle)
        return loaded

    old, new = model("1.42.64"), model("1.42.65")
    old = {**old, "operations": {k: v for k, v in old["operations"].items() if k != "GetGateway"}}
    day = dt.date(2026, 3, 10)
    pages = {path.name: path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))}
    for layout in pagegen.LAYOUTS:
        page = pagegen.page_between(old, new, day, "Adds things.", layout, SERVICE)
        assert page is not None
        pages[f"pagegen-{layout}.txt"] = page.encode("utf-8")
    html = build.feed_page_html(new, SERVICE, day, old, "Adds things.")
    assert html is not None
    pages["feed.html"] = html.encode("utf-8")
    return pages


# ---------------------------------------------------------------- mutations


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    del lines[start : start + rng.choice((1, 1, 2, 5))]
    return b"\n".join(lines)


def duplicate_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    chunk = lines[start : start + rng.choice((1, 1, 3))]
    lines[start:start] = chunk
    return b"\n".join(lines)


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.choice((1, 1, 3, 10))):
        at = rng.randrange(len(mutable))
        mutable[at] ^= 1 << rng.randrange(8)
    return bytes(mutable)


def _insert(data: bytes, rng: random.Random, piece: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def unbalance(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, rng, rng.choice([b"{", b"}", b"[", b"]", b"(", b")", b"'", b'"', b"<", b">", b"</pre>"]))


_DATE = re.compile(rb"[0-9]{4}/[0-9]{2}/[0-9]{2}")
_COUNT = re.compile(rb"[0-9]+ (?=new|updated)")
IMPOSSIBLE_DATES = [
    b"2026/13/45", b"0000/00/00", b"2026/02/30", b"0001/01/01", b"9999/12/31", b"1969/12/31",
    "\u0662\u0660\u0662\u0666/\u0660\u0663/\u0661\u0660".encode(), b"2026/3/10", b"20260/03/10",
]  # fmt: skip


def impossible_date(data: bytes, rng: random.Random) -> bytes:
    return _DATE.sub(rng.choice(IMPOSSIBLE_DATES).replace(b"\\", b"\\\\"), data, count=1)


def impossible_count(data: bytes, rng: random.Random) -> bytes:
    count = rng.choice([b"0 ", b"00 ", b"-1 ", b"99 ", b"1 ", b"2 ", b"3 new 3 ", "\u0663 ".encode(), b"1e3 ", b""])
    matches = list(_COUNT.finditer(data[:2000]))
    if not matches:
        return data
    match = rng.choice(matches)
    return data[: match.start()] + count + data[match.end() :]


def duplicate_count(data: bytes, rng: random.Random) -> bytes:
    """The header's count phrase written twice (the text header, or the feed page's paragraph)."""
    phrase = re.search(rb"[0-9]+ (?:new|updated)[^\n<]*?api methods", data[:20_000])
    if phrase is None:
        return data
    twice = phrase[0] + b" - " + phrase[0] if rng.random() < 0.5 else phrase[0] + b" " + phrase[0]
    return data[: phrase.start()] + twice + data[phrase.end() :]


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, rng, b"\x00" * rng.choice((1, 2, 100)))


def bom(data: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + data if rng.random() < 0.8 else _insert(data, rng, b"\xef\xbb\xbf")


def crlf(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", b"\r\n") if rng.random() < 0.8 else data.replace(b"\n", b"\r")


def tabs(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b" ", b"\t")
    lines = _lines(data)
    at = rng.randrange(len(lines))
    lines[at] = b"\t" + lines[at] + b"\t"
    return b"\n".join(lines)


def separators(data: bytes, rng: random.Random) -> bytes:
    """Characters str.splitlines() splits on, and blank lines."""
    piece = rng.choice(["\u2028", "\u2029", "\x0c", "\x85", "\x1c", "\x0b", "\n\n", "\n \t\n"]).encode("utf-8")
    return _insert(data, rng, piece)


def huge_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    filler = rng.choice([b"a", b"{", b"'", b"x ", b"(string) -- "])
    lines.insert(at, filler * (1_000_000 // len(filler)))
    return b"\n".join(lines)


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((101, 500, 10_000))
    opener, closer = rng.choice([(b"{'a': ", b"}"), (b"[", b",]"), (b"EventStream({'a': ", b"})"), (b"(", b")")])
    spots = [m.start() for m in re.finditer(rb"'string'", data)]
    if not spots:
        return _insert(data, rng, opener * depth)
    at = rng.choice(spots)
    balanced = rng.random() < 0.7
    return data[:at] + opener * depth + b"'string'" + (closer * depth if balanced else b"") + data[at + 8 :]


def deep_markup(data: bytes, rng: random.Random) -> bytes:
    """10,000 nested elements (balanced or not) where a line starts: HTML nests without limit."""
    opener, closer = rng.choice(
        [(b"<div>", b"</div>"), (b"<ul><li>", b"</li></ul>"), (b"<blockquote>", b"</blockquote>")]
    )
    lines = _lines(data)
    at = rng.randrange(len(lines))
    closing = closer * 10_000 if rng.random() < 0.7 else b""
    lines[at] = opener * 10_000 + b"x" + closing + lines[at]
    return b"\n".join(lines)


MUTATIONS: dict[str, Mutation] = {
    f.__name__: f
    for f in (
        delete_lines, duplicate_lines, swap_lines, truncate, flip_bytes, unbalance, impossible_date,
        impossible_count, duplicate_count, nul_bytes, bom, crlf, tabs, separators, huge_line, deep_nesting,
        deep_markup,
    )
}  # fmt: skip


# ---------------------------------------------------------------- one case


@dataclass(frozen=True)
class Outcome:
    verdict: str  # accepted | rejected | traceback | store-changed | bad-message | bad-answer | timeout
    detail: str = ""


class _TimedOut(BaseException):  # not an Exception: no handler in the code under test catches it
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimedOut in the running code after ``seconds`` (main thread only)."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@cache
def filled_store() -> bytes:
    """The bytes of a store holding the 2025 seed: every case starts from a copy."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store.db"
        result = CliRunner().invoke(cli, ["--store", str(db), "ingest", str(FILLER)])
        assert result.exit_code == 0, result.output
        return db.read_bytes()


def run_case(mutant: bytes, suffix: str, folder: Path, limit: float = TIME_LIMIT) -> Outcome:
    """Ingest ``mutant`` (a file named ``page<suffix>``) into a copy of the filled store, and judge."""
    db, page = folder / "store.db", folder / f"page{suffix}"
    before = filled_store()
    db.write_bytes(before)
    page.write_bytes(mutant)
    runner = CliRunner()
    try:
        with time_limit(limit):
            result = _invoke(runner, db, "ingest", str(page))
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                return Outcome("traceback", _traceback(result))
            if result.exit_code == 0:
                return _check_answers(runner, db)
    except _TimedOut:
        return Outcome("timeout", f"over {limit} s")
    if result.exit_code != 2:
        return Outcome("bad-message", f"exit {result.exit_code}: {result.output[-300:]}")
    if db.read_bytes() != before:
        return Outcome("store-changed", result.output[-300:])
    located = re.escape(str(page)) + r":\d+:\d+: expected "
    # A mutant that still reads but disagrees with the filled store's page of the same day is a
    # conflict between two sources: refused naming both (no position: no one line is at fault).
    conflict = re.escape(str(page)) + r": .* than in .*: two different pages for one release"
    if not re.fullmatch(rf"error: (?:{located}|{conflict})[^\n]*\n", result.output):
        return Outcome("bad-message", result.output[-300:])
    return Outcome("rejected", result.output.strip()[len("error: ") :][:200])


def _check_answers(runner: CliRunner, db: Path) -> Outcome:
    """A stored mutant: ``log`` and ``show --format json`` of every service answer, well-formed."""
    log = _invoke(runner, db, "log", "--format", "json")
    if log.exception is not None and not isinstance(log.exception, SystemExit):
        return Outcome("traceback", "log: " + _traceback(log))
    if log.exit_code != 0:
        return Outcome("bad-answer", f"log exit {log.exit_code}: {log.output[-300:]}")
    services = sorted({entry["service"] for entry in json.loads(log.output)})
    for service in services:
        shown = _invoke(runner, db, "show", service, "--format", "json")
        if shown.exception is not None and not isinstance(shown.exception, SystemExit):
            return Outcome("traceback", f"show {service}: " + _traceback(shown))
        try:
            operations = json.loads(shown.output)
        except ValueError:
            return Outcome("bad-answer", f"show {service}: not JSON: {shown.output[:200]!r}")
        if shown.exit_code != 0 or not all({"operation", "input", "output"} <= set(op) for op in operations):
            return Outcome("bad-answer", f"show {service} exit {shown.exit_code}: {shown.output[:200]!r}")
    for command in (["log"], ["diff", "--from", "2025-10-06"]):
        text = _invoke(runner, db, *command)
        if text.exception is not None and not isinstance(text.exception, SystemExit):
            return Outcome("traceback", f"{' '.join(command)}: " + _traceback(text))
    return Outcome("accepted")


def _invoke(runner: CliRunner, db: Path, *args: str) -> Any:
    result = runner.invoke(cli, ["--store", str(db), *args])
    if isinstance(result.exception, _TimedOut):
        raise result.exception  # CliRunner caught it: the case ran out of time
    return result


def _traceback(result: Any) -> str:
    import traceback

    assert result.exc_info is not None
    return "".join(traceback.format_exception(*result.exc_info))[-1500:]


def mutate(name: str, seed: str, rng: random.Random) -> bytes:
    return MUTATIONS[name](seed_pages()[seed], rng)


# ---------------------------------------------------------------- the campaign


@click.command()
@click.option("--cases", default=5000, show_default=True)
@click.option("--seed", default=1, show_default=True, help="Random seed of the whole campaign.")
@click.option("--limit", default=TIME_LIMIT, show_default=True, help="Seconds allowed per case.")
def main(cases: int, seed: int, limit: float) -> None:
    master = random.Random(seed)
    names, seeds = sorted(MUTATIONS), sorted(seed_pages())
    verdicts: Counter[str] = Counter()
    by_mutation: dict[str, Counter[str]] = {name: Counter() for name in names}
    failures: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for case in range(cases):
            name, page, case_seed = master.choice(names), master.choice(seeds), master.randrange(2**32)
            mutant = mutate(name, page, random.Random(case_seed))
            outcome = run_case(mutant, Path(page).suffix, Path(folder), limit)
            verdicts[outcome.verdict] += 1
            by_mutation[name][outcome.verdict] += 1
            if outcome.verdict not in ("accepted", "rejected"):
                failures.append(f"{outcome.verdict}: {name} on {page}, random seed {case_seed}\n{outcome.detail}")
            if (case + 1) % 500 == 0:
                click.echo(f"... {case + 1} cases, {time.perf_counter() - started:.0f} s", err=True)
    for failure in failures:
        click.echo(failure + "\n")
    for name, counts in by_mutation.items():
        click.echo(f"  {name}: {counts['accepted']} accepted, {counts['rejected']} rejected")
    click.echo(f"cases: {cases}")
    click.echo(f"accepted: {verdicts['accepted']}")
    click.echo(f"rejected: {verdicts['rejected']}")
    click.echo(f"tracebacks: {verdicts['traceback']}")
    click.echo(f"store changes: {verdicts['store-changed']}")
    click.echo(f"timeouts: {verdicts['timeout']}")
    click.echo(f"unclear messages or answers: {verdicts['bad-message'] + verdicts['bad-answer']}")
    click.echo(f"time: {time.perf_counter() - started:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
