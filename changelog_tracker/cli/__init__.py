"""The command line: each command is a few lines over the public API (changelog_tracker/__init__.py)."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import sys
import textwrap
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import StoreError, TrackerError
from ..taxonomy import ChangeKind, Severity
from ..terminal import printable
from .options import Formats, format_option, lazy, parse_date

# What commands use is imported in them: --help and a small `show` start without the parser, the
# writers or the renderers they do not run (benchmarks/startup.py).
if TYPE_CHECKING:
    from ..graph.store import Store
    from ..write.ingest import Progress

DEFAULT_STORE = "data/tracker.db"


class _Group(click.Group):
    """Turns our errors into one clear line on stderr and exit code 2, never a traceback; loads
    feature commands (check, stubs) on first use, so other commands start fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_FEATURE_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _FEATURE_COMMANDS and name not in self.commands:
            self.add_command(lazy(_FEATURE_COMMANDS[name], name))
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        _exit_on_sigterm()
        try:
            return super().invoke(ctx)
        except TrackerError as err:
            _error(err)
            ctx.exit(err.exit_code)
        except sqlite3.DatabaseError as err:  # met only when reading: the store opened clean
            _error(_store_trouble(Path(ctx.obj), err))  # SQLite's: a PostgreSQL store says its own
            ctx.exit(TrackerError.exit_code)


def _error(err: Exception) -> None:
    """One line on stderr, whatever bytes (from a page, a damaged store) the message quotes."""
    click.echo("error: " + printable(str(err)).replace("\n", "\\n"), err=True)


def _store_trouble(path: Path, err: sqlite3.DatabaseError) -> TrackerError:
    from ..graph import lock

    if isinstance(err, sqlite3.OperationalError):  # the store is sound, its use failed (locked, disk full)
        return lock.locked(path, lock.wait_seconds()) if lock.is_busy(err) else StoreError(path, str(err))
    return StoreError(path, f"the store is damaged ({err}): restore it or rebuild it with baseline and ingest")


def _exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C (transactions roll back, worker pools are shut down)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    metavar="FILE|URL",  # the store checks what it is (a folder is refused there)
    envvar="CHANGELOG_TRACKER_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="The store: an SQLite file, or a shared PostgreSQL one as postgresql://user@host/db"
    " (or $CHANGELOG_TRACKER_STORE).",
)
@click.version_option(package_name="changelog-tracker")
@click.pass_context
def main(ctx: click.Context, store: str) -> None:
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
def _open(ctx: click.Context, create: bool = False) -> Iterator[Store]:
    """The store; only the commands that write (ingest, baseline) may create it."""
    from ..graph.store import Store

    with Store(ctx.obj, create=create, on_wait=_waiting) as store:
        yield store


def _waiting(message: str) -> None:
    click.echo(f"note: {message}", err=True)


@contextmanager
def _progress(label: str) -> Iterator[Progress | None]:
    """A progress bar on stderr for long work at a terminal, naming each stage; nothing when piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True, console=None) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, stage: str = label, /) -> None:
            bar.update(task, completed=done, total=total, description=stage)

        yield update


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--service", help="boto3 name of the service, where the page's name is unknown or ambiguous.")
@click.option("--date", callback=parse_date, help="Date (YYYY-MM-DD) for pages that carry none.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], service: str | None, date: dt.date | None) -> None:
    """Read doc drops into the store: files, folders, or - for stdin.

    Text and HTML pages are told apart by content. A bad page is rejected whole with its file,
    line and column, and nothing of the run is stored. Ingesting the same page again changes nothing;
    two pages of one service and date may list different methods, but one method they both list
    must agree (else both files are named and nothing is stored). Creates the store if needed.
    """
    from ..write.ingest import ingest as ingest_paths

    with _open(ctx, create=True) as store, _progress("parsing pages") as progress, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = ingest_paths(store, paths, service=service, date=date, progress=progress)
        where = store.where  # a URL's password is not shown
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    if report.skipped:
        skipped = len(report.skipped)
        click.echo(f"note: {skipped} pages skipped, no API operation ({_skipped(report.skipped)})", err=True)
    click.echo(f"{report.pages} pages ({report.new_pages} new), {report.operations} methods -> {where}", err=True)


def _skipped(lines: list[str], shown: int = 3) -> str:
    """The first few skipped pages' file names: the reader said why for each ("SOURCE: why")."""
    names = [printable(Path(line.split(": ", 1)[0]).name) for line in lines[:shown]]
    return ", ".join(names) + (f" and {len(lines) - shown} more" if len(lines) > shown else "")


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
@click.option(
    "--date",
    callback=parse_date,
    help="Release date (default: the date stamped on the wheel's files; for the installed botocore, on its"
    " version's wheel, from the wheel cache or the package index).",
)
@click.option("--service", "services", multiple=True, help="Only this service (repeatable).")
@click.pass_context
def baseline(ctx: click.Context, wheel: str | None, date: dt.date | None, services: tuple[str, ...]) -> None:
    """Store every service's full model from botocore as one release.

    A drop lists only the methods that changed; a baseline gives the whole state, and
    operations it lacks count as removed from its date on. A baseline of every service (no
    --service) also ends, at its date, any service the store knew that it lacks. The installed
    botocore is dated by its release (never by when pip installed it): where that wheel is
    neither cached nor on the index (offline), pass --date.
    """
    if wheel is None:
        raise click.UsageError("say where the models come from: --botocore [WHEEL]")
    from ..write.baseline import baseline as store_baseline

    with _open(ctx, create=True) as store, _progress("reading models") as progress:
        report = store_baseline(store, wheel or None, date, services or None, progress)
        where = store.where
    click.echo(f"{report.pages} services, {report.operations} operations -> {where}", err=True)


VIEWS = "changelog_tracker.render.views"


@main.command()
@click.argument("service", required=False)
@format_option(VIEWS, "LOG_FORMATS")
@click.pass_context
def log(ctx: click.Context, service: str | None, fmt: str) -> None:
    """The releases in the store, newest first, with counts of new and updated methods.

    Each page's delta summaries are checked against what really changed since the method's
    previous state; anything short of confirmed is listed under its release. A service that a
    newer complete source (a botocore baseline) no longer holds is listed as gone at that date.
    """
    from ..query import lookup as queries

    with _open(ctx) as store:
        entries = queries.log(store, service)
    click.echo(lazy(VIEWS, "LOG_FORMATS")[fmt].write(entries, None), nl=False)


@main.command()
@click.argument("service")
@click.argument("operation", required=False)
@click.option("--at", callback=parse_date, help="The newest state on or before this date (default: newest).")
@format_option(VIEWS, "SHOW_FORMATS")
@click.pass_context
def show(ctx: click.Context, service: str, operation: str | None, at: dt.date | None, fmt: str) -> None:
    """An operation (or all of a service's) as of a date: syntax re-rendered, or canonical JSON.

    SERVICE is the boto3 name or any full name it had; OPERATION the method or API name.
    """
    from ..query import lookup as queries

    with _open(ctx) as store:
        shown = queries.show(store, service, operation, at)
    click.echo(lazy(VIEWS, "SHOW_FORMATS")[fmt].write(shown, operation is not None), nl=False)


F = TypeVar("F", bound=Callable[..., Any])


def _kinds_in_help(command: F) -> F:
    """Fills the "Kinds:" line of a command's help from the taxonomy, so a new change kind lists itself."""
    groups: dict[str, list[str]] = {}
    for kind in ChangeKind:
        stem, _, tail = kind.rpartition("-")
        groups.setdefault(stem, []).append(tail)
    words = (f"{stem}-{'/'.join(tails)}" if stem else "/".join(tails) for stem, tails in groups.items())
    text = "Kinds: " + ", ".join(words) + "; each under a rule"
    lines = textwrap.wrap(text, width=84, break_on_hyphens=False)
    command.__doc__ = (command.__doc__ or "").replace("{kinds}", "\n    ".join(lines))
    return command


_IN_BAND = {"json", "sarif"}  # formats that carry tracked_since themselves; the others say it on stderr


@main.command()
@click.argument("service", required=False)
@click.option("--operation", help="Only this operation (method or API name).")
@click.option(
    "--from", "since", required=True, callback=parse_date, help="The old state: newest on or before this date."
)
@click.option("--to", "until", callback=parse_date, help="The new state (default: newest).")
@format_option("changelog_tracker.render.findings", help=None)
@click.option(
    "--preset",
    default="all",
    show_default=True,
    help="Who must not break: payloads (old requests), readers (old responses), or all.",
)
@click.option(
    "--severity",
    "severities",
    type=click.Choice([str(s) for s in Severity]),
    multiple=True,
    help="Only changes of this severity (repeatable); --fail-on judges only what is shown.",
)
@click.option(
    "--fail-on",
    type=Formats("changelog_tracker.rules.registry", "FAIL_ON"),
    help="Exit 1 when a change this severe (or worse) is found and not accepted in the config; CI formats "
    "mark exactly these as failures (without --fail-on: breaking and dangerous ones, and exit 0).",
)
@click.option("--transitive", is_flag=True, help="Compare every consecutive release in the range, not only its ends.")
@click.option(
    "--config", type=click.Path(dir_okay=False), help="Rules config (default: nearest changelog-tracker.toml upward)."
)
@click.pass_context
@_kinds_in_help
def diff(
    ctx: click.Context,
    service: str | None,
    operation: str | None,
    since: dt.date,
    until: dt.date | None,
    fmt: str,
    preset: str,
    severities: tuple[str, ...],
    fail_on: str | None,
    transitive: bool,
    config: str | None,
) -> None:
    """Every change between two dates, classified by who it breaks, worst first.

    \b
    {kinds}
    with a severity: breaking, dangerous or safe. A new enum value is safe in a request and
    dangerous in a response; a removed or newly required request member breaks old payloads.
    An operation the store only started knowing (a first baseline) is not "added".
    \b
    Example (CI gate):
      changelog-tracker diff --from 2025-10-06 --to 2026-03-10 --format github --fail-on breaking
    """
    from ..query import lookup as queries
    from ..render.findings import render_findings
    from ..rules import judge
    from ..rules.config import load_config
    from ..rules.registry import failing_severities
    from ..terminal import wants_colour

    rules = load_config(config)
    with _open(ctx) as store:
        findings = judge.diff(
            store,
            service,
            operation,
            since=str(since),
            until=str(until) if until else None,
            transitive=transitive,
            preset=preset,
            config=rules,
        )
        key = queries.service_name(store, service) if service else None
        title, tracked = _compared(store, key, str(since), queries.as_of(until))
    if severities:
        findings = [f for f in findings if f.severity in severities]
    if tracked and fmt not in _IN_BAND:
        click.echo(f"note: {_tracked_note(tracked)}", err=True)
    colour = fmt == "text" and wants_colour(sys.stdout)
    click.echo(render_findings(findings, fmt, title=title, fail_on=fail_on, colour=colour), nl=False)
    for warning in rules.stale_warnings():
        click.echo(f"warning: {warning}", err=True)
    if fail_on and any(f.severity in failing_severities(fail_on) and f.accepted is None for f in findings):
        ctx.exit(1)


def _compared(store: Store, service: str | None, since: str, until: str) -> tuple[str, dict[str, str]]:
    """The title naming the dates of the two states compared, and the services compared from a later
    first state than --from ({service: date})."""
    from ..rules.judge import state_date, tracked_since

    services = [service] if service else store.services()
    tracked = {s: d for s in services if (d := tracked_since(store, s, since)) and d <= until}
    new = state_date(store, until, service) or until
    old = state_date(store, since, service) or min(tracked.values(), default=since)
    return f"{service or 'all services'}: {old} to {new}", tracked


def _tracked_note(tracked: dict[str, str]) -> str:
    """One line: which services the store knows only from a later date, compared from their first state."""
    by_date: dict[str, list[str]] = {}
    for service, date in sorted(tracked.items()):
        by_date.setdefault(date, []).append(service)
    parts = "; ".join(f"{', '.join(names)} since {date}" for date, names in sorted(by_date.items()))
    return f"the store tracks {parts}: compared from that first state, --from is earlier"


CONFIG = click.option(
    "--config", type=click.Path(dir_okay=False), help="Rules config (default: nearest changelog-tracker.toml upward)."
)


@main.command()
@click.argument("service", required=False)
@click.option("--from", "since", required=True, callback=parse_date, help="Release notes from this date, included.")
@click.option("--to", "until", callback=parse_date, help="... up to this date, included (default: newest).")
@format_option("changelog_tracker.render.notes", default="markdown", help=None)
@CONFIG
@click.pass_context
def notes(ctx: click.Context, service: str | None, since: dt.date, until: dt.date | None, fmt: str,
          config: str | None) -> None:
    """Release notes grouped by date, service and severity (Markdown, or an Atom feed), judged as diff judges."""
    from ..query import lookup as queries
    from ..render.notes import render_notes
    from ..rules.config import load_config

    rules = load_config(config)
    with _open(ctx) as store:
        text = render_notes(store, str(since), queries.as_of(until), fmt, service=service, config=rules)
    click.echo(text, nl=False)
    _warn_stale(rules.stale_warnings())


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the site.")
@CONFIG
@click.pass_context
def report(ctx: click.Context, out: Path, config: str | None) -> None:
    """A static HTML site of every release and change; opens from disk, no server needed."""
    from ..render.site import write_site
    from ..rules.config import load_config

    rules = load_config(config)
    with _open(ctx) as store:
        written = write_site(store, out, config=rules)
    _warn_stale(rules.stale_warnings())
    click.echo(f"{len(written)} pages -> {out / 'index.html'}", err=True)


def _warn_stale(warnings: list[str]) -> None:
    """The config's accepts that matched nothing or expired, after judging (the file's text may hold anything)."""
    for line in warnings:
        click.echo(f"warning: {printable(line)}", err=True)


# Commands that live beside their feature's code, imported only when called.
_FEATURE_COMMANDS = {
    "check": "changelog_tracker.cli.check",
    "scan": "changelog_tracker.cli.scan",
    "stubs": "changelog_tracker.cli.stubs",
    "store": "changelog_tracker.cli.store",
    "sync": "changelog_tracker.cli.sync",
}
