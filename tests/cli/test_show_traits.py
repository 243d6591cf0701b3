"""show --format json: the traits a model knows, as extra keys beside SPEC.md section 3's fixed ones."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from changelog_tracker.cli import main
from changelog_tracker.graph.store import Store
from changelog_tracker.model import Page, PageMethod
from changelog_tracker.query.lookup import Shown
from changelog_tracker.render.views import SHOW_FORMATS
from changelog_tracker.write.ingest import store_pages
from tests.read.test_traits import converted, service_files

FIXED = {"service", "operation", "release", "input", "output"}
OPERATION = {"errors", "paginator", "waiters", "deprecated"}


def test_known_traits_are_extra_keys_and_the_fixed_keys_keep_their_meaning() -> None:
    op = next(op for op in converted("s3control") if op.name == "get_access_point")
    assert op.traits is not None
    shown = Shown("s3control", "2026-03-10", op).to_json()
    assert set(shown) == FIXED | OPERATION | {"traits"}
    assert (shown["errors"], shown["paginator"], shown["waiters"], shown["deprecated"]) == ([], None, [], False)
    assert {"input": shown["input"], "output": shown["output"]} == op.to_json()
    less_names = {path: {k: v for k, v in found.items() if k != "shape"} for path, found in op.traits.items() if path}
    assert shown["traits"] == less_names and op.traits["input"] == {"shape": "GetAccessPointRequest"}
    assert shown["traits"]["input.AccountId"]["host_label"] is True


def test_unknown_paths_have_no_key() -> None:
    op = next(op for op in converted("dynamodb") if op.name == "scan")
    assert op.traits is not None
    partial = {path: found for path, found in op.traits.items() if path in ("input", "input.TableName")}
    shown = Shown("dynamodb", "2026-03-10", replace(op, traits=partial)).to_json()
    assert set(shown) == FIXED | {"traits"} and set(shown["traits"]) == {"input", "input.TableName"}
    shown = Shown("dynamodb", "2026-03-10", op).to_json()
    assert shown["paginator"] == op.traits[""]["paginator"] and shown["errors"] == op.traits[""]["errors"]


def test_a_page_operation_shows_the_fixed_keys_only() -> None:
    op = next(op for op in converted("s3control") if op.name == "get_access_point")
    shown = Shown("s3control", "2026-03-10", replace(op, traits=None))
    assert set(shown.to_json()) == FIXED
    text = SHOW_FORMATS["json"].write([shown], True)
    assert '"traits"' not in text and '"errors"' not in text


def test_show_json_of_a_stored_model_carries_its_traits(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    ops = converted("dynamodb")
    page = Page(
        "botocore",
        dt.date(2026, 3, 10),
        None,
        tuple(PageMethod(op, "new") for op in ops),
        service="dynamodb",
        complete=True,
    )
    with Store(path) as store:
        store_pages(store, [page])
    result = CliRunner().invoke(main, ["--store", str(path), "show", "dynamodb", "describe_table", "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    [op] = [op for op in ops if op.name == "describe_table"]
    assert op.traits is not None
    assert shown["waiters"] == ["TableExists", "TableNotExists"] and shown["errors"] == op.traits[""]["errors"]
    assert shown["traits"] == {p: {k: v for k, v in t.items() if k != "shape"} for p, t in op.traits.items() if p}
    assert {"input": shown["input"], "output": shown["output"]} == op.to_json()
    assert service_files("dynamodb")[0]["operations"]["DescribeTable"]["errors"]
