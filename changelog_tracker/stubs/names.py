"""Names and literals for generated stubs: every page string is checked or escaped here.

A page can hold any text where a member, enum value or method name goes. Nothing from a page
reaches a stub file except through :func:`py_string` (an escaped, ASCII-only string literal) or
as an identifier :func:`is_safe_key` / :func:`is_method_name` accepted; generated names are
built from ASCII letters and digits only, so they can never be keywords or break a line.
"""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[A-Za-z0-9]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# (plural ending, singular ending), first match wins; "ss"/"us"/"is" words are left alone.
_PLURALS = (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"))
_COLLECTION_SUFFIXES = ("List", "Set")
_IRREGULAR = {"Children": "Child", "People": "Person", "Data": "Datum", "Indices": "Index"}


def py_string(text: str) -> str:
    """A double-quoted Python string literal for ``text``, in printable ASCII only.

    Quotes, backslashes and every other character are escaped, so whatever a page says ends up
    as one token on one line (``repr`` would pick its quotes by content and keep non-ASCII).
    """
    return '"' + "".join(_escape(char) for char in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def is_identifier(name: str) -> bool:
    """An ASCII Python identifier that is not a keyword (soft keywords like ``type`` are fine).

    Non-ASCII identifiers are refused: Python NFKC-normalises them, so the name a stub spells
    could differ from the page's key.
    """
    return name.isascii() and name.isidentifier() and not keyword.iskeyword(name)


def is_safe_key(name: str, reserved: frozenset[str]) -> bool:
    """Can ``name`` be a key in a class-form TypedDict?

    Not a private name (Python mangles ``__x`` in a class body) and not a module-level name the
    class body's annotations use (a key named ``str`` would shadow ``str`` for later keys).
    """
    return is_identifier(name) and not name.startswith("_") and name not in reserved


def is_method_name(name: str) -> bool:
    """Can ``name`` be a method of the typed client? (boto3 names always can.)"""
    return is_identifier(name) and not name.startswith("_")


def pascal(name: str, fallback: str = "Member") -> str:
    """``create_agent_runtime`` -> ``CreateAgentRuntime``, ``serverProtocol`` -> ``ServerProtocol``.

    Only ASCII letters and digits survive; a name left empty is ``fallback``, one starting
    with a digit gets ``fallback`` in front.
    """
    words = _WORDS.findall(name)
    joined = "".join(word[0].upper() + word[1:] for word in words)
    if not joined:
        return fallback
    return fallback + joined if joined[0].isdigit() else joined


def singular(name: str) -> str:
    """The name of one element of a list called ``name`` (already PascalCase).

    ``Tags`` -> ``Tag``, ``Policies`` -> ``Policy``, ``TagList`` -> ``Tag``; ``Info`` -> ``InfoItem``.
    """
    for plural, one in _IRREGULAR.items():
        if name.endswith(plural):
            return name[: -len(plural)] + one
    for suffix in _COLLECTION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    for plural, one in _PLURALS:
        if name.endswith(plural) and len(name) > len(plural) + 1:
            return name[: -len(plural)] + one
    if name.endswith("s") and not name.endswith(("ss", "us", "is")) and len(name) > 2:
        return name[:-1]
    return name + "Item"


def package_name(service: str) -> str:
    """``bedrock-agentcore-control`` -> ``bedrock_agentcore_control_stubs``; "" if no package can be named so."""
    name = service.replace("-", "_") + "_stubs"
    return name if re.fullmatch(r"[a-z][a-z0-9_]*", name) else ""


class NameAllocator:
    """Hands out names, each once: the first free candidate, else the last one numbered 2, 3, ..."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def reserve(self, name: str) -> bool:
        if name in self.taken:
            return False
        self.taken.add(name)
        return True

    def allocate(self, stems: list[str], suffix: str) -> str:
        """The first free ``stem + suffix``; else the first stem numbered (``Tag2TypeDef``)."""
        for stem in stems:
            if self.reserve(stem + suffix):
                return stem + suffix
        return self.numbered(stems[0], suffix)

    def numbered(self, stem: str, suffix: str = "") -> str:
        """``stem + suffix`` if free, else ``stem + "2" + suffix``, ``stem + "3" + suffix`` ..."""
        if self.reserve(stem + suffix):
            return stem + suffix
        number = 2
        while not self.reserve(f"{stem}{number}{suffix}"):
            number += 1
        return f"{stem}{number}{suffix}"
