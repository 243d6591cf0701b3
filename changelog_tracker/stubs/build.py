"""Write a PEP 561 stub package for one service as of one release.

>>> from changelog_tracker.stubs import write_stubs            # doctest: +SKIP
>>> write_stubs("bedrock-agentcore-control", "2026-03-10", operations, Path("out"))  # doctest: +SKIP
PosixPath('out/bedrock_agentcore_control_stubs')
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import jinja2

from ..errors import TrackerError
from ..model import Operation
from .layout import client_context, literals_context, type_defs_context
from .names import package_name, py_string
from .typedefs import build_spec

BACKEND = "stubs_backend.py"


@cache
def _environment() -> jinja2.Environment:
    # Not HTML: autoescape would corrupt Python. Safety comes from layout.py, which escapes every
    # page string with py_string and admits only checked identifiers.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("changelog_tracker", "render/templates/stubs"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_stubs(service: str, release: str, operations: list[Operation]) -> dict[str, str]:
    """Every file of the package directory (``pyproject.toml``, ``<package>/client.pyi`` ...) by path."""
    package, version = _check(service, release)
    spec = build_spec(operations)
    common = {"service": service, "release": release}
    init = {"release_literal": py_string(release), "service_literal": py_string(service)}
    files = {
        "__init__.pyi": _render("__init__.pyi.j2", **common, **init),
        "literals.pyi": _render("literals.pyi.j2", **common, **literals_context(spec)),
        "type_defs.pyi": _render("type_defs.pyi.j2", **common, **type_defs_context(spec)),
        "client.pyi": _render("client.pyi.j2", **common, **client_context(spec)),
        "py.typed": "",
    }
    out = {f"{package}/{name}": text for name, text in files.items()}
    dist = service + "-stubs"
    description = f"Typed client stubs for {service} as of its {release} release"
    toml = {"name": json.dumps(dist), "version": json.dumps(version), "description": json.dumps(description)}
    out["pyproject.toml"] = _render("pyproject.toml.j2", toml=toml, **common)
    fields = (
        ("Metadata-Version", "2.1"),
        ("Name", dist),
        ("Version", version),
        ("Summary", description),
        ("Requires-Python", ">=3.11"),
    )
    out[BACKEND] = _render(
        "stubs_backend.py.j2",
        package_literal=py_string(package),
        tag_literal=py_string(f"{package}-{version}"),
        metadata_lines=[py_string(f"{key}: {value}\n") for key, value in fields],
    )
    return out


def _render(template: str, **context: object) -> str:
    return _environment().get_template(template).render(**context)


def _check(service: str, release: str) -> tuple[str, str]:
    """The package name and the PEP 440 version (``2026.3.10``) of a release date."""
    package = package_name(service)
    if not package:
        raise TrackerError(f"cannot name a Python package after service {service!r}: expected a boto3 name")
    try:
        date = dt.date.fromisoformat(release)
    except ValueError:
        date = None
    if date is None or date.isoformat() != release:
        raise TrackerError(f"release {release!r} is not a date: expected YYYY-MM-DD")
    return package, f"{date.year}.{date.month}.{date.day}"


def write_stubs(service: str, release: str, operations: list[Operation], out: Path) -> Path:
    """Write the package for ``service`` as of ``release`` under ``out``; returns the package directory."""
    files = render_stubs(service, release, operations)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out / package_name(service)
