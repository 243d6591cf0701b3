"""A botocore baseline: every service's full model at one release, stored as complete pages."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import botocore

from ..errors import TrackerError
from ..graph.store import Store
from ..model import Page, PageMethod
from .ingest import IngestReport, Progress, store_pages

# sources.botocore and sources.wheel import botocore's model and loader modules (a tenth of a
# second): loaded by the functions that read models, so that ingest and the CLI start without them.


def installed_date() -> dt.date:
    """pip keeps the wheel's file stamps, so the installed data files carry the release date."""
    stamp = (Path(botocore.__file__).parent / "data" / "endpoints.json").stat().st_mtime
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date()


def model_pages(
    models: dict[str, dict[str, Any]], date: dt.date, source: str, progress: Progress | None = None
) -> list[Page]:
    from ..sources.botocore import full_name, operations_from_json

    pages = []
    for done, (service, model) in enumerate(sorted(models.items()), 1):
        methods = tuple(PageMethod(op, "new") for op in operations_from_json(model, service))
        pages.append(Page(source, date, full_name(model) or None, methods, service=service, complete=True))
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
) -> tuple[dict[str, dict[str, Any]], dt.date, str]:
    """The models, release date and source name of a wheel or of the installed botocore."""
    from ..sources.wheel import installed_models, wheel_date, wheel_models

    try:
        if wheel is None:
            models = installed_models(services, progress)
            return models, date or installed_date(), f"botocore {botocore.__version__}"
        path = Path(wheel)
        if not zipfile.is_zipfile(path):
            raise TrackerError(f"{path}: not a botocore wheel (not a zip file)")
        models = wheel_models(path, services, progress)
        if not models:
            raise TrackerError(f"{path}: not a botocore wheel (no botocore/data/SERVICE/VERSION/service-2.json)")
        return models, date or wheel_date(path), path.name
    except KeyError as err:  # a --service the models lack
        raise TrackerError(f"cannot read botocore models: {err.args[0]}") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        where = f"{wheel}: not a botocore wheel" if wheel else "cannot read the installed botocore's models"
        raise TrackerError(f"{where} ({err})") from None
