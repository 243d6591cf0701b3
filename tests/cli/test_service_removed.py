"""A service dropped from botocore, end to end on real models: the newer complete baseline lacks it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from changelog_tracker.cli import main
from tests.helpers import DATA

GONE = "arc-region-switch"


def test_diff_across_the_dropping_baseline_removes_the_service(tmp_path: Path) -> None:
    wheel, later = DATA / "history" / "baseline.zip", tmp_path / "later.zip"
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(later, "w") as target:
        for info in source.infolist():
            if f"/{GONE}/" not in info.filename:
                target.writestr(info, source.read(info))
    db, runner = str(tmp_path / "tracker.db"), CliRunner()
    for args in (["--botocore", str(wheel)], ["--botocore", str(later), "--date", "2026-02-01"]):
        assert runner.invoke(main, ["--store", db, "baseline", *args]).exit_code == 0
    result = runner.invoke(main, ["--store", db, "diff", "--from", "2026-01-09", "--format", "json"])
    found = [f for f in json.loads(result.stdout) if f["service"] == GONE]
    with zipfile.ZipFile(wheel) as source:
        [name] = [n for n in source.namelist() if f"/{GONE}/" in n]
        operations = json.loads(source.read(name))["operations"]
    assert [f["rule"] for f in found] == ["service-removed"] + ["operation-removed"] * len(operations)
    assert {f["release"] for f in found} == {"2026-02-01"} and {f["severity"] for f in found} == {"breaking"}
