"""Real boto3 user code (tests/data/user_code/) under mypy --strict: our drop-in packages give the same
errors as the published mypy-boto3 packages of the same botocore version, and a call using a member
AWS removed later is flagged against the later date only.

The comparison needs the test extra's boto3-stubs and mypy-boto3-<service> pins (skipped without them);
ours go first on MYPYPATH, so they shadow the installed ones, as a drop-in installed instead would.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from changelog_tracker.sources.botocore import operations_from_json, service_traits
from changelog_tracker.stubs import write_stubs
from tests.helpers import DATA

CODE = DATA / "user_code"
HISTORY = DATA / "history"
RELEASES = dict(json.loads((HISTORY / "manifest.json").read_text())["versions"])  # botocore version -> date
# Corpus file -> (service, the botocore version both sides describe): mypy-boto3 publishes only some.
CORPUS = {
    "lambda_invoke.py": ("lambda", "1.42.37"),
    "ecs_task.py": ("ecs", "1.42.29"),
    "logs_reader.py": ("logs", "1.42.60"),
    "ssm_parameters.py": ("ssm", "1.42.54"),
}
_REVEALED = re.compile(r'^([^:\n]+):(\d+): note: Revealed type is "(.*)"$', re.M)  # reveal_type(...)
_ERROR = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z-]+)\])?$", re.M)


def _json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _history(kind: str, service: str, version: str) -> dict[str, Any] | None:
    """tests/data/history keeps a file at each version it changed: the newest on or before ``version``."""
    found = sorted((HISTORY / kind / service).glob("*.json.gz"), key=lambda p: _key(p.name))
    older = [p for p in found if _key(p.name) <= _key(version)]
    return _json(older[-1]) if older else None


def _key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.removesuffix(".json.gz").split("."))


def _model(service: str, version: str) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """service-2, paginators-1 and waiters-2 of ``service`` at botocore ``version``."""
    mine = CODE / "models" / service
    if (mine / f"{version}.service-2.json.gz").exists():
        files = [_json(mine / f"{version}.{kind}.json.gz") for kind in ("service-2", "paginators-1", "waiters-2")]
        assert files[0] is not None
        return files[0], files[1], files[2]
    model = _history("models", service, version)
    assert model is not None, f"no {service} model at {version}"
    return model, _history("paginators", service, version), _history("waiters", service, version)


def dropin(service: str, version: str, out: Path) -> Path:
    """Our mypy-boto3 layout package of ``service`` as of botocore ``version``'s release."""
    model, paginators, waiters = _model(service, version)
    operations = list(operations_from_json(model, service, paginators, waiters))
    return write_stubs(service, RELEASES[version], operations, out, layout="mypy-boto3",
                       service_traits=service_traits(model), botocore=version)  # fmt: skip


def mypy(files: list[Path], mypypath: list[Path], cwd: Path) -> list[tuple[str, int, str, str]]:
    """mypy --strict's errors (file name, line, code, message) over ``files``, no user configuration, and
    its reveal_type notes (code "reveal", the type as message)."""
    (cwd / "mypy.ini").write_text("[mypy]\n")
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir", str(cwd / ".c")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    env["MYPYPATH"] = ":".join(str(p) for p in mypypath)
    done = subprocess.run([*command, *map(str, files)], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1) and not done.stderr, done.stdout + done.stderr
    out = done.stdout
    found = [(Path(m["file"]).name, int(m["line"]), m["code"] or "", m["message"]) for m in _ERROR.finditer(out)]
    return found + [(Path(m[1]).name, int(m[2]), "reveal", m[3]) for m in _REVEALED.finditer(out)]


def _installed(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


@pytest.mark.slow  # two mypy runs over boto3-stubs per file: about 12 s each
@pytest.mark.parametrize("name", list(CORPUS))
def test_same_errors_as_mypy_boto3(name: str, tmp_path: Path) -> None:
    service, version = CORPUS[name]
    if _installed("boto3-stubs") is None or _installed(f"mypy-boto3-{service}") != version:
        pytest.skip(f"needs boto3-stubs and mypy-boto3-{service}=={version} (the test extra)")
    theirs = mypy([CODE / name], [], tmp_path)
    dropin(service, version, tmp_path / "ours")
    ours = mypy([CODE / name], [tmp_path / "ours"], tmp_path)
    assert [e[:3] for e in ours] == [e[:3] for e in theirs], "\n".join(map(str, ["ours:", *ours, "theirs:", *theirs]))


# The boto3.client variant reads boto3-stubs twice (about 20 s): slow.
_VIA_BOTO3 = pytest.param("qconnect_removed_boto3.py", marks=pytest.mark.slow)


@pytest.mark.parametrize("name", ["qconnect_removed.py", _VIA_BOTO3])
def test_a_member_removed_later_is_flagged_at_the_later_date_only(name: str, tmp_path: Path) -> None:
    sample = CODE / name
    if "boto3" in name and _installed("boto3-stubs") is None:
        pytest.skip("needs boto3-stubs (the test extra): boto3.client's overloads")
    marked = [i for i, line in enumerate(sample.read_text().splitlines(), 1) if line.endswith("# E")]
    flagged = {}
    for version in ("1.42.33", "1.42.34"):  # 2026-01-22 and 2026-01-23: the member left in between
        dropin("qconnect", version, tmp_path / version)
        found = mypy([sample], [tmp_path / version], tmp_path)
        errors = [e for e in found if e[2] != "reveal"]
        flagged[version] = sorted({line for _, line, _, _ in errors})
        assert all("orchestratorConfigurationList" in message for *_, message in errors), errors
        # boto3.client("qconnect") is our client: boto3-stubs imports it from the drop-in.
        revealed = [message for _, _, code, message in found if code == "reveal"]
        assert revealed == (["mypy_boto3_qconnect.client.QConnectClient"] if "boto3" in name else []), found
    assert flagged == {"1.42.33": [], "1.42.34": marked}
