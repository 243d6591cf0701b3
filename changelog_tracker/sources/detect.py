"""Which reader a document needs, decided by its content (not its file name)."""

from __future__ import annotations

import re

from ..model import Page
from .text import read_text

# A text page starts with its date; anything starting with markup is HTML, whatever its first tag.
_HTML = re.compile(r"\A\s*<[!?/A-Za-z]")
BOM = "\ufeff"  # editors on Windows start UTF-8 files with it


def is_html(text: str) -> bool:
    return bool(_HTML.match(text.removeprefix(BOM)))


def read_document(text: str, source: str) -> tuple[list[Page], list[str]]:
    """The pages of one document, and one line per method page skipped as no API operation
    (a boto3 reference page of ``can_paginate``, ``get_waiter``...): ``"SOURCE: why"``."""
    text = text.removeprefix(BOM)
    if is_html(text):
        from .html import read_html_document  # beautifulsoup4 is only needed for HTML pages

        return read_html_document(text, source)
    return read_text(text, source), []


def read_pages(text: str, source: str) -> list[Page]:
    return read_document(text, source)[0]
