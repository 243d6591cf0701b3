"""Compare our stubs with the published mypy-boto3 packages of the same botocore releases.

For each service, downloads ``mypy-boto3-<service>==<version>`` (its versions track boto3 = botocore;
a service's package is published only for the versions where it changed) and reads what every method
accepts and returns with ``ast`` (never imported). Writes, so the test needs no download:

- ``tests/data/mypy_boto3/<service>-<version>.json.gz``: those extracts, compactly (``oracle.extract.
  package_graph``: each TypedDict's entry once, and the TypedDict each key leads to);
- ``tests/data/mypy_boto3/models/<service>-<version>.json.gz``: botocore's model of that version
  (from ``~/.cache/changelog-tracker/wheels`` or PyPI), its documentation left out;

then prints how our stubs of that model compare, method by method, and every difference.

    python -m scripts.compare_mypy_boto3                          # every service below
    python -m scripts.compare_mypy_boto3 --service s3=1.42.37
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.releases import download_wheel
from changelog_tracker.sources.wheel import wheel_date, wheel_models
from changelog_tracker.stubs.build import _render as render
from changelog_tracker.stubs.layout import literals_context, type_defs_context
from changelog_tracker.stubs.typedefs import build_spec
from oracle.extract import Requests, expand, package_graph, requests, responses

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "mypy_boto3"
# Services with many operations, each at a published mypy-boto3 version in 1.42.25..1.42.65.
SERVICES = {
    "bedrock-agentcore-control": "1.42.65", "dynamodb": "1.42.55", "ec2": "1.42.62", "ecs": "1.42.58",
    "glue": "1.42.43", "iam": "1.42.64", "lambda": "1.42.37", "logs": "1.42.60", "quicksight": "1.42.61",
    "rds": "1.42.51", "s3": "1.42.37", "sagemaker": "1.42.62", "ssm": "1.42.54",
}  # fmt: skip
SIDES = ("requests", "responses")


def download(service: str, version: str, dest: Path) -> Path:
    """Unpack the mypy-boto3 wheel of that version; returns its package directory."""
    dist = f"mypy-boto3-{service}"
    command = [sys.executable, "-m", "pip", "download", f"{dist}=={version}", "--no-deps", "-d", str(dest), "-q"]
    subprocess.run(command, check=True)
    wheel = next(dest.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(dest / "unpacked")
    return dest / "unpacked" / ("mypy_boto3_" + service.replace("-", "_"))


def without_documentation(value: Any) -> Any:
    """A model less its documentation (most of its size; stubs' TypedDicts never read it)."""
    if isinstance(value, dict):
        return {k: without_documentation(v) for k, v in value.items() if k not in ("documentation", "documentationUrl")}
    if isinstance(value, list):
        return [without_documentation(v) for v in value]
    return value


def write_gzip(path: Path, body: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def read_gzip(path: Path) -> Any:
    return json.loads(gzip.decompress(path.read_bytes()))


def model_path(service: str, version: str) -> Path:
    return OUT / "models" / f"{service}-{version}.json.gz"


def extract_path(service: str, version: str) -> Path:
    return OUT / f"{service}-{version}.json.gz"


def ours(service: str, version: str, dest: Path) -> dict[str, Requests]:
    """What our ``build_spec`` of the committed model declares every method accepts and returns (its
    literals and type_defs files as the default layout writes them, read back as theirs are)."""
    model = read_gzip(model_path(service, version))
    spec = build_spec(list(operations_from_json(model, service)), "default", service)
    package = dest / "package"
    package.mkdir(parents=True)
    common = {"service": service, "release": "2026-01-01"}
    (package / "literals.pyi").write_text(render("literals.pyi.j2", **common, **literals_context(spec)))
    (package / "type_defs.pyi").write_text(render("type_defs.pyi.j2", **common, **type_defs_context(spec)))
    methods = [m for m in spec.methods if m.kwargs in ("unpack", "none")]
    lines = ["class Client:"] + [
        f"    def {m.name}(self{', **kwargs: Unpack[' + m.request + ']' if m.kwargs == 'unpack' else ''})"
        f" -> {m.response or 'None'}: ..."
        for m in methods
    ]
    (package / "client.pyi").write_text("\n".join(lines) + "\n")
    return {"requests": requests(package), "responses": responses(package)}


def differences(theirs: Requests, mine: Requests) -> list[str]:
    problems = [f"{op}: missing from ours" for op in sorted(set(theirs) - set(mine))]
    problems += [f"{op}: missing from theirs" for op in sorted(set(mine) - set(theirs))]
    for op in sorted(set(theirs) & set(mine)):
        for path in sorted(set(theirs[op]) | set(mine[op])):
            if theirs[op].get(path) != mine[op].get(path):
                problems.append(f"{op} {path or '(top)'}: theirs {theirs[op].get(path)} ours {mine[op].get(path)}")
    return problems


def refresh(service: str, version: str, tmp: Path) -> None:
    """Write the committed extract and model of one service."""
    package = download(service, version, tmp / "theirs")
    write_gzip(extract_path(service, version), package_graph(package))
    wheel = download_wheel(version)
    model = wheel_models(wheel, [service])[service]
    write_gzip(model_path(service, version), without_documentation(model))
    print(f"wrote {extract_path(service, version).relative_to(ROOT)} (botocore {version}, {wheel_date(wheel)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", action="append", help="SERVICE=VERSION (default: every one of SERVICES)")
    parser.add_argument("--offline", action="store_true", help="compare against the committed extracts only")
    parser.add_argument("--quiet", action="store_true", help="counts only, no list of differences")
    args = parser.parse_args()
    chosen = dict(s.split("=", 1) for s in args.service) if args.service else SERVICES
    totals = {side: [0, 0] for side in SIDES}
    problems: list[str] = []
    for service, version in sorted(chosen.items()):
        with tempfile.TemporaryDirectory() as tmp:
            if not args.offline:
                refresh(service, version, Path(tmp))
            theirs = expand(read_gzip(extract_path(service, version)))
            mine = ours(service, version, Path(tmp) / "ours")
        for side in SIDES:
            equal = sum(paths == mine[side].get(op) for op, paths in theirs[side].items())
            totals[side][0] += equal
            totals[side][1] += len(theirs[side])
            print(f"{service} {version} {side}: {equal} of {len(theirs[side])} methods equal")
            problems += [f"{service} {side} {p}" for p in differences(theirs[side], mine[side])]
    for side, (equal, total) in totals.items():
        print(f"all {side}: {equal} of {total} ({100 * equal / max(total, 1):.2f}%) equal")
    if not args.quiet:
        print("\n".join("  " + p for p in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
