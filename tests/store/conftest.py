from __future__ import annotations

from collections.abc import Iterator

import pytest

from changelog_tracker import Store
from tests.backends import Stores


@pytest.fixture
def store(stores: Stores) -> Iterator[Store]:
    """The store tests' store: one of each back end."""
    with Store(stores.new()) as opened:
        yield opened
