"""One document to read, as every page reader sees it: its text, where it came from, its markup tree."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

# A text page starts with its date; anything starting with markup is HTML, whatever its first tag.
_HTML = re.compile(r"\A\s*<[!?/A-Za-z]")
BOM = "\ufeff"  # editors on Windows start UTF-8 files with it


def is_html(text: str) -> bool:
    return bool(_HTML.match(text.removeprefix(BOM)))


@dataclass(frozen=True)
class Document:
    """``text`` without its BOM; ``soup`` is parsed on first use, once, for every HTML reader."""

    text: str
    source: str

    @property
    def markup(self) -> bool:
        return is_html(self.text)

    @cached_property
    def soup(self) -> BeautifulSoup:
        # beautifulsoup4 loads only for HTML pages.
        html = importlib.import_module("changelog_tracker.sources.html")
        soup: BeautifulSoup = html.parse_markup(self.text, self.source)
        return soup

    @property
    def first_words(self) -> str:
        """What an unknown page shows first (for the error): its title, or its first words."""
        if not self.markup:
            return self.text[:60]
        title = self.soup.title
        return title.get_text(" ", strip=True) if title else " ".join(self.soup.get_text().split())[:60]
