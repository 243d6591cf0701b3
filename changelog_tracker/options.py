"""Click pieces shared by every command module (kept apart from cli.py, which imports them all)."""

from __future__ import annotations

import datetime as dt

import click

from .sources.header import parse_day


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option value in the range a release may have, or a clear usage error (exit 2)."""
    if value is None:
        return None
    try:
        return parse_day(value, "-")
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not {err}") from None
