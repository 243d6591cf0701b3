"""``sync`` speed and store size on real consecutive botocore releases, against botocore measured in
the same run (issue 12's acceptance figures):

(a) the first full release (every service: ``sync --find-links`` of one wheel into a new store)
    against botocore loading the same models: Loader + ServiceModel + every operation's model with
    its input and output shapes resolved recursively, members included (target <= 1.5x);
(b) the mean time of each following release (target <= 2 s), from sync's own per-release times,
    and the whole process's time per release;
(c) the store's size after the releases against the same releases' model files gzipped (target <= 5%).

A year (~250 releases) is extrapolated from (a) and (b). Every timing is a whole process (import
included), best of ``--repeat`` taken in turns. ``--profile`` also runs the first release and the
next one in this process with conversions in it (no workers) under cProfile and prints the top lines.
``--tables`` prints the store's bytes per table and index (SQLite's dbstat).

``--train-dictionary`` instead (re)builds the zstandard dictionary of stored bodies
(changelog_tracker/graph/bodies.zdict) from the nodes and blobs of the ``--first`` release's every
service; a new dictionary is a new store format (graph/opening.py FORMAT_VERSION).

    python -m benchmarks.sync [--wheels ~/.cache/changelog-tracker/wheels] [--first 1.42.55]
                              [--following 10] [--repeat 1] [--profile] [--tables] [--train-dictionary]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from benchmarks.botocore_load import RESOLVE
from changelog_tracker.sources.releases import Releases, user_cache
from scripts.sync_index import _models_gzipped

YEAR = 250  # botocore releases a year (one a working day)
BOTOCORE = RESOLVE + """
loader = Loader(extra_search_paths=[sys.argv[1]], include_default_search_paths=False)
for name in loader.list_available_services("service-2"):
    model = ServiceModel(loader.load_service_model(name, "service-2"), name)
    for op in model.operation_names:
        operation = model.operation_model(op)
        for shape in (operation.input_shape, operation.output_shape):
            if shape is not None:
                resolve(shape, set())
"""


def run(command: list[str]) -> tuple[float, str]:
    """Wall time and standard output of a whole process (exits with its error if it fails)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    spent = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return spent, done.stdout


def sync_command(store: Path, wheels: Path, since: str, until: str) -> list[str]:
    return [sys.executable, "-m", "changelog_tracker", "--store", str(store), "sync", "--find-links", str(wheels),
            "--since", since, "--until", until, "--format", "json"]  # fmt: skip


def extract_data(wheel: Path, into: Path) -> Path:
    """The wheel's botocore/data folder, for botocore's own Loader."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(into, [n for n in archive.namelist() if n.startswith("botocore/data/")])
    return into / "botocore" / "data"


def first_release(wheels: Path, version: str, tmp: Path, repeat: int) -> tuple[float, float, dict[str, Any]]:
    """Best times of botocore's load and of our first full release, taken in turns; our summary."""
    data = extract_data(wheels / wheel_name(wheels, version), tmp / "extracted")
    ours, theirs, summary = [], [], {}
    for turn in range(repeat):
        theirs.append(run([sys.executable, "-c", BOTOCORE, str(data)])[0])
        store = tmp / f"first{turn}.db"
        spent, out = run(sync_command(store, wheels, version, version))
        ours.append(spent)
        summary = json.loads(out)
        if turn + 1 < repeat:
            store.unlink()
    return min(theirs), min(ours), summary


def wheel_name(wheels: Path, version: str) -> str:
    return next(p.name for p in wheels.glob(f"botocore-{version}-*.whl"))


def profile(wheels: Path, versions: list[str], tmp: Path, top: int) -> None:
    """The first release, then the next one, in this process, conversions here too (cProfile sees
    no workers)."""
    from changelog_tracker.graph.store import Store
    from changelog_tracker.write import sync as syncing

    syncing._cores = lambda: 1  # serial: every conversion in the profile
    releases = Releases.in_folder(wheels)
    with Store(tmp / "profiled.db") as store:
        for what, version in zip(("first", "next"), versions, strict=False):
            profiler = cProfile.Profile()
            profiler.enable()
            syncing.sync(store, releases, since=version, until=version)
            profiler.disable()
            stats = pstats.Stats(profiler)
            for order in ("tottime", "cumulative"):
                print(f"\nprofile of the {what} release ({version}), serial, top {top} by {order}:")
                stats.sort_stats(order).print_stats(top)


def tables(store: Path) -> None:
    """Bytes per table and index, as sqlite3_analyzer counts them (pages of each b-tree)."""
    import sqlite3

    with sqlite3.connect(store) as db:
        sql = "SELECT name, SUM(pgsize), SUM(payload), SUM(ncell) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        rows = db.execute(sql)
        for name, size, payload, cells in rows:
            print(f"    {name:30} {size / 1e6:7.2f} MB  payload {payload / 1e6:7.2f} MB  {cells:8} cells")
    db.close()


DICTIONARY_BYTES = 112_640  # zstd's default size; twice that shrank bodies by 3% more
SAMPLES = 24_000  # bodies to train on (zstd's trainer wants a few hundred times the dictionary)


def train_dictionary(wheels: Path, version: str) -> None:
    """The dictionary from an even sample (by id) of the release's node and blob bodies."""
    import zstandard

    from changelog_tracker.graph.bodies import DICTIONARY
    from changelog_tracker.sources.wheel import wheel_date, wheel_digests
    from changelog_tracker.write.sync import Converter, Release

    wheel = wheels / wheel_name(wheels, version)
    release = Release(version, wheel, wheel_date(wheel), wheel_digests(wheel))
    bodies: dict[str, str] = {}
    with Converter() as convert:
        for prepared in convert(release, sorted(release.digests), {}):
            for page in prepared.pages:
                bodies.update(page.nodes)
                bodies.update(page.blobs)
    ids = sorted(bodies)
    chosen: list[bytes | bytearray | memoryview] = [bodies[i].encode() for i in ids[:: max(1, len(ids) // SAMPLES)]]
    trained = zstandard.train_dictionary(DICTIONARY_BYTES, chosen, threads=-1)
    DICTIONARY.write_bytes(trained.as_bytes())
    print(f"{DICTIONARY}: {len(trained.as_bytes())} bytes from {len(chosen)} of {len(ids)} bodies of {version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, default=user_cache(), help="A folder of botocore wheels.")
    parser.add_argument("--first", default="1.42.55", help="The first release (a new store).")
    parser.add_argument("--following", type=int, default=10, help="How many releases after it.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of the first release (best is kept).")
    parser.add_argument("--profile", action="store_true", help="Also profile the first and next releases (serial).")
    parser.add_argument("--top", type=int, default=30, help="Profile lines shown.")
    parser.add_argument("--tables", action="store_true", help="Also print the store's bytes per table and index.")
    parser.add_argument("--train-dictionary", action="store_true", help="Rebuild graph/bodies.zdict instead.")
    args = parser.parse_args()
    if args.train_dictionary:
        train_dictionary(args.wheels, args.first)
        return
    versions = Releases.in_folder(args.wheels).versions
    start = versions.index(args.first)
    chosen = versions[start : start + 1 + args.following]
    following = chosen[1:]
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, botocore {chosen[0]} .. {chosen[-1]} from {args.wheels}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        botocore, first, summary = first_release(args.wheels, chosen[0], tmp, args.repeat)
        services = len(summary["added"][0]["changed"])
        print(f"(a) first full release ({services} services): sync {first:.1f} s, botocore's load {botocore:.1f} s:"
              f" {first / botocore:.2f}x (target <= 1.5x)")  # fmt: skip
        store = tmp / f"first{args.repeat - 1}.db"
        first_size = store.stat().st_size
        if following:
            whole, out = run(sync_command(store, args.wheels, following[0], following[-1]))
            added = json.loads(out)["added"]
            each = [a["seconds"] for a in added]
            changed = statistics.mean(len(a["changed"]) for a in added)
            print(f"(b) {len(added)} following releases: mean {statistics.mean(each):.2f} s, max {max(each):.2f} s"
                  f" ({changed:.1f} services changed on average); whole process {whole / len(added):.2f} s"
                  f" a release (target <= 2 s)")  # fmt: skip
            slowest = sorted(added, key=lambda a: -a["seconds"])[:3]
            print("    slowest: " + ", ".join(f"{a['version']} {a['seconds']:.2f} s ({len(a['changed'])} changed)"
                                           for a in slowest))  # fmt: skip
            if "superseded" in out:
                print(f"    superseded by a newer release of the same day: {json.loads(out)['superseded']}")
            year = first + (YEAR - 1) * whole / len(added)
            print(f"    a year ({YEAR} releases): {year / 60:.1f} min (goal < 10 min)")
        size = store.stat().st_size
        gzipped = sum(_models_gzipped(args.wheels / wheel_name(args.wheels, v)) for v in chosen)
        ratio = 100 * size / gzipped
        print(f"(c) store after {len(chosen)} releases {size / 1e6:.1f} MB (the first {first_size / 1e6:.1f} MB);"
              f" their model files gzipped {gzipped / 1e6:.1f} MB: {ratio:.1f}% (target <= 5%)")  # fmt: skip
        if following:
            grown = first_size + (YEAR - 1) * (size - first_size) / len(following)
            print(f"    a year: store {grown / 1e6:.0f} MB, models gzipped {YEAR * gzipped / len(chosen) / 1e6:.0f} MB:"
                  f" {100 * grown * len(chosen) / (YEAR * gzipped):.1f}%")  # fmt: skip
        if args.tables:
            tables(store)
        if args.profile:
            profile(args.wheels, chosen[:2], tmp, args.top)


if __name__ == "__main__":
    main()
