"""``changelog-tracker scan PATH...``: which lines of our code a release (or a range of releases) breaks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from . import _open, _progress, _warn_stale
from .options import Formats, format_option, parse_date


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--at", callback=parse_date, help="Validate each call as of this date (default: the newest release).")
@click.option("--from", "since", callback=parse_date, help="Report the changes since this date that touch a call.")
@click.option("--to", "until", callback=parse_date, help="... up to this date (default: newest; with --from).")
@format_option("changelog_tracker.render.scan", help=None)
@click.option(
    "--fail-on",
    type=Formats("changelog_tracker.rules.registry", "FAIL_ON"),
    help="Exit 1 when a finding this severe (or worse) is at a call and not accepted in the config; an "
    "invalid payload or a missing method is breaking. Without it: exit 0.",
)
@click.option(
    "--config", type=click.Path(dir_okay=False), help="Rules config (default: nearest changelog-tracker.toml upward)."
)
@click.option("--verbose", "-v", is_flag=True, help="Text lists the calls that could not be resolved, and why.")
@click.pass_context
def scan(
    ctx: click.Context,
    paths: tuple[Path, ...],
    at: dt.date | None,
    since: dt.date | None,
    until: dt.date | None,
    fmt: str,
    fail_on: str | None,
    config: str | None,
    verbose: bool,
) -> None:
    """Find the boto3 calls in Python source (read, never run) and judge them against the store.

    \b
    At a date (--at, default the newest release): each call's payload validated as check --mode
    strict does (what the code leaves unknown, or **kwargs may supply, is never an error), and
    methods the release lacks (not yet, or no longer: which release) flagged.
    Over a range (--from [--to]): every change diff finds there that touches what a call sends or
    reads from its result (a removed or newly required member, a removed enum value it sends, ...).
    Each at the call's FILE:LINE:COL, with rule, severity and release. Virtualenvs, .git and what
    .gitignore lists are skipped; calls whose service or client is not known are counted as unresolved.
    \b
    Example (CI gate, annotating the pull request):
      changelog-tracker scan src/ --from 2026-01-09 --format github --fail-on breaking
    """
    if at is not None and since is not None:
        raise click.UsageError("--at and --from exclude each other: validate at a date, or judge a range")
    if until is not None and since is None:
        raise click.UsageError("--to needs --from: the range starts somewhere")
    if since is not None and until is not None and since > until:
        raise click.UsageError(f"--from {since} is after --to {until}")
    from ..render.scan import FORMATS, Options
    from ..rules.config import load_config
    from ..scan.files import scan_paths
    from ..scan.judge import at_date, in_range

    rules = load_config(config) if since is not None else None
    with _open(ctx) as store:
        with _progress("scanning files") as progress:
            scanned = scan_paths(list(paths), progress)
        if since is None:
            report = at_date(store, scanned, str(at) if at else None)
        else:
            report = in_range(store, scanned, str(since), str(until) if until else None, rules)
    click.echo(FORMATS[fmt].write(report, Options(fail_on=fail_on, verbose=verbose)), nl=False)
    if rules is not None:
        _warn_stale(rules.stale_warnings())
    if fail_on and report.failing(fail_on):
        ctx.exit(1)
