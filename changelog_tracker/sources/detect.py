"""Which reader a document needs, decided by its content (not its file name): one list of readers.

A page layout is one module and one line of READERS. The module defines ``LOOKS_LIKE`` (how the
"expected one of ..." error names it), ``detects(document) -> bool`` and ``read(document) ->
(pages, skipped)``; it is imported only when a document of its kind (text or markup) comes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from ..errors import ParseError
from ..model import Page
from .document import BOM, Document, is_html

__all__ = ["BOM", "READERS", "PageReader", "is_html", "read_document", "read_pages"]


@dataclass(frozen=True)
class PageReader:
    """One page layout: its name, the module reading it, and whether its pages are markup (HTML)."""

    name: str
    module: str
    markup: bool

    @property
    def layout(self) -> ModuleType:
        return importlib.import_module(self.module)


READERS: list[PageReader] = [
    PageReader("text", "changelog_tracker.sources.text", markup=False),
    PageReader("feed", "changelog_tracker.sources.html_feed", markup=True),
    PageReader("boto3", "changelog_tracker.sources.html_boto3", markup=True),
]


def read_document(text: str, source: str) -> tuple[list[Page], list[str]]:
    """The pages of one document, and one line per method page skipped as no API operation
    (a boto3 reference page of ``can_paginate``, ``get_waiter``...): ``"SOURCE: why"``."""
    document = Document(text.removeprefix(BOM), source)
    candidates = [r for r in READERS if r.markup == document.markup]
    for reader in candidates:
        if reader.layout.detects(document):
            pages, skipped = reader.layout.read(document)
            return list(pages), list(skipped)
    raise ParseError(source, 1, 1, " or ".join(r.layout.LOOKS_LIKE for r in candidates), document.first_words)


def read_pages(text: str, source: str) -> list[Page]:
    return read_document(text, source)[0]
