"""Text bound for a terminal: strings from pages never reach it raw; colour only where a person reads."""

from __future__ import annotations

import os
import re
from typing import IO, Any

# C0 and C1 controls (but tab and newline), DEL, and the bidirectional overrides and isolates that
# can make a terminal line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with every control or bidi character shown as an escape, so it cannot drive the terminal.

    >>> printable("ok\x1b[31mred\u202e")
    'ok\\x1b[31mred\\u202e'
    """
    return _UNSAFE.sub(_escape, text)


def wants_colour(stream: IO[Any]) -> bool:
    """Colour only at a terminal, and never with ``NO_COLOR`` set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
