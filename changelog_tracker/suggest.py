"""'Did you mean' for names a user mistyped: services, operations, rule ids, presets."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The closest candidates to ``name``, best first (case-insensitive)."""
    pool = {c.casefold(): c for c in candidates}
    found = difflib.get_close_matches(name.casefold(), pool, n=limit, cutoff=0.6)
    return [pool[f] for f in found]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'a' or 'b'?"``, or ``""`` when nothing is close.

    >>> did_you_mean("lamda", ["lambda", "s3"])
    "; did you mean 'lambda'?"
    """
    close = nearest(name, candidates)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
