"""Parse pages botocore's documenter writes for every operation of every installed service, in both
layouts, and compare with the botocore source. Prints how many operations are identical.

    python -m scripts.corpus_check [SERVICE ...]      # default: all services (about 25 minutes on 2 cores)
"""

from __future__ import annotations

import sys
import time

from changelog_tracker.sources.wheel import installed_models
from oracle.corpus import check_corpus


def main(services: list[str]) -> int:
    names = services or sorted(installed_models())
    started = time.perf_counter()
    result = check_corpus(names)
    same = result.identical + result.cut
    print(
        f"{len(names)} services, {result.operations} operation pages (both layouts): {same} identical "
        f"({result.cut} of them where botocore cut a section), {result.operations - same} not, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    for where, problem in sorted(result.failures.items()):
        print(f"  {where}: {problem}")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
