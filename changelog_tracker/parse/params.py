"""Align a page's parameter list (or Response Structure) with the shape its syntax block gave.

The page omits top-level parameter names, so the syntax tree predicts every header line in
order: ``string`` / ``[REQUIRED]`` for a top-level parameter, ``name (type) -- [REQUIRED]``
for a nested member, ``(type) --`` for list members and map keys/values. A description runs
until the *next predicted* header, so prose that merely looks like a header cannot derail it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from ..errors import ParseError
from ..model import ListShape, MapShape, Member, Scalar, Shape, Structure, transform

REQUIRED = "[REQUIRED]"
# A description without paragraphs follows the header on the same line.
_ANY_TYPE = re.compile(r"\(([^()]*)\) --( \[REQUIRED\])?(?: (.*))?$")
_INLINE_REQUIRED = REQUIRED + " "
_ROLE = re.compile(r":[\w:.+-]+:`(?P<title>[^`<]*?)\s*(?:<[^`>]*>)?`")
_LETTERS = re.compile(r"[^A-Za-z]+")
_RESPELLED = frozenset(":.~")  # how a type name other renderers write can start
_KNOWN_HEADERS = 16  # bare header lines kept per slot (its types, respelled, with or without the flag)
_HEADER_CHARS = [32_000_000]  # what the header lines kept may hold (bounds that memory); then bare ones only


def page_type(written: str) -> str:
    """A type name as botocore's documenter means it, however the page's renderer wrote it.

    Sphinx shows ``EventStream``; plain docutils (no Sphinx roles) leaves ``.EventStream`` or
    the role itself (``:class:`.EventStream```, ``:py:class:`~botocore.response.StreamingBody```,
    ``:ref:`document<document>```): a role shows its title, and a dotted name its last part.
    """
    role = _ROLE.fullmatch(written)
    title = (role["title"] if role is not None else written).removeprefix("~")
    return title.rsplit(".", 1)[-1] if "." in title and " " not in title else title


def damaged_flag(text: str) -> bool:
    """``text`` stands where botocore writes ``[REQUIRED]`` or a description, and is neither:
    a bracketed word close to REQUIRED (``[REQUIRD]``, ``[REQUIRED``, ``REQUIRED]``). Reading
    it as a description would silently make the member optional."""
    cut = text.find(" ")  # not split: text is often a whole description (one-line layout)
    word = text if cut < 0 else text[:cut]
    if word == REQUIRED or ("[" not in word and "]" not in word):
        return False
    letters = _LETTERS.sub("", word).upper()
    return difflib.SequenceMatcher(None, letters, "REQUIRED").ratio() >= 0.75


@dataclass(frozen=True, slots=True)
class Slot:
    """One predicted header: a top-level type line, or a ``name (type) --`` line."""

    name: str | None  # None for list members and map keys/values
    types: frozenset[str]  # page type names this shape may show; empty: any (recursion)
    top: bool
    prefix: str = field(init=False)  # what a nested header starts with: "name " or nothing
    opener: str = field(init=False)  # and with its type's bracket: "name (" or "("
    # Bare header lines read before ("Name (string) --"): a few per slot, met on every page.
    known: dict[str, tuple[bool | None, str]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", "" if self.name is None else f"{self.name} ")
        object.__setattr__(self, "opener", f"{self.prefix}(")
        object.__setattr__(self, "known", {})

    def read(self, line: str) -> tuple[bool | None, str] | None:
        """None if ``line`` is not this header, else (whether it says [REQUIRED], None where
        that flag is damaged; text after it)."""
        types = self.types
        if self.top:
            # Only a role or a dotted name is respelled: description lines are tried here too.
            known = line in types or (not types and line) or (line[:1] in _RESPELLED and page_type(line) in types)
            return (False, "") if known else None
        if not line.startswith(self.opener):  # most description lines stop here
            return None
        found = self.known.get(line)
        if found is not None:
            return found
        found = self._header(line)
        if found is not None:
            if _HEADER_CHARS[0] > 0:
                # A header with its description inline too: a service's structures repeat, with their
                # documentation, under many operations (mediaconvert's settings: 39,000 header lines).
                _HEADER_CHARS[0] -= len(line)
                self.known[line] = found
            elif not found[1] and len(self.known) < _KNOWN_HEADERS:
                self.known[line] = found  # no text after it: the line names only the slot's own header
        return found

    def _header(self, line: str) -> tuple[bool | None, str] | None:
        types = self.types
        match = _ANY_TYPE.fullmatch(line, len(self.prefix))
        if match is None:
            return None
        kind, flag, inline = match.groups("")
        if types and kind not in types and page_type(kind) not in types:
            return None
        if not flag and inline and damaged_flag(inline):
            return None, inline
        return bool(flag), inline

    def expected(self) -> str:
        kind = "|".join(sorted(self.types)) or "TYPE"
        return kind if self.top else f"{'' if self.name is None else self.name + ' '}({kind}) --"


@cache
def slot(name: str | None, types: frozenset[str], top: bool) -> Slot:
    """The one Slot of these fields: every ingest predicts tens of thousands of headers, from few names."""
    return Slot(name, types, top)


_DICT, _LIST, _EVENT_STREAM = frozenset({"dict"}), frozenset({"list"}), frozenset({"EventStream"})


def page_types(shape: Shape, response: bool) -> frozenset[str]:
    """The type names botocore's documenter may print for this shape (docs/utils.py py_type_name)."""
    kind = type(shape)
    if kind is Scalar:  # most shapes
        return _SCALAR_PAGE_TYPES[(shape.type, shape.streaming, response)]  # type: ignore[union-attr]
    if kind is Structure:
        return _EVENT_STREAM if shape.event_stream and response else _DICT  # type: ignore[union-attr]
    return _LIST if kind is ListShape else _DICT


_SCALAR_PAGE_TYPES: dict[tuple[str, bool, bool], frozenset[str]] = {}
for _response in (False, True):
    for _kind, _names in {
        "string": {"string"},
        "integer": {"integer"},
        "float": {"float"},
        "boolean": {"boolean"},
        "timestamp": {"datetime"},
        "blob": {"bytes"},
        "document": {"document", "JSON serializable"},
        "recursive": set(),
    }.items():
        _SCALAR_PAGE_TYPES[(_kind, False, _response)] = frozenset(_names)
    _SCALAR_PAGE_TYPES[("blob", True, _response)] = frozenset(
        {"StreamingBody"} if _response else {"bytes or seekable file-like object"}
    )


# Each structure's slots, by identity (the fast path interns sub-structures: a service's blocks
# repeat them), the structure kept alive so that its id stays its own.
_SLOTS: dict[tuple[int, bool, bool], tuple[Structure, tuple[Slot, ...]]] = {}
_KNOWN_SLOTS = 100_000  # bounds that memory; past it, slots are computed each time


def slots(structure: Structure, response: bool, top: bool, out: list[Slot] | None = None) -> list[Slot]:
    """Every header the page must show for these members, in page order."""
    out = [] if out is None else out
    key = (id(structure), response, top)
    known = _SLOTS.get(key)
    if known is not None:
        out += known[1]
        return out
    found: list[Slot] = []
    for member in structure.members:
        shape = member.shape
        found.append(slot(member.name, page_types(shape, response), top))
        if type(shape) is not Scalar:
            _child_slots(shape, response, found)
    if len(_SLOTS) < _KNOWN_SLOTS:
        _SLOTS[key] = (structure, tuple(found))
    out += found
    return out


def _child_slots(shape: Shape, response: bool, out: list[Slot]) -> None:
    # Not model.walk: the page shows a header for map keys too, and this runs for every parameter
    # of an ingest (the hot path); apply_cells below consumes the same order.
    if isinstance(shape, Structure):
        slots(shape, response, False, out)
    elif isinstance(shape, ListShape):
        out.append(slot(None, page_types(shape.member, response), False))
        _child_slots(shape.member, response, out)
    elif isinstance(shape, MapShape):
        out.append(slot(None, page_types(shape.key, response), False))
        out.append(slot(None, page_types(shape.value, response), False))
        _child_slots(shape.value, response, out)


@dataclass(slots=True)
class Cell:
    """What the page said under one header: the [REQUIRED] flag and the description's line range."""

    required: bool
    doc_start: int
    doc_end: int
    inline: str = ""  # description text on the header line itself

    def text(self, lines: list[str]) -> str:
        start, end = self.doc_start, self.doc_end
        if self.inline:
            return " ".join([self.inline, *lines[start:end]])
        return lines[start] if end - start == 1 else " ".join(lines[start:end])  # mostly one line


def read_cells(
    expected: list[Slot], lines: list[str], start: int, end: int, source: str, line_of: Callable[[int], int]
) -> list[Cell]:
    """Walk ``lines[start:end]`` header by header; the last description runs to ``end``.
    ``line_of`` gives the file's line number of a line."""
    cells: list[Cell] = []
    i = start
    found = expected[0].read(lines[i]) if expected and i < end else None
    for k, slot in enumerate(expected):
        if found is None:
            got = lines[i] if i < end else "the end of the section"
            raise ParseError(source, line_of(i), 1, f"parameter header {slot.expected()!r}", got)
        i += 1
        required, inline = found
        if slot.top and i < end and (lines[i] == REQUIRED or lines[i].startswith(_INLINE_REQUIRED)):
            required, inline, i = True, lines[i][len(_INLINE_REQUIRED) :], i + 1
        elif slot.top and i < end and damaged_flag(lines[i]):
            required, inline = None, lines[i]
        if required is None:
            raise ParseError(source, line_of(i - (not slot.top)), 1, f"'{REQUIRED}' or a description", inline[:60])
        nxt = expected[k + 1] if k + 1 < len(expected) else None
        doc_start = i
        found = None  # the next header, read once: it is this loop's stop and the next slot's start
        if nxt is None:
            i = end
        elif nxt.top and nxt.types:  # Slot.read of a top-level header, inline: every description line is tried
            types = nxt.types
            while i < end:
                line = lines[i]
                if line in types or (line[:1] in _RESPELLED and page_type(line) in types):
                    found = (False, "")
                    break
                i += 1
        elif nxt.top:
            read = nxt.read
            while i < end and (found := read(lines[i])) is None:
                i += 1
        else:  # what Slot.read tries first, here: most description lines stop at it, without a call
            read, opener, known = nxt.read, nxt.opener, nxt.known
            while i < end:
                line = lines[i]
                # A header read before is looked up here (Slot.read's first step, without the call).
                if line.startswith(opener) and ((found := known.get(line)) or (found := read(line))) is not None:
                    break
                i += 1
        if nxt is not None and i == end:
            # The next header never came: say so where it should have been, not at the end.
            got = lines[doc_start] if doc_start < end else "the end of the section"
            where = f"parameter header {nxt.expected()!r} after line {line_of(doc_start - 1)}"
            raise ParseError(source, line_of(doc_start), 1, where, got)
        cells.append(Cell(required, doc_start, i, inline))
    return cells


# Rebuilt shapes, interned by content (name, flag, text and the interned children's ids): a page's
# methods share sub-structures with the same documentation (tags, filters, common responses), so
# one object stands for each, and the encoder, which memoizes by identity, encodes it once.
# A key (its class first) names only objects its value keeps alive, so an id in it is never reused.
_INTERNED: dict[tuple[object, ...], Member | Shape] = {}
_MAX_INTERNED = 400_000  # bounds that memory (a whole release holds fewer); past it, no more are added


def apply_cells(structure: Structure, cells: Iterator[Cell], lines: list[str], required: bool) -> Structure:
    """Rebuild ``structure`` with each member's [REQUIRED] flag and text, in slot order."""
    members = []
    interned = _INTERNED
    for member in structure.members:
        cell = next(cells)
        shape = member.shape
        if type(shape) is not Scalar:
            shape = _apply_children(shape, cells, lines, required)
        flag = cell.required if required else False
        start, end = cell.doc_start, cell.doc_end  # Cell.text, inline (once per member of a page)
        if cell.inline:
            text = " ".join([cell.inline, *lines[start:end]])
        else:
            text = lines[start] if end - start == 1 else " ".join(lines[start:end])
        key: tuple[object, ...] = (Member, member.name, id(shape), flag, text)
        found = interned.get(key)
        if found is None:
            found = Member(member.name, shape, flag, text)
            if len(interned) < _MAX_INTERNED:
                interned[key] = found
        members.append(found)
    whole = (Structure, structure.event_stream, structure.union, *map(id, members))
    rebuilt = interned.get(whole)
    if rebuilt is None:
        rebuilt = Structure(tuple(members), structure.event_stream, structure.union)  # type: ignore[arg-type]
        if len(interned) < _MAX_INTERNED:
            interned[whole] = rebuilt
    return rebuilt  # type: ignore[return-value]


def _apply_children(shape: Shape, cells: Iterator[Cell], lines: list[str], required: bool) -> Shape:
    if isinstance(shape, Structure):
        return apply_cells(shape, cells, lines, required)
    if isinstance(shape, ListShape):
        next(cells)
        member = _apply_children(shape.member, cells, lines, required)
        key: tuple[object, ...] = (ListShape, id(member))
        found = _INTERNED.get(key)
        if found is None:
            found = ListShape(member)
            if len(_INTERNED) < _MAX_INTERNED:
                _INTERNED[key] = found
        return found  # type: ignore[return-value]
    if isinstance(shape, MapShape):
        next(cells), next(cells)
        value = _apply_children(shape.value, cells, lines, required)
        key = (MapShape, id(shape.key), id(value))
        found = _INTERNED.get(key)
        if found is None:
            found = MapShape(shape.key, value)
            if len(_INTERNED) < _MAX_INTERNED:
                _INTERNED[key] = found
        return found  # type: ignore[return-value]
    return shape


def unknown_required(shape: Shape) -> Shape:
    """The parameter list was cut: required-ness is unknown everywhere in the input."""
    return transform(shape, _required_unknown)


def _required_unknown(shape: Shape) -> Shape:
    if not isinstance(shape, Structure):
        return shape
    return replace(shape, members=tuple(replace(m, required=None) for m in shape.members))
