"""Compare our stubs with the published mypy-boto3 package for the same botocore release.

Downloads ``mypy-boto3-<service>==<version>`` (its versions track boto3/botocore), reads its
request TypedDicts with ``ast`` (never imported), writes what every method accepts to
``tests/data/mypy_boto3/<service>-<version>.json`` (the test compares against that file, so CI
downloads nothing) and prints how our stubs of the same botocore model compare.

    python -m scripts.compare_mypy_boto3                       # bedrock-agentcore-control 1.42.65
    python -m scripts.compare_mypy_boto3 --service s3 --version 1.42.65
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import download_wheel, wheel_date, wheel_models
from changelog_tracker.stubs import write_stubs
from oracle.extract import Declarations, read_package, requests

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "mypy_boto3"


def download(service: str, version: str, dest: Path) -> Path:
    """Unpack the mypy-boto3 wheel of that version; returns its package directory."""
    dist = f"mypy-boto3-{service}"
    command = [sys.executable, "-m", "pip", "download", f"{dist}=={version}", "--no-deps", "-d", str(dest), "-q"]
    subprocess.run(command, check=True)
    wheel = next(dest.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(dest / "unpacked")
    return dest / "unpacked" / ("mypy_boto3_" + service.replace("-", "_"))


def ours(service: str, version: str, dest: Path) -> Path:
    """Our package, built from the botocore wheel of the same version."""
    wheel = download_wheel(version)
    model = wheel_models(wheel, [service])[service]
    return write_stubs(service, wheel_date(wheel).isoformat(), list(operations_from_json(model, service)), dest)


def literal_names(found: Declarations) -> set[str]:
    """Literal aliases of shapes (mypy-boto3 also has ServiceName, RegionName, PaginatorName ...)."""
    return {name for name in found.literals if name.endswith("Type")}


def compare(theirs: dict[str, Any], mine: dict[str, Any]) -> list[str]:
    problems = [f"{op}: missing from ours" for op in sorted(set(theirs) - set(mine))]
    problems += [f"{op}: missing from theirs" for op in sorted(set(mine) - set(theirs))]
    for op in sorted(set(theirs) & set(mine)):
        for path in sorted(set(theirs[op]) | set(mine[op])):
            if theirs[op].get(path) != mine[op].get(path):
                problems.append(f"{op} {path or '(request)'}: theirs {theirs[op].get(path)} ours {mine[op].get(path)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="bedrock-agentcore-control")
    parser.add_argument("--version", default="1.42.65")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        their_package = download(args.service, args.version, Path(tmp) / "theirs")
        our_package = ours(args.service, args.version, Path(tmp) / "ours")
        theirs, mine = requests(their_package), requests(our_package)
        (their_found, _), (our_found, _) = read_package(their_package), read_package(our_package)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{args.service}-{args.version}.json"
    body = {"package": f"mypy-boto3-{args.service}", "version": args.version, "requests": theirs}
    target.write_text(json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    problems = compare(theirs, mine)
    typeddicts, literals = set(their_found.typeddicts), literal_names(their_found)
    print(f"wrote {target.relative_to(ROOT)}")
    equal = sum(theirs[op] == mine.get(op) for op in theirs)
    print(f"requests (keys, required keys, Literal values at every path): {equal} of {len(theirs)} methods equal")
    print(f"TypedDict names: {len(typeddicts & set(our_found.typeddicts))} of theirs {len(typeddicts)} also ours")
    print(f"  (ours: {len(our_found.typeddicts)} TypedDicts)")
    print(f"Literal names: {len(literals & literal_names(our_found))} of theirs {len(literals)} also ours")
    print(f"  (ours: {len(literal_names(our_found))} Literal aliases)")
    for problem in problems:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
