"""Fuzzing ingest with mutants of real pages: each is stored (and then answers well-formed) or
rejected with exit 2 and a located message, the store untouched; never a traceback or a hang.

The mutations and the judge are scripts/fuzz_campaign.py's (which runs a long campaign);
hypothesis picks the seed page, the mutation and its random choices, and shrinks a failure.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts import fuzz_campaign as fuzz

PAGES = sorted(fuzz.seed_pages())
TEXT_PAGES = [name for name in PAGES if name.endswith(".txt")]
CASE_LIMIT = 30.0  # seconds (the slowest case takes about 1 s): a hang fails the case instead of the run

_SETTINGS = settings(
    max_examples=120,
    deadline=None,  # each case is bounded by CASE_LIMIT instead (a deadline cannot stop a hang)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


def _judge(name: str, page: str, rng: random.Random, folder: Path) -> None:
    mutant = fuzz.mutate(name, page, rng)
    outcome = fuzz.run_case(mutant, Path(page).suffix, folder, CASE_LIMIT)
    assert outcome.verdict in ("accepted", "rejected"), f"{outcome.verdict}: {name} on {page}\n{outcome.detail}"


@_SETTINGS
@given(name=st.sampled_from(sorted(fuzz.MUTATIONS)), page=st.sampled_from(TEXT_PAGES), rng=st.randoms())
def test_text_page_mutants(name: str, page: str, rng: random.Random, tmp_path: Path) -> None:
    _judge(name, page, rng, tmp_path)


@settings(_SETTINGS, max_examples=80)
@given(name=st.sampled_from(sorted(fuzz.MUTATIONS)), rng=st.randoms())
def test_html_page_mutants(name: str, rng: random.Random, tmp_path: Path) -> None:
    _judge(name, "feed.html", rng, tmp_path)


@pytest.mark.parametrize("name", sorted(fuzz.MUTATIONS))
@pytest.mark.parametrize("page", PAGES)
def test_every_mutation_on_every_seed(name: str, page: str, tmp_path: Path) -> None:
    _judge(name, page, random.Random(f"{name}:{page}"), tmp_path)


def test_the_seeds_themselves_are_accepted(tmp_path: Path) -> None:
    for page, data in fuzz.seed_pages().items():
        assert fuzz.run_case(data, Path(page).suffix, tmp_path).verdict == "accepted", page


def test_the_judge_sees_tracebacks_and_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The judge is not blind: a reader that crashes, or never returns, fails the case."""
    import time

    from changelog_tracker.sources import text

    def crash(*_args: object) -> None:
        raise RecursionError("deep")

    def hang(*_args: object) -> None:
        time.sleep(60)

    page = fuzz.seed_pages()["pagegen-oneline.txt"]
    monkeypatch.setattr(text, "read_text", crash)
    outcome = fuzz.run_case(page, ".txt", tmp_path)
    assert outcome.verdict == "traceback" and "RecursionError" in outcome.detail
    monkeypatch.setattr(text, "read_text", hang)
    assert fuzz.run_case(page, ".txt", tmp_path, limit=0.5).verdict == "timeout"
