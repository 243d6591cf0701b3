"""Click pieces shared by every command module (kept apart from cli.py, which imports them all)."""

from __future__ import annotations

import datetime as dt

import click


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option value, or a clear usage error (exit 2)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None
