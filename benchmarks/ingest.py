"""Ingest speed on big full-service pages, against two baselines measured in the same run:

- botocore loading the same services' models (a whole process: import, JSON, ServiceModel, every
  operation's model), the job our ingest replaces when the source is a page;
- CPython's C parser (``ast.parse``) on the same syntax blocks alone (every block is a Python
  expression), a floor for any parser of that text.

Each is timed as a whole process, best of ``--repeat`` runs taken in turns. Pages are generated first (untimed)
with botocore's own documenter.

    python -m benchmarks.ingest [--services ec2,sagemaker,glue,connect] [--layout multiline] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from changelog_tracker.sources.text import balanced_end
from changelog_tracker.sources.wheel import installed_models
from oracle import pagegen

BIG = "ec2,sagemaker,glue,connect,quicksight,iot"
BOTOCORE = """
import sys, botocore.session
session = botocore.session.get_session()
for name in sys.argv[1:]:
    model = session.get_service_model(name)
    for op in model.operation_names:
        model.operation_model(op)
"""
AST = """
import ast, json, sys
for block in json.load(open(sys.argv[1])):
    ast.parse(block, mode="eval")
"""


def syntax_blocks(text: str) -> list[str]:
    """Every Request and Response Syntax block of a page, as text."""
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


def best(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Best wall time of each command; the commands take turns, so a slow spell of the machine
    falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            times[name].append(time.perf_counter() - started)
            if done.returncode:
                sys.exit(f"{name} failed:\n{done.stderr}")
    return {name: min(spent) for name, spent in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", default=BIG)
    parser.add_argument("--layout", default="multiline", choices=["multiline", "oneline"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    services = args.services.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        blocks: list[str] = []
        models = installed_models(services)
        for name in services:
            text = pagegen.full_service_page(models[name], dt.date(2026, 1, 1), args.layout, service_name=name)
            (folder / f"2026-01-01_{name}.txt").write_text(text)
            blocks += syntax_blocks(text)
        (Path(tmp) / "blocks.json").write_text(json.dumps(blocks))
        size = sum(p.stat().st_size for p in folder.iterdir())
        commands = {
            "ours": [sys.executable, "-c", _OURS, tmp, str(folder)],
            "botocore": [sys.executable, "-c", BOTOCORE, *services],
            "ast": [sys.executable, "-c", AST, str(Path(tmp) / "blocks.json")],
        }
        spent = best(commands, args.repeat)
        ours, boto, floor = spent["ours"], spent["botocore"], spent["ast"]
    syntax = sum(len(b) for b in blocks)
    print(
        f"pages: {len(services)} services ({', '.join(services)}), {size / 1e6:.1f} MB, "
        f"{len(blocks)} syntax blocks ({syntax / 1e6:.1f} MB), layout {args.layout}; "
        f"whole processes, best of {args.repeat}"
    )
    print(f"changelog-tracker ingest        {ours:7.2f} s")
    print(f"botocore loading the models     {boto:7.2f} s   ours/botocore = {ours / boto:.2f}x (target <= 3x, aim 1x)")
    print(f"CPython ast.parse of the blocks {floor:7.2f} s   ours/ast.parse = {ours / floor:.2f}x")


# A fresh store each run, so every run does the same work.
_OURS = """
import sys, tempfile
from changelog_tracker.cli import main
store = tempfile.mktemp(dir=sys.argv[1], suffix=".db")
main(["--store", store, "ingest", sys.argv[2]], standalone_mode=True)
"""

if __name__ == "__main__":
    main()
