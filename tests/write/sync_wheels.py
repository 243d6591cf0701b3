"""Small botocore wheels built from the real model files of tests/data/history (12 services): a
service's file at version v is the newest committed one at or before v (manifest.json dates each
version); each wheel's data files carry its release date, as botocore's wheels do."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

from tests.helpers import DATA

HISTORY = DATA / "history"
MANIFEST = json.loads((HISTORY / "manifest.json").read_text())
DATES = dict(MANIFEST["versions"])
# folder under tests/data/history -> the botocore file it holds (paginators/waiters: JSON null = not shipped)
FOLDERS = {"models": "service-2", "paginators": "paginators-1", "waiters": "waiters-2"}


def key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def versions(first: str, last: str) -> list[str]:
    return [v for v, _ in MANIFEST["versions"] if key(first) <= key(v) <= key(last)]


def committed(folder: str, service: str, version: str) -> bytes | None:
    """The newest committed file of ``service`` at or before ``version`` (None: none, or JSON null)."""
    where = HISTORY / folder / service
    dated = {key(p.name.removesuffix(".json.gz")): p for p in where.glob("*.json.gz")} if where.is_dir() else {}
    older = [dated[k] for k in sorted(dated) if k <= key(version)]
    if not older:
        return None
    raw = gzip.decompress(older[-1].read_bytes())
    return None if json.loads(raw) is None else raw


def changed_at(service: str, version: str) -> bool:
    """Whether a file of ``service`` is committed at exactly ``version`` (its files changed there)."""
    return any((HISTORY / folder / service / f"{version}.json.gz").exists() for folder in FOLDERS)


def build_wheel(folder: Path, version: str, date: str | None = None) -> Path:
    """``version``'s wheel, its files dated ``date`` (default: its real release day)."""
    year, month, day = (int(p) for p in (date or DATES[version]).split("-"))
    stamp = (year, month, day, 12, 0, 0)
    path = folder / f"botocore-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as wheel:
        wheel.writestr(zipfile.ZipInfo("botocore/__init__.py", (2020, 1, 1, 0, 0, 0)), f"__version__ = {version!r}\n")
        for service in MANIFEST["services"]:
            model = committed("models", service, version)
            assert model is not None
            api = json.loads(model)["metadata"]["apiVersion"]
            for name, stem in FOLDERS.items():
                raw = model if name == "models" else committed(name, service, version)
                if raw is not None:
                    info = zipfile.ZipInfo(f"botocore/data/{service}/{api}/{stem}.json", stamp)
                    wheel.writestr(info, raw)
    return path


def build_wheels(folder: Path, first: str, last: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [build_wheel(folder, version) for version in versions(first, last)]
