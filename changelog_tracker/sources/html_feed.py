"""The API change feed's HTML pages (awsapichanges.info, templates in awslabs/aws-sdk-api-changes).

A page is a header paragraph (``2026/03/10 - Amazon Bedrock AgentCore Control - 1 new 3 updated
api methods``), an optional ``Changes`` release note, then one ``<details id="OperationName">``
per method: a ``<summary>`` of ``OperationName (new)`` or ``(updated)``; for an updated method a
``Changes (request, response)`` line and its pprint-ed delta(s) in plain ``<pre>`` blocks
(``Request <pre>`` and ``Response <pre>`` when both sides changed differently); then the method's
documentation as docutils renders it.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from ..errors import ParseError
from ..model import Page, PageMethod, snake_case
from ..parse.delta import parse_delta
from ..parse.params import page_type
from .document import Document
from .header import EXPECTED_HEADER, LOOSE_HEADER, Header, HeaderError, parse_header
from .html_method import Item, MethodReader, first_child, is_required, position, text_of

_SUMMARY = re.compile(r"(?P<name>\S+) \((?P<status>new|updated)\)")
_CHANGES = re.compile(r"Changes \((?P<keys>[a-z, ]+)\)")
_HEADER_TAGS = frozenset({"p", "h1", "h2", "h3"})
_PARAM_FIELD = re.compile(r"param (\S+)")  # docutils keeps botocore's ``:type x:`` / ``:param x:`` fields


LOOKS_LIKE = "a change-feed page (a <details id='OperationName'> per method)"


def detects(document: Document) -> bool:
    return any(tag.find("summary") is not None for tag in document.soup.find_all("details", id=True))


def read(document: Document) -> tuple[list[Page], list[str]]:
    return [read_feed(document.soup, document.source)], []


def read_feed(soup: BeautifulSoup, source: str) -> Page:
    tag, header = _header(soup, source)
    methods = [_method(details, source) for details in soup.find_all("details", id=True)]
    for kind, expected in (("new", header.new), ("updated", header.updated)):
        found = sum(1 for method in methods if method.status == kind)
        if found != expected:
            line, column = position(tag)
            raise ParseError(source, line, column, f"{expected} {kind} methods (the header's count)", str(found))
    line = position(tag)[0]
    return Page(source, header.date, header.name, tuple(methods), _release_note(tag), line=line)


def _header(soup: BeautifulSoup, source: str) -> tuple[Tag, Header]:
    """The header paragraph, before the first method."""
    for tag in soup.descendants:
        if not isinstance(tag, Tag) or tag.name not in _HEADER_TAGS | {"details"}:
            continue
        if tag.name == "details":
            break
        match = LOOSE_HEADER.fullmatch(text_of(tag))
        if match is None:
            continue
        try:
            return tag, parse_header(match)
        except HeaderError as err:
            line, column = position(tag)  # the paragraph's text is collapsed: its start is where to look
            raise ParseError(source, line, column, f"{err.expected} in the page header", err.found) from None
    first = soup.find("details")
    line, column = position(first) if isinstance(first, Tag) else (1, 1)
    raise ParseError(source, line, column, f"{EXPECTED_HEADER} before the methods")


def _release_note(header: Tag) -> str | None:
    """The ``<span class="tag">Changes</span> note`` paragraph between the header and the methods."""
    for tag in header.next_siblings:
        if not isinstance(tag, Tag):
            continue
        if tag.name == "details":
            break
        label = tag.find("span") if tag.name == "p" else None
        if label is not None and text_of(label) == "Changes":
            return text_of(tag).removeprefix("Changes").strip() or None
    return None


def _method(details: Tag, source: str) -> PageMethod:
    api_name = str(details["id"])
    summary = details.find("summary")
    match = _SUMMARY.fullmatch(text_of(summary)) if summary is not None else None
    if summary is None or match is None or match["name"] != api_name:
        line, column = position(summary or details)
        found = text_of(summary) if summary is not None else "no <summary>"
        raise ParseError(source, line, column, f"a summary '{api_name} (new)' or '{api_name} (updated)'", found)
    deltas = _deltas(details, source) if match["status"] == "updated" else ()
    operation = MethodReader(details, source, snake_case(api_name), api_name, read_params).operation()
    return PageMethod(operation, match["status"], deltas, position(details)[0])


def _deltas(details: Tag, source: str) -> tuple[dict[str, Any], ...]:
    """An updated method's delta summaries: plain <pre>s before its documentation starts."""
    changes = next((s for s in details.find_all("span", recursive=False) if _CHANGES.fullmatch(text_of(s))), None)
    if changes is None:
        line, column = position(details)
        raise ParseError(source, line, column, f"a 'Changes (request, response)' line in {details['id']}")
    keys = _CHANGES.fullmatch(text_of(changes))
    assert keys is not None
    want = 2 if "," in keys["keys"] else 1
    blocks = [pre for pre in details.find_all("pre", recursive=False) if not pre.get("class")][:want]
    if len(blocks) != want:
        line, column = position(changes)
        raise ParseError(source, line, column, f"{want} delta block(s) after this line ({details['id']})", "")
    return tuple(parse_delta(pre.get_text(), source, pre.sourceline or 1) for pre in blocks)


def read_params(reader: MethodReader, fields: dict[str, Tag]) -> list[Item]:
    """Top-level parameters as docutils shows botocore's fields: ``type x`` then ``param x``
    (whose body starts with a ``[REQUIRED]`` paragraph for a required one)."""
    params = []
    for key, dd in fields.items():
        match = _PARAM_FIELD.fullmatch(key)
        if match is None:
            continue
        kind = fields.get(f"type {match[1]}")
        if kind is None:
            raise reader.error(dd, f"a 'type {match[1]}' field before this 'param {match[1]}'")
        first = first_child(dd)
        required = first is not None and first.name == "p" and is_required(reader, first)
        params.append(Item(match[1], page_type(text_of(kind)), required, dd))
    return params
