"""Click pieces shared by every command module (kept apart from cli/__init__.py, which imports them all)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import click

from ..sources.header import parse_day


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option value in the range a release may have, or a clear usage error (exit 2)."""
    if value is None:
        return None
    try:
        return parse_day(value, "-")
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not {err}") from None


class Formats(click.Choice[str]):
    """A command's --format choices, read from its format registry (``FORMATS`` of ``module``) whenever
    click asks: a format registered there (one writer, one line) is offered and accepted with no edit
    here. The module is imported on first use, as feature commands are (see ``lazy``); other choices
    kept in a registry (check's modes, --fail-on's severities) load the same way."""

    def __init__(self, module: str, name: str = "FORMATS") -> None:
        self.module, self.name = module, name
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        registry: Mapping[str, object] = lazy(self.module, self.name)
        return tuple(registry)

    @choices.setter
    def choices(self, _names: Iterable[str]) -> None:
        """Click's own __init__ sets the choices: the registry stays the one source."""


def lazy(module: str, name: str) -> Any:
    """``module.name``, importing the module on first use: the one way the CLI loads what only some
    commands need (feature commands, format registries), so every command starts fast."""
    return getattr(importlib.import_module(module), name)


def format_option(
    module: str, name: str = "FORMATS", default: str = "text", help: str | None = "Output format."
) -> Callable[[Any], Any]:
    """--format, its choices the registry ``name`` of ``module``."""
    return click.option("--format", "fmt", type=Formats(module, name), default=default, show_default=True, help=help)
