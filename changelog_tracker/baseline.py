"""A botocore baseline: every service's full model at one release, stored as complete pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import botocore

from .errors import TrackerError
from .graph.store import Store
from .ingest import IngestReport, Progress, store_pages
from .model import Page, PageMethod

# sources.botocore and sources.wheel import botocore's model and loader modules (a tenth of a
# second): loaded by the functions that read models, so that ingest and the CLI start without them.


def installed_date() -> dt.date:
    """pip keeps the wheel's file stamps, so the installed data files carry the release date."""
    stamp = (Path(botocore.__file__).parent / "data" / "endpoints.json").stat().st_mtime
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date()


def model_pages(
    models: dict[str, dict[str, Any]], date: dt.date, source: str, progress: Progress | None = None
) -> list[Page]:
    from .sources.botocore import full_name, operations_from_json

    pages = []
    for done, (service, model) in enumerate(sorted(models.items()), 1):
        methods = tuple(PageMethod(op, "new") for op in operations_from_json(model, service))
        pages.append(Page(source, date, full_name(model) or None, methods, service=service, complete=True))
        if progress:
            progress(done, len(models))
    return pages


def baseline(
    store: Store,
    wheel: str | Path | None = None,
    date: dt.date | None = None,
    services: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store the full model of every service (or of ``services``) from a wheel or the installed botocore."""
    from .sources.wheel import installed_models, wheel_date, wheel_models

    wanted = list(services) if services else None
    try:
        if wheel is None:
            models = installed_models(wanted)
            when, source = date or installed_date(), f"botocore {botocore.__version__}"
        else:
            models = wheel_models(Path(wheel), wanted)
            when, source = date or wheel_date(wheel), Path(wheel).name
    except (KeyError, OSError, ValueError) as err:
        raise TrackerError(f"cannot read botocore models: {err}") from None
    return store_pages(store, model_pages(models, when, source, progress))
