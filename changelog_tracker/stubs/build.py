"""Write a PEP 561 stub package for one service as of one release, in one of two layouts.

``default`` is SPEC section 6 (``<service>_stubs/``). ``mypy-boto3`` is the published
``mypy-boto3-<service>`` package's own layout (``mypy_boto3_<service>/``, ``<Module>Client``, ``.py``
beside each ``.pyi``), so boto3-stubs' ``boto3.client("<service>")`` overloads resolve to it.

>>> from changelog_tracker.stubs import write_stubs            # doctest: +SKIP
>>> write_stubs("bedrock-agentcore-control", "2026-03-10", operations, Path("out"))  # doctest: +SKIP
PosixPath('out/bedrock_agentcore_control_stubs')
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ..errors import TrackerError
from ..model import Operation
from .client import build_client
from .layout import (
    client_context,
    import_groups,
    literals_context,
    paginator_context,
    type_defs_context,
    waiter_context,
)
from .names import package_name, py_string
from .runtime import runtime_twin
from .spec import LAYOUTS, ClientSpec, Layout, Naming
from .typedefs import build_spec

BACKEND = "stubs_backend.py"
DROPIN = "mypy_boto3_"  # the drop-in package of a service is named as mypy-boto3-<service>'s
_CONSTANTS = ("__service__", "__release__", "__botocore_version__")


@dataclass(frozen=True, slots=True)
class Package:
    """One stub package of an --out directory, as its ``__init__.pyi`` records it."""

    service: str
    release: str
    layout: Layout = "default"
    botocore: str | None = None  # the botocore version of the release's model, when known

    @property
    def name(self) -> str:
        """``sqs_stubs``; ``mypy_boto3_sqs`` in the drop-in layout; "" when none can be named."""
        base = package_name(self.service)
        return DROPIN + base.removesuffix("_stubs") if base and self.layout == "mypy-boto3" else base

    @property
    def version(self) -> str:
        """PEP 440: the date (``2026.3.10``); in the drop-in layout the botocore version with the date
        as its local label (``1.42.37+2026.3.10``), which mypy-boto3 pins (boto3-stubs[lambda]) accept."""
        date = _check(self.service, self.release)[1]
        return f"{self.botocore}+{date}" if self.layout == "mypy-boto3" and self.botocore else date


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


def render_stubs(
    service: str,
    release: str,
    operations: list[Operation],
    *,
    layout: Layout = "default",
    service_traits: dict[str, Any] | None = None,
    botocore: str | None = None,
) -> dict[str, str]:
    """Every file of the package directory (``pyproject.toml``, ``<package>/client.pyi`` ...) by path.

    ``service_traits`` (``Store.service_traits``) name the drop-in client; ``botocore`` is the version
    the release's model came from (None: unknown, e.g. pages).
    """
    package = Package(service, release, layout, botocore)
    _check(service, release)
    if layout not in LAYOUTS:
        raise TrackerError(f"unknown stub layout {layout!r}: expected one of {', '.join(LAYOUTS)}")
    naming: Naming = "mypy-boto3" if layout == "mypy-boto3" else "default"
    client = build_client(build_spec(operations, naming, service=service), operations, service_traits, naming, service)
    common = {"service": service, "release": release}
    modules = {
        "literals": _render("literals.pyi.j2", **common, **literals_context(client.spec)),
        "type_defs": _render("type_defs.pyi.j2", **common, **type_defs_context(client.spec)),
        "client": _render("client.pyi.j2", **common, **client_context(client)),
    }
    if client.paginators:  # as mypy-boto3, a module only where there is something in it
        modules["paginator"] = _render("paginator.pyi.j2", **common, **paginator_context(client))
    if client.waiters:
        modules["waiter"] = _render("waiter.pyi.j2", **common, **waiter_context(client))
    files = _dropin(package, modules, client) if layout == "mypy-boto3" else _default(package, modules)
    return {f"{package.name}/{name}": text for name, text in files.items()} | render_packaging([package])


def _default(package: Package, modules: dict[str, str]) -> dict[str, str]:
    """SPEC section 6's package."""
    init = _render("__init__.pyi.j2", **_recorded(package))
    return {"__init__.pyi": init} | {f"{name}.pyi": text for name, text in modules.items()} | {"py.typed": ""}


def _dropin(package: Package, modules: dict[str, str], client: ClientSpec) -> dict[str, str]:
    """mypy-boto3-<service>'s package: its module names, ``<Module>Client``, a ``.py`` beside each ``.pyi``."""
    exported = {
        "client": [client.name],
        "paginator": sorted(p.name for p in client.paginators),
        "waiter": sorted(w.name for w in client.waiters),
    }
    init = _render(
        "dropin_init.pyi.j2",
        client=client.name,
        imports=[import_groups([], (f".{module}", names))[0][0] for module, names in exported.items() if names],
        exported=[py_string(name) for name in sorted(["Client", *(n for names in exported.values() for n in names)])],
        **_recorded(package),
    )
    stubs = modules | {"__init__": init}
    files = {f"{name}.pyi": text for name, text in stubs.items()}
    files |= {f"{name}.py": runtime_twin(text) for name, text in stubs.items()}
    info = {"version_literal": py_string(package.version), **_recorded(package)}
    files["version.py"] = _render("dropin_version.py.j2", **info)
    files["__main__.py"] = _render("dropin_main.py.j2", **info)
    return files | {"py.typed": ""}


def _recorded(package: Package) -> dict[str, object]:
    """What ``__init__`` records, as template context: the names of _CONSTANTS, as literals."""
    return {
        "service": package.service,
        "release": package.release,
        "layout": package.layout,
        "service_literal": py_string(package.service),
        "release_literal": py_string(package.release),
        "botocore_literal": py_string(package.botocore) if package.botocore else None,
    }


def render_packaging(packages: Iterable[Package]) -> dict[str, str]:
    """``pyproject.toml`` and the build backend of one distribution holding every package in ``packages``:
    one default package is ``<service>-stubs``, one drop-in ``mypy-boto3-<service>``; several share a name."""
    ordered = sorted(packages, key=lambda p: p.name)
    version = max(ordered, key=lambda p: (p.release, p.version)).version  # the newest release's
    dist = _distribution(ordered)
    listed = ", ".join(f"{p.service} ({p.release})" for p in ordered)
    if len(ordered) == 1:
        listed = f"{ordered[0].service} as of its {ordered[0].release} release"
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
        package_literals=[py_string(p.name) for p in ordered],
        tag_literal=py_string(f"{dist.replace('-', '_')}-{version}"),
        metadata_lines=[py_string(f"{key}: {value}\n") for key, value in fields],
    )
    return {"pyproject.toml": _render("pyproject.toml.j2", toml=toml, listed=listed), BACKEND: backend}


_NAMED = 3  # services named in a shared distribution's name before "and N more"


def _distribution(packages: list[Package]) -> str:
    """``sqs-stubs``, ``sqs-sts-stubs``, ``mypy-boto3-sqs``; past a few services a digest keeps names
    short and distinct."""
    names = list(dict.fromkeys(p.service for p in packages))  # a service in both layouts is named once
    dropin = all(p.layout == "mypy-boto3" for p in packages)
    prefix, suffix = ("mypy-boto3-", "") if dropin else ("", "-stubs")
    if len(names) <= _NAMED:
        return prefix + "-".join(names) + suffix
    digest = hashlib.sha256(" ".join(names).encode()).hexdigest()[:8]
    return f"{prefix}{'-'.join(names[:_NAMED])}-and-{len(names) - _NAMED}-more-{digest}{suffix}"


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


def write_stubs(
    service: str,
    release: str,
    operations: list[Operation],
    out: Path,
    *,
    layout: Layout = "default",
    service_traits: dict[str, Any] | None = None,
    botocore: str | None = None,
) -> Path:
    """Write the package for ``service`` as of ``release`` under ``out``; returns the package directory.

    The packaging in ``out`` covers every stub package already there, so ``pip install out`` installs all.
    """
    package = Package(service, release, layout, botocore)
    files = render_stubs(service, release, operations, layout=layout, service_traits=service_traits, botocore=botocore)
    others = [p for p in written_packages(out) if p.name != package.name]
    files |= render_packaging([*others, package])
    try:
        for name, text in files.items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise TrackerError(f"{out}: cannot write the stubs there: {err.strerror or err}") from None
    return out / package.name


def written_packages(out: Path) -> list[Package]:
    """The stub packages this tool wrote in ``out`` (read from their ``__init__.pyi``), by name."""
    found = []
    for init in sorted(out.glob("*/__init__.pyi")):
        values = _constants(init, _CONSTANTS)
        service, release = values.get("__service__"), values.get("__release__")
        if service is None or release is None:
            continue
        for layout in LAYOUTS:
            package = Package(service, release, layout, values.get("__botocore_version__"))
            if init.parent.name == package.name:
                found.append(package)
    return found


def _constants(path: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The string constants assigned to ``names`` at the top of a module: parsed, never run."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    assigned = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }  # fmt: skip
    return {name: assigned[name] for name in names if name in assigned}
