"""A stand-in for pip in tests (no network): ``index versions`` prints what pip 23-25 print, and
``download`` copies a wheel from $FAKE_PIP_WHEELS into ``-d``. Each call is logged to $FAKE_PIP_LOG.
$FAKE_PIP_OFFLINE=1 fails as pip does offline; $FAKE_PIP_MISSING names versions the index lacks."""

import json
import os
import shutil
import sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["FAKE_PIP_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
wheels = Path(os.environ["FAKE_PIP_WHEELS"])
versions = sorted(
    (p.name.split("-")[1] for p in wheels.glob("botocore-*.whl")), key=lambda v: tuple(map(int, v.split(".")))
)
if args[:3] == ["index", "versions", "botocore"]:
    print("WARNING: pip index is currently an experimental command. It may be removed/changed in a future"
          " release without prior warning.", file=sys.stderr)
    if os.environ.get("FAKE_PIP_OFFLINE"):
        print("ERROR: No matching distribution found for botocore", file=sys.stderr)
        sys.exit(1)
    print(f"botocore ({versions[-1]})")
    print("Available versions: " + ", ".join(reversed(versions)))
    sys.exit(0)
if args[0] == "download":
    version = args[1].removeprefix("botocore==")
    if os.environ.get("FAKE_PIP_OFFLINE") or version in os.environ.get("FAKE_PIP_MISSING", "").split(","):
        print(f"ERROR: Could not find a version that satisfies the requirement {args[1]} (from versions: none)",
              file=sys.stderr)
        print(f"ERROR: No matching distribution found for {args[1]}", file=sys.stderr)
        sys.exit(1)
    dest = Path(args[args.index("-d") + 1])
    shutil.copy(wheels / f"botocore-{version}-py3-none-any.whl", dest)
    sys.exit(0)
print(f"ERROR: unknown command {args}", file=sys.stderr)
sys.exit(2)
