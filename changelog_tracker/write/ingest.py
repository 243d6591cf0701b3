"""Reading drops into the store: every page is parsed before anything is written, and all of it
is written in one transaction, so a bad page leaves the store exactly as it was."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import ParseError, TrackerError
from ..graph.encode import EncodedPage, NodeEncoder, encode_page
from ..graph.store import Store
from ..model import Page
from ..sources.detect import read_document
from ..sources.header import FIRST_DAY, LAST_DAY
from ..sources.naming import name_cut_methods
from ..sources.services import known_service, resolve, sharing, slug

if TYPE_CHECKING:
    from ..sources.botocore import ModelCatalog


class Progress(Protocol):
    """Told how far a long run is: ``done`` of ``total`` in its named ``stage``."""

    def __call__(self, done: int, total: int, stage: str = ..., /) -> None: ...


PARALLEL_BYTES = 1_000_000  # below this, starting worker processes costs more than it saves


@dataclass
class IngestReport:
    pages: int = 0
    new_pages: int = 0
    operations: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # method pages that are no API operation, each said why


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
            if not files:
                raise TrackerError(f"{path}: no page files in this folder (nothing to ingest)")
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


def parse_document(document: Document) -> tuple[list[Page], list[str]]:
    """The document's pages, and a line for each method page in it that is no API operation."""
    text = decode(document)
    if not text.strip():
        raise ParseError(document.source, 1, 1, "a doc drop page", "an empty file")
    return read_document(text, document.source)


@dataclass(frozen=True)
class Placing:
    """What settles a page's service and date: the user's overrides and the names the store knows."""

    service: str | None = None
    date: dt.date | None = None
    learned: dict[str, str] = field(default_factory=dict)


@dataclass
class Prepared:
    """One document's pages, encoded as rows, and what the user should be warned of."""

    pages: list[EncodedPage]
    warnings: list[str]
    skipped: list[str] = field(default_factory=list)


def prepare(document: Document, placing: Placing) -> Prepared:
    """Parse, place and encode one document: all that needs no store (worker processes run it)."""
    with _no_cycle_collection():
        pages, skipped = parse_document(document)
        return replace(encode_pages(pages, placing), skipped=skipped)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: reading a page allocates hundreds of thousands of objects
    (shapes, members, strings) and makes no cycles, yet each allocation burst set off a collection,
    and each full one walked every object alive (the parsed pages, parse/'s interned shapes): a
    fifth of reading the tuned pages. Reference counting still frees everything; a cycle made
    meanwhile (an exception's traceback) is collected once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def encode_pages(pages: list[Page], placing: Placing, progress: Progress | None = None) -> Prepared:
    """Place and encode pages into rows (ingest's workers and sync's share this; no store needed)."""
    warned: list[str] = []
    encoder = NodeEncoder()
    encoded = []
    for done, page in enumerate(pages, 1):
        encoded.append(encode_page(_place(page, placing, warned), encoder))
        if progress:
            progress(done, len(pages), "encoding")
    return Prepared(encoded, warned)


def prepare_all(documents: list[Document], placing: Placing, progress: Progress | None = None) -> list[Prepared]:
    """Every document prepared, in input order; big batches use every core, biggest first."""
    workers = min(len(documents), os.cpu_count() or 1)
    if workers < 2 or sum(len(d.data) for d in documents) <= PARALLEL_BYTES:
        return [_tick(prepare(d, placing), done, len(documents), progress) for done, d in enumerate(documents, 1)]
    results: dict[int, Prepared] = {}
    errors: dict[int, BaseException] = {}
    # Biggest first: the longest document must not start last (pages range from 1 KB to 5 MB).
    jobs = [(i, documents[i], placing) for i in sorted(range(len(documents)), key=lambda i: -len(documents[i].data))]
    # Pool's exit terminates its workers, also when an error or a signal (SIGINT, SIGTERM) ends the run.
    with multiprocessing.Pool(workers, initializer=_ingest_worker, initargs=(os.getpid(),)) as pool:
        for done, (index, prepared, error) in enumerate(pool.imap_unordered(_prepare_job, jobs), 1):
            if error is not None:
                errors[index] = error
            else:
                assert prepared is not None
                results[index] = _tick(prepared, done, len(documents), progress)
    if errors:
        raise errors[min(errors)]  # the first bad document in input order, whichever failed first
    return [results[i] for i in range(len(documents))]


def _prepare_job(job: tuple[int, Document, Placing]) -> tuple[int, Prepared | None, Exception | None]:
    index, document, placing = job
    try:
        return index, prepare(document, placing), None
    except Exception as err:  # sent back whole: the parent raises the first in input order
        return index, None, err


def _ingest_worker(parent: int) -> None:
    """An ingest worker's start: it ends with the ingest, and its cycle collector stays paused for
    its short life (see _no_cycle_collection: every document is read with it paused; resumed after
    each one, its first collection walked every object the document had made, 16 ms a big page)."""
    die_with_parent(parent)
    gc.disable()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Pool worker start: end with the ingest that started it, however it ends (kill -9 too).

    Linux delivers SIGKILL when the parent dies (prctl); elsewhere, or should that fail, a
    watchdog thread sees the parent change. Ctrl-C is the parent's to handle: it ends the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the CLI's unwinding handler, forked with us
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:  # checked first: the parent may have died before prctl
        time.sleep(every)
    os._exit(1)


def _tick(prepared: Prepared, done: int, total: int, progress: Progress | None) -> Prepared:
    if progress:
        progress(done, total, "parsing pages")
    return prepared


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    service: str | None = None,
    date: dt.date | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Parse every page under ``paths`` and store them; nothing is stored if any page is bad.

    ``service`` names the service of pages whose name is unknown; a page naming another is refused."""
    learned = store.names()
    chosen = None if service is None else known_service(service, learned, store.services())
    # The cycle collector paused here too: the workers' results (every node and blob of the pages)
    # are unpickled and written here, and each collection meanwhile walked all of them.
    with _no_cycle_collection():
        prepared = prepare_all(collect(paths), Placing(chosen, date, learned), progress)
        return store_prepared(store, prepared, progress=progress)


def store_pages(
    store: Store,
    pages: list[Page],
    service: str | None = None,
    date: dt.date | None = None,
    covers_all: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Store pages already read (a botocore baseline, tests): placed and encoded here.

    ``covers_all``: the pages are complete and cover every service of their release (a full
    baseline), so a service they lack has ended."""
    prepared = [encode_pages(pages, Placing(service, date, store.names()), progress)]
    coverage = {(p.record.release, p.record.source) for p in prepared[0].pages} if covers_all else set()
    return store_prepared(store, prepared, coverage, progress)


def store_prepared(
    store: Store,
    prepared: list[Prepared],
    coverage: AbstractSet[tuple[str, str]] = frozenset(),
    progress: Progress | None = None,
) -> IngestReport:
    """Write encoded pages (and full-baseline coverage) in one transaction: the store side of ingest and sync."""
    report = IngestReport()
    for item in prepared:
        for message in item.warnings:
            report.warnings.append(message)
            warnings.warn(message, stacklevel=3)
        report.skipped += item.skipped
    pages = [page for item in prepared for page in item.pages]
    with store.transaction():
        for page in pages:
            store.put_nodes(page.nodes, page.unions)
        for done, page in enumerate(pages, 1):
            report.pages += 1
            report.new_pages += store.put_page(page)
            report.operations += len(page.versions)
            if progress:
                progress(done, len(pages), "writing")
        for release, source in sorted(coverage):
            store.put_coverage(release, source)
    return report


def _place(page: Page, placing: Placing, warned: list[str]) -> Page:
    """The page with its boto3 service name and date settled."""
    if page.date is None and placing.date is None:
        raise ParseError(page.source, page.line, 1, "a dated page (this one carries no date: pass --date)")
    day = page.date or placing.date
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:  # pages built by API users pass here too
        raise ParseError(page.source, page.line, 1, f"a date from {FIRST_DAY} to {LAST_DAY}", str(day))
    named = page.service or (resolve(page.full_name, placing.learned) if page.full_name else None)
    title = page.full_name or ""
    shared = sharing(title) if title and not page.service else ()
    if shared and placing.service not in shared:  # never guess which of them a page is
        expected = f"--service {' or '.join(shared)} (the page's title names each of them)"
        raise ParseError(page.source, page.line, 1, expected, title)
    if placing.service and named and named != placing.service:  # --service never renames a known page
        raise ParseError(page.source, page.line, 1, f"a page of --service {placing.service!r}", page.full_name or named)
    name = placing.service or named
    if name is None:
        name = slug(page.full_name or Path(page.source).stem)
        warned.append(f"{page.source}: unknown service {page.full_name!r}, stored as {name!r} (--service names it)")
    service_key = resolve(name, placing.learned) or name
    page = replace(page, service=service_key, date=page.date or placing.date)
    if all(m.operation.name for m in page.methods):
        return page
    return name_cut_methods(page, known_operations(service_key))  # loads a model: only when needed


def known_operations(service: str) -> ModelCatalog:
    """The service's methods in model order, from the installed botocore (for naming cut methods)."""
    # botocore takes a tenth of a second to import: only pages with cut methods need it.
    from ..sources.botocore import ModelCatalog
    from ..sources.wheel import installed_models

    try:
        model = installed_models([service])[service]
    except KeyError:
        model = {"metadata": {}, "operations": {}, "shapes": {}}  # a service botocore does not know
    return ModelCatalog(model, service, overlay=False)  # naming needs no traits: a third of the time saved
