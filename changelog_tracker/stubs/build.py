"""Write a PEP 561 stub package for one service as of one release.

>>> from changelog_tracker.stubs import write_stubs            # doctest: +SKIP
>>> write_stubs("bedrock-agentcore-control", "2026-03-10", operations, Path("out"))  # doctest: +SKIP
PosixPath('out/bedrock_agentcore_control_stubs')
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
from functools import cache
from pathlib import Path

import jinja2

from ..errors import TrackerError
from ..model import Operation
from .client import build_client
from .layout import client_context, literals_context, paginator_context, type_defs_context, waiter_context
from .names import package_name, py_string
from .typedefs import build_spec

BACKEND = "stubs_backend.py"


@cache
def _environment() -> jinja2.Environment:
    # Not HTML: autoescape would corrupt Python. Safety comes from layout.py, which escapes every
    # page string with py_string and admits only checked identifiers.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("changelog_tracker.stubs", "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_stubs(service: str, release: str, operations: list[Operation]) -> dict[str, str]:
    """Every file of the package directory (``pyproject.toml``, ``<package>/client.pyi`` ...) by path."""
    package, _ = _check(service, release)
    client = build_client(build_spec(operations), operations, None, "default", service)
    spec = client.spec
    common = {"service": service, "release": release}
    init = {"release_literal": py_string(release), "service_literal": py_string(service)}
    files = {
        "__init__.pyi": _render("__init__.pyi.j2", **common, **init),
        "literals.pyi": _render("literals.pyi.j2", **common, **literals_context(spec)),
        "type_defs.pyi": _render("type_defs.pyi.j2", **common, **type_defs_context(spec)),
        "client.pyi": _render("client.pyi.j2", **common, **client_context(client)),
        "py.typed": "",
    }
    if client.paginators:
        files["paginator.pyi"] = _render("paginator.pyi.j2", **common, **paginator_context(client))
    if client.waiters:
        files["waiter.pyi"] = _render("waiter.pyi.j2", **common, **waiter_context(client))
    return {f"{package}/{name}": text for name, text in files.items()} | render_packaging({service: release})


def render_packaging(releases: dict[str, str]) -> dict[str, str]:
    """``pyproject.toml`` and the build backend of one distribution holding the stubs of every service
    in ``releases`` (service -> release): one service is ``<service>-stubs``, several share a name."""
    services = sorted(releases)
    versions = {service: _check(service, releases[service]) for service in services}
    packages = [versions[service][0] for service in services]
    version = max((releases[s], v) for s, (_, v) in versions.items())[1]  # the newest release
    dist = _distribution(services)
    listed = ", ".join(f"{service} ({releases[service]})" for service in services)
    if len(services) == 1:
        listed = f"{services[0]} as of its {releases[services[0]]} release"
    description = f"Typed client stubs for {listed}"
    toml = {"name": json.dumps(dist), "version": json.dumps(version), "description": json.dumps(description)}
    fields = (
        ("Metadata-Version", "2.1"),
        ("Name", dist),
        ("Version", version),
        ("Summary", description),
        ("Requires-Python", ">=3.11"),
    )
    backend = _render(
        "stubs_backend.py.j2",
        package_literals=[py_string(p) for p in packages],
        tag_literal=py_string(f"{dist.replace('-', '_')}-{version}"),
        metadata_lines=[py_string(f"{key}: {value}\n") for key, value in fields],
    )
    return {"pyproject.toml": _render("pyproject.toml.j2", toml=toml, listed=listed), BACKEND: backend}


_NAMED = 3  # services named in a shared distribution's name before "and N more"


def _distribution(services: list[str]) -> str:
    """``sqs-stubs``, ``sqs-sts-stubs``; past a few services a digest keeps names short and distinct."""
    if len(services) <= _NAMED:
        return "-".join(services) + "-stubs"
    digest = hashlib.sha256(" ".join(services).encode()).hexdigest()[:8]
    return f"{'-'.join(services[:_NAMED])}-and-{len(services) - _NAMED}-more-{digest}-stubs"


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
    """Write the package for ``service`` as of ``release`` under ``out``; returns the package directory.

    The packaging in ``out`` covers every stub package already there, so ``pip install out`` installs all.
    """
    files = render_stubs(service, release, operations)
    files |= render_packaging(written_releases(out) | {service: release})
    try:
        for name, text in files.items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise TrackerError(f"{out}: cannot write the stubs there: {err.strerror or err}") from None
    return out / package_name(service)


def written_releases(out: Path) -> dict[str, str]:
    """Service -> release of the stub packages this tool wrote in ``out`` (read from their ``__init__.pyi``)."""
    found = {}
    for init in sorted(out.glob("*_stubs/__init__.pyi")):
        values = _constants(init, ("__service__", "__release__"))
        if len(values) == 2 and init.parent.name == package_name(values[0]):
            found[values[0]] = values[1]
    return found


def _constants(path: Path, names: tuple[str, ...]) -> list[str]:
    """The string constants assigned to ``names`` at the top of a module: parsed, never run."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    assigned = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }  # fmt: skip
    return [assigned[name] for name in names if name in assigned]
