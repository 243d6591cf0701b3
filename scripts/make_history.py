"""Real history from consecutive botocore releases, written once and committed (CI downloads nothing).

For SERVICES over VERSIONS (a range like 1.42.25..1.42.65) it writes into OUT:
- ``baseline.zip``: the first release's models of those services, laid out like a botocore wheel
  (``botocore/data/<service>/<api-version>/service-2.json``, files stamped with the release
  date) so ``changelog-tracker baseline --botocore OUT/baseline.zip`` reads it;
- ``drops/YYYY-MM-DD_<service>.txt``: one page per changed service per later release, layouts
  alternating (the older one-line and the newer one-token-per-line);
- with ``--models``: ``models/<service>/<version>.json.gz`` at the first release and at every
  release that changed the service's model (a page-visible change or not: traits too), the same for
  its ``paginators-1.json`` and ``waiters-2.json`` under ``paginators/`` and ``waiters/`` (JSON
  ``null`` where the release ships none), and ``manifest.json`` (versions, dates, services), for
  tests that diff the JSON models independently. A service's files at a release are its newest
  files at or before it.

    python -m scripts.make_history 1.42.25..1.42.65 --out tests/data/history --models -s eks -s batch ...
    python -m scripts.make_history 1.42.25..1.42.65 --out data -s ec2 -s connect ...
"""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import click

from changelog_tracker.sources import wheel
from oracle import pagegen
from scripts.make_drops import expand_versions

LAYOUTS: tuple[pagegen.Layout, ...] = ("multiline", "oneline")
# The files saved per service and release: the model, then the two files beside it.
KINDS = ("models", "paginators", "waiters")
FILE_NAMES = ("service-2.json", "paginators-1.json", "waiters-2.json")
Files = tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]


def _minified(model: dict[str, Any] | None) -> bytes:
    return json.dumps(model, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def write_baseline_zip(path: Path, models: dict[str, dict[str, Any]], day: date) -> None:
    write_wheel(path, {service: (model, None, None) for service, model in models.items()}, day)


def write_wheel(path: Path, services: dict[str, Files], day: date) -> None:
    """A botocore-wheel-like zip of each service's model, paginators and waiters (absent: no file),
    every file stamped with ``day`` (the release date a wheel's stamps give)."""
    stamp = (day.year, day.month, day.day, 12, 0, 0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for service, files in sorted(services.items()):
            version = files[0].get("metadata", {}).get("apiVersion", "latest")
            for name, content in zip(FILE_NAMES, files, strict=True):
                if content is not None:
                    info = zipfile.ZipInfo(f"botocore/data/{service}/{version}/{name}", stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, _minified(content))


def write_model(out: Path, service: str, version: str, model: dict[str, Any] | None, kind: str = "models") -> None:
    target = out / kind / service / f"{version}.json.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(_minified(model), compresslevel=9, mtime=0))


def service_files(path: Path, services: Iterable[str]) -> dict[str, Files]:
    """{service: (service-2, paginators-1 or None, waiters-2 or None)} of the newest api-version."""
    return {s: (f.model, f.paginators, f.waiters) for s, f in wheel.wheel_files(path, services).items()}


def write_changed(out: Path, service: str, version: str, old: Files | None, new: Files) -> None:
    """Each of the service's files that is new or differs from the release before."""
    for k, kind in enumerate(KINDS):
        if old is None or old[k] != new[k]:
            write_model(out, service, version, new[k], kind)


def trimmed(model: dict[str, Any], operations: list[str] | None) -> dict[str, Any]:
    """The model with only ``operations`` (all: None) and the shapes they reach (input, output, errors)."""
    if operations is None:
        return model
    ops = {name: model["operations"][name] for name in operations}
    todo = [
        ref["shape"] for op in ops.values() for ref in [op.get("input"), op.get("output"), *op.get("errors", [])] if ref
    ]
    keep: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            shape = model["shapes"][name]
            refs = [*shape.get("members", {}).values(), shape.get("member"), shape.get("key"), shape.get("value")]
            todo.extend(ref["shape"] for ref in refs if ref)
    shapes = {name: shape for name, shape in model["shapes"].items() if name in keep}
    return {**model, "operations": ops, "shapes": shapes}


def write_fixtures(spec_path: Path) -> None:
    """Real trait fixtures (SPEC: {case: {"versions": [a, b], "services": {service: [operation, ...] | null}}}):
    ``<case>/<service>/<version>.json.gz`` beside the spec, each model trimmed to its operations,
    absent where the release lacks the service."""
    for case, spec in json.loads(spec_path.read_text()).items():
        for version in spec["versions"]:
            path = wheel.download_wheel(version)
            present = set(wheel.wheel_services(path)) & set(spec["services"])
            for service, model in wheel.wheel_models(path, sorted(present)).items():
                write_model(spec_path.parent, service, version, trimmed(model, spec["services"][service]), case)


@click.command()
@click.argument("versions", nargs=-1)
@click.option("--out", type=click.Path(path_type=Path))
@click.option("-s", "--service", "services", multiple=True)
@click.option("--models", "with_models", is_flag=True, help="Also write models at every change, and a manifest.")
@click.option(
    "--fixtures", type=click.Path(path_type=Path, exists=True), help="Only write the trait fixtures of this spec."
)
def main(
    versions: tuple[str, ...], out: Path | None, services: tuple[str, ...], with_models: bool, fixtures: Path | None
) -> None:
    if fixtures is not None:
        write_fixtures(fixtures)
        return
    if not versions or out is None or not services:
        raise click.UsageError("give VERSIONS, --out and -s (or --fixtures SPEC)")
    ordered = expand_versions(versions)
    (out / "drops").mkdir(parents=True, exist_ok=True)
    first = wheel.download_wheel(ordered[0])
    old, first_day = service_files(first, services), wheel.wheel_date(first)
    write_baseline_zip(out / "baseline.zip", {s: files[0] for s, files in old.items()}, first_day)
    manifest: dict[str, Any] = {"services": sorted(services), "versions": [[ordered[0], first_day.isoformat()]]}
    for service, files in old.items():
        if with_models:
            write_changed(out, service, ordered[0], None, files)
    for k, version in enumerate(ordered[1:]):
        path = wheel.download_wheel(version)
        new, day = service_files(path, services), wheel.wheel_date(path)
        manifest["versions"].append([version, day.isoformat()])
        for service in sorted(services):
            if with_models:
                write_changed(out, service, version, old[service], new[service])
            page = pagegen.page_between(old[service][0], new[service][0], day, None, LAYOUTS[k % 2], service)
            if page is None:
                continue
            (out / "drops" / f"{day.isoformat()}_{service}.txt").write_text(page, encoding="utf-8")
            click.echo(f"{version} {day} {service}")
        old = new
    if with_models:
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
