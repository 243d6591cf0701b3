"""The one jinja2 Environment every renderer uses, with the filters the templates share.

Autoescaping is on for .html and .xml templates: everything a page supplied (names, paths,
enum values, messages) reaches a template as data and is escaped there, never pre-built markup.
Every value a template prints also shows control and bidi characters as escapes (terminal.printable),
in every format: a page's string can neither drive a terminal nor reorder the text around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from markupsafe import Markup

if TYPE_CHECKING:
    from jinja2 import Environment

from ..terminal import printable

TEMPLATES = Path(__file__).parent / "templates"
# Characters XML 1.0 forbids even escaped: a parser rejects the whole document over one of them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # what can start markup mid-line in CommonMark/GFM

Items = TypeVar("Items")
Options = TypeVar("Options")


@dataclass(frozen=True)
class Format(Generic[Items, Options]):
    """One output format of a command: what writes it, and the extension of a file holding it.

    Each command keeps a ``dict[str, Format]`` (its registry); the CLI's choices and the tests'
    parametrizations read it, so a format is one writer (or template) and one registry line.
    """

    write: Callable[[Items, Options], str]
    extension: str


@cache
def environment() -> Environment:
    # jinja2 loads with the first template: show and log write their text without one.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_inert,
    )
    env.filters.update(xmlsafe=xml_safe, md=md_text, mdcode=md_code, cell=md_cell)
    return env


def _inert(value: object) -> object:
    """What a ``{{ }}`` prints: strings with controls escaped; markup the templates built stays as it is."""
    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def xml_safe(text: object) -> str:
    """Text with the characters XML cannot carry removed (escaping is autoescape's job)."""
    return _XML_ILLEGAL.sub("", str(text))


def md_text(text: object) -> str:
    """Markdown text that renders literally: markup characters backslash-escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text))


def md_code(text: object) -> str:
    """A Markdown code span that holds any text: a fence longer than any backtick run inside."""
    body = _one_line(text)
    if not body:
        return ""
    longest = max((len(run) for run in re.findall("`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def md_cell(text: object) -> str:
    """Markdown already formatted, made safe for a table cell: GFM splits cells on any '|'."""
    return str(text).replace("|", "\\|")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())
