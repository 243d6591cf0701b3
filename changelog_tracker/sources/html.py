"""HTML doc pages (boto3 reference and change-feed pages): not read yet, see issue 6."""

from __future__ import annotations

from ..errors import ParseError
from ..model import Page


def read_html(text: str, source: str) -> list[Page]:
    raise ParseError(source, 1, 1, "a text doc drop (HTML pages are not supported yet)", text[:40])
