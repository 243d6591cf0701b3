"""Reading drops into the store: every page is parsed before anything is written, and all of it
is written in one transaction, so a bad page leaves the store exactly as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ParseError, TrackerError
from .graph.store import PageRecord, Store
from .model import Page
from .parse.delta import delta_to_json
from .services import resolve, slug
from .sources.botocore import ModelCatalog
from .sources.detect import read_pages
from .sources.naming import name_cut_methods
from .sources.wheel import installed_models

Progress = Callable[[int, int], None]  # (done, total)
PARALLEL_BYTES = 1_000_000  # below this, starting worker processes costs more than it saves


@dataclass
class IngestReport:
    pages: int = 0
    new_pages: int = 0
    operations: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """One input: a file's bytes, or standard input's."""

    source: str
    data: bytes


def collect(paths: Iterable[str | Path], stdin: Callable[[], bytes] | None = None) -> list[Document]:
    """Files as given, folders recursively (sorted), ``-`` for standard input."""
    documents = []
    for raw in paths:
        if str(raw) == "-":
            documents.append(Document("<stdin>", (stdin or sys.stdin.buffer.read)()))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            documents.extend(Document(str(p), p.read_bytes()) for p in files)
        elif path.is_file():
            documents.append(Document(str(path), path.read_bytes()))
        else:
            raise TrackerError(f"{path}: no such file or folder")
    return documents


def decode(document: Document) -> str:
    try:
        return document.data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = document.data[: err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        raise ParseError(
            document.source, line, column, "UTF-8 text", f"byte 0x{document.data[err.start]:02x}"
        ) from None


def parse_document(document: Document) -> list[Page]:
    text = decode(document)
    if not text.strip():
        raise ParseError(document.source, 1, 1, "a doc drop page", "an empty file")
    return read_pages(text, document.source)


def parse_documents(documents: list[Document], progress: Progress | None = None) -> list[Page]:
    """Every page of every document, in input order; large batches use every core."""
    workers = min(len(documents), os.cpu_count() or 1)
    parallel = workers > 1 and sum(len(d.data) for d in documents) > PARALLEL_BYTES
    pages: list[Page] = []
    with ProcessPoolExecutor(workers) if parallel else nullcontext() as pool:
        results = pool.map(parse_document, documents) if pool else map(parse_document, documents)
        for done, found in enumerate(results, 1):
            pages.extend(found)
            if progress:
                progress(done, len(documents))
    return pages


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    service: str | None = None,
    date: dt.date | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Parse every page under ``paths`` and store them; nothing is stored if any page is bad."""
    pages = parse_documents(collect(paths), progress)
    return store_pages(store, pages, service, date)


def store_pages(
    store: Store, pages: list[Page], service: str | None = None, date: dt.date | None = None
) -> IngestReport:
    report = IngestReport()
    learned = store.names()
    placed = [_place(page, service, date, learned, report) for page in pages]
    with store.transaction():
        writer = store.node_writer()
        for page in placed:
            report.pages += 1
            report.new_pages += _store_page(store, page, writer)
            report.operations += len(page.methods)
    return report


def _place(
    page: Page, service: str | None, date: dt.date | None, learned: dict[str, str], report: IngestReport
) -> Page:
    """The page with its boto3 service name and date settled."""
    if page.date is None and date is None:
        raise ParseError(page.source, page.line, 1, "a dated page (this one carries no date: pass --date)")
    name = service or page.service or (resolve(page.full_name, learned) if page.full_name else None)
    if name is None:
        name = slug(page.full_name or Path(page.source).stem)
        message = f"{page.source}: unknown service {page.full_name!r}, stored as {name!r} (use --service to name it)"
        report.warnings.append(message)
        warnings.warn(message, stacklevel=2)
    service_key = resolve(name, learned) or name
    page = replace(page, service=service_key, date=page.date or date)
    if all(m.operation.name for m in page.methods):
        return page
    return name_cut_methods(page, known_operations(service_key))  # loads a model: only when needed


def known_operations(service: str) -> ModelCatalog:
    """The service's methods in model order, from the installed botocore (for naming cut methods)."""
    try:
        model = installed_models([service])[service]
    except KeyError:
        model = {"metadata": {}, "operations": {}, "shapes": {}}  # a service botocore does not know
    return ModelCatalog(model, service)


def _store_page(store: Store, page: Page, writer: Any) -> int:
    assert page.service is not None and page.date is not None
    release = page.date.isoformat()
    for method in page.methods:
        store.put_operation(page.service, release, method.operation, writer)
    if page.full_name:
        store.put_name(page.full_name, page.service)
    record = PageRecord(
        page.service,
        release,
        page.source,
        page.full_name,
        page.release_note,
        page.complete,
        [_method_record(m) for m in page.methods],
    )
    return int(store.put_page(record, _digest(record, page)))


def _method_record(method: Any) -> dict[str, Any]:
    return {
        "operation": method.operation.name,
        "status": method.status,
        "deltas": [delta_to_json(d) for d in method.deltas],
    }


def _digest(record: PageRecord, page: Page) -> str:
    """Same content, same digest: storing a page twice is a no-op."""
    shapes = [m.operation.to_json() for m in page.methods]
    body = json.dumps([record.service, record.release, record.complete, record.methods, shapes], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:24]
