"""Stub packages for every service of one botocore release, and mypy --strict over all of them.

Downloads the botocore wheel once (the cache of ``changelog-tracker sync``), writes each service's
package into one directory (``--layout``, as ``stubs --layout``) and runs mypy --strict over them in
batches of ``--batch`` packages (one run of 400 packages needs too much memory on a small machine).
Prints the figures: services, time to generate, time to check, errors (by service).

    python -m scripts.stubs_release                            # botocore 1.42.65, the mypy-boto3 layout
    python -m scripts.stubs_release --version 1.42.37 --layout default --services lambda,s3
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from changelog_tracker.sources.botocore import operations_from_json, service_traits
from changelog_tracker.sources.wheel import download_wheel, wheel_date, wheel_files
from changelog_tracker.stubs.build import LAYOUTS, Layout, write_stubs

_ERROR = re.compile(r"^(?P<file>[^:\n]+):\d+: error: ", re.M)


def generate(version: str, layout: Layout, services: list[str] | None, out: Path) -> list[Path]:
    """Every service's package of botocore ``version`` under ``out``; returns the package directories."""
    wheel = download_wheel(version)
    release = wheel_date(wheel).isoformat()
    packages = []
    for service, files in sorted(wheel_files(wheel, services).items()):
        operations = list(operations_from_json(files.model, service, files.paginators, files.waiters))
        packages.append(write_stubs(service, release, operations, out, layout=layout,
                                    service_traits=service_traits(files.model), botocore=version))  # fmt: skip
    return packages


def check(packages: list[Path], batch: int) -> tuple[collections.Counter[str], list[str]]:
    """mypy --strict over the packages, ``batch`` at a time: errors by package, and mypy's summaries."""
    errors: collections.Counter[str] = collections.Counter()
    summaries = []
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "mypy.ini"
        config.write_text("[mypy]\n")  # no user or project configuration
        env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
        env["MYPYPATH"] = str(packages[0].parent)
        command = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config), "--cache-dir", "/dev/null"]
        for start in range(0, len(packages), batch):
            names = [arg for p in packages[start : start + batch] for arg in ("-p", p.name)]
            done = subprocess.run([*command, *names], capture_output=True, text=True, env=env, cwd=work)
            if done.returncode not in (0, 1) or done.stderr:
                raise SystemExit(f"mypy failed: {done.stderr or done.stdout}")
            errors.update(Path(m["file"]).parts[0] for m in _ERROR.finditer(done.stdout))
            summaries.append(done.stdout.strip().splitlines()[-1])
            print(f"  {min(start + batch, len(packages))}/{len(packages)}: {summaries[-1]}", file=sys.stderr)
    return errors, summaries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="1.42.65", help="botocore version (default: %(default)s)")
    parser.add_argument("--layout", choices=LAYOUTS, default="mypy-boto3")
    parser.add_argument("--services", help="comma-separated services (default: every service of the release)")
    parser.add_argument("--batch", type=int, default=60, help="packages per mypy run (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="write the packages here (default: a temporary directory)")
    args = parser.parse_args()
    services = args.services.split(",") if args.services else None
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch)
        started = time.perf_counter()
        packages = generate(args.version, args.layout, services, out)
        generated = time.perf_counter() - started
        errors, _ = check(packages, args.batch)
        checked = time.perf_counter() - started - generated
    failing = ", ".join(f"{name} {count}" for name, count in errors.most_common()) or "none"
    print(f"botocore {args.version}, layout {args.layout}: {len(packages)} services")
    print(f"generate {generated:.1f} s, mypy --strict {checked:.1f} s: {sum(errors.values())} errors ({failing})")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
