"""``changelog-tracker check``: are these request payloads valid, and since when are they broken."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter

import click

from .options import Formats, format_option, parse_date


@click.command("check")
@click.argument("payloads", nargs=-1, required=True)
@click.option("--service", required=True, help="boto3 name of the service, or any full name it had.")
@click.option("--operation", required=True, help="Method name (create_agent_runtime) or API name.")
@click.option("--at", callback=parse_date,
              help="Check against the newest state on or before this date (default: newest).")
@click.option("--history", is_flag=True, help="Check against every release; name the first break and its change.")
@click.option(
    "--mode",
    type=Formats("changelog_tracker.check.compile", "MODES"),  # a lazy Choice: the checker loads when it runs
    default="strict",
    show_default=True,
    help="strict also checks enum values; botocore rejects exactly what botocore's ParamValidator rejects.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the payloads that are not valid (and the summary).")
@format_option("changelog_tracker.render.views", "CHECK_FORMATS", help=None)
@click.pass_context
def check(
    ctx: click.Context,
    payloads: tuple[str, ...],
    service: str,
    operation: str,
    at: dt.date | None,
    history: bool,
    mode: str,
    quiet: bool,
    fmt: str,
) -> None:
    """Check request payloads: JSON or YAML files, folders, - for stdin, JSON Lines batches.

    \b
    A JSON Lines file (.jsonl, .ndjson, or one JSON object per line) holds one payload per
    line, named FILE:LINE. A summary line goes to stderr. Exit 0 when every payload is valid,
    1 when any is not, 2 on bad usage or input (a folder without payloads, an empty file).
    \b
    Example:
      changelog-tracker check fixtures/*.json --service bedrock-agentcore-control \\
          --operation create_agent_runtime --history
    """
    if at is not None and history:
        raise click.UsageError("--at and --history exclude each other: the history covers every release")
    from ..check.payloads import read_payloads
    from ..check.verdicts import check_payloads
    from ..graph.store import Store
    from ..render.views import CHECK_FORMATS

    read = read_payloads(payloads, stdin=sys.stdin.buffer.read)
    with Store(ctx.obj, create=False) as store:
        verdicts = check_payloads(store, service, operation, read, at=at, history=history, mode=mode)
    shown = [v for v in verdicts if v.valid is not True] if quiet else verdicts
    click.echo(CHECK_FORMATS[fmt].write(shown, None), nl=False)
    counts = Counter(v.valid for v in verdicts)
    if counts[None]:
        cut = "the page cut the request syntax"
        click.echo(f"warning: {counts[None]} payload(s) could not be checked: {cut}", err=True)
    noun = "payload" if len(verdicts) == 1 else "payloads"
    summary = f"{len(verdicts)} {noun}: {counts[True]} valid, {counts[False]} invalid, {counts[None]} unknown"
    click.echo(summary, err=True)
    if counts[False]:
        ctx.exit(1)
