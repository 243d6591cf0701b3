from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from changelog_tracker import Store
from tests.backends import BACKENDS, Stores


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "tracker.db") as opened:
        yield opened


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """New stores of each back end (the store tests run on both)."""
    made = Stores(request.param, tmp_path)
    yield made
    made.cleanup()


@pytest.fixture(scope="module", params=BACKENDS)
def module_stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    made = Stores(request.param, tmp_path_factory.mktemp(request.param))
    yield made
    made.cleanup()
