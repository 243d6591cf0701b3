"""``changelog-tracker stubs SERVICE [--at DATE] --out DIR``: typed client stubs for one release."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import TrackerError
from .options import parse_date


@click.command("stubs")
@click.argument("service")
@click.option("--at", callback=parse_date, help="The newest state on or before this date (default: newest).")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the package; its pyproject.toml covers every stub package there (pip install DIR).",
)
@click.pass_context
def stubs(ctx: click.Context, service: str, at: dt.date | None, out: Path) -> None:
    """Typed client stubs (a PEP 561 package) for SERVICE as of a release.

    Writes DIR/<service>_stubs/ (client.pyi, type_defs.pyi, literals.pyi) and DIR/pyproject.toml,
    which packages every service's stubs written into DIR: `pip install DIR` installs them all.
    """
    if not isinstance(ctx.obj, Path):
        raise TrackerError("no store: run stubs as a changelog-tracker command (--store PATH)")
    from ..graph.store import Store
    from ..query import lookup as queries
    from ..stubs.build import write_stubs

    with Store(ctx.obj, create=False) as store:
        shown = queries.show(store, service, at=at)
    release = max(item.release for item in shown)
    package = write_stubs(shown[0].service, release, [item.operation for item in shown], out)
    click.echo(f"{len(shown)} methods of {shown[0].service} as of {release} -> {package}", err=True)
