"""Naming the methods whose Request Syntax botocore cut ("This section is too large to render").

That block is the only place a text page names a method. Pages list methods in model order,
so the method lies between its named neighbours in the service's model; its documentation and
response must match too. One candidate left names it; otherwise the page is rejected, since a
name is never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from ..errors import ParseError
from ..model import CUT_SIDE, Operation, Page, PageMethod, Shape

_WORDS = re.compile(r"\W+")


class Catalog(Protocol):
    """A service's methods: names in model order, each part built only when asked for (an
    operation's documentation, its output; a cut method's input is never compared)."""

    @property
    def names(self) -> Sequence[str]: ...

    def api_name(self, name: str) -> str: ...

    def documentation(self, name: str) -> str: ...

    def output(self, name: str) -> Shape | None: ...


def name_cut_methods(page: Page, known: Catalog) -> Page:
    """``page`` with every unnamed method named from the ``known`` methods of its service."""
    if all(m.operation.name for m in page.methods):
        return page
    methods = list(page.methods)
    listed = {m.operation.name for m in methods}
    for i, method in enumerate(methods):
        if method.operation.name:
            continue
        candidates = [name for name in _between(known.names, methods, i) if name not in listed]
        fits = [name for name in candidates if _fits(method.operation, name, known)]
        if len(fits) != 1:
            names = ", ".join(fits) or "none of the methods known for this service"
            raise ParseError(page.source, method.line, 1, "a Request Syntax naming the method (botocore cut it, "
                             f"and its documentation and response fit {names})")
        named = replace(method.operation, name=fits[0], api_name=known.api_name(fits[0]))
        methods[i] = replace(method, operation=named)
        listed.add(fits[0])
    return replace(page, methods=tuple(methods))


def _between(known: Sequence[str], methods: list[PageMethod], i: int) -> Sequence[str]:
    """The known methods after the nearest named one before ``i`` and before the nearest after it."""
    order = {name: k for k, name in enumerate(known)}
    before = [order[m.operation.name] for m in methods[:i] if m.operation.name in order]
    after = [order[m.operation.name] for m in methods[i + 1 :] if m.operation.name in order]
    low, high = (before[-1] if before else -1), (after[0] if after else len(known))
    return known[low + 1 : high] if low < high else known


def _fits(cut: Operation, name: str, catalog: Catalog) -> bool:
    """The candidate's documentation ends as the cut method's does, and its response is the same
    (the documentation first: it needs no shape built)."""
    said, known = _words(cut.documentation), _words(catalog.documentation(name))
    if said and known and not known.endswith(said):
        return False
    return cut.output == CUT_SIDE or cut.output == catalog.output(name)


def _words(text: str) -> str:
    return _WORDS.sub(" ", text).strip().casefold()
