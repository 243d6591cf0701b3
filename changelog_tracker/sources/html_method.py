"""One client method's documentation in HTML, and the DOM helpers every HTML page reader uses.

Both HTML layouts (html_feed.py, html_boto3.py) show the reStructuredText botocore's documenter
writes for a client method, rendered by docutils (feed) or by Sphinx (boto3). One method reader
serves both: a heading is a bold-only paragraph (docutils) or a bare ``<h3>`` (Sphinx), matched by
exact text; code is the ``<pre>`` after a heading, read with the text pages' grammar. Unlike text
pages, HTML keeps parameter names and the list nesting, so every member list is matched to the
syntax tree by name, and a member missing or extra on either side is an error.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from bs4 import Tag

from ..errors import ParseError
from ..model import CUT_SIDE, ListShape, MapShape, Member, Operation, Shape, Structure
from ..parse.params import REQUIRED, damaged_flag, page_type, page_types, unknown_required
from ..parse.syntax import parse_request, parse_response
from ..paths import LIST, MAP
from .text import TOO_LARGE

# botocore's stand-in for a cut section, where docutils kept it inside the code block before it.
_SWALLOWED = re.compile(
    r"\n\s*\*\*(?P<section>[A-Za-z ]+)\*\*\s*\n\s*::\s*\n\s*# This section is too large to render\."
)
_RESPONSE_PREFIX = re.compile(r"\A\s*response\s*=\s*")  # boto3 pages write ``response = client.x(``
# A member header; a list member's or map value's description may follow on the same line.
_MEMBER = re.compile(
    r"(?:(?P<name>\S+) )?\((?P<type>[^()]*)\) (?:--|\u2013)(?P<required> \[REQUIRED\])?(?: (?P<rest>.*))?"
)
# The type names botocore's documenter prints (docs/utils.py py_type_name and its special types).
_PAGE_TYPES = frozenset(
    {"string", "integer", "float", "boolean", "datetime", "bytes", "dict", "list", "document", "JSON serializable"}
    | {"StreamingBody", "EventStream", "bytes or seekable file-like object"}
)
_UNION_NOTE = "This is a Tagged Union structure."
_NESTED = frozenset({"li", "dd"})
_HEADINGS, _NOTES = frozenset({"p", "h3"}), frozenset({"aside", "div"})
_LISTS, _PARAGRAPHS = frozenset({"ul"}), frozenset({"p"})
BLOCKS = frozenset({"p", "div", "ul", "ol", "dl", "pre", "h3", "blockquote", "aside"})

# ---------------------------------------------------------------- small DOM helpers


def text_of(tag: Tag) -> str:
    return " ".join(tag.get_text().split())


def heading(tag: Tag) -> str | None:
    """A section heading's text: Sphinx's bare <h3>, or docutils' bold-only paragraph."""
    if tag.name == "h3" and "admonition-title" not in tag.get_attribute_list("class"):
        return text_of(tag)
    if tag.name == "p":
        children = [c for c in tag.children if not (isinstance(c, str) and not c.strip())]
        if len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "strong":
            return text_of(children[0])
    return None


def own(body: Tag, names: frozenset[str]) -> Iterator[Tag]:
    """Elements under ``body`` that belong to it, not to a list item or field body nested in it
    (those are yielded when named, not entered), in document order."""
    stack = child_tags(body)[::-1]
    while stack:
        tag = stack.pop()
        if tag.name in names:
            yield tag
        if tag.name not in _NESTED:
            stack.extend(child_tags(tag)[::-1])


def child_tags(tag: Tag) -> list[Tag]:
    return [child for child in tag.contents if isinstance(child, Tag)]


def first_child(tag: Tag) -> Tag | None:
    return next((child for child in tag.contents if isinstance(child, Tag)), None)


def position(tag: Tag) -> tuple[int, int]:
    return tag.sourceline or 1, (tag.sourcepos or 0) + 1


@dataclass(frozen=True)
class Item:
    """A parameter or member as the page lists it: its header and the element holding the rest."""

    name: str | None  # None for list members and map keys/values
    type: str
    required: bool | None  # None: the flag's place holds neither [REQUIRED] nor a description
    body: Tag


def member_item(li: Tag) -> Item | None:
    """``<li><p><strong>name</strong> <em>(type) --</em> <strong>[REQUIRED]</strong></p>...``, if it is one."""
    head = first_child(li)
    match = _MEMBER.fullmatch(text_of(head)) if head is not None and head.name == "p" else None
    kind = page_type(match["type"]) if match is not None else ""
    if match is None or kind not in _PAGE_TYPES:  # prose "Foo (default) - ..." is no member
        return None
    rest = match["rest"] or ""
    required = True if match["required"] else None if damaged_flag(rest) else False
    return Item(match["name"], kind, required, li)


def is_required(reader: MethodReader, first: Tag) -> bool:
    """A parameter's first paragraph is ``[REQUIRED]`` (required), a description, or an error."""
    text = text_of(first)
    if text != REQUIRED and damaged_flag(text):
        raise reader.error(first, f"'{REQUIRED}' or a description", text[:40])
    return text == REQUIRED


# ---------------------------------------------------------------- one method

ParamReader = Callable[["MethodReader", dict[str, Tag]], list[Item]]


class MethodReader:
    """One method's documentation: ``scope`` is a feed ``<details>`` or a boto3 method's ``<dd>``.

    ``params`` reads the top-level parameters from the field list ({field name: <dd>}): each page
    kind lays them out its own way; the rest is the same reStructuredText on both.
    """

    def __init__(self, scope: Tag, source: str, method: str | None, api_name: str | None, params: ParamReader) -> None:
        self.scope, self.source = scope, source
        self.method, self.api_name = method, api_name
        self.read_params = params

    def error(self, at: Tag | None, expected: str, found: str = "") -> ParseError:
        line, column = position(at if at is not None else self.scope)
        return ParseError(self.source, line, column, f"{expected} ({self.method or self.api_name})", found)

    def operation(self) -> Operation:
        marker = self._heading(self.scope, "Request Syntax")
        pre = self._code(marker, "Request Syntax")
        cut = self._cuts()
        fields = self._fields(pre)
        inputs: Shape
        if "Request Syntax" in cut:
            if self.method is None:
                raise self.error(pre, "a Request Syntax block (botocore cut it; the page names no method)")
            name, inputs = self.method, CUT_SIDE
        else:
            name, structure = self._request(pre)
            params = None if "Parameters" in cut else self.read_params(self, fields)
            inputs = unknown_required(structure) if params is None else self._apply_params(structure, params, pre)
        output = self._response(fields, cut)
        return Operation(name, inputs, output, self._see_also() or self.api_name, self._documentation(marker))

    def _heading(self, within: Tag, title: str) -> Tag:
        for tag in own(within, _HEADINGS):
            if heading(tag) == title:
                return tag
        raise self.error(within, f"a {title!r} heading")

    def _after(self, marker: Tag, title: str) -> Tag:
        """What follows a heading, past the repeated heading botocore writes for a cut section."""
        for tag in marker.find_next_siblings(True):
            if heading(tag) != title:
                return tag
        raise self.error(marker, f"the content of the {title!r} section", "nothing")

    def _code(self, marker: Tag, title: str) -> Tag:
        """The code block (<pre>) after a heading."""
        tag = self._after(marker, title)
        pre = tag if tag.name == "pre" else tag.find("pre")
        if pre is None:
            raise self.error(tag, f"a code block after the {title!r} heading", text_of(tag)[:40])
        return pre

    def _cuts(self) -> set[str]:
        """The sections botocore cut as too large to render: the heading before its stand-in
        block, or a stand-in docutils kept inside the code block before it."""
        cut: set[str] = set()
        for pre in self.scope.find_all("pre"):
            text = pre.get_text()
            cut.update(match["section"] for match in _SWALLOWED.finditer(text))
            if text.lstrip().startswith(TOO_LARGE):
                previous = _block(pre).find_previous_sibling(True)
                title = heading(previous) if previous is not None else None
                if title is None:
                    raise self.error(pre, "a section heading before this 'too large to render' block")
                cut.add(title)
        return cut

    def _fields(self, pre: Tag) -> dict[str, Tag]:
        """The field list after the Request Syntax (parameters, return value): {field name: <dd>}."""
        dl = _block(pre).find_next("dl", class_="field-list")
        if dl is None or not any(parent is self.scope for parent in dl.parents):
            raise self.error(pre, "the parameters and return value (a field list) after the Request Syntax")
        items = [child for child in child_tags(dl) if child.name in ("dt", "dd")]
        pairs = itertools.pairwise(items)
        return {text_of(dt).rstrip(":").strip(): dd for dt, dd in pairs if dt.name == "dt" and dd.name == "dd"}

    def _request(self, pre: Tag) -> tuple[str, Structure]:
        text = _RESPONSE_PREFIX.sub("", _SWALLOWED.split(pre.get_text(), 1)[0], count=1)
        name, structure = parse_request(text, self.source, pre.sourceline or 1)
        if self.method is not None and name != self.method:
            raise self.error(pre, f"the Request Syntax of client.{self.method}", f"client.{name}(")
        return name, structure

    def _apply_params(self, inputs: Structure, params: list[Item], code: Tag) -> Structure:
        by_name = {item.name: item for item in params if item.name is not None}
        members = _Members(self)
        members.check_names(inputs, list(by_name), code, "the parameter list")
        rebuilt = []
        for member in inputs.members:
            item = by_name[member.name]
            members.check_type(item, member.shape, False, member.name)
            shape = members.apply(member.shape, item.body, member.name, False)
            rebuilt.append(Member(member.name, shape, item.required, members.documentation(item)))
        return replace(inputs, members=tuple(rebuilt))

    def _response(self, fields: dict[str, Tag], cut: set[str]) -> Shape | None:
        returns = fields.get("returns", fields.get("Returns"))
        if returns is None:
            raise self.error(None, "a 'returns' field (the return value)")
        if text_of(returns) == "None":
            return None
        if "Response Syntax" in cut:
            return CUT_SIDE
        pre = self._code(self._heading(returns, "Response Syntax"), "Response Syntax")
        output = parse_response(_SWALLOWED.split(pre.get_text(), 1)[0], self.source, pre.sourceline or 1)
        if "Response Structure" in cut:
            return output  # the syntax block says it all (nothing in a response is required)
        root = self._after(self._heading(returns, "Response Structure"), "Response Structure")
        if root.name != "ul":
            raise self.error(root, "the Response Structure list", text_of(root)[:40])
        return _Members(self).apply_root(output, root)

    def _see_also(self) -> str | None:
        """The API name, from the method's "See also: AWS API Documentation" link."""
        for link in own(self.scope, frozenset({"a"})):
            href = str(link.get("href", ""))
            if "/goto/WebAPI/" in href:
                return href.rstrip("/").rsplit("/", 1)[-1] or None
        return None

    def _documentation(self, marker: Tag) -> str:
        """The method's description: the scope's paragraphs before the Request Syntax."""
        texts = []
        for tag in child_tags(self.scope):
            if tag is marker:
                break
            text = text_of(tag) if tag.name == "p" else ""
            if text and not text.startswith("See also:"):
                texts.append(text)
        return " ".join(texts)


def _block(pre: Tag) -> Tag:
    """A code block's outermost element: Sphinx wraps <pre> in div.highlight-default > div.highlight."""
    while pre.parent is not None and any(c.startswith("highlight") for c in pre.parent.get_attribute_list("class")):
        pre = pre.parent
    return pre


# ---------------------------------------------------------------- member lists


class _Members:
    """Rebuilds a shape from the syntax block with what the nested lists say of each member."""

    def __init__(self, method: MethodReader) -> None:
        self.error = method.error

    def apply_root(self, output: Shape, root: Tag) -> Shape:
        items = [member_item(li) for li in child_tags(root)]
        if len(items) != 1 or items[0] is None or items[0].name is not None:
            raise self.error(root, "one '(dict) --' item opening the Response Structure", text_of(root)[:40])
        self.check_type(items[0], output, True, "the response")
        return self.apply(output, items[0].body, "response", True)

    def apply(self, shape: Shape, body: Tag, path: str, response: bool) -> Shape:
        if isinstance(shape, Structure):
            return self._structure(shape, body, path, response)
        if isinstance(shape, ListShape):
            item = self._unnamed(body, path + LIST, 1)[0]
            self.check_type(item, shape.member, response, path + LIST)
            return ListShape(self.apply(shape.member, item.body, path + LIST, response))
        if isinstance(shape, MapShape):
            key, value = self._map_items(body, path)
            self.check_type(key, shape.key, response, f"{path} (key)")
            self.check_type(value, shape.value, response, path + MAP)
            return MapShape(shape.key, self.apply(shape.value, value.body, path + MAP, response))
        return shape

    def _structure(self, shape: Structure, body: Tag, path: str, response: bool) -> Structure:
        union = any(_UNION_NOTE in text_of(note) for note in own(body, _NOTES) if _is_note(note))
        if not shape.members:
            return replace(shape, union=union)
        items = self._named(shape, body, path)
        members = []
        for member in shape.members:
            item, where = items[member.name], f"{path}.{member.name}" if path else member.name
            self.check_type(item, member.shape, response, where)
            child = self.apply(member.shape, item.body, where, response)
            members.append(Member(member.name, child, bool(item.required) and not response, self.documentation(item)))
        return replace(shape, members=tuple(members), union=union)

    def _lists(self, body: Tag) -> list[list[Item]]:
        """The member lists under ``body``: <ul>s whose every item is a member header."""
        found = []
        for ul in own(body, _LISTS):
            items = [member_item(li) for li in child_tags(ul)]
            if items and all(item is not None for item in items):
                found.append([item for item in items if item is not None])
        return found

    def _named(self, shape: Structure, body: Tag, path: str) -> dict[str, Item]:
        names = [m.name for m in shape.members]
        lists = [items for items in self._lists(body) if all(item.name for item in items)]
        for items in reversed(lists):  # the member list follows any lists in the description
            if sorted(str(item.name) for item in items) == sorted(names):
                return {str(item.name): item for item in items}
        self.check_names(shape, [str(item.name) for item in lists[-1]] if lists else [], body, f"the members of {path}")
        raise self.error(body, f"one list of the members of {path}: {', '.join(names)}")

    def _unnamed(self, body: Tag, path: str, count: int) -> list[Item]:
        for items in reversed(self._lists(body)):
            if all(item.name is None for item in items) and len(items) == count:
                return items
        raise self.error(body, f"{count} '(type) --' item(s) for {path}", text_of(body)[:40])

    def _map_items(self, body: Tag, path: str) -> tuple[Item, Item]:
        for items in reversed(self._lists(body)):
            if all(item.name is None for item in items) and len(items) == 2:
                return items[0], items[1]  # key and value side by side
        key = self._unnamed(body, f"{path} (key)", 1)[0]
        return key, self._unnamed(key.body, path + MAP, 1)[0]  # the value nested under the key

    def check_names(self, shape: Structure, found: list[str], at: Tag, what: str) -> None:
        expected = [m.name for m in shape.members]
        missing = [name for name in expected if name not in found]
        extra = [name for name in found if name not in expected]
        if missing:
            got = f"extra {', '.join(extra)}" if extra else f"only {', '.join(found)}" if found else "none"
            raise self.error(at, f"{what} to list {', '.join(missing)} (from the syntax block)", got)
        if extra:
            raise self.error(at, f"{what} to match the syntax block", f"extra {', '.join(extra)}")

    def check_type(self, item: Item, shape: Shape, response: bool, path: str) -> None:
        if item.required is None:
            found = text_of(item.body)[:40]
            raise self.error(item.body, f"'{REQUIRED}' or a description after the type of {path}", found)
        types = page_types(shape, response)
        if types and item.type not in types:
            raise self.error(item.body, f"type {'|'.join(sorted(types))} for {path}", item.type)

    @staticmethod
    def documentation(item: Item) -> str:
        leaves = (p for p in own(item.body, _PARAGRAPHS) if not any(c.name in BLOCKS for c in child_tags(p)))
        texts = [text_of(p) for p in leaves]
        return " ".join(t for t in texts if t != "[REQUIRED]" and not _MEMBER.fullmatch(t))


def _is_note(tag: Tag) -> bool:
    return "admonition" in tag.get_attribute_list("class")
