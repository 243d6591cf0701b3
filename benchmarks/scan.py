"""Call sites per second: ``scan_source`` over a large real tree, against ``ast.parse`` of the same files.

Files are read and decoded once, before either timing; each side is timed over all files, best CPU time of
`--repeat` interleaved runs, in the same run. The ratio on the files that mention boto3/botocore/stubs (the ones
the finder walks; the others it only parses) is printed too. Default tree: this interpreter's
site-packages (botocore and everything else installed).

    python -m benchmarks.scan [PATH ...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import sys
import sysconfig
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

from changelog_tracker.scan.calls import may_call_boto, scan_source
from changelog_tracker.scan.files import python_files, read_source


def _cpu(run: Callable[[], object]) -> float:
    """CPU seconds of `run` (the machine is shared: wall time would count other processes' load)."""
    start = time.process_time()
    run()
    return time.process_time() - start


def _best_of(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The best time of each run, the runs interleaved so that a slow moment hits both sides alike."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            best[name] = min(best[name], _cpu(run))
    return best


def _parse_all(texts: list[tuple[str, str]]) -> None:
    for name, text in texts:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(text, filename=name)


def _scan_all(texts: list[tuple[str, str]]) -> int:
    return sum(len(scan_source(text, name).calls) for name, text in texts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path(sysconfig.get_paths()["purelib"])])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", SyntaxWarning)  # invalid escapes in third-party code
    texts = [(str(p), t) for p in python_files(args.paths) if isinstance(t := read_source(p), str)]
    walked = [(name, text) for name, text in texts if may_call_boto(text)]
    lines = sum(text.count("\n") for _, text in texts)
    calls = _scan_all(texts)
    unresolved = sum(len(scan_source(text, name).unresolved) for name, text in texts)
    print(f"{dt.date.today()}  Python {sys.version.split()[0]}  {', '.join(map(str, args.paths))}")
    print(f"{len(texts)} files, {lines} lines, {calls} call sites, {unresolved} unresolved; {len(walked)} files walked")
    for label, subset in (("all files", texts), ("walked files", walked)):
        runs: dict[str, Callable[[], object]] = {"parse": partial(_parse_all, subset)}
        runs["scan"] = partial(_scan_all, subset)
        parse, scan = _best_of(runs, args.repeat).values()
        found = _scan_all(subset)
        print(
            f"{label:>12}: ast.parse {parse:.3f} s, scan {scan:.3f} s, ratio {scan / parse:.2f}x; "
            f"{found / scan:,.0f} call sites/s, {sum(t.count(chr(10)) for _, t in subset) / scan:,.0f} lines/s"
        )


if __name__ == "__main__":
    main()
