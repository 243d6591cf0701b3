"""Which files a scan reads, and the scan of them all: ``.py`` files under the given paths, skipping
virtualenvs, caches, ``.git`` and whatever the ``.gitignore`` files (nested ones too) ignore.

A file that cannot be read, decoded or parsed is one :class:`Unresolved` entry, never an exception.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pathspec import GitIgnoreSpec

from .calls import Call, ScanResult, Unresolved, scan_source

if TYPE_CHECKING:
    from ..write.ingest import Progress

SKIPPED_FOLDERS: Final = frozenset({".git", ".venv", "venv", ".tox", "node_modules", "__pycache__", "site-packages"})
VENV_MARKER: Final = "pyvenv.cfg"  # every virtualenv has one at its top, whatever it is called
STAGE: Final = "scanning files"


@dataclass(frozen=True, slots=True)
class _Ignore:
    """One ``.gitignore``: its patterns apply to paths relative to its folder."""

    base: str  # absolute, without a trailing separator
    spec: GitIgnoreSpec

    def decides(self, path: str, folder: bool) -> bool | None:
        """True: ignored, False: re-included (``!pattern``), None: no pattern of this file matches.

        `path` is absolute and under `base`."""
        relative = path[len(self.base) + 1 :].replace(os.sep, "/") + ("/" if folder else "")
        return self.spec.check_file(relative).include


def _read_ignore(folder: str) -> _Ignore | None:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:  # absent or unreadable: nothing ignored by it
        return None
    return _Ignore(folder, GitIgnoreSpec.from_lines(lines))


def _ignored(path: str, folder: bool, ignores: Sequence[_Ignore]) -> bool:
    """Git's rule: the deepest .gitignore with a matching pattern decides (its last matching pattern)."""
    for ignore in reversed(ignores):
        decided = ignore.decides(path, folder)
        if decided is not None:
            return decided
    return False


def _outer_ignores(folder: str) -> list[_Ignore]:
    """The .gitignore files above `folder` up to its repository's top (none if it is in no repository)."""
    chain: list[str] = []
    for parent in Path(folder).parents:
        chain.append(str(parent))
        if (parent / ".git").exists():
            break
    else:
        return []
    return [ignore for parent in reversed(chain) if (ignore := _read_ignore(parent)) is not None]


def _skipped_folder(path: str, name: str) -> bool:
    return name in SKIPPED_FOLDERS or os.path.exists(os.path.join(path, VENV_MARKER))


def _walk(folder: Path, absolute: str, ignores: list[_Ignore]) -> Iterator[Path]:
    own = _read_ignore(absolute)
    if own is not None:
        ignores = [*ignores, own]
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return  # an unreadable folder holds nothing we can read
    for entry in entries:
        inside = os.path.join(absolute, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if not _skipped_folder(inside, entry.name) and not _ignored(inside, True, ignores):
                yield from _walk(folder / entry.name, inside, ignores)
        elif entry.name.endswith(".py") and entry.is_file() and not _ignored(inside, False, ignores):
            yield folder / entry.name


def python_files(paths: Sequence[Path]) -> Iterator[Path]:
    """The ``.py`` files under `paths` in a stable order; a file or folder given by name is always read
    (the skipped folders and .gitignore apply to what is found inside)."""
    for path in paths:
        if path.is_dir():
            absolute = os.path.abspath(path)
            outer = _outer_ignores(absolute)
            # a folder named although ignored: its own .gitignore files still apply, not those that ignore it
            yield from _walk(path, absolute, [] if _ignored(absolute, True, outer) else outer)
        else:
            yield path


def read_source(path: Path) -> str | Unresolved:
    """The source of `path` decoded as Python does (BOM, ``# -*- coding: ... -*-``), or why it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return Unresolved(str(path), 1, 1, "unreadable file", error.strerror or str(error))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        return Unresolved(str(path), 1, 1, "undecodable file", str(error)[:80])


def scan_paths(paths: Sequence[Path], progress: Progress | None = None) -> ScanResult:
    """Every boto3 call site under `paths` (see :func:`python_files`), with progress per file."""
    files = list(python_files(paths))
    calls: list[Call] = []
    unresolved: list[Unresolved] = []
    lines = 0
    for done, path in enumerate(files, 1):
        text = read_source(path)
        if isinstance(text, Unresolved):
            unresolved.append(text)
        else:
            result = scan_source(text, str(path))
            calls += result.calls
            unresolved += result.unresolved
            lines += result.lines
        if progress is not None:
            progress(done, len(files), STAGE)
    return ScanResult(calls, unresolved, len(files), lines)
