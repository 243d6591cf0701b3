"""Paths and loaders the tests share (conftest.py keeps only fixtures)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
SEED_2025 = SEEDS / "2025-10-06_bedrock-agentcore-control.txt"
SEED_2026 = SEEDS / "2026-03-10_bedrock-agentcore-control.txt"


def committed_model(service: str, version: str) -> dict[str, Any]:
    """A botocore service-2.json committed as test data (scripts/make_drops.py writes them)."""
    with gzip.open(DATA / "models" / service / f"{version}.json.gz", "rt", encoding="utf-8") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


def store_answers(db: str | Path) -> str:
    """What a store says: log, and every service's operations (JSON) at every release; two stores
    with equal answers are the same to every reader (the crash and resume tests compare these)."""
    from changelog_tracker import Store, log, show

    with Store(db) as store:
        shown = {
            f"{service}@{release}": [s.to_json() for s in show(store, service, at=release)]
            for service in store.services()
            for release in store.releases(service)
        }
        return json.dumps({"log": [e.to_json() for e in log(store)], "show": shown}, sort_keys=True)


def dump(store: Any) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every row of a store, table by table in key order: equal dumps are the same store, whatever its back end."""
    from changelog_tracker.graph.store import KEYS

    return [(table, list(store.rows(table))) for table in KEYS]
