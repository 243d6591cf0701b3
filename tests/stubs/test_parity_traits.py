"""The naming traits stubs read from a model (interfaces13.md 1): SHAPE at every member path and side
root, MODULE_NAME per service; neither is a change, a check or part of ``show``'s traits."""

from __future__ import annotations

from typing import Any

from changelog_tracker import traits
from changelog_tracker.differ.traits import overlay_edits
from changelog_tracker.model import Operation, walk
from changelog_tracker.paths import LIST, MAP
from changelog_tracker.query.lookup import Shown
from changelog_tracker.sources.botocore import RECURSIVE, operations_from_json, service_traits
from changelog_tracker.sources.wheel import installed_models
from tests.helpers import committed_model

SERVICE = "bedrock-agentcore-control"


def _operations() -> dict[str, Operation]:
    return {op.name: op for op in operations_from_json(committed_model(SERVICE, "1.42.65"), SERVICE)}


def test_every_path_names_its_target_shape_as_the_model_does() -> None:
    """Structures and enums (what stubs name) carry their botocore name; other targets carry none."""
    model = committed_model(SERVICE, "1.42.65")
    shapes = model["shapes"]
    for op in operations_from_json(model, SERVICE):
        overlay = op.traits or {}
        raw = model["operations"][op.api_name]
        assert overlay[traits.INPUT][traits.SHAPE] == raw["input"]["shape"]
        if "output" in raw:
            assert overlay[traits.OUTPUT][traits.SHAPE] == raw["output"]["shape"]
        for path, found in overlay.items():
            if path in ("", traits.INPUT, traits.OUTPUT):
                continue
            name = _target(shapes, raw, path)
            named = shapes[name]["type"] == "structure" or "enum" in shapes[name]
            assert found.get(traits.SHAPE) == (name if named else None), (op.name, path)


def _target(shapes: dict[str, Any], raw: dict[str, Any], path: str) -> str:
    """The model's shape name at an overlay path, walked from the operation's side."""
    if path in (traits.INPUT, traits.OUTPUT):
        return str(raw[path]["shape"])
    parent, step = _parent(path)
    target = shapes[_target(shapes, raw, parent)]
    ref = target["member"] if step == LIST else target["value"] if step == MAP else target["members"][step]
    return str(ref["shape"])


def _parent(path: str) -> tuple[str, str]:
    if path.endswith((LIST, MAP)):
        return path[:-2], path[-2:]
    parent, _, member = path.rpartition(".")
    return parent, member


def test_a_recursion_cut_names_the_shape_it_repeats() -> None:
    cuts = [
        (op.traits or {}, path)
        for op in _operations().values()
        for side, shape in ((traits.INPUT, op.input), (traits.OUTPUT, op.output))
        if shape is not None
        for path, found, _member in walk(shape, side)
        if found == RECURSIVE
    ]
    assert cuts, "the committed model has recursive shapes"
    for overlay, path in cuts:
        name = overlay[path][traits.SHAPE]
        assert any(overlay[p].get(traits.SHAPE) == name for p in overlay if p and path.startswith(p) and p != path)


def test_module_name_is_the_client_class_boto3_names() -> None:
    assert service_traits(committed_model(SERVICE, "1.42.65"))[traits.MODULE_NAME] == "BedrockAgentCoreControl"
    models = installed_models(["s3", "lambda", "dynamodb", "ec2", "sqs", "cloudformation"])
    named = {service: service_traits(model)[traits.MODULE_NAME] for service, model in models.items()}
    assert named == {
        "s3": "S3", "lambda": "Lambda", "dynamodb": "DynamoDB", "ec2": "EC2", "sqs": "SQS",
        "cloudformation": "CloudFormation",
    }  # fmt: skip
    assert traits.MODULE_NAME not in service_traits({"metadata": {"protocol": "json"}})  # unknown: no key


def test_a_renamed_shape_is_no_change_and_show_leaves_names_out() -> None:
    op = _operations()["create_agent_runtime"]
    overlay = op.traits or {}
    renamed = {path: {**found, traits.SHAPE: "Renamed"} if path else found for path, found in overlay.items()}
    assert renamed != overlay and overlay_edits(overlay, renamed) == []
    shown = Shown(SERVICE, "2026-03-10", op).to_json()
    assert shown["traits"] and all(traits.SHAPE not in found for found in shown["traits"].values())
    assert traits.SHAPE in traits.MEMBER_KEYS and {traits.SHAPE} == traits.NAMING_KEYS
