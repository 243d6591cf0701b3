"""Which reader a document needs, decided by its content (not its file name)."""

from __future__ import annotations

import re

from ..model import Page
from .text import read_text

_HTML = re.compile(r"\A\s*(?:<!doctype html|<html|<\?xml|<details|<div|<section|<body|<head|<!--)", re.IGNORECASE)


def is_html(text: str) -> bool:
    return bool(_HTML.match(text))


def read_pages(text: str, source: str) -> list[Page]:
    if is_html(text):
        from .html import read_html  # beautifulsoup4 is only needed for HTML pages

        return read_html(text, source)
    return read_text(text, source)
