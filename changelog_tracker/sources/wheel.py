"""Read botocore service models (``service-2`` JSON, with their paginators and waiters) from the
installed botocore or a wheel.

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
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..suggest import did_you_mean
from .releases import download_wheel, user_cache

if TYPE_CHECKING:
    from ..write.ingest import Progress

__all__ = ["DEFAULT_CACHE", "ServiceFiles", "download_wheel", "installed_files", "installed_models", "wheel_date"]

DEFAULT_CACHE = user_cache()

# The files one service's converted model is made of, in digest order.
FILES = ("service-2", "paginators-1", "waiters-2")
# botocore/data/<service>/<api-version>/<file>.json[.gz]
_MEMBER = re.compile(r"^(?:botocore/data/)?([^/]+)/([^/]+)/(service-2|paginators-1|waiters-2)\.json(\.gz)?$")
_DATA_PREFIX = "botocore/data/"
_SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # a folder name of botocore/data: no glob or path characters


@dataclass(frozen=True)
class ServiceFiles:
    """One service's newest api-version: its model, paginators and waiters (None: not shipped), and the
    digest of the three files as shipped (see :func:`digest_of`)."""

    model: dict[str, Any]
    paginators: dict[str, Any] | None
    waiters: dict[str, Any] | None
    digest: str


Read = Callable[[str], bytes]
Members = dict[str, dict[str, str]]  # service -> {file stem: member name}


def digest_of(raw: Iterable[bytes | None]) -> str:
    """sha256 of the files' bytes in order, each prefixed by its length ("-" where absent), so the
    same bytes as paginators or as waiters differ. botocore gzips each model again for every
    release, stamping the time in the gzip header: those four bytes are left out, so an unchanged
    model keeps its digest (the compressed stream itself is the same)."""
    hasher = hashlib.sha256()
    for data in raw:
        if data is None:
            hasher.update(b"-")
            continue
        if data[:2] == b"\x1f\x8b":
            data = data[:4] + b"\0\0\0\0" + data[8:]
        hasher.update(b"%d:" % len(data) + data)
    return hasher.hexdigest()


def wheel_files(
    path: str | Path, services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, ServiceFiles]:
    """``{service: ServiceFiles}`` read from a botocore wheel (a zip file).

    ``services`` limits the result; a name the wheel lacks raises ``KeyError``."""
    with zipfile.ZipFile(path) as wheel:
        return _files(newest_files(wheel.namelist()), wheel.read, services, f"{path} has no model", progress)


def wheel_digests(path: str | Path) -> dict[str, str]:
    """``{service: digest}`` of a wheel: the files hashed, nothing parsed (cheap)."""
    with zipfile.ZipFile(path) as wheel:
        members = newest_files(wheel.namelist())
        return {s: digest_of(_raw(files, wheel.read)) for s, files in sorted(members.items())}


def installed_files(
    services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, ServiceFiles]:
    """``{service: ServiceFiles}`` from the installed botocore's own data directory."""
    root = _installed_data()
    read: Read = lambda name: (root / name).read_bytes()  # noqa: E731
    wanted = None if services is None else list(services)
    if wanted is not None and all(_SERVICE_NAME.fullmatch(name) for name in wanted):
        # Only their folders: listing every service's files takes 60 ms (ingest names a page's cut
        # methods from one model); a name botocore lacks lists them all, for the suggestion.
        names = [str(p.relative_to(root)) for name in wanted for p in root.glob(f"{name}/*/*.json*")]
        members = newest_files(names)
        if all(name in members for name in wanted):
            return _files(members, read, wanted, "botocore ships no model", progress)
    names = [str(p.relative_to(root)) for p in root.glob("*/*/*.json*")]
    return _files(newest_files(names), read, wanted, "botocore ships no model", progress)


def installed_models(
    services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, dict[str, Any]]:
    """``{service: model}`` of the installed botocore; a name it does not ship raises ``KeyError``."""
    return {name: files.model for name, files in installed_files(services, progress).items()}


def installed_services() -> list[str]:
    """The services the installed botocore ships a model for."""
    root = _installed_data()
    return sorted(newest_files(str(p.relative_to(root)) for p in root.glob("*/*/service-2.json*")))


def _installed_data() -> Path:
    import botocore  # a tenth of a second: only when the installed models are read

    return Path(botocore.__file__).parent / "data"


def wheel_models(
    path: str | Path, services: Iterable[str] | None = None, progress: Progress | None = None
) -> dict[str, dict[str, Any]]:
    """``{service: model}`` read from a botocore wheel; a name the wheel lacks raises ``KeyError``."""
    return {name: files.model for name, files in wheel_files(path, services, progress).items()}


def wheel_services(path: str | Path) -> list[str]:
    """Return the sorted names of the services a botocore wheel has a model for."""
    with zipfile.ZipFile(path) as wheel:
        return sorted(newest_files(wheel.namelist()))


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


def newest_files(names: Iterable[str]) -> Members:
    """Each service's files of its newest api-version (the newest one that has a model)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for name in names:
        match = _MEMBER.match(name)
        if match is not None:
            found.setdefault((match.group(1), match.group(2)), {})[match.group(3)] = name
    newest: dict[str, tuple[str, dict[str, str]]] = {}
    for (service, version), files in found.items():
        if "service-2" in files and (service not in newest or version > newest[service][0]):
            newest[service] = (version, files)
    return {service: files for service, (_, files) in newest.items()}


def _raw(files: dict[str, str], read: Read) -> list[bytes | None]:
    return [read(files[stem]) if stem in files else None for stem in FILES]


def _files(
    members: Members, read: Read, services: Iterable[str] | None, where: str, progress: Progress | None
) -> dict[str, ServiceFiles]:
    wanted = sorted(members) if services is None else list(services)
    out = {}
    for done, name in enumerate(wanted, 1):
        if name not in members:
            raise KeyError(f"{where} for service {name!r}{did_you_mean(name, members)}")
        raw = _raw(members[name], read)
        model, paginators, waiters = (None if data is None else _json(data) for data in raw)
        assert model is not None  # _newest keeps only versions with a model
        out[name] = ServiceFiles(model, paginators, waiters, digest_of(raw))
        if progress:
            progress(done, len(wanted), "reading models")
    return out


def _json(raw: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    return data
