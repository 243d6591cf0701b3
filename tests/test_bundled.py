"""The README's main job on the bundled data: baseline, drops, report; every delta summary holds."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from changelog_tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]


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
