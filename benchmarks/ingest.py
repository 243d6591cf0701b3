"""Ingest speed on big full-service pages, against two baselines measured in the same run:

- botocore loading the same services' models (a whole process: import, JSON, ServiceModel, every
  operation's model with its input and output shapes resolved: botocore builds shapes lazily, so
  they are walked in full, members, list members, map keys and values, recursively, each shape of
  an operation's side once, as ``benchmarks/sync.py`` does), the job our ingest replaces when the
  source is a page. Walking every path instead costs botocore 28 s on quicksight's nested
  definitions alone (2026-12-02), far past what the page spells out: the documenter cuts those
  sections as too large, and our ingest builds no more than the page holds;
- CPython's C parser (``ast.parse``) on the same syntax blocks alone (every block is a Python
  expression), a floor for any parser of that text.

Two sets of six big services: "tuned", the pages ingest has been profiled on, and "held-out", the
six biggest models of botocore 1.44.8 after those (not to be profiled on: they say whether a
speed-up is general). Both page layouts (``multiline``, 2026 pages; ``oneline``, pages up to 2025).
Each command is a whole process, best of ``--repeat`` runs taken in turns: wall time (ingest on both
cores, as users run it) and CPU time (user + system, workers included). The pages are botocore's
own documenter output, generated once (untimed) and cached (see ``scripts/corpus_ingest.py``).

    python -m benchmarks.ingest [--sets tuned,held-out] [--layouts multiline,oneline] [--repeat 5]
                                [--services ec2,glue]   # one set of your own instead
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from benchmarks.botocore_load import RESOLVE
from changelog_tracker.sources.text import balanced_end
from oracle import pagegen
from scripts.corpus_ingest import cached_pages, page_path

SETS = {
    "tuned": "ec2,sagemaker,glue,connect,quicksight,iot",
    "held-out": "s3,securityhub,rds,mediaconvert,medialive,bedrock-agentcore-control",
}
BOTOCORE = RESOLVE + """
loader = Loader()
for name in sys.argv[1:]:
    model = ServiceModel(loader.load_service_model(name, "service-2"), name)
    for op in model.operation_names:
        operation = model.operation_model(op)
        for shape in (operation.input_shape, operation.output_shape):
            if shape is not None:
                resolve(shape, set())
"""
AST = """
import ast, json, sys
for block in json.load(open(sys.argv[1])):
    ast.parse(block, mode="eval")
"""
# A fresh store each run, so every run does the same work.
OURS = """
import sys, tempfile
from changelog_tracker.cli import main
store = tempfile.mktemp(dir=sys.argv[1], suffix=".db")
main(["--store", store, "ingest", sys.argv[2]], standalone_mode=True)
"""


def syntax_blocks(text: str) -> list[str]:
    """Every Request and Response Syntax block of a page, as text (either layout)."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        if lines[i].startswith("client.") and lines[i - 1] == "Request Syntax":
            end = balanced_end(lines, i, len(lines))
            blocks.append("\n".join(lines[i:end]))
            i = end
        elif lines[i] == "Response Syntax" and lines[i + 1].startswith(("{", "EventStream")):
            end = lines.index("Response Structure", i)
            blocks.append("\n".join(lines[i + 1 : end]))
            i = end
        else:
            i += 1
    return blocks


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system time of the process and of the workers it waited for


def best(commands: dict[str, list[str]], repeat: int) -> dict[str, Timing]:
    """Best wall time and best CPU time of each command. The commands take turns, so a slow spell of
    the machine falls on all of them alike; on a loaded machine a process mostly waits for a core,
    and the CPU time says what it costs itself."""
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            wall[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode:
                sys.exit(f"{name} failed:\n{done.stderr}")
    return {name: Timing(min(wall[name]), min(cpu[name])) for name in commands}


def load() -> str:
    """The load average, which a figure on this shared machine is read with."""
    return f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"


def prepare(tmp: Path, label: str, services: list[str], layout: pagegen.Layout) -> tuple[list[str], str]:
    """A folder of the set's pages in a layout, and a file of their syntax blocks: the ingest and
    ast.parse commands, and a description of the pages."""
    folder = tmp / f"{label}-{layout}"
    folder.mkdir()
    blocks: list[str] = []
    for name in services:
        shutil.copy(page_path(name, layout), folder)
        blocks += syntax_blocks(page_path(name, layout).read_text())
    (tmp / f"{folder.name}.json").write_text(json.dumps(blocks))
    size = sum(p.stat().st_size for p in folder.iterdir())
    return [str(folder), str(tmp / f"{folder.name}.json")], f"{size / 1e6:.1f} MB, {len(blocks)} syntax blocks"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="tuned,held-out", help=f"of {', '.join(SETS)}")
    parser.add_argument("--services", help="one set of these services instead")
    parser.add_argument("--layouts", default="multiline,oneline")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sets = {"services": args.services} if args.services else {name: SETS[name] for name in args.sets.split(",")}
    layouts = [cast(pagegen.Layout, layout) for layout in args.layouts.split(",") if layout in pagegen.LAYOUTS]
    cached_pages([name for names in sets.values() for name in names.split(",")], os.cpu_count() or 1)
    commands: dict[str, list[str]] = {}
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, names in sets.items():
            services = names.split(",")
            commands[f"{label} botocore"] = [sys.executable, "-c", BOTOCORE, *services]
            for layout in layouts:
                (folder, blocks), notes[f"{label} {layout}"] = prepare(Path(tmp), label, services, layout)
                commands[f"{label} {layout} ingest"] = [sys.executable, "-c", OURS, tmp, folder]
                commands[f"{label} {layout} ast"] = [sys.executable, "-c", AST, blocks]
        spent = best(commands, args.repeat)
    print(f"whole processes, best of {args.repeat} taken in turns; {load()}; seconds wall (cpu)")
    for label, names in sets.items():
        boto = spent[f"{label} botocore"]
        count = len(names.split(","))
        print(f"\n{label}: {names}\n  botocore loading the {count} models, shapes resolved  {_seconds(boto)}")
        for layout in layouts:
            ours, floor = spent[f"{label} {layout} ingest"], spent[f"{label} {layout} ast"]
            print(f"  {layout:9} ({notes[f'{label} {layout}']}): ingest {_seconds(ours)}, ast.parse {_seconds(floor)}")
            print(f"  {'':9} ingest/botocore = {_ratio(ours, boto)} (target <= 1.0x), "
                  f"ingest/ast.parse = {_ratio(ours, floor)}")  # fmt: skip


def _seconds(timing: Timing) -> str:
    return f"{timing.wall:.2f} s ({timing.cpu:.2f})"


def _ratio(ours: Timing, theirs: Timing) -> str:
    return f"{ours.wall / theirs.wall:.2f}x ({ours.cpu / theirs.cpu:.2f}x)"


if __name__ == "__main__":
    main()
