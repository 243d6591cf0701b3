"""Service identity: boto3 names, and every full name a service has had, resolve to one key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from ..errors import TrackerError
from ..suggest import did_you_mean

_NON_WORD = re.compile(r"[^a-z0-9]+")


@cache
def _table() -> dict[str, str | list[str]]:
    text = resources.files("changelog_tracker").joinpath("service_names.json").read_text(encoding="utf-8")
    names: dict[str, str | list[str]] = json.loads(text)
    return {name.casefold(): service for name, service in names.items()}


@cache
def bundled_names() -> dict[str, str]:
    """{casefolded full name or boto3 name: boto3 name}, made by scripts/service_names.py from
    botocore releases, so former names (the 2025 name of bedrock-agentcore-control) resolve too.
    A full name several services share (see :func:`sharing`) is not in it."""
    return {name: service for name, service in _table().items() if isinstance(service, str)}


def sharing(name: str) -> tuple[str, ...]:
    """The services that share the full name ``name`` (ses and sesv2 are both "Amazon Simple Email
    Service"): a page titled so could be either; empty when the name is not shared."""
    found = _table().get(name.strip().casefold())
    return tuple(found) if isinstance(found, list) else ()


def resolve(name: str, learned: dict[str, str] | None = None) -> str | None:
    """The boto3 name for ``name`` (a boto3 name or any full name, any case), if known; None for a
    full name several services share, whatever a store learned last."""
    key = name.strip().casefold()
    if sharing(key):
        return None
    for table in (learned or {}, bundled_names()):
        if key in table:
            return table[key]
    services = set(bundled_names().values()) | set((learned or {}).values())
    return key if key in services else None


def slug(full_name: str) -> str:
    """A stable key for a service no table knows: 'Amazon Foo Bar' -> 'amazon-foo-bar'."""
    return _NON_WORD.sub("-", full_name.casefold()).strip("-") or "unknown"


def known_service(name: str, learned: dict[str, str], stored: Iterable[str] = ()) -> str:
    """The boto3 name the user's ``--service`` means: a name the store, the bundled table or the
    installed botocore knows; anything else is a typo (exit 2, with the nearest names)."""
    found = resolve(name, learned)
    if found is not None:
        return found
    key = name.strip().casefold()
    candidates = {*stored, *learned.values(), *bundled_names().values(), *_botocore_services()}
    if key in candidates:
        return key
    raise TrackerError(f"--service {name!r}: no known service{did_you_mean(name, candidates)}")


@cache
def _botocore_services() -> frozenset[str]:
    from .wheel import installed_services  # botocore loads only when a name is not in our tables

    return frozenset(installed_services())
