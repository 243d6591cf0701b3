"""A botocore baseline: every service's full model at one release, stored as complete pages."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TrackerError
from ..graph.store import Store
from ..model import Page, PageMethod
from .ingest import IngestReport, Progress, store_pages

if TYPE_CHECKING:
    from ..sources.wheel import ServiceFiles

# sources.botocore and sources.wheel import botocore's model and loader modules (a tenth of a
# second): loaded by the functions that read models, so that ingest and the CLI start without them.

Models = Mapping[str, "ServiceFiles | dict[str, Any]"]


def model_pages(models: Models, date: dt.date, source: str, progress: Progress | None = None) -> list[Page]:
    """One complete page per service: ``ServiceFiles`` (model, paginators, waiters, digest), or a bare
    model dict (no paginators or waiters known, no digest)."""
    from ..sources import botocore as converter
    from ..sources.wheel import ServiceFiles

    pages = []
    for done, (service, given) in enumerate(sorted(models.items()), 1):
        files = given if isinstance(given, ServiceFiles) else ServiceFiles(given, None, None, "")
        operations = converter.operations_from_json(files.model, service, files.paginators, files.waiters)
        methods = tuple(PageMethod(op, "new") for op in operations)
        name, traits = converter.full_name(files.model) or None, converter.service_traits(files.model)
        pages.append(Page(source, date, name, methods, service=service, complete=True, traits=traits,
                          model_digest=files.digest or None))  # fmt: skip
        if progress:
            progress(done, len(models), "converting models")
    return pages


def baseline(
    store: Store,
    wheel: str | Path | None = None,
    date: dt.date | None = None,
    services: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store the full model of every service (or of ``services``) from a wheel or the installed botocore.

    A baseline of every service also ends the services the store knew that it lacks."""
    wanted = list(services) if services else None
    models, when, source = read_models(wheel, date, wanted, progress)
    pages = model_pages(models, when, source, progress)
    return store_pages(store, pages, covers_all=wanted is None, progress=progress)


def read_models(
    wheel: str | Path | None, date: dt.date | None, services: list[str] | None, progress: Progress | None = None
) -> tuple[dict[str, ServiceFiles], dt.date, str]:
    """The models, release date and source name of a wheel or of the installed botocore."""
    from ..sources.wheel import installed_files, wheel_date, wheel_files

    try:
        if wheel is None:
            import botocore

            when = date or release_date(botocore.__version__)
            return installed_files(services, progress), when, f"botocore {botocore.__version__}"
        path = Path(wheel)
        if not zipfile.is_zipfile(path):
            raise TrackerError(f"{path}: not a botocore wheel (not a zip file)")
        models = wheel_files(path, services, progress)
        if not models:
            raise TrackerError(f"{path}: not a botocore wheel (no botocore/data/SERVICE/VERSION/service-2.json)")
        return models, date or wheel_date(path), path.name
    except KeyError as err:  # a --service the models lack
        raise TrackerError(f"cannot read botocore models: {err.args[0]}") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        where = f"{wheel}: not a botocore wheel" if wheel else "cannot read the installed botocore's models"
        raise TrackerError(f"{where} ({err})") from None


def release_date(version: str, cache: Path | None = None) -> dt.date:
    """The release date of botocore ``version``: its wheel's stamp, from the cache or downloaded into it.
    Never the install time (a file's mtime says when pip ran, or whatever the packager chose)."""
    from ..sources.releases import download_wheel, user_cache
    from ..sources.wheel import wheel_date

    folder = cache or user_cache()
    try:
        wheel = download_wheel(version, folder)
    except TrackerError as err:
        raise TrackerError(
            f"cannot date the installed botocore {version}: its wheel is not in {folder} and the package index"
            f" did not give it ({err}); pass --date YYYY-MM-DD"
        ) from None
    try:
        return wheel_date(wheel)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise TrackerError(f"{wheel}: not a botocore wheel ({err}); pass --date YYYY-MM-DD") from None
