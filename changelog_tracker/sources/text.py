"""Text doc drops -> Pages. A file may hold several pages; each method is anchored on the
``Request Syntax`` line that precedes its ``client.<method>(`` block."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ParseError
from ..model import CUT_SIDE, Operation, Page, PageMethod, Shape, Structure
from ..parse.delta import may_be_delta, parse_delta
from ..parse.lalr import MAX_NESTING
from ..parse.params import Cell, Slot, apply_cells, read_cells, slots, unknown_required
from ..parse.syntax import parse_request, parse_response
from .document import Document
from .header import EXPECTED_HEADER, LOOSE_HEADER, HeaderError, parse_header

TOO_LARGE = "# This section is too large to render."
# botocore's cut message is a code block: two '#' lines, joined into one in the one-line layout.
_CUT_MORE = "# Please see the AWS API Documentation linked below."
_CUT_LINK = "AWS API Documentation"
SEE_ALSO = "See also: AWS API Documentation"
UNNAMED = ""  # a method whose Request Syntax botocore cut
DELTA_LABELS = ("Request", "Response")
_QUOTED = re.compile(r"'[^'\n]*'")
TOO_DEEP = f"nesting deeper than {MAX_NESTING}"  # what parse/grammar.py says of brackets past the limit
_OUTPUT_ROOT = Slot(None, frozenset({"dict"}), False)


LOOKS_LIKE = "a text page (a dated header line)"


def detects(_document: Document) -> bool:
    return True  # every document without markup is read as a text page; its header is checked there


def read(document: Document) -> tuple[list[Page], list[str]]:
    return read_text(document.text, document.source), []


def read_text(text: str, source: str) -> list[Page]:
    """Every page in ``text`` (one file)."""
    lines, numbers = _lines(text)
    starts = _header_lines(text, lines, numbers)
    if not starts or starts[0] > 0:
        found = lines[0][:60] if lines else "an empty page"
        raise ParseError(source, numbers[0] if numbers else 1, 1, f"{EXPECTED_HEADER} as the first line", found)
    bounds = zip(starts, [*starts[1:], len(lines)], strict=True)
    return [_PageReader(lines, numbers, a, b, source).page() for a, b in bounds]


def _header_lines(text: str, lines: list[str], numbers: list[int]) -> list[int]:
    """The indexes of the lines that look like a page header (``LOOSE_HEADER``)."""
    if not numbers or numbers[-1] != len(numbers):  # blank lines dropped: indexes are not the text's lines
        return [i for i, line in enumerate(lines) if line[:1].isdigit() and LOOSE_HEADER.fullmatch(line)]
    # Every header holds "api method": only the lines holding it are tried, found by str.find, each
    # line's index counted in C (the page's lines are its text's, stripped).
    starts: list[int] = []
    pos, index, counted = text.find(_HEADER_WORDS), 0, 0
    while pos >= 0:
        begin = text.rfind("\n", 0, pos) + 1
        index += text.count("\n", counted, begin)
        counted = begin
        line = lines[index]
        if line[:1].isdigit() and LOOSE_HEADER.fullmatch(line):
            starts.append(index)
        after = text.find("\n", pos)
        pos = -1 if after < 0 else text.find(_HEADER_WORDS, after)
    return starts


_HEADER_WORDS = "api method"  # in every LOOSE_HEADER match


def _lines(text: str) -> tuple[list[str], list[int]]:
    """The page's non-blank lines, stripped, and their line numbers as editors and ``grep -n``
    count them (split on "\\n" only: str.splitlines also splits on \\x0c, \\x85, \\u2028...).
    Blank lines carry no meaning, wherever they stand."""
    stripped = list(map(str.strip, text.split("\n")))
    if all(stripped):  # pages as generated: no blank line
        return stripped, list(range(1, len(stripped) + 1))
    return [line for line in stripped if line], [number for number, line in enumerate(stripped, 1) if line]


@dataclass
class _PageReader:
    lines: list[str]
    numbers: list[int]  # each line's number in the file
    start: int  # the header line
    end: int
    source: str

    def line_of(self, i: int) -> int:
        """The file's line number of line ``i`` (past the last line: the line after it)."""
        return self.numbers[i] if i < len(self.numbers) else self.numbers[-1] + 1

    def block(self, start: int, end: int) -> str:
        """Lines ``start:end`` as one text with the file's line breaks (blank lines restored),
        so that a position in it maps back to the file."""
        numbers, lines = self.numbers, self.lines
        if numbers[end - 1] - numbers[start] == end - 1 - start:
            return "\n".join(lines[start:end])
        parts = [lines[start]]
        for k in range(start + 1, end):
            parts.append("\n" * (numbers[k] - numbers[k - 1]) + lines[k])
        return "".join(parts)

    def error(self, i: int, expected: str) -> ParseError:
        found = self.lines[i][:60] if i < self.end else "the end of the page"
        return ParseError(self.source, self.line_of(i), 1, expected, found)

    def page(self) -> Page:
        line = self.lines[self.start]
        match = LOOSE_HEADER.fullmatch(line)
        assert match is not None
        try:
            header = parse_header(match)
        except HeaderError as err:
            raise ParseError(self.source, self.line_of(self.start), err.offset + 1, err.expected, err.found) from None
        i = self.start + 1
        note = None
        if i < self.end and self.lines[i].startswith("Changes "):
            note, i = self.lines[i][len("Changes ") :], i + 1
        lines = self.lines
        anchors = [k for k in _indexes(lines, "Request Syntax", i, self.end) if self._is_anchor(k)]
        expected = header.new + header.updated
        if len(anchors) != expected:
            where = anchors[-1] + 1 if anchors else self.end
            raise self.error(where, f"{expected} methods (the header's count), found {len(anchors)}: truncated page?")
        methods = self._methods(i, anchors)
        self._check_statuses(methods, header.new, header.updated, match.start("counts") + 1)
        return Page(self.source, header.date, header.name, tuple(methods), note, line=self.line_of(self.start))

    def _check_statuses(self, methods: list[PageMethod], new: int, updated: int, column: int) -> None:
        """The header's counts are the methods listed: updated ones open with a delta summary."""
        for kind, expected in (("new", new), ("updated", updated)):
            found = sum(1 for method in methods if method.status == kind)
            if found != expected:
                what = f"{expected} {kind} methods (the header's count)"
                raise ParseError(self.source, self.line_of(self.start), column, what, f"{found} {kind} methods")

    def _is_anchor(self, k: int) -> bool:
        if self.lines[k] != "Request Syntax" or k + 1 >= self.end:
            return False
        return self.lines[k + 1].startswith(("client.", TOO_LARGE))

    def _methods(self, first: int, anchors: list[int]) -> list[PageMethod]:
        ends = [*anchors[1:], self.end]
        readers = [_MethodReader(self, anchor, nxt) for anchor, nxt in zip(anchors, ends, strict=True)]
        # Each method's body first: a delta summary names members of the method it precedes.
        tails = [reader.read() for reader in readers]
        methods = []
        preamble_start = first
        for k, (anchor, reader, tail) in enumerate(zip(anchors, readers, tails, strict=True)):
            deltas, doc = self._preamble(preamble_start, anchor, reader.member_names())
            # The lines after the last header hold its description, then the next method's preamble.
            if k + 1 < len(anchors):
                preamble_start = self._split_tail(tail, ends[k], readers[k + 1].member_names())
            else:
                preamble_start = self.end
            tail.doc_end = preamble_start
            status = "updated" if deltas else "new"
            methods.append(PageMethod(reader.operation(doc), status, deltas, self.line_of(anchor)))
        return methods

    def _preamble(
        self, start: int, anchor: int, names: frozenset[str] | None
    ) -> tuple[tuple[dict[str, Any], ...], str]:
        """Delta summaries (updated methods only), then the method's documentation."""
        end = anchor - 1 if self.lines[anchor - 1] == SEE_ALSO else anchor
        deltas = []
        i = start
        while i < end:
            label = self.lines[i] in DELTA_LABELS and i + 1 < end and self.lines[i + 1].startswith("{")
            at = i + 1 if label else i
            delta = self._delta_at(at, end, names)
            if delta is None:
                break  # documentation, whatever block it opens with
            deltas.append(delta)
            i = balanced_end(self.lines, at, end)
        return tuple(deltas), " ".join(self.lines[i:end])

    def _split_tail(self, tail: Cell, nxt: int, names: frozenset[str] | None) -> int:
        """Where the next method's preamble starts within the last description before ``nxt``."""
        begin = tail.doc_start
        end = nxt - 1 if self.lines[nxt - 1] == SEE_ALSO else nxt
        for i in range(end - 1, begin - 1, -1):
            if self._delta_at(i, end, names) is not None:
                return self._deltas_start(i, begin, names)
        # A new method has no delta: its documentation is not told apart from the prose before it;
        # we take its last line (text pages cannot say more; HTML pages can).
        return max(begin, end - 1)

    def _delta_at(self, i: int, end: int, names: frozenset[str] | None) -> dict[str, Any] | None:
        """The delta summary whose block starts at line ``i``, or None: documentation may hold any
        preformatted block (a JSON policy, code); a summary is the feed's pprint of what was added
        to the method below, so its keys are that method's members (``names``; None: cut, unknown)."""
        if not self.lines[i].startswith("{"):
            return None
        close = balanced_end(self.lines, i, end)
        if close < 0:
            return None
        text = self.block(i, close)
        if not may_be_delta(text):
            return None  # fails at its first tokens: the grammar (and lark) need not load
        try:
            delta = parse_delta(text, self.source, self.line_of(i))
        except ParseError as err:
            if err.found == TOO_DEEP:
                raise  # past the page limit wherever it stands
            return None
        return delta if names is None or names.issuperset(delta) else None

    def _deltas_start(self, i: int, begin: int, names: frozenset[str] | None) -> int:
        """Step back from the last delta over earlier deltas and their labels."""
        while i > begin:
            if self.lines[i - 1] in DELTA_LABELS:
                i -= 1
                continue
            earlier = self._delta_start_before(i, begin, names)
            if earlier == i:
                return i
            i = earlier
        return i

    def _delta_start_before(self, i: int, begin: int, names: frozenset[str] | None) -> int:
        """The start of a delta block ending right before line ``i``, or ``i`` if there is none."""
        for j in range(i - 1, begin - 1, -1):
            if self.lines[j].startswith("{") and balanced_end(self.lines, j, i) == i:
                return j if self._delta_at(j, i, names) is not None else i
        return i


def _indexes(lines: list[str], line: str, start: int, end: int) -> list[int]:
    """The indexes of ``line`` in ``lines[start:end]`` (list.index: a scan in C)."""
    found = []
    try:
        while True:
            start = lines.index(line, start, end) + 1
            found.append(start - 1)
    except ValueError:
        return found


def is_cut(lines: list[str], k: int) -> bool:
    """Line ``k`` starts botocore's "This section is too large to render" message."""
    return k < len(lines) and lines[k].startswith(TOO_LARGE)


def after_cut(lines: list[str], k: int) -> int:
    """The line after the cut message that starts at line ``k``."""
    k += 1
    if k < len(lines) and lines[k] == _CUT_MORE:
        k += 1
    return k + 1 if k < len(lines) and lines[k] == _CUT_LINK else k


def balanced_end(lines: list[str], start: int, end: int) -> int:
    """The line after the bracket-balanced block starting at ``start``, or -1 if it never closes."""
    depth = 0
    for k in range(start, end):
        depth += bracket_depth(lines[k])
        if depth <= 0:
            return k + 1
    return -1


@lru_cache(maxsize=1 << 16)  # syntax blocks repeat their lines: "'Name': 'string',", "},"
def bracket_depth(line: str) -> int:
    """Net bracket depth change of a line, quoted text aside."""
    bare = _QUOTED.sub("", line) if "'" in line else line
    return bare.count("(") + bare.count("[") + bare.count("{") - bare.count(")") - bare.count("]") - bare.count("}")


class _MethodReader:
    """One method: Request Syntax, parameter list, return type, Response Syntax and Structure.

    ``read`` finds the layout and returns the last description's cell (the page reader trims
    it where the next method's preamble begins); ``operation`` then builds the result.
    """

    def __init__(self, page: _PageReader, anchor: int, end: int) -> None:
        self.page, self.lines, self.end = page, page.lines, end
        self.start = anchor + 1
        self.source = page.source
        self.output: Shape | None = None
        self.response_cells: list[Cell] = []

    def read(self) -> Cell:
        self.name, self.input, returns, params_end = self._request()
        if returns is None:
            return Cell(False, params_end + 1, self.end)  # after the 'None' return type
        return self._response(returns)

    def member_names(self) -> frozenset[str] | None:
        """The top-level members of the request and the response (None where a side was cut)."""
        names: set[str] = set()
        for side in (self.input, self.output):
            if side is CUT_SIDE:
                return None
            if isinstance(side, Structure):
                names.update(member.name for member in side.members)
        return frozenset(names)

    def operation(self, documentation: str) -> Operation:
        output = self.output
        if isinstance(output, Structure) and self.response_cells:
            output = apply_cells(output, iter(self.response_cells[1:]), self.lines, required=False)
        return Operation(self.name, self.input, output, documentation=documentation)

    def _request(self) -> tuple[str, Shape, int | None, int]:
        lines, start = self.lines, self.start
        if is_cut(lines, start):
            # botocore cut the block, and with it the only place naming the method: ingest names it
            # from the methods it knows (sources/naming.py). The input is never guessed.
            returns, ends = self._returns(after_cut(lines, start))
            return UNNAMED, CUT_SIDE, returns, ends[0]
        close = self._block_end(start)
        name, structure = parse_request(self.page.block(start, close), self.source, self.page.line_of(start))
        returns, ends = self._returns(close)
        if lines[close : close + 1] == ["Parameters"] and is_cut(lines, close + 1):
            return name, unknown_required(structure), returns, ends[0]
        expected = slots(structure, response=False, top=True)
        for k, stop in enumerate(ends):
            try:
                cells = read_cells(expected, lines, close, stop, self.source, self.page.line_of)
            except ParseError:
                if k + 1 < len(ends):
                    continue  # a description line read "None": the return type comes later
                raise
            return name, apply_cells(structure, iter(cells), lines, required=True), returns, stop
        raise AssertionError("unreachable: ends is never empty")

    def _block_end(self, start: int) -> int:
        close = balanced_end(self.lines, start, self.end)
        if close < 0:
            raise self.page.error(start, "the end of the Request Syntax block (unbalanced brackets)")
        return close

    def _returns(self, start: int) -> tuple[int | None, list[int]]:
        """(index of 'Response Syntax' or None for a method returning None, candidate ends of the
        parameter list: the 'dict' return type line, or each 'None' line in order)."""
        lines = self.lines
        try:
            k = lines.index("Response Syntax", start, self.end)
        except ValueError:
            pass
        else:
            # The last 'dict' before it (mostly the line right before: searched from there).
            rtype = next((j for j in range(k - 1, start - 1, -1) if lines[j] == "dict"), -1)
            if rtype < 0:
                raise self.page.error(k, "the return type 'dict' before Response Syntax")
            return k, [rtype]
        nones = _indexes(lines, "None", start, self.end)
        if not nones:
            raise self.page.error(self.end - 1, "'Response Syntax' or the return type 'None'")
        return None, nones

    def _response(self, at: int) -> Cell:
        lines = self.lines
        if is_cut(lines, at + 1):
            self.output = CUT_SIDE
            structure_at = self._find(after_cut(lines, at + 1), "Response Structure")
        else:
            structure_at = self._find(at + 1, "Response Structure")
            text = self.page.block(at + 1, structure_at) if structure_at > at + 1 else ""
            self.output = parse_response(text, self.source, self.page.line_of(at + 1))
        if is_cut(lines, structure_at + 1) or not isinstance(self.output, Structure):
            return Cell(False, min(after_cut(lines, structure_at + 1), self.end), self.end)
        expected = [_OUTPUT_ROOT, *slots(self.output, response=True, top=False)]
        self.response_cells = read_cells(expected, lines, structure_at + 1, self.end, self.source, self.page.line_of)
        return self.response_cells[-1]

    def _find(self, start: int, text: str) -> int:
        try:
            return self.lines.index(text, start, self.end)
        except ValueError:
            raise self.page.error(self.end - 1, f"a {text!r} line") from None
