"""``changelog-tracker sync``: every botocore release in a range that the store lacks, as dated baselines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..sources.header import parse_day
from ..sources.releases import Releases, is_version
from . import _open, _progress

if TYPE_CHECKING:
    from ..write.sync import Added, SyncReport


def parse_bound(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | dt.date | None:
    """A botocore version (1.42.55) or a date (YYYY-MM-DD)."""
    if value is None:
        return None
    if is_version(value):
        return value
    try:
        return parse_day(value, "-")
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is neither a botocore version (1.42.55) nor {err}") from None


@click.command("sync")
@click.option("--since", callback=parse_bound, metavar="VERSION|DATE",
              help="First release (included). Default: the newest release the store holds (new store: the newest).")
@click.option("--until", callback=parse_bound, metavar="VERSION|DATE", help="Last release (included). Default: newest.")
@click.option("--service", "services", multiple=True, help="Only this service (repeatable): complete for it alone.")
@click.option("--find-links", type=click.Path(path_type=Path), help="A folder of botocore wheels: read offline.")
@click.option("--index-url", help="The package index to ask (default: pip's own configuration).")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
              help="Where downloaded wheels are kept (default: $XDG_CACHE_HOME/changelog-tracker/wheels).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The summary's format.")
@click.pass_context
def sync(ctx: click.Context, since: str | dt.date | None, until: str | dt.date | None, services: tuple[str, ...],
         find_links: Path | None, index_url: str | None, cache: Path | None, fmt: str) -> None:  # fmt: skip
    """Store every botocore release in a range that the store lacks, oldest first.

    Each release is a baseline dated by its wheel (the stamp of the files inside it), stored whole
    in one transaction: interrupt sync anywhere and run it again, it goes on where it stopped, and
    the store ends as one clean run would leave it. A service whose model files are byte-identical
    to the stored release before costs a hash, not a conversion. When botocore ships twice a day,
    the day's release is its newest version: an older one is left out, or replaced if stored.
    Versions and wheels come from the package index as your pip finds them (pip index versions /
    pip download, with pip's own configuration), or from a folder of wheels with --find-links.
    Everything is found and checked before anything is written: an error (no such version, no
    wheels, pip failing, offline) leaves the store as it was.

    \b
    Examples:
      changelog-tracker sync                                   # every morning: the new releases
      changelog-tracker sync --since 2025-12-01                # backfill from a date
      changelog-tracker sync --since 1.42.55 --until 1.42.65   # a range of versions
      changelog-tracker sync --find-links wheels/ --since 1.42.55 --service ecs
    """
    if find_links and index_url:
        raise click.UsageError("give --find-links (a folder) or --index-url, not both")
    from ..write.sync import sync as sync_releases

    releases = Releases.in_folder(find_links) if find_links else Releases.on_index(cache, index_url)
    with _open(ctx, create=True) as store, _progress("finding releases") as progress:
        report = sync_releases(store, releases, since, until, services or None, progress)
    click.echo(json.dumps(report.to_json(), indent=2) if fmt == "json" else summary(report))


def summary(report: SyncReport) -> str:
    lines = [_line(added) for added in report.added]
    if report.superseded:
        lines.append(f"left out {', '.join(report.superseded)}: a newer botocore of the same day stands for it")
    held = f", {report.stored} already stored" if report.stored else ""
    lines.append(f"{len(report.added)} releases added{held}, in {report.seconds:.1f} s")
    return "\n".join(lines)


def _line(added: Added, shown: int = 6) -> str:
    more = len(added.changed) - shown
    names = ", ".join(added.changed[:shown]) + (f" and {more} more" if more > 0 else "")
    plural = "s" if len(added.changed) > 1 else ""
    changed = f"{len(added.changed)} service{plural} changed ({names})" if added.changed else "no service changed"
    replaced = f", replacing {added.replaced} of the same day" if added.replaced else ""
    return (f"{added.release} botocore {added.version}: {changed}, {added.unchanged} unchanged{replaced}"
            f" ({added.seconds:.1f} s)")  # fmt: skip
