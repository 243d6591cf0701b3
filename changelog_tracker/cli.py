"""The command line: each command is a few lines over the public API (changelog_tracker/__init__.py)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import queries
from .baseline import baseline as store_baseline
from .errors import TrackerError
from .graph.store import Store
from .ingest import ingest as ingest_paths
from .render.syntax import render_request, render_response

DEFAULT_STORE = "data/tracker.db"
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)


class _Group(click.Group):
    """Turns our errors into one clear line on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(err.exit_code)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CHANGELOG_TRACKER_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="The SQLite store (or $CHANGELOG_TRACKER_STORE).",
)
@click.version_option(package_name="changelog-tracker")
@click.pass_context
def main(ctx: click.Context, store: Path) -> None:
    """Track AWS API changes from doc drops: what changed in each release, and who it breaks.

    \b
    Typical session:
      changelog-tracker baseline --botocore              # full state of every service today
      changelog-tracker ingest data/drops/               # add doc drops (text pages)
      changelog-tracker log bedrock-agentcore-control    # releases, newest first
      changelog-tracker show bedrock-agentcore-control create_agent_runtime --at 2026-03-10
    """
    ctx.obj = store


@contextmanager
def _open(ctx: click.Context) -> Iterator[Store]:
    with Store(ctx.obj) as store:
        yield store


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long work at a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=None) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--service", help="boto3 name of the service, where the page's name is unknown or ambiguous.")
@click.option("--date", callback=_date, help="Date (YYYY-MM-DD) for pages that carry none.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], service: str | None, date: dt.date | None) -> None:
    """Read doc drops into the store: files, folders, or - for stdin.

    Text and HTML pages are told apart by content. A bad page is rejected whole with its file,
    line and column, and nothing of the run is stored. Ingesting the same page again changes nothing.
    """
    with _open(ctx) as store, _progress("parsing pages") as progress, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = ingest_paths(store, paths, service=service, date=date, progress=progress)
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    click.echo(f"{report.pages} pages ({report.new_pages} new), {report.operations} methods -> {ctx.obj}", err=True)


@main.command()
@click.option(
    "--botocore",
    "wheel",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[WHEEL]",
    help="A botocore wheel file; with no value, the installed botocore.",
)
@click.option("--date", callback=_date, help="Release date (default: the date stamped on the wheel's files).")
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
@click.pass_context
def baseline(ctx: click.Context, wheel: str | None, date: dt.date | None, services: tuple[str, ...]) -> None:
    """Store every service's full model from botocore as one release.

    A drop lists only the methods that changed; a baseline gives the whole state, and
    operations it lacks count as removed from its date on.
    """
    if wheel is None:
        raise click.UsageError("say where the models come from: --botocore [WHEEL]")
    with _open(ctx) as store, _progress("reading models") as progress:
        report = store_baseline(store, wheel or None, date, services or None, progress)
    click.echo(f"{report.pages} services, {report.operations} operations -> {ctx.obj}", err=True)


@main.command()
@click.argument("service", required=False)
@FORMAT
@click.pass_context
def log(ctx: click.Context, service: str | None, fmt: str) -> None:
    """The releases in the store, newest first, with counts of new and updated methods."""
    with _open(ctx) as store:
        entries = queries.log(store, service)
    if fmt == "json":
        click.echo(json.dumps([e.to_json() for e in entries], indent=2))
        return
    for e in entries:
        kind = "baseline" if e.complete else f"{e.new} new, {e.updated} updated"
        click.echo(f"{e.release}  {e.service:<32} {kind:<22} {e.operations:>4} operations")
        for note in e.notes:
            click.echo(f"            {note}")


@main.command()
@click.argument("service")
@click.argument("operation", required=False)
@click.option("--at", callback=_date, help="The newest state on or before this date (default: newest).")
@FORMAT
@click.pass_context
def show(ctx: click.Context, service: str, operation: str | None, at: dt.date | None, fmt: str) -> None:
    """An operation (or all of a service's) as of a date: syntax re-rendered, or canonical JSON.

    SERVICE is the boto3 name or any full name it had; OPERATION the method or API name.
    """
    with _open(ctx) as store:
        shown = queries.show(store, service, operation, at)
    if fmt == "json":
        body = [s.to_json() for s in shown]
        click.echo(json.dumps(body[0] if operation else body, indent=2))
        return
    for item in shown:
        click.echo(_text(item))


def _text(item: queries.Shown) -> str:
    op = item.operation
    parts = [f"# {item.service} {op.name} ({item.release})", "Request Syntax", render_request(op)]
    required = _required_paths(op.input)
    if required:
        parts.append("Required: " + ", ".join(required))
    parts += ["Response Syntax", "None" if op.output is None else render_response(op.output), ""]
    return "\n".join(parts)


def _required_paths(shape: Any, prefix: str = "") -> list[str]:
    from .model import ListShape, MapShape, Structure

    if isinstance(shape, ListShape):
        return _required_paths(shape.member, prefix + "[]")
    if isinstance(shape, MapShape):
        return _required_paths(shape.value, prefix + "{}")
    if not isinstance(shape, Structure):
        return []
    paths = []
    for m in shape.members:
        path = f"{prefix}.{m.name}" if prefix else m.name
        paths += ([path] if m.required else []) + _required_paths(m.shape, path)
    return paths
