"""How node and blob bodies are kept in SQLite (store format 4): keyed by an integer taken from
their id, and zstandard-compressed with a dictionary shipped in the package.

Most bodies are short (a shape node, a tree node of documentation: tens to hundreds of bytes), where
zlib gains nothing; a dictionary trained on real models (``bodies.zdict``, built by
``python -m benchmarks.sync --train-dictionary``) gives them the context they lack on their own.
The dictionary is part of the format: a new one needs a FORMAT_VERSION bump.

The key is the first 8 bytes of the 12-byte id, as SQLite's rowid: no text id in the row and no
second index of the ids (together a fifth of a store). Reads check a body against its whole id, so
two ids sharing a key (about 1 in 10^7 for a store of 10^6 bodies) read as damaged, never as another
body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import zstandard

DICTIONARY = Path(__file__).with_name("bodies.zdict")
LEVEL = 3  # higher levels shrink bodies by 1-10% for 4-20 times the time
_FORMAT = zstandard.FORMAT_ZSTD1_MAGICLESS  # no 4-byte magic number on every body
_HEX = re.compile("(?:[0-9a-f]{2})*")


def key(node: str) -> int:
    """The integer key of a node or blob id (24 hex digits): its first 8 bytes, signed as SQLite's."""
    return int.from_bytes(bytes.fromhex(node[:16]), "big", signed=True)


def id_bytes(value: str | None) -> bytes | str | None:
    """An id or digest as a row holds it: its bytes when it is lowercase hex (half the size), else as
    given. Byte order is the hex text's order, so ORDER BY answers the same."""
    return bytes.fromhex(value) if value is not None and _HEX.fullmatch(value) else value


def id_text(value: bytes | str | None) -> str | None:
    """The id or digest a row holds (``id_bytes`` undone)."""
    return value.hex() if isinstance(value, bytes) else value


@cache
def _codecs() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    data = zstandard.ZstdCompressionDict(DICTIONARY.read_bytes())
    params = zstandard.ZstdCompressionParameters.from_level(
        LEVEL, format=_FORMAT, write_content_size=1, write_checksum=0, write_dict_id=0
    )
    return (zstandard.ZstdCompressor(dict_data=data, compression_params=params),
            zstandard.ZstdDecompressor(dict_data=data, format=_FORMAT))  # fmt: skip


def pack(text: str) -> str | bytes:
    """A body as stored: compressed (an SQLite BLOB) where that is smaller, else the text itself."""
    raw = text.encode()
    packed = _codecs()[0].compress(raw)
    return packed if len(packed) < len(raw) else text


def pack_all(bodies: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
    """Bodies by id as stored (sync's workers pack theirs: compressing is a share of a first release,
    and compressed bodies are a third to send back)."""
    return {body_id: body if isinstance(body, bytes) else pack(body) for body_id, body in bodies.items()}


def unpack(body: str | bytes) -> str | None:
    """A stored body's text (None: it does not decompress)."""
    if isinstance(body, str):
        return body
    try:
        return _codecs()[1].decompress(body).decode()
    except (zstandard.ZstdError, UnicodeDecodeError):
        return None
