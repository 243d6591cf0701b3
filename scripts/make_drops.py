"""Make real "doc drop" pages, and compact model test data, from botocore wheels.

    python -m scripts.make_drops drops 1.40.45..1.40.50 --out data/drops --layout oneline
    python -m scripts.make_drops models 1.40.45 1.40.46 -s bedrock-agentcore-control

VERSIONS are botocore versions (``1.42.65``) or inclusive ranges (``1.42.60..1.42.65``; a range
asks the package index once for the versions that exist). Wheels are downloaded once into the
cache directory. ``drops`` writes one page per changed service per release, as
``YYYY-MM-DD_<service>.txt``, comparing each version with the one before it in the list (so the
first version is only the baseline). ``models`` writes ``<out>/<service>/<version>.json.gz``.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import click

from changelog_tracker.sources import wheel
from oracle import pagegen

# botocore's CHANGELOG.rst line; boto3's adds "[``botocore``] " before the text.
_API_CHANGE = re.compile(r"^\* api-change:``([^`]+)``: (?:\[``botocore``\] )?(.*)$")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _released_versions() -> list[str]:
    """The botocore versions on the package index (one ``pip index`` query)."""
    command = [sys.executable, "-m", "pip", "index", "versions", "botocore"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Available versions: (.+)$", output, re.MULTILINE)
    if match is None:
        raise click.ClickException("pip index printed no 'Available versions' line")
    return [version.strip() for version in match.group(1).split(",")]


def expand_versions(specs: tuple[str, ...]) -> list[str]:
    """Expand ``A..B`` ranges and sort; plain versions are taken as given."""
    versions = {spec for spec in specs if ".." not in spec}
    ranges = [spec.split("..", 1) for spec in specs if ".." in spec]
    if ranges:
        released = _released_versions()
        for low, high in ranges:
            versions.update(v for v in released if _version_key(low) <= _version_key(v) <= _version_key(high))
    return sorted(versions, key=_version_key)


def read_changelog(path: Path | None) -> dict[str, dict[str, str]]:
    """``{version: {service: note}}`` from a botocore CHANGELOG.rst (its api-change lines)."""
    notes: dict[str, dict[str, str]] = {}
    if path is None:
        return notes
    lines = path.read_text(encoding="utf-8").splitlines()
    version = ""
    for line, underline in zip(lines, [*lines[1:], ""], strict=True):
        if re.fullmatch(r"\d+\.\d+\.\d+", line) and set(underline) == {"="}:
            version = line
        elif (match := _API_CHANGE.match(line)) and version:
            services = notes.setdefault(version, {})
            services[match.group(1)] = " ".join(filter(None, [services.get(match.group(1)), match.group(2)]))
    return notes


def _drop_path(out: Path, day: str, service: str, written: set[Path]) -> Path:
    # Two releases of one service on one day get numbered files, never overwrite each other.
    path = out / f"{day}_{service}.txt"
    number = 2
    while path in written:
        path = out / f"{day}_{service}_{number}.txt"
        number += 1
    written.add(path)
    return path


def _load(path: Path, services: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    # A wheel older than a service simply lacks it.
    if not services:
        return wheel.wheel_models(path)
    return wheel.wheel_models(path, set(services).intersection(wheel.wheel_services(path)))


def _changed(old: dict[str, Any], new: dict[str, Any], services: tuple[str, ...]) -> list[str]:
    names = services or tuple(sorted(new))
    return [name for name in names if name in new and old.get(name) != new[name]]


@click.group()
def cli() -> None:
    """Make doc drops and model test data from botocore wheels."""


@cli.command()
@click.argument("versions", nargs=-1, required=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("data/drops"), show_default=True)
@click.option("--cache", type=click.Path(path_type=Path), default=wheel.DEFAULT_CACHE, show_default=True)
@click.option("--layout", type=click.Choice(get_args(pagegen.Layout)), default="multiline", show_default=True)
@click.option("-s", "--service", "services", multiple=True, help="Only these services (repeatable).")
@click.option(
    "--changelog",
    type=click.Path(exists=True, path_type=Path),
    help="botocore CHANGELOG.rst: adds each page's 'Changes' line.",
)
def drops(
    versions: tuple[str, ...],
    out: Path,
    cache: Path,
    layout: pagegen.Layout,
    services: tuple[str, ...],
    changelog: Path | None,
) -> None:
    """Write one page per changed service for each release after the first of VERSIONS."""
    ordered = expand_versions(versions)
    if len(ordered) < 2:
        raise click.UsageError("give at least two versions: the first is only the baseline")
    notes = read_changelog(changelog)
    out.mkdir(parents=True, exist_ok=True)
    written: set[Path] = set()
    old = _load(wheel.download_wheel(ordered[0], cache), services)
    for version in ordered[1:]:
        path = wheel.download_wheel(version, cache)
        new, day = _load(path, services), wheel.wheel_date(path)
        for service in _changed(old, new, services):
            note = notes.get(version, {}).get(service)
            page = pagegen.page_between(old.get(service), new[service], day, note, layout, service)
            if page is not None:
                target = _drop_path(out, day.isoformat(), service, written)
                target.write_text(page, encoding="utf-8")
                click.echo(f"{version} {target}")
        old = new


@cli.command()
@click.argument("versions", nargs=-1, required=True)
@click.option("-s", "--service", "services", multiple=True, required=True, help="Services to save (repeatable).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("tests/data/models"), show_default=True)
@click.option("--cache", type=click.Path(path_type=Path), default=wheel.DEFAULT_CACHE, show_default=True)
def models(versions: tuple[str, ...], services: tuple[str, ...], out: Path, cache: Path) -> None:
    """Save the service models of VERSIONS as minified, gzipped test data."""
    for version in expand_versions(versions):
        for service, model in wheel.wheel_models(wheel.download_wheel(version, cache), services).items():
            target = out / service / f"{version}.json.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps(model, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            click.echo(f"{version} {target}")


if __name__ == "__main__":
    cli()
