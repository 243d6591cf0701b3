"""The README's main job on the bundled data: baseline, drops, report; every delta summary holds."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from changelog_tracker import Store
from changelog_tracker.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_main_job_on_the_bundled_data(tmp_path: Path) -> None:
    db, site = str(tmp_path / "tracker.db"), tmp_path / "site"
    runner = CliRunner()
    for args in (["baseline", "--botocore", str(ROOT / "data" / "baseline.zip")],
                 ["ingest", str(ROOT / "data" / "drops")], ["report", "--out", str(site)]):
        result = runner.invoke(main, ["--store", db, *args])
        assert result.exit_code == 0, result.output
    assert (site / "index.html").exists() and len(list((site / "releases").iterdir())) >= 20
    entries = json.loads(runner.invoke(main, ["--store", db, "log", "--format", "json"]).output)
    verdicts = [v["status"] for e in entries for v in e["delta_summaries"]]
    assert len({e["service"] for e in entries}) >= 10
    assert "mismatch" not in verdicts and verdicts.count("confirmed") > 100


def test_diff_from_any_date_adds_only_what_a_page_calls_new(tmp_path: Path) -> None:
    # README's data: every service's first state is a partial page or the 2026-01-09 baseline.
    db = str(tmp_path / "tracker.db")
    runner = CliRunner()
    for args in (
        ["baseline", "--botocore", str(ROOT / "data" / "baseline.zip")],
        ["ingest", str(ROOT / "data" / "drops")],
    ):
        assert runner.invoke(main, ["--store", db, *args]).exit_code == 0
    with Store(db) as store:
        first = {s: set(store.state(s, store.releases(s)[0])) for s in store.services()}
        partial = [(p, m) for p in store.pages() if not p.complete for m in p.methods]
        new = {(p.release, p.service, m["operation"]) for p, m in partial if m["status"] == "new"}
    for since in ("2025-01-01", "2025-10-06", "2026-01-01", "2026-01-10"):
        result = runner.invoke(main, ["--store", db, "diff", "--from", since, "--to", "2026-03-10", "--format", "json"])
        found = json.loads(result.stdout)
        added = {(f["service"], f["operation"]) for f in found if f["kind"] == "operation-added"}
        assert not [a for a in added if a[1] in first[a[0]]], since
        assert added == {(s, o) for day, s, o in new if day > since}, since  # exactly those a page lists as new
    # The README's CI example: only real changes (749; it printed 1,473 with 1,446 "new" operations before).
    ci = ["diff", "--from", "2025-10-06", "--to", "2026-03-10", "--format", "github", "--fail-on", "breaking"]
    lines = runner.invoke(main, ["--store", db, *ci]).stdout.splitlines()
    judged = json.loads(runner.invoke(main, ["--store", db, *ci[:5], "--format", "json"]).stdout)
    assert len(lines) == len(judged) < 800
    assert sum(line.startswith("::error ") for line in lines) == sum(f["severity"] == "breaking" for f in judged) > 0
    assert sum("title=operation-added::" in line for line in lines) == len({(s, o) for _, s, o in new}) == 32
