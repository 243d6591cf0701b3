"""botocore's releases: which versions exist and their wheels, from a folder of wheels or from the
package index as the user's pip sees it (``pip index versions`` / ``pip download``, so pip's own
configuration, index and proxies apply), with downloaded wheels kept in a user cache folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TrackerError

# How pip is run: the interpreter's own pip (tests put a fake one here).
PIP: tuple[str, ...] = (sys.executable, "-m", "pip")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_WHEEL = re.compile(r"^botocore-(\d+(?:\.\d+)*)-[^/]*\.whl$")


def user_cache() -> Path:
    """Where downloaded wheels are kept: ``$XDG_CACHE_HOME/changelog-tracker/wheels`` (else ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "changelog-tracker" / "wheels"


def is_version(text: str) -> bool:
    return _VERSION.match(text) is not None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def wheel_version(name: str) -> str | None:
    """The botocore version a wheel file name says (``botocore-1.42.65-py3-none-any.whl``), else None."""
    match = _WHEEL.match(name)
    return match.group(1) if match else None


@dataclass
class Releases:
    """botocore versions, oldest first, and each one's wheel: found in ``folder`` (``--find-links``), or
    listed by pip and downloaded into ``cache`` on first use."""

    versions: list[str]
    folder: Path | None = None
    cache: Path = field(default_factory=user_cache)
    index_url: str | None = None

    @classmethod
    def in_folder(cls, folder: Path) -> Releases:
        if not folder.is_dir():
            raise TrackerError(f"{folder}: no such folder (--find-links takes a folder of botocore wheels)")
        found = {v for p in folder.iterdir() if (v := wheel_version(p.name))}
        if not found:
            raise TrackerError(f"{folder}: no botocore wheels here (botocore-VERSION-*.whl)")
        return cls(sorted(found, key=version_key), folder=folder)

    @classmethod
    def on_index(cls, cache: Path | None = None, index_url: str | None = None) -> Releases:
        versions = index_versions(index_url)
        return cls(versions, cache=cache or user_cache(), index_url=index_url)

    def wheel(self, version: str) -> Path:
        if self.folder is not None:
            found = cached_wheel(version, self.folder)
            if found is None:  # listed when the folder was read
                raise TrackerError(f"{self.folder}: the botocore {version} wheel is gone")
            return found
        return download_wheel(version, self.cache, self.index_url)


def run_pip(args: Sequence[str]) -> str:
    """pip's standard output; a failure is one line naming the command and pip's own last error."""
    command = [*PIP, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as err:
        raise TrackerError(f"cannot run pip ({err})") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR")] or lines or [f"exit {done.returncode}"]
        raise TrackerError(f"pip {' '.join(args[:2])} failed: {errors[-1]}")
    return done.stdout


def index_versions(index_url: str | None = None) -> list[str]:
    """botocore's versions on the package index pip uses, oldest first (pre-releases left out)."""
    out = run_pip(["index", "versions", "botocore", *_index(index_url)])
    for line in out.splitlines():
        if line.startswith("Available versions:"):
            listed = [v.strip() for v in line.split(":", 1)[1].split(",")]
            return sorted({v for v in listed if is_version(v)}, key=version_key)
    raise TrackerError("pip index versions botocore listed no versions")


def cached_wheel(version: str, folder: Path) -> Path | None:
    matches = sorted(folder.glob(f"botocore-{version}-*.whl"))
    return matches[0] if matches else None


def download_wheel(version: str, cache: str | Path | None = None, index_url: str | None = None) -> Path:
    """The botocore ``version`` wheel in ``cache`` (default: the user cache), downloaded by pip if absent.

    pip downloads into a temporary folder beside the cache and the wheel is moved in whole, so a
    killed download never leaves a partial wheel in the cache."""
    folder = Path(cache).expanduser() if cache else user_cache()
    found = cached_wheel(version, folder)
    if found is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".download-") as tmp:
        run_pip(
            ["download", f"botocore=={version}", "--no-deps", "--only-binary=:all:", "-d", tmp, "--quiet",
             *_index(index_url)]
        )  # fmt: skip
        got = cached_wheel(version, Path(tmp))
        if got is None:
            raise TrackerError(f"pip download left no botocore {version} wheel")
        target = folder / got.name
        shutil.move(got, target)
    return target


def _index(index_url: str | None) -> list[str]:
    return ["--index-url", index_url] if index_url else []
