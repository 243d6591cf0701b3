"""A change-feed page's header, and the dates a release may have (pages and date options alike).

The feed's template (awslabs/aws-sdk-api-changes, ``templates/macros.j2``) writes one count
phrase: ``2026/03/10 - Amazon Bedrock AgentCore Control - 3 new 1 updated api methods``; copies
of its text can lose the space (``3 new1 updated``). Pages this project generated before
wrote two phrases (``3 new api methods - 1 updated api methods``): stores and users hold them,
so they still read. A count is what the template prints: a positive number, written once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# No real release falls outside; the store's open end (query.lookup.LATEST, 9999-12-31) and date
# arithmetic near date.min (the day before 0001-01-01) stay far away.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)

# What looks like a header (so a damaged one is reported, not read as prose): the count part
# starts at the first " - " followed by a word and "new"/"updated" (full names hold " - ").
LOOSE_HEADER = re.compile(r"(?P<date>\w+/\w+/\w+) - (?P<name>.+?) - (?P<counts>\w+ (?:new|updated).*\bapi methods?)")
_N = "[1-9][0-9]*"
_COUNTS = re.compile(
    rf"(?:(?P<new>{_N}) new(?: |(?=[0-9])))?(?:(?P<updated>{_N}) updated )?api methods"
    rf"|(?P<old_new>{_N}) new api methods - (?P<old_updated>{_N}) updated api methods"
)
EXPECTED_HEADER = "a page header 'YYYY/MM/DD - Service - N new M updated api methods'"


class HeaderError(ValueError):
    """Where (0-based offset in the header text) and what was expected."""

    def __init__(self, offset: int, expected: str, found: str) -> None:
        super().__init__(expected)
        self.offset, self.expected, self.found = offset, expected, found


@dataclass(frozen=True)
class Header:
    date: dt.date
    name: str
    new: int
    updated: int


def parse_header(match: re.Match[str]) -> Header:
    """The header a ``LOOSE_HEADER`` match names, or a HeaderError saying what is wrong where."""
    try:
        day = parse_day(match["date"], "/")
    except ValueError as err:
        raise HeaderError(match.start("date"), str(err), match["date"]) from None
    counts = _COUNTS.fullmatch(match["counts"])
    if counts is None:
        expected = "one count phrase 'N new M updated api methods' (N, M: 1 or more, each once)"
        raise HeaderError(match.start("counts"), expected, match["counts"])
    new = counts["new"] or counts["old_new"] or "0"
    updated = counts["updated"] or counts["old_updated"] or "0"
    return Header(day, match["name"], int(new), int(updated))


def parse_day(text: str, sep: str = "-") -> dt.date:
    """``YYYY<sep>MM<sep>DD`` in ASCII digits, a real day from FIRST_DAY to LAST_DAY; else
    ValueError saying what was expected."""
    form = sep.join(("YYYY", "MM", "DD"))
    if re.fullmatch(sep.join(("[0-9]{4}", "[0-9]{2}", "[0-9]{2}")), text) is None:
        raise ValueError(f"a date {form}")
    try:
        day = dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        raise ValueError(f"a real date {form}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        first, last = (d.isoformat().replace("-", sep) for d in (FIRST_DAY, LAST_DAY))
        raise ValueError(f"a date from {first} to {last}")
    return day
