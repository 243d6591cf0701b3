"""Typed client stubs (PEP 561 packages) generated from the shape graph, for any release."""

from .build import render_stubs, write_stubs

__all__ = ["render_stubs", "write_stubs"]
