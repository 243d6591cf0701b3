"""``changelog-tracker stubs SERVICE [--at DATE] [--layout LAYOUT] --out DIR``: typed client stubs for one release."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import TrackerError
from ..stubs.spec import LAYOUTS, Layout
from .options import parse_date

if TYPE_CHECKING:
    from ..graph.store import Store

_BOTOCORE = re.compile(r"\bbotocore[- ](\d+(?:\.\d+)+)")  # a model source: "botocore 1.42.65", a wheel's name


@click.command("stubs")
@click.argument("service")
@click.option("--at", callback=parse_date, help="The newest state on or before this date (default: newest).")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="default",
    show_default=True,
    help="default: DIR/<service>_stubs/ with a Client class. mypy-boto3: DIR/mypy_boto3_<service>/ laid out as "
    "the published mypy-boto3-<service> (<Module>Client, .py beside .pyi), so boto3-stubs' "
    'boto3.client("<service>") resolves to this date\'s client.',
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the package; its pyproject.toml covers every stub package there (pip install DIR).",
)
@click.pass_context
def stubs(ctx: click.Context, service: str, at: dt.date | None, layout: Layout, out: Path) -> None:
    """Typed client stubs (a PEP 561 package) for SERVICE as of a release.

    Writes DIR/<service>_stubs/ (client.pyi, type_defs.pyi, literals.pyi) and DIR/pyproject.toml,
    which packages every service's stubs written into DIR: `pip install DIR` installs them all.

    With --layout mypy-boto3 the package is a drop-in for mypy-boto3-<service>: same distribution,
    package and module names, so code type-checked with boto3-stubs checks against AWS's API as of
    that date, with no code change. Its __release__ is the date, its version the botocore version
    (when the store knows it) with the date as local label: 1.42.37+2026.1.30.
    """
    if not isinstance(ctx.obj, str | Path):
        raise TrackerError("no store: run stubs as a changelog-tracker command (--store PATH)")
    from ..graph.store import Store
    from ..query import lookup as queries
    from ..stubs.build import write_stubs

    with Store(ctx.obj, create=False) as store:
        shown = queries.show(store, service, at=at)
        name, release = shown[0].service, max(item.release for item in shown)
        # show's operations carry no documentation: the stubs' docstrings are the stored text.
        versions = store.state(name, queries.as_of(at)).values()
        texts = [store.documentation(version)[0] for version in versions]
        operations = [replace(item.operation, documentation=text) for item, text in zip(shown, texts, strict=True)]
        traits = store.service_traits(name, release)
        botocore = _botocore_version(store, name, release)
    package = write_stubs(name, release, operations, out, layout=layout, service_traits=traits, botocore=botocore)
    click.echo(f"{len(shown)} methods of {name} as of {release} -> {package}", err=True)


def _botocore_version(store: Store, service: str, release: str) -> str | None:
    """The botocore version of the newest complete model source of ``service`` on or before ``release``."""
    complete = [page for page in store.pages(service) if page.complete and page.release <= release]
    for page in sorted(complete, key=lambda p: p.release, reverse=True):
        found = _BOTOCORE.search(page.source)
        if found:
            return found[1]
    return None
