"""The generated validators against the interpreted one they replace (tests/check/interpreted.py):
the same errors, in the same order, with the same messages, on random payloads of real shapes and on
hostile member names; and a failing path is checked once per level, not twice."""

from __future__ import annotations

import copy
import sys
from types import FrameType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from changelog_tracker.check import MODES, Compiler, validate
from changelog_tracker.model import ListShape, MapShape, Member, Scalar, Shape, Structure
from tests.check import interpreted
from tests.check.test_check import SETTINGS, WRONG, _models, _mutate, _traits, strategy
from tests.stubs.test_hostile_stubs import HOSTILE

# Large nested requests (the benchmark's), recursion (DynamoDB), unions (S3), JSON-value headers (Lex).
CALLS = [
    ("ecs", "RegisterTaskDefinition"),
    ("wafv2", "CreateWebACL"),
    ("sagemaker", "CreateTrainingJob"),
    ("glue", "CreateJob"),
    ("ec2", "RunInstances"),
    ("dynamodb", "PutItem"),
    ("s3", "UpdateObjectEncryption"),
    ("lex-runtime", "PostContent"),
]


def _found(shape: Shape, payload: Any, mode: str, traits: Any) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    ours = [(e.path, e.kind, e.message, e.schema_path) for e in validate(shape, payload, mode, traits)]
    oracle = [(e.path, e.kind, e.message, e.schema_path) for e in interpreted.validate(shape, payload, mode, traits)]
    return ours, oracle


def _share(payload: Any, data: st.DataObject) -> None:
    """One object twice in a list (YAML aliases, code that reuses a dict): reports match items by identity."""
    lists: list[list[Any]] = []
    stack = [payload]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            lists += [value] if value else []
            stack.extend(value)
    if lists:
        target = data.draw(st.sampled_from(lists))
        target.insert(data.draw(st.integers(0, len(target))), data.draw(st.sampled_from(target)))


@pytest.mark.parametrize(("service", "name"), CALLS, ids=[f"{s}.{n}" for s, n in CALLS])
def test_generated_validators_report_what_the_interpreted_one_did(service: str, name: str) -> None:
    models, ours = _models(service)
    op = models.operation_model(name)
    shape, valid, traits = ours[name].input, strategy(op.input_shape), _traits(service, name)
    assert valid is not None

    @settings(SETTINGS, max_examples=80)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload = copy.deepcopy(data.draw(valid))
        for _ in range(data.draw(st.integers(0, 3))):
            payload = copy.deepcopy(_mutate(payload, op.input_shape, data))  # (it may return a shared value)
        if data.draw(st.booleans()):
            _share(payload, data)
        for mode in MODES:
            for overlay in (traits, None):
                found, expected = _found(shape, payload, mode, overlay)
                assert found == expected, (mode, overlay is None, payload)

    run()


def _hostile(names: list[str]) -> Structure:
    enum = Scalar("string", tuple(names))
    nested = Structure(tuple(Member(n, Scalar("string"), i % 3 == 0) for i, n in enumerate(names)))
    members = [Member(n, enum, i % 2 == 0) for i, n in enumerate(names)]
    return Structure((*members, Member("nested", ListShape(nested)), Member("map", MapShape(enum, nested))))


HOSTILE_NAMES = [*HOSTILE, "'); import os; os._exit(3); ('", '"""; raise SystemExit; """', "\\", "value", "n", "found"]
HOSTILE_SHAPE = _hostile(HOSTILE_NAMES)
HOSTILE_KEYS = st.sampled_from(HOSTILE_NAMES) | st.text(max_size=3) | st.integers(-2, 2)
HOSTILE_VALUES = HOSTILE_KEYS | st.sampled_from(WRONG).map(copy.deepcopy)


@given(
    top=st.dictionaries(HOSTILE_KEYS, HOSTILE_VALUES, max_size=8),
    nested=st.lists(st.dictionaries(HOSTILE_KEYS, HOSTILE_VALUES, max_size=4), max_size=2),
)
@SETTINGS
def test_hostile_member_names_are_only_constants(top: dict[Any, Any], nested: list[dict[Any, Any]]) -> None:
    valid = {n: n for i, n in enumerate(HOSTILE_NAMES) if i % 2 == 0}
    for payload in (valid, valid | top, {**valid, "nested": nested}, {**top, "map": {key: {} for key in top}}):
        for mode in MODES:
            found, expected = _found(HOSTILE_SHAPE, payload, mode, None)
            assert found == expected, payload
    assert validate(HOSTILE_SHAPE, valid) == []


def _nested(depth: int) -> Shape:
    shape: Shape = Structure((Member("leaf", Scalar("integer")),))
    for _ in range(depth):
        shape = Structure((Member("next", ListShape(shape)), Member("other", Scalar("string"))))
    return shape


def test_a_failing_path_is_checked_once_per_level() -> None:
    depth, calls = 6, []
    payload: Any = {"leaf": "not a number"}
    for _ in range(depth):
        payload = {"next": [payload], "other": "x"}
    check = Compiler("strict")(_nested(depth))

    def count(frame: FrameType, event: str, _arg: Any) -> None:
        if event == "call" and (frame.f_code.co_filename == "<check>" or frame.f_code.co_name == "report"):
            calls.append(frame.f_code.co_name)

    sys.setprofile(count)
    try:
        found = check(payload)
    finally:
        sys.setprofile(None)
    assert found is not None and [kind for kind, _message, _path in found] == ["wrong-type"]
    # Each level's two reports (structure, list) once, and at most its two functions (fewer where a
    # child is written inline in its parent's); without the errors handed over to the report, each
    # level would check the levels below it twice: 4**depth calls.
    assert calls.count("report") == 2 * depth + 1, calls
    assert len(calls) <= 4 * depth + 2, len(calls)
