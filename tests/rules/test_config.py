"""changelog-tracker.toml: validated with positions, found upward, accepts scoped, expiring and never silently stale."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker.differ import Change
from changelog_tracker.errors import TrackerError
from changelog_tracker.rules.config import CONFIG_NAME, Config, find_config, load_config
from changelog_tracker.rules.judge import Finding
from changelog_tracker.rules.registry import rule_for

TODAY = dt.date(2026, 3, 1)


def finding(service: str = "ecs", operation: str = "run_task", path: str = "launchType",
            kind: str = "enum-value-removed", direction: str = "request") -> Finding:
    change = Change(service, operation, direction, path, kind, "EC2", None)
    rule = rule_for(change)
    return Finding(change, rule, rule.severity, "2026-02-01", "2026-01-01")


def config(tmp_path: Path, text: str, today: dt.date = TODAY) -> Config:
    path = tmp_path / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return load_config(path, today=today)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(TrackerError) as err:
        config(tmp_path, text)
    message = str(err.value)
    assert "\n" not in message
    return message


# -- validation: every mistake is an error at its line ------------------------------------------
@pytest.mark.parametrize(("text", "line", "col", "words"), [
    ('[[accepts]]\nfingerprint = "abc"\nreason = "x"\n', 1, 3, ["'accepts'", "did you mean 'accept'?"]),
    ('[severity]\nresponse-enum-value-added = "safe"\n\n[severty]\nx = 1\n', 4, 2, ["'severty'", "'severity'"]),
    ('title = "mine"\n', 1, 1, ["'title'"]),
    ('[[accept]]\nfingerprint = "abc"\nreason = "x"\n\n[[accept]]\nrule = "operation-removed"\n'
     'reason = "y"\n  expire = 2026-06-30\n', 8, 3, ["'expire'", "did you mean 'expires'?"]),
    ('[severity]\n"response-enum-value-add" = "safe"\n', 2, 1,
     ["'response-enum-value-add'", "did you mean 'response-enum-value-added'"]),
    ('[severity]\nresponse-enum-value-added = "fatal"\n', 2, 1, ["breaking, dangerous, safe", "'fatal'"]),
    ('[[accept]]\nfingerprint = "abc"\n', 1, 3, ["reason"]),
    ('[[accept]]\nreason = "everything"\n', 1, 3, ["fingerprint, rule, service, operation or path"]),
    ('[[accept]]\nrule = "request-member-remved"\nreason = "x"\n', 2, 1, ["did you mean 'request-member-removed'"]),
    ('[[accept]]\nrule = "*"\nreason = "x"\nexpires = "2026-06-30"\n', 4, 1, ["a TOML date", "'2026-06-30'"]),
    ('[[accept]]\nservice = 3\nreason = "x"\n', 2, 1, ["a string", "3"]),
    ('[accept]\nfingerprint = "abc"\nreason = "x"\n', 1, 2, ["[[accept]]"]),
    ('[severity]\nx = \n', 2, 5, ["Invalid value"]),
    ('# next line \x85 and \u2028 separator\n[severty]\n', 2, 2, ["'severty'"]),  # TOML lines end at \n only
])
def test_mistakes_name_file_line_and_key(tmp_path: Path, text: str, line: int, col: int, words: list[str]) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / CONFIG_NAME}:{line}:{col}: "), message
    for word in words:
        assert word in message, message


def test_a_file_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_bytes(b'[severity]\n\n"x\xff" = "safe"\n')
    with pytest.raises(TrackerError, match=re.escape(f"{path}:3:")):
        load_config(path)


KEYS = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda k: k not in {"fingerprint", "rule", "service", "operation", "path", "reason", "expires"})


@settings(max_examples=60, deadline=None)
@given(before=st.integers(0, 4), after=st.integers(0, 3), indent=st.sampled_from(["", "  ", "\t"]), key=KEYS,
       quoted=st.booleans(), comments=st.booleans())
def test_an_unknown_key_is_found_where_it_stands(tmp_path_factory: pytest.TempPathFactory, before: int, after: int,
                                                 indent: str, key: str, quoted: bool, comments: bool) -> None:
    """Whatever precedes it (other accepts, comments, blank lines), the line reported holds the key."""
    block = '[[accept]]\nfingerprint = "abc"  # {k} = 1\nreason = "k = v"\n\n'
    note = f"# {key} = 1\n" if comments else ""
    spelled = f'"{key}"' if quoted else key
    text = (note + block * before + f'[[accept]]\nrule = "*"\n{note}{indent}{spelled} = 1\nreason = "r"\n'
            + block * after)
    message = error_of(tmp_path_factory.mktemp("c"), text)
    where = re.match(r".*?:(\d+):(\d+): ", message)
    assert where, message
    line, col = int(where.group(1)), int(where.group(2))
    assert text.splitlines()[line - 1][col - 1:].startswith(spelled), message


# -- discovery: the nearest file upward, as git and buf find theirs ------------------------------
def test_found_in_the_working_directory_or_a_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / CONFIG_NAME).write_text('[severity]\nresponse-enum-value-added = "safe"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_config() == tmp_path / CONFIG_NAME
    assert load_config().severity_of("response-enum-value-added", "dangerous") == "safe"
    nearer = tmp_path / "a" / CONFIG_NAME
    nearer.write_text('[severity]\nresponse-enum-value-added = "breaking"\n')
    assert load_config().severity_of("response-enum-value-added", "dangerous") == "breaking"
    explicit = tmp_path / "other.toml"
    explicit.write_text("")
    assert load_config(explicit).severity_of("response-enum-value-added", "dangerous") == "dangerous"


def test_none_up_to_the_root_is_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if any((folder / CONFIG_NAME).is_file() for folder in tmp_path.parents):
        pytest.skip(f"a {CONFIG_NAME} above {tmp_path} would be found")
    monkeypatch.chdir(tmp_path)
    assert find_config() is None
    assert load_config() == Config(today=load_config().today)
    with pytest.raises(TrackerError, match="no such config file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(TrackerError, match="cannot read the config"):
        load_config(tmp_path)  # a folder


# -- accepts: scoped, expiring, and reported when stale -----------------------------------------
def test_accepts_scoped_by_rule_service_operation_or_path(tmp_path: Path) -> None:
    judged = config(tmp_path, """
[[accept]]
rule = "request-enum-*"
service = "ecs"
reason = "our payloads never use enums"

[[accept]]
operation = "describe_*"
path = "tasks[].*"
reason = "we never read tasks"
""")
    assert judged.acceptance(finding()) == "our payloads never use enums"
    assert judged.acceptance(finding(service="lambda")) is None
    assert judged.acceptance(finding(kind="member-removed")) is None  # request-member-removed: not an enum rule
    read = finding(operation="describe_tasks", path="tasks[].cpu", kind="member-removed", direction="response")
    assert judged.acceptance(read) == "we never read tasks"
    assert judged.acceptance(finding(service="lambda", operation="describe_tasks", path="failures[].arn")) is None
    assert judged.acceptance(finding(service="lambda", operation="describe_tasks", path="tasks[]")) is None
    assert judged.acceptance(finding(service="lambda", operation="describe_tasks", path="tasksX.cpu")) is None
    assert judged.stale_warnings() == []


def test_fingerprint_accepts_exactly_that_change(tmp_path: Path) -> None:
    wanted = finding()
    judged = config(tmp_path, f'[[accept]]\nfingerprint = "{wanted.fingerprint}"\nreason = "known"\n')
    assert judged.acceptance(wanted) == "known"
    assert judged.acceptance(finding(path="other")) is None


def test_an_accept_that_matched_nothing_is_stale(tmp_path: Path) -> None:
    judged = config(tmp_path, '[[accept]]\nservice = "ecs"\nreason = "a"\n\n'
                              '# the old one\n[[accept]]\nfingerprint = "000000000000"\nreason = "gone"\n')
    assert judged.acceptance(finding()) == "a"
    (warning,) = judged.stale_warnings()
    assert warning.startswith(f"{tmp_path / CONFIG_NAME}:6: ") and "000000000000" in warning
    assert "matched no change" in warning


def test_an_expired_accept_no_longer_applies_and_says_so(tmp_path: Path) -> None:
    text = '[[accept]]\nservice = "ecs"\nreason = "until the migration"\nexpires = 2026-06-30\n'
    assert config(tmp_path, text, today=dt.date(2026, 6, 30)).acceptance(finding()) == "until the migration"
    late = config(tmp_path, text, today=dt.date(2026, 7, 1))
    assert late.acceptance(finding()) is None
    (warning,) = late.stale_warnings()
    assert warning.startswith(f"{tmp_path / CONFIG_NAME}:1: ") and "expired on 2026-06-30" in warning


def test_severity_override(tmp_path: Path) -> None:
    judged = config(tmp_path, '[severity]\n"response-enum-value-added" = "safe"\n')
    assert judged.severity_of("response-enum-value-added", "dangerous") == "safe"
    assert judged.severity_of("operation-removed", "breaking") == "breaking"
    assert Config().stale_warnings() == []
