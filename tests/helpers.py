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
