"""HTML doc pages: the markup every HTML page reader starts from.

A page's structural tags must pair up, and nothing on a page is executed or evaluated:
``<script>`` and ``<style>`` are dropped unread, and one inside a method's documentation is an
error. Which HTML layout a page is in, and its reader, is decided in detect.py (READERS).
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from ..errors import ParseError

# Start and end tags of the structural elements must pair up (p, li, dd... may be left open in HTML).
_TAGS = re.compile(
    r"<!--.*?-->|<(script|style)\b.*?</\1\s*>"
    r"|<(?P<end>/?)(?P<name>html|body|details|summary|pre|dl|ul|ol|section|article|aside)\b[^>]*?(?P<self>/?)>",
    re.DOTALL | re.IGNORECASE,
)
_CONTENT = ("details", "dl", "pre")  # a script in these would sit in a method's documentation


def parse_markup(text: str, source: str) -> BeautifulSoup:
    """The page's tree, once its tags pair up, with its scripts and styles dropped."""
    check_balanced(text, source)
    soup = BeautifulSoup(text, "html.parser")
    drop_scripts(soup, source)
    return soup


def check_balanced(text: str, source: str) -> None:
    """Structural start and end tags pair up: a truncated or mangled page fails here, with its line.
    (html.parser would quietly close or drop them.) Comments, scripts and styles are skipped."""
    open_tags: list[tuple[str, int]] = []
    for match in _TAGS.finditer(text):
        name = (match["name"] or "").lower()
        if not name or match["self"]:
            continue  # a comment, script or style, or <x/>
        if not match["end"]:
            open_tags.append((name, match.start()))
        elif open_tags and open_tags[-1][0] == name:
            open_tags.pop()
        else:
            line, column = _line_column(text, match.start())
            raise ParseError(source, line, column, f"{_wanted(text, open_tags)} here (broken markup)", match[0])
    if open_tags:
        name, offset = open_tags[-1]
        line, column = _line_column(text, offset)
        raise ParseError(source, line, column, f"a </{name}> closing this <{name}> (truncated page?)", "end of file")


def _wanted(text: str, open_tags: list[tuple[str, int]]) -> str:
    if not open_tags:
        return "no end tag"
    name, offset = open_tags[-1]
    return f"</{name}> for the <{name}> of line {_line_column(text, offset)[0]}"


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def drop_scripts(soup: BeautifulSoup, source: str) -> None:
    for tag in soup.find_all(["script", "style"]):
        if tag.find_parent(_CONTENT) is not None:
            line, column = tag.sourceline or 1, (tag.sourcepos or 0) + 1
            raise ParseError(source, line, column, "method documentation (no <script> or <style> in it)", str(tag)[:40])
        tag.decompose()


