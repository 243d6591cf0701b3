"""One exception family. Every user-facing error says where and what was expected."""

from __future__ import annotations


class TrackerError(Exception):
    """A user error (bad input, bad usage): the CLI prints it and exits 2."""

    exit_code = 2


class ParseError(TrackerError):
    """Input that does not read as a doc drop, with its position."""

    def __init__(self, source: str, line: int, column: int, expected: str, found: str = "") -> None:
        self.source, self.line, self.column = source, line, column
        self.expected, self.found = expected, found
        where = f"{source}:{line}:{column}"
        got = f", found {found!r}" if found else ""
        super().__init__(f"{where}: expected {expected}{got}")

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, int, int, str, str]]:
        # Pages are parsed in worker processes: the error must cross back whole.
        return ParseError, (self.source, self.line, self.column, self.expected, self.found)


class NotFoundError(TrackerError):
    """A service, operation or release the store does not have."""


class StoreError(TrackerError):
    """A store file that cannot be used: not ours, damaged, locked, of another format."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}")


class NoStoreError(StoreError):
    """A read command on a path that holds no store: only ingest and baseline create one."""

    def __init__(self, path: object) -> None:
        TrackerError.__init__(self, f"no store at {path} (run baseline or ingest first)")
        self.path = path
