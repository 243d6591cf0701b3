"""Diff speed: our diff of two full botocore baselines against deepdiff of the same JSON models.

Both baselines (every service of two adjacent botocore releases) are stored first, untimed. Then,
in the same run: our ``diff`` over the whole store between the two dates, and ``DeepDiff`` over
the same services' two model dicts. deepdiff over every service takes minutes, so it runs on the
first ``--deepdiff-services`` services (alphabetical) and is compared with our diff of exactly
those; our full-store figure is printed too.

    python -m benchmarks.diff [--old 1.42.64] [--new 1.42.65] [--deepdiff-services 40]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from deepdiff import DeepDiff

from changelog_tracker import Store
from changelog_tracker.rules.judge import diff
from changelog_tracker.sources.wheel import download_wheel, wheel_date, wheel_models
from changelog_tracker.write.baseline import baseline


def timed(action: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", default="1.42.64")
    parser.add_argument("--new", default="1.42.65")
    parser.add_argument("--deepdiff-services", type=int, default=40)
    args = parser.parse_args()
    old_wheel, new_wheel = download_wheel(args.old), download_wheel(args.new)
    since, until = wheel_date(old_wheel).isoformat(), wheel_date(new_wheel).isoformat()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        load_time, _ = timed(lambda: (baseline(store, old_wheel), baseline(store, new_wheel)))
        services = sorted(store.services())
        few = services[: args.deepdiff_services]
        ours_all, findings = timed(lambda: diff(store, since=since, until=until))
        ours_few, _ = timed(lambda: [diff(store, s, since=since, until=until) for s in few])
        old_models, new_models = wheel_models(old_wheel, few), wheel_models(new_wheel, few)
        theirs, _ = timed(lambda: [DeepDiff(old_models[s], new_models[s]) for s in few])
    changed = len({f.change.service for f in findings})  # type: ignore[attr-defined]
    print(f"botocore {args.old} ({since}) -> {args.new} ({until}): {len(services)} services, "
          f"{changed} changed, {len(findings)} changes (both baselines stored first in {load_time:.0f} s)")  # type: ignore[arg-type]
    print(f"ours, all {len(services)} services      {ours_all:8.3f} s")
    print(f"ours, first {len(few)} services        {ours_few:8.3f} s")
    print(f"deepdiff, same {len(few)} services     {theirs:8.3f} s   "
          f"ours/deepdiff = {100 * ours_few / theirs:.2f}% (target <= 1%)")


if __name__ == "__main__":
    main()
