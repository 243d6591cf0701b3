"""boto3's reference pages: one client method per page, built by Sphinx (furo theme, botocore's
HTML translator) from the reStructuredText of boto3's client documenter.

The method is ``<dl class="py method"><dt id="Lambda.Client.invoke">...</dt><dd>documentation</dd>``,
under a breadcrumb ``<a href="../../lambda.html">Lambda</a> / Client / invoke``. The page carries
no date (Page.date None: the CLI's ``--date`` applies) and no full name; the service comes from
the breadcrumb's link or the client class name, where either resolves.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

from bs4 import BeautifulSoup, Tag

from ..errors import ParseError
from ..model import Page, PageMethod
from ..parse.params import REQUIRED, damaged_flag, page_type
from .document import Document
from .html_method import (
    BLOCKS,
    Item,
    MethodReader,
    child_tags,
    first_child,
    heading,
    is_required,
    own,
    position,
    text_of,
)
from .services import bundled_names, resolve

_METHOD_ID = re.compile(r"(?P<klass>\w+)\.Client\.(?P<method>\w+)")
# A paginator's ``paginate`` or a waiter's ``wait`` (botocore's Paginator/WaiterDocumenter pages).
_OTHER_ID = re.compile(r"\w+\.(?P<kind>Paginator|Waiter)\.(?P<name>\w+)\.\w+")
_NON_WORD = re.compile(r"\W+")
_HEADINGS = frozenset({"p", "h3"})
# Sphinx merges a parameter's one-paragraph description into its header; without one, no dash.
_PARAM = re.compile(r"(?P<name>\S+) \((?P<type>[^()]+)\)(?: (?:--|\u2013) ?(?P<rest>.*))?", re.DOTALL)


def _methods(soup: BeautifulSoup) -> list[Tag]:
    return [dl for dl in soup.find_all("dl") if {"py", "method"} <= set(dl.get_attribute_list("class"))]


LOOKS_LIKE = "a boto3 reference page (<dl class='py method'>)"


def detects(document: Document) -> bool:
    return bool(_methods(document.soup))


def read(document: Document) -> tuple[list[Page], list[str]]:
    return read_boto3(document.soup, document.source)


def read_boto3(soup: BeautifulSoup, source: str) -> tuple[list[Page], list[str]]:
    """The page's operation(s), and a line for each method on it that is no API operation: the
    client's other methods, and the paginators' and waiters' (another issue may read those)."""
    found, skipped = [], []
    for dl in _methods(soup):
        other = _OTHER_ID.fullmatch(_dt_id(dl))
        if other is not None:
            skipped.append(f"{source}: {other['kind'].lower()} {other['name']} is no API operation: skipped")
            continue
        match = _METHOD_ID.fullmatch(str(_signature(dl, source)["id"]))
        assert match is not None
        if _is_operation(dl):
            found.append(dl)
        else:
            skipped.append(f"{source}: {match['method']} is no API operation (no Request Syntax): skipped")
    if not found:
        return [], skipped
    methods = [_method(dl, source) for dl in found]
    klass = _METHOD_ID.fullmatch(str(_signature(found[0], source)["id"]))
    service = _service(soup, klass["klass"]) if klass is not None else None
    return [Page(source, None, None, tuple(methods), service=service, line=position(found[0])[0])], skipped


def _is_operation(dl: Tag) -> bool:
    """botocore documents an API operation with a Request Syntax heading (kept when the block is
    cut) and a link to its API reference; boto3's reference pages of the client's other methods
    (``can_paginate``, ``close``, ``get_paginator``, ``get_waiter``, ``generate_presigned_url``...,
    botocore's ``document_custom_method``) have neither: a signature and a docstring."""
    if any(heading(tag) == "Request Syntax" for tag in own(dl, _HEADINGS)):
        return True
    return any("/goto/WebAPI/" in str(link.get("href", "")) for link in dl.find_all("a", href=True))


def _dt_id(dl: Tag) -> str:
    dt = dl.find("dt", id=True, recursive=False)
    return str(dt["id"]) if dt is not None else ""


def _signature(dl: Tag, source: str) -> Tag:
    dt = dl.find("dt", id=True, recursive=False)
    if dt is None or _METHOD_ID.fullmatch(str(dt["id"])) is None:
        line, column = position(dt or dl)
        found = str(dt["id"]) if dt is not None else "no <dt id=...>"
        raise ParseError(source, line, column, "a method signature <dt id='Class.Client.method'>", found)
    return dt


def _method(dl: Tag, source: str) -> PageMethod:
    dt = _signature(dl, source)
    match = _METHOD_ID.fullmatch(str(dt["id"]))
    assert match is not None
    dd = dt.find_next_sibling("dd")
    if dd is None:
        line, column = position(dt)
        raise ParseError(source, line, column, f"the documentation of {dt['id']} (a <dd> after its signature)")
    operation = MethodReader(dd, source, match["method"], None, read_params).operation()
    return PageMethod(operation, "new", (), position(dl)[0])


def read_params(reader: MethodReader, fields: dict[str, Tag]) -> list[Item]:
    """Top-level parameters as Sphinx shows them: a ``Parameters`` field with one item
    ``<strong>Name</strong> (<em>type</em>) -- ...`` each, the dash an en dash (its body itself
    when there is one parameter)."""
    body = fields.get("Parameters")
    if body is None:
        return []
    ul = next((child for child in child_tags(body) if child.name == "ul"), None)
    return [_param(reader, item) for item in (child_tags(ul) if ul is not None else [body])]


def _param(reader: MethodReader, item: Tag) -> Item:
    head = first_child(item)
    inline = _inline_text(head) if head is not None else ""
    match = _PARAM.fullmatch(inline)
    if head is None or head.name != "p" or match is None:
        raise reader.error(item, "a parameter 'Name (type) -- ...'", inline[:40])
    rest = match["rest"] or ""
    # [REQUIRED] opens the description: inline when that is all of it, else its first paragraph.
    first = next((child for child in child_tags(head) if child.name in BLOCKS), None)
    nested = not rest and first is not None and first.name == "p" and is_required(reader, first)
    if damaged_flag(rest):
        raise reader.error(head, f"'{REQUIRED}' or a description after the type of {match['name']}", rest[:40])
    return Item(match["name"], page_type(match["type"]), rest.startswith(REQUIRED) or nested, item)


def _inline_text(p: Tag) -> str:
    """A paragraph's text up to its first nested block (Sphinx nests a parameter's body in it)."""
    parts = []
    for child in p.children:
        if isinstance(child, Tag) and child.name in BLOCKS:
            break
        parts.append(child.get_text() if isinstance(child, Tag) else str(child))
    return " ".join("".join(parts).split())


def _service(soup: BeautifulSoup, klass: str) -> str | None:
    """The boto3 name: the breadcrumb links the service page (``../../lambda.html``)."""
    for link in soup.find_all("a", href=True):
        if text_of(link) == klass:
            name = resolve(PurePosixPath(str(link["href"]).split("#", 1)[0]).stem)
            if name is not None:
                return name
    return _by_class_name().get(klass.casefold())


@cache
def _by_class_name() -> dict[str, str]:
    """{client class name, casefolded: boto3 name}, for the names only one service can have.

    boto3 names the class from the service's full name without "Amazon"/"AWS" and non-word
    characters (or its abbreviation, which we lack); the boto3 name without dashes also counts.
    """
    candidates: dict[str, set[str]] = {}
    for name, service in bundled_names().items():
        for key in (_NON_WORD.sub("", name.replace("amazon", "").replace("aws", "")), service.replace("-", "")):
            candidates.setdefault(key, set()).add(service)
    return {key: next(iter(services)) for key, services in candidates.items() if len(services) == 1}
