"""A store that is ours, checked on open: anything else is refused with one line naming the file
(exit 2, no traceback), and a refused store is left byte-identical."""

from __future__ import annotations

import gzip
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker import Store, baseline
from changelog_tracker.cli import main
from changelog_tracker.terminal import printable
from tests.helpers import SEED_2025, SEED_2026

SERVICE = "bedrock-agentcore-control"
README = Path(__file__).parents[2] / "README.md"
BUNDLED_WHEEL = Path(__file__).parents[1] / "data" / "history" / "baseline.zip"
READS: list[list[str]] = [
    ["log"],
    ["show", SERVICE],
    ["diff", "--from", "2025-01-01"],
    ["notes", "--from", "2025-01-01"],
    [
        "check",
        str(Path(__file__).parents[1] / "data" / "payloads" / "a2a-runtime.json"),
        "--service",
        SERVICE,
        "--operation",
        "x",
    ],
    ["stubs", SERVICE, "--out", "{tmp}/stubs"],
    ["report", "--out", "{tmp}/site"],
]
WRITES: list[list[str]] = [["ingest", str(SEED_2025)], ["baseline", "--botocore", "--service", "s3"]]


def invoke(store: Path, args: list[str], tmp: Path) -> Result:
    return CliRunner().invoke(main, ["--store", str(store), *(a.replace("{tmp}", str(tmp)) for a in args)])


def assert_refused(result: Result, store: Path, pattern: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(store) in lines[0], result.output
    assert pattern in lines[0], lines[0]


def _snapshot(path: Path) -> tuple[bytes, list[str]]:
    data = path.read_bytes() if path.is_file() else b""
    return data, sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    db = tmp_path / "ours.db"
    assert invoke(db, ["ingest", str(SEED_2025), str(SEED_2026)], tmp_path).exit_code == 0
    return db


def _foreign(tmp: Path) -> Path:
    path = tmp / "foreign.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'ada')")
    return path


def _text(tmp: Path) -> Path:
    path = tmp / "README.md"
    path.write_bytes(README.read_bytes())
    return path


def _truncated(ours: Path) -> Path:
    ours.write_bytes(ours.read_bytes()[: ours.stat().st_size // 2])
    return ours


def _corrupt(ours: Path) -> Path:
    data = bytearray(ours.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page's cells
    ours.write_bytes(bytes(data))
    return ours


def _dropped_table(ours: Path) -> Path:
    with sqlite3.connect(ours) as db:
        db.execute("DROP TABLE unions")
    return ours


def _altered_table(ours: Path) -> Path:
    with sqlite3.connect(ours) as db:
        db.execute("ALTER TABLE pages ADD COLUMN extra TEXT")
    return ours


def _old_format(ours: Path) -> Path:
    """A store as the release before format 1 wrote it: our tables, no application id, no version."""
    with sqlite3.connect(ours) as db:
        db.execute("PRAGMA application_id = 0")
        db.execute("PRAGMA user_version = 0")
        for table in sorted(set(_tables(db)) - {"nodes", "versions", "pages", "names", "unions"}):
            db.execute(f"DROP TABLE {table}")
    return ours


def _newer_format(ours: Path) -> Path:
    with sqlite3.connect(ours) as db:
        db.execute("PRAGMA user_version = 99")
    return ours


def _tables(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]


BAD: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "text file": (lambda tmp, _ours: _text(tmp), "not a changelog-tracker store"),
    "folder": (lambda tmp, _ours: tmp, "a folder"),
    "foreign sqlite": (lambda tmp, _ours: _foreign(tmp), "another application"),
    "truncated": (lambda _tmp, ours: _truncated(ours), "truncated"),
    "corrupt": (lambda _tmp, ours: _corrupt(ours), "not a changelog-tracker store"),
    "dropped table": (lambda _tmp, ours: _dropped_table(ours), "schema"),
    "altered table": (lambda _tmp, ours: _altered_table(ours), "schema"),
    "older format": (lambda _tmp, ours: _old_format(ours), "rebuild it with baseline and ingest"),
    "newer format": (lambda _tmp, ours: _newer_format(ours), "newer"),
}


@pytest.mark.parametrize("command", [*READS, *WRITES], ids=lambda c: c[0])
@pytest.mark.parametrize("case", sorted(BAD))
def test_a_store_that_is_not_ours_is_refused(case: str, command: list[str], ours: Path, tmp_path: Path) -> None:
    make, pattern = BAD[case]
    bad = make(tmp_path, ours)
    before = _snapshot(bad)
    assert_refused(invoke(bad, command, tmp_path / "out"), bad, pattern)
    assert _snapshot(bad) == before


def test_a_foreign_database_gets_none_of_our_tables(tmp_path: Path) -> None:
    foreign = _foreign(tmp_path)
    invoke(foreign, ["ingest", str(SEED_2025)], tmp_path)
    with sqlite3.connect(foreign) as db:
        assert _tables(db) == ["customers"]


@pytest.mark.parametrize("command", READS, ids=lambda c: c[0])
def test_reads_never_create_a_store(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "tracker.db"
    result = invoke(missing, command, tmp_path / "out")
    assert_refused(result, missing, "no store at")
    assert "run baseline or ingest first" in result.output
    assert not (tmp_path / "no").exists()


def test_only_ingest_and_baseline_create_a_store(tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "folder" / "tracker.db"
    assert invoke(fresh, ["ingest", str(SEED_2025)], tmp_path).exit_code == 0
    with sqlite3.connect(fresh) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == Store.APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == Store.FORMAT_VERSION
    assert invoke(fresh, ["log"], tmp_path).exit_code == 0


def test_an_empty_file_is_a_new_store_for_writes_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert_refused(invoke(empty, ["log"], tmp_path), empty, "no store at")
    assert invoke(empty, ["ingest", str(SEED_2025)], tmp_path).exit_code == 0


def test_a_read_only_store_reads_but_refuses_writes(
    ours: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours.chmod(stat.S_IRUSR)
    if os.geteuid() == 0:  # root may write anyway: let os.access answer from the mode bits, as for a user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: real(p, mode) and not (mode & os.W_OK and Path(p) == ours))
    try:
        before = _snapshot(ours)
        assert_refused(invoke(ours, ["ingest", str(SEED_2025)], tmp_path), ours, "read-only")
        assert _snapshot(ours) == before
        assert SERVICE in invoke(ours, ["log"], tmp_path).output
    finally:
        ours.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_real_process_on_a_text_file_prints_one_line(tmp_path: Path) -> None:
    text = _text(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "changelog_tracker", "--store", str(text), "log"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: {text}: "), proc.stderr


# -- baseline --botocore on what is not a wheel ----------------------------------------------------
def _not_wheels(tmp: Path) -> dict[str, Path]:
    empty_zip = tmp / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("README.txt", "no models here")
    truncated = tmp / "truncated.whl"
    truncated.write_bytes(BUNDLED_WHEEL.read_bytes()[:50_000])
    empty = tmp / "empty.whl"
    empty.touch()
    return {"text": _text(tmp), "zip without models": empty_zip, "truncated": truncated, "empty": empty}


def test_baseline_of_what_is_not_a_wheel_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "store" / "tracker.db"
    for case, path in _not_wheels(tmp_path).items():
        result = invoke(db, ["baseline", "--botocore", str(path)], tmp_path)
        assert result.exit_code == 2, (case, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (case, result.exception)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}: not a botocore wheel"), (case, lines)
        assert not db.exists(), case  # a failed command leaves no store behind


def test_a_failed_ingest_leaves_no_new_store(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    result = invoke(db, ["ingest", str(_text(tmp_path))], tmp_path)
    assert result.exit_code == 2
    assert not db.exists() and not list(tmp_path.glob("tracker.db*"))


def test_the_baseline_progress_names_its_stages(tmp_path: Path) -> None:
    seen: list[str] = []

    def progress(done: int, total: int, stage: str = "") -> None:
        assert 0 < done <= total
        if not seen or seen[-1] != stage:
            seen.append(stage)

    with Store(tmp_path / "s.db") as store:
        baseline(store, BUNDLED_WHEEL, services=["ecs", "eks"], progress=progress)
    assert seen == ["reading models", "converting models", "encoding", "writing"]


# -- ingest: no input; --service only where the page cannot name its service ------------------------
DYNAMODB = Path(__file__).parents[2] / "data" / "drops" / "2026-02-23_dynamodb.txt"


def test_ingest_of_an_empty_folder_is_refused(tmp_path: Path) -> None:
    db, empty = tmp_path / "tracker.db", tmp_path / "drops"
    empty.mkdir()
    (empty / ".hidden").write_text("not a page")
    assert_refused(invoke(db, ["ingest", str(empty)], tmp_path), empty, "no page files")
    assert not db.exists()


@pytest.mark.parametrize(
    ("service", "message"),
    [
        ("lambda", "2026-02-23_dynamodb.txt:1:1: expected a page of --service 'lambda', found 'Amazon DynamoDB'"),
        ("lamda", "--service 'lamda': no known service; did you mean 'lambda'"),
        ("dynamodbb", "did you mean 'dynamodb'"),
    ],
)
def test_ingest_service_never_misfiles_a_page(service: str, message: str, ours: Path, tmp_path: Path) -> None:
    before = _snapshot(ours)
    result = invoke(ours, ["ingest", str(DYNAMODB), "--service", service], tmp_path)
    assert result.exit_code == 2 and message in result.output, result.output
    assert result.output.count("\n") == 1
    assert _snapshot(ours) == before


def test_ingest_service_names_a_page_whose_name_is_unknown(ours: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.txt"
    text = DYNAMODB.read_text(encoding="utf-8")
    renamed.write_text(text.replace(" - Amazon DynamoDB - ", " - Amazon Dynamo Database Service - ", 1))
    assert invoke(ours, ["ingest", str(renamed), "--service", "DynamoDB"], tmp_path).exit_code == 0
    assert invoke(ours, ["ingest", str(DYNAMODB), "--service", "Amazon DynamoDB"], tmp_path).exit_code == 0
    log = invoke(ours, ["log", "dynamodb"], tmp_path).output
    assert "2026-02-23  dynamodb" in log
    services = invoke(ours, ["log"], tmp_path).output
    assert "amazon-dynamo" not in services and "lambda" not in services


# -- real wheels: a service dropped from botocore, a baseline and a page of one day ------------------
def _trimmed_wheel(tmp: Path, services: set[str], stamp: tuple[int, int, int], name: str) -> Path:
    """The bundled wheel's real models of ``services``, their files stamped with another release date."""
    path = tmp / name
    with zipfile.ZipFile(BUNDLED_WHEEL) as source, zipfile.ZipFile(path, "w") as wheel:
        for info in source.infolist():
            if info.filename.split("/")[2:3] and info.filename.split("/")[2] in services:
                wheel.writestr(zipfile.ZipInfo(info.filename, (*stamp, 12, 0, 0)), source.read(info))
    return path


def test_a_service_a_newer_full_baseline_lacks_has_ended(tmp_path: Path) -> None:
    both = _trimmed_wheel(tmp_path, {"bedrock-agentcore", "ecr"}, (2026, 1, 9), "botocore-1.whl")
    one = _trimmed_wheel(tmp_path, {"bedrock-agentcore"}, (2026, 2, 2), "botocore-2.whl")
    only = _trimmed_wheel(tmp_path, {"bedrock-agentcore"}, (2026, 3, 3), "botocore-3.whl")
    for n, order in enumerate([[both, one], [one, both]]):
        db = tmp_path / f"{n}.db"
        for wheel in order:
            assert invoke(db, ["baseline", "--botocore", str(wheel)], tmp_path).exit_code == 0
        # a baseline of some services (--service) says nothing of the others
        assert (
            invoke(db, ["baseline", "--botocore", str(only), "--service", "bedrock-agentcore"], tmp_path).exit_code == 0
        )
        with Store(db) as store:
            assert store.ended("ecr") == "2026-02-02" and store.ended("bedrock-agentcore") is None
            assert len(store.state("ecr", "2026-02-01")) > 0
            assert store.state("ecr", "2026-02-02") == {} == store.state("ecr", "2026-12-31")
            assert store.releases("ecr") == ["2026-01-09", "2026-02-02"]
        shown = invoke(db, ["show", "ecr", "describe_repositories", "--at", "2026-02-02"], tmp_path)
        assert shown.exit_code == 2


def test_a_baseline_and_a_page_of_one_day_agree_in_either_order(tmp_path: Path) -> None:
    """A baseline and the feed's page of its day are two sources of one release: they must agree on
    every method the page lists (a section the page cut is the baseline's; documentation is the fuller)."""
    wheel = tmp_path / "botocore-1.42.65.whl"
    raw = gzip.decompress((Path(__file__).parents[1] / "data" / "models" / SERVICE / "1.42.65.json.gz").read_bytes())
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo(f"botocore/data/{SERVICE}/2023-06-05/service-2.json", (2026, 3, 10, 0, 0, 0)), raw
        )
    answers = set()
    for n, order in enumerate([[["baseline", "--botocore", str(wheel)], ["ingest", str(SEED_2026)]],
                               [["ingest", str(SEED_2026)], ["baseline", "--botocore", str(wheel)]]]):  # fmt: skip
        db = tmp_path / f"{n}.db"
        for command in order:
            result = invoke(db, command, tmp_path)
            assert result.exit_code == 0, result.output
        answers.add(invoke(db, ["show", SERVICE, "--format", "json"], tmp_path).output)
        answers.add(invoke(db, ["log", "--format", "json"], tmp_path).output)
    assert len(answers) == 2


# -- damage anywhere in a store: a clean answer or a clean refusal ------------------------------------
@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("real") / "tracker.db"
    assert invoke(db, ["ingest", str(SEED_2025), str(SEED_2026), str(DYNAMODB)], db.parent).exit_code == 0
    return db


def _damaged_reads(db: Path, tmp_path: Path) -> list[tuple[list[str], Result]]:
    """log, show and diff on a damaged store: each answers or is refused, never a traceback."""
    done = []
    reads = (["log", "--format", "json"], ["show", SERVICE, "--format", "json"], ["diff", "--from", "2025-01-01"])
    for command in reads:
        result = invoke(db, command, tmp_path)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
        done.append((command, result))
    return done


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_damaged_store_answers_or_is_refused_cleanly(
    real_store: Path, tmp_path: Path, data: st.DataObject
) -> None:
    damaged = bytearray(real_store.read_bytes())
    start = data.draw(st.integers(100, len(damaged) - 1), label="offset")
    length = data.draw(st.integers(1, 64), label="length")
    damaged[start : start + length] = data.draw(st.binary(min_size=length, max_size=length), label="bytes")
    db = tmp_path / f"damaged-{start}-{length}.db"
    db.write_bytes(bytes(damaged))
    for command, result in _damaged_reads(db, tmp_path):
        if result.exit_code != 0:
            assert result.exit_code == 2 and result.output.startswith("error: "), (command, result.output)
            assert result.output.count("\n") == 1 and printable(result.output[:-1]) == result.output[:-1]


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE versions SET input = 'z' || substr(input, 2) WHERE input IS NOT NULL AND input != 'undocumented'",
        "UPDATE versions SET release = substr(release, 1, 9) || char(0)",
        "UPDATE pages SET release = '2025-13-40'",
        "INSERT INTO coverage VALUES ('2025-02-30', 'botocore 0')",
    ],
    ids=["id", "release-nul", "release-not-a-day", "coverage-not-a-day"],
)
def test_a_damaged_row_is_refused_cleanly(real_store: Path, tmp_path: Path, damage: str) -> None:
    """Rows carry no hash as bodies do: an id or a date a row holds is checked where it is read (found
    by the property test above: a NUL in a date, a letter in an id raised ValueError)."""
    db = tmp_path / "damaged.db"
    db.write_bytes(real_store.read_bytes())
    with sqlite3.connect(db) as connection:
        connection.execute(damage)
    connection.close()
    refused = 0
    for _command, result in _damaged_reads(db, tmp_path):
        if result.exit_code != 0:
            assert_refused(result, db, "the store is damaged")
            refused += 1
    assert refused >= 1


def test_a_page_dated_outside_the_range_never_reaches_the_store(tmp_path: Path) -> None:
    # The readers check the range; pages made through the API (store_pages) meet the same gate,
    # so no store ever holds a day like 0001-01-01 (the day before it does not exist).
    import datetime as dt

    from changelog_tracker.errors import ParseError
    from changelog_tracker.model import Operation, Page, PageMethod, Structure
    from changelog_tracker.write.ingest import store_pages

    page = Page("api", dt.date(1, 1, 1), None, (PageMethod(Operation("op", Structure(), None), "new"),), None,
                service="lambda")
    with Store(tmp_path / "t.db") as store:
        with pytest.raises(ParseError, match="a date from 1970-01-01 to 2999-12-31"):
            store_pages(store, [page])
        assert store.services() == []
