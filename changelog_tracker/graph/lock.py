"""Waiting for a store another process writes to, and saying who that is.

SQLite's busy timeout waits a little for the write lock; past it we retry up to a bound
(``$CHANGELOG_TRACKER_LOCK_WAIT`` seconds), telling the user once that we wait and for whom. The
writer holding the lock names itself in a sidecar file beside the store (``STORE-writer``: pid,
command, start), since SQLite cannot say which process holds a lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError

BUSY_SECONDS = 1.0  # SQLite's own wait per attempt to take the write lock
DEFAULT_WAIT_SECONDS = 60.0

Notify = Callable[[str], None]


def wait_seconds() -> float:
    raw = os.environ.get("CHANGELOG_TRACKER_LOCK_WAIT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT_SECONDS
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def busy_seconds(writes: bool) -> float:
    """SQLite's busy timeout: a writer retries (and says it waits) past a short one; a reader,
    blocked only while a writer flushes its pages, waits the whole bound in SQLite."""
    return min(BUSY_SECONDS, wait_seconds()) if writes else wait_seconds()


def sidecar(store: Path) -> Path:
    return store.with_name(store.name + "-writer")


def record_writer(store: Path) -> None:
    """Name this process as the store's writer (called holding the write lock)."""
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
    with contextlib.suppress(OSError):  # only a courtesy to whoever waits: never a reason to fail
        sidecar(store).write_text(json.dumps({"pid": os.getpid(), "command": command, "started": started}))


def clear_writer(store: Path) -> None:
    path = sidecar(store)
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def holder(store: Path) -> str:
    """Who holds the store's write lock, as far as anyone recorded it."""
    try:
        writer = json.loads(sidecar(store).read_text())
        pid, command, started = int(writer["pid"]), str(writer["command"]), str(writer["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return "another program (no changelog-tracker writer recorded)"
    if not _alive(pid):
        return f"another program (the recorded writer, pid {pid}, has exited)"
    return f"pid {pid} ({command!r}, since {started})"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_busy(err: sqlite3.OperationalError) -> bool:
    return getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "database is locked" in str(err)


def locked(store: Path, waited: float) -> StoreError:
    return StoreError(store, f"locked by {holder(store)} for over {waited:g} s: try again when it is done")


def retry(step: Callable[[], object], store: Path, notify: Notify | None) -> None:
    """Run ``step`` until it gets past a busy store, for at most the bounded wait."""
    bound = wait_seconds()
    deadline = time.monotonic() + bound
    told = False
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as err:
            if not is_busy(err):
                raise
            if time.monotonic() >= deadline:
                raise locked(store, bound) from None
            if not told and notify is not None:
                notify(f"waiting up to {bound:g} s for {store}: locked by {holder(store)}")
                told = True
