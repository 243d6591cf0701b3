"""Both store back ends for the store tests: SQLite files, and PostgreSQL where
``$CHANGELOG_TRACKER_TEST_POSTGRESQL`` names a database the tests may make schemas in (`.ci/run`
starts a server and sets it; README: "Tests on PostgreSQL"). Without it the PostgreSQL cases skip.

Each PostgreSQL store is a schema of its own (``search_path`` in the URL), dropped after the test.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

POSTGRESQL = os.environ.get("CHANGELOG_TRACKER_TEST_POSTGRESQL", "")
BACKENDS = ["sqlite", "postgresql"]


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


class Stores:
    """New, empty store locations of one back end."""

    def __init__(self, backend: str, folder: Path) -> None:
        if backend == "postgresql" and not POSTGRESQL:
            pytest.skip("no PostgreSQL server: set CHANGELOG_TRACKER_TEST_POSTGRESQL (README: Tests on PostgreSQL)")
        self.backend, self.folder = backend, folder
        self.schemas: list[str] = []

    def new(self, name: str = "tracker") -> str:
        if self.backend == "sqlite":
            return str(self.folder / f"{name}.db")
        import psycopg

        schema = f"t_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRESQL, autocommit=True) as db:
            db.execute(f"CREATE SCHEMA {schema}")
        self.schemas.append(schema)
        return with_schema(POSTGRESQL, schema)

    def made(self, where: str) -> bool:
        """Whether a command made a store at ``where`` (a killed one may not have)."""
        if self.backend == "sqlite":
            return Path(where).exists() and Path(where).stat().st_size > 0
        import psycopg

        with psycopg.connect(where, autocommit=True) as db:
            return db.execute("SELECT to_regclass('store_format')").fetchone()[0] is not None  # type: ignore[index]

    def cleanup(self) -> None:
        if not self.schemas:
            return
        import psycopg

        with psycopg.connect(POSTGRESQL, autocommit=True) as db:
            for schema in self.schemas:
                db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
