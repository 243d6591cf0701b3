"""A page title that several services share (ses and sesv2 are both "Amazon Simple Email Service")
names none of them: ingest asks for --service instead of storing the page under either."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from changelog_tracker.cli import main
from changelog_tracker.sources import services
from changelog_tracker.sources.botocore import full_name
from changelog_tracker.sources.wheel import installed_models
from oracle import pagegen

SHARED = sorted(
    (name, tuple(found)) for name, found in services._table().items() if isinstance(found, list)
)  # fmt: skip


def _one_operation(service: str) -> dict[str, Any]:
    """The installed botocore's model of ``service`` with its first operation only (all shapes kept)."""
    model = installed_models([service])[service]
    first = sorted(model["operations"])[0]
    return {**model, "operations": {first: model["operations"][first]}}


@pytest.fixture(scope="module")
def ses_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = pagegen.page_between(None, _one_operation("ses"), date(2026, 3, 10), None, "multiline", "ses")
    assert page is not None
    path = tmp_path_factory.mktemp("pages") / "2026-03-10_ses.txt"
    path.write_text(page, encoding="utf-8")
    return path


def test_the_real_models_share_the_titles_the_table_lists() -> None:
    """The table's shared names are real: each service's own model carries that title."""
    assert SHARED, "the bundled table lists no shared title"
    models = installed_models([service for _, found in SHARED for service in found])
    for name, found in SHARED:
        assert {full_name(models[service]).casefold() for service in found} == {name}


def test_a_shared_title_without_service_is_refused_and_nothing_stored(ses_page: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", str(ses_page)])
    assert result.exit_code == 2
    assert f"{ses_page}:1:1: expected --service ses or sesv2" in result.output
    assert "Traceback" not in result.output
    assert not db.exists() or "ses" not in CliRunner().invoke(main, ["--store", str(db), "log"]).output


@pytest.mark.parametrize("service", ["ses", "sesv2"])
def test_service_says_which_one_the_page_is(ses_page: Path, tmp_path: Path, service: str) -> None:
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["--store", str(db), "ingest", "--service", service, str(ses_page)])
    assert result.exit_code == 0, result.output
    shown = CliRunner().invoke(main, ["--store", str(db), "show", service])
    assert shown.exit_code == 0 and shown.output.startswith(f"# {service} clone_receipt_rule_set (2026-03-10)")


def test_a_service_the_title_does_not_name_is_refused(ses_page: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s.db"), "ingest", "--service", "sqs", str(ses_page)])
    assert result.exit_code == 2 and "expected --service ses or sesv2" in result.output


@given(st.sampled_from(SHARED), st.sampled_from(["", " ", "  "]), st.booleans())
def test_a_shared_title_resolves_to_nothing_whatever_a_store_learned(
    shared: tuple[str, tuple[str, ...]], pad: str, upper: bool
) -> None:
    name, found = shared
    spelled = pad + (name.upper() if upper else name) + pad
    assert services.resolve(spelled, {name: found[-1]}) is None
    assert services.sharing(spelled) == found
    assert all(services.resolve(service) == service for service in found)  # boto3 names stay exact
