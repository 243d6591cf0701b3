"""How node and blob bodies are kept in SQLite (store format 5): in packs, keyed by an integer taken
from their id.

A body is short (a shape node, a tree node of documentation: tens to hundreds of bytes) and much
like its neighbours: compressed alone it keeps a third of its size even with a dictionary, while the
bodies a write brings, compressed together, keep a sixth. So each write's new bodies go into packs
of about ``PACK_BYTES``, in the order they came (a service's bodies together, as readers want them),
each pack one zstandard frame with a dictionary trained on real models (``bodies.zdict``, built by
``python -m benchmarks.sync --train-dictionary``), bodies separated by a NUL (JSON text holds none).
A body's row says its pack and where it starts. The dictionary is part of the format: a new one needs
a FORMAT_VERSION bump.

The key is the first 8 bytes of the 12-byte id, as SQLite's rowid: no text id in the row and no
second index of the ids. Reads check a body against its whole id, so two ids sharing a key (about 1
in 10^7 for a store of 10^6 bodies) read as damaged, never as another body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import zstandard

DICTIONARY = Path(__file__).with_name("bodies.zdict")
# Measured on a first release's 69 MB of bodies: packs of 64 KB / 256 KB / 1 MB at level 3 make
# 15.2 / 14.1 / 13.6 MB, and a read decompresses a whole pack (0.1 / 0.3 / 1.1 ms). Level 9 makes
# 12.3 MB at 256 KB in three times level 3's time (1.25 s against 0.45 s on one core): packing is the
# writer's serial share, after the workers, and a year of releases is 2% of their models either way.
PACK_BYTES = 256 * 1024
LEVEL = 3
SEPARATOR = b"\0"
_FORMAT = zstandard.FORMAT_ZSTD1_MAGICLESS  # no 4-byte magic number on every pack
_HEX = re.compile("(?:[0-9a-f]{2})*")

Placed = tuple[int, int]  # (key, start): where a body begins in its pack's text


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


def packs(bodies: Iterable[tuple[int, str]]) -> list[tuple[bytes, list[Placed]]]:
    """Bodies (key, text), in the order given, as packs: (compressed data, where each body starts).
    Packs are compressed on every core (zstd's threads: the same bytes as one by one)."""
    texts = list(_pack_texts(bodies))
    if not texts:
        return []
    compressed = _codecs()[0].multi_compress_to_buffer([text for text, _placed in texts], threads=-1)
    return [(compressed[i].tobytes(), placed) for i, (_text, placed) in enumerate(texts)]


def _pack_texts(bodies: Iterable[tuple[int, str]]) -> Iterator[tuple[bytes, list[Placed]]]:
    parts: list[bytes] = []
    placed: list[Placed] = []
    size = 0
    for body_key, text in bodies:
        raw = text.encode()
        placed.append((body_key, size))
        parts += (raw, SEPARATOR)
        size += len(raw) + 1
        if size >= PACK_BYTES:
            yield _joined(parts, placed), placed
            parts, placed, size = [], [], 0
    if placed:
        yield _joined(parts, placed), placed


def _joined(parts: list[bytes], placed: list[Placed]) -> bytes:
    text = b"".join(parts)
    if text.count(SEPARATOR) != len(placed):  # canonical JSON escapes control characters
        raise ValueError("a body to store holds a NUL")
    return text


def unpack(data: bytes) -> bytes | None:
    """A stored pack's text (None: it does not decompress)."""
    try:
        return _codecs()[1].decompress(data)
    except zstandard.ZstdError:
        return None


def body_at(text: bytes, start: int) -> str | None:
    """The body that starts at ``start`` of a pack's text (None: no whole body there)."""
    end = text.find(SEPARATOR, start)
    if start < 0 or end < 0:
        return None
    try:
        return text[start:end].decode()
    except UnicodeDecodeError:
        return None
