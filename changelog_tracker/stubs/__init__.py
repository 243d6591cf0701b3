"""Typed client stubs (PEP 561 packages) generated from the shape graph, for any release."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import render_stubs, write_stubs

__all__ = ["render_stubs", "write_stubs"]


def __getattr__(name: str) -> Any:
    # Lazy: the CLI reads stubs.spec for --help without loading jinja2 and the builders.
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
