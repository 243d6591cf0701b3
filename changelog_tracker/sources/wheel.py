"""Read botocore service models (``service-2`` JSON) from the installed botocore or a wheel.

Models are returned raw, as the JSON files ship: no ``sdk-extras`` merged and no customer
models from ``~/.aws/models``. That is what the AWS API change feed diffs, so generated drops
match its pages. For each service only the newest api-version is read (the version directories
are ISO dates, so the newest is the greatest string, as botocore itself decides).

A wheel's date is the date stamped on its data files (see :func:`wheel_date`); botocore ships
one release a day at most, so it names the release.
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.loaders import Loader

from ..suggest import did_you_mean

if TYPE_CHECKING:
    from ..write.ingest import Progress

DEFAULT_CACHE = Path.home() / ".cache" / "changelog-tracker" / "wheels"

# botocore/data/<service>/<api-version>/service-2.json[.gz]
_MODEL_MEMBER = re.compile(r"^botocore/data/([^/]+)/([^/]+)/service-2\.json(\.gz)?$")
_DATA_PREFIX = "botocore/data/"


def installed_models(
    services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, dict[str, Any]]:
    """Return ``{service: model}`` from the installed botocore's own data directory.

    ``services`` limits the result; a name botocore does not ship raises ``KeyError``.
    The dicts are botocore's cached objects: treat them as read-only.
    """
    loader = _installed_loader()
    available = set(installed_services())
    wanted = sorted(available) if services is None else list(services)
    models = {}
    for done, name in enumerate(wanted, 1):
        if name not in available:
            raise KeyError(f"botocore ships no model for service {name!r}{did_you_mean(name, available)}")
        version = loader.determine_latest_version(name, "service-2")
        models[name] = loader.load_data(f"{name}/{version}/service-2")
        if progress:
            progress(done, len(wanted), "reading models")
    return models


def installed_services() -> list[str]:
    """The services the installed botocore ships a model for."""
    return list(_installed_loader().list_available_services("service-2"))


def _installed_loader() -> Loader:
    return Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)


def wheel_models(
    path: str | Path, services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, dict[str, Any]]:
    """Return ``{service: model}`` read from a botocore wheel (a zip file).

    ``services`` limits the result; a name the wheel lacks raises ``KeyError``.
    """
    with zipfile.ZipFile(path) as wheel:
        members = _newest_model_members(wheel.namelist())
        wanted = sorted(members) if services is None else list(services)
        models = {}
        for done, name in enumerate(wanted, 1):
            if name not in members:
                raise KeyError(f"{path} has no model for service {name!r}{did_you_mean(name, members)}")
            models[name] = _load_member(wheel, members[name])
            if progress:
                progress(done, len(wanted), "reading models")
    return models


def wheel_services(path: str | Path) -> list[str]:
    """Return the sorted names of the services a botocore wheel has a model for."""
    with zipfile.ZipFile(path) as wheel:
        return sorted(_newest_model_members(wheel.namelist()))


def wheel_date(path: str | Path) -> date:
    """Return the release date of a botocore wheel.

    It is the most common date stamped on the wheel's ``botocore/data/`` members (the latest
    such date on a tie). All data files of a wheel carry the build date, so the mode ignores
    any stray file with another stamp. Checked: 1.40.45 -> 2025-10-03, 1.40.46 -> 2025-10-06,
    1.42.64 -> 2026-03-09, 1.42.65 -> 2026-03-10.
    """
    with zipfile.ZipFile(path) as wheel:
        stamps = collections.Counter(
            info.date_time[:3]
            for info in wheel.infolist()
            if info.filename.startswith(_DATA_PREFIX) and not info.is_dir()
        )
    if not stamps:
        raise ValueError(f"{path} has no botocore/data/ files: not a botocore wheel?")
    year, month, day = max(stamps, key=lambda stamp: (stamps[stamp], stamp))
    return date(year, month, day)


def download_wheel(version: str, dest: str | Path = DEFAULT_CACHE) -> Path:
    """Return the path of the botocore ``version`` wheel in ``dest``, downloading it if absent.

    Uses ``pip download`` from the package index; meant for scripts, never for tests.
    """
    dest = Path(dest).expanduser()
    found = _cached_wheel(version, dest)
    if found is not None:
        return found
    dest.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        f"botocore=={version}",
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(dest),
        "--quiet",
    ]
    subprocess.run(command, check=True)
    found = _cached_wheel(version, dest)
    if found is None:
        raise FileNotFoundError(f"pip left no botocore {version} wheel in {dest}")
    return found


def _cached_wheel(version: str, dest: Path) -> Path | None:
    matches = sorted(dest.glob(f"botocore-{version}-*.whl"))
    return matches[0] if matches else None


def _newest_model_members(names: Iterable[str]) -> dict[str, str]:
    """Map each service to the zip member of its newest api-version's model."""
    newest: dict[str, tuple[str, str]] = {}
    for name in names:
        match = _MODEL_MEMBER.match(name)
        if match is None:
            continue
        service, version = match.group(1), match.group(2)
        if service not in newest or version > newest[service][0]:
            newest[service] = (version, name)
    return {service: member for service, (_, member) in newest.items()}


def _load_member(wheel: zipfile.ZipFile, member: str) -> dict[str, Any]:
    raw = wheel.read(member)
    if member.endswith(".gz"):
        raw = gzip.decompress(raw)
    model: dict[str, Any] = json.loads(raw)
    return model
