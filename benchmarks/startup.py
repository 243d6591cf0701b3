"""Start-up time (issue 16): `changelog-tracker --help`, and `show` and `log` on a small store (the bundled
drops, data/drops/, ingested untimed), against `python -c pass` in the same run; target < 0.3 s each.

Each command is a whole process (the installed `changelog-tracker` script, as a user runs it), best of
``--repeat`` runs taken in turns, so a slow spell of the machine falls on all of them alike; wall and
CPU time (on a loaded machine the wall time is mostly waiting for a core).
``--importtime`` also prints the slowest imports of each command (``python -X importtime``).

    python -m benchmarks.startup [--repeat 20] [--importtime]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import astuple
from pathlib import Path

from benchmarks.ingest import best, load

DROPS = Path(__file__).resolve().parents[1] / "data" / "drops"
TARGET = 0.3


def tracker() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("changelog-tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "changelog_tracker"]


def slowest_imports(command: list[str], shown: int = 8) -> list[str]:
    """The top-level imports of a command taking the longest (cumulative), from ``-X importtime``."""
    argv = [sys.executable, "-X", "importtime", "-m", "changelog_tracker", *command[len(tracker()) :]]
    lines = subprocess.run(argv, capture_output=True, text=True, check=True).stderr.splitlines()
    rows = []
    for line in lines:
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[1].strip().isdigit() and not fields[2].startswith("   "):
            rows.append((int(fields[1]), fields[2].strip()))
    return [f"{us / 1000:7.1f} ms  {name}" for us, name in sorted(rows, reverse=True)[:shown]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "small.db")
        subprocess.run([*tracker(), "--store", store, "ingest", str(DROPS)], capture_output=True, check=True)
        commands = {
            "changelog-tracker --help": [*tracker(), "--help"],
            "show ecs (small store)": [*tracker(), "--store", store, "show", "ecs"],
            "log (small store)": [*tracker(), "--store", store, "log"],
        }
        spent = best({"python -c pass": [sys.executable, "-c", "pass"], **commands}, args.repeat)
        print(f"whole processes, best of {args.repeat} taken in turns; {load()}")
        wall0, cpu0 = astuple(spent.pop("python -c pass"))
        print(f"  {'python -c pass':26} wall {wall0:6.3f} s   cpu {cpu0:6.3f} s")
        for name, timing in spent.items():
            wall, cpu = timing.wall, timing.cpu
            verdict = "met" if wall < TARGET else "NOT met"
            print(f"  {name:26} wall {wall:6.3f} s   cpu {cpu:6.3f} s   "
                  f"({wall - wall0:5.3f} s / {cpu - cpu0:5.3f} s over python; {verdict}: < {TARGET} s)")  # fmt: skip
            if args.importtime:
                print("\n".join("      " + line for line in slowest_imports(commands[name])))


if __name__ == "__main__":
    main()
