"""botocore JSON models -> the same Operation/Shape model a page parses to.

The walk mirrors botocore's documenter (botocore/docs/shape.py, example.py, method.py), so the
result is exactly what a page of that model can show: recursion is cut where the page writes
``{'... recursive ...'}``, map keys are plain strings, response members are never required,
and streaming payloads, documents and event streams take the page's forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel, ServiceModel
from botocore.model import Shape as BotoShape
from botocore.utils import is_json_value_header

from ..model import ListShape, MapShape, Member, Operation, Scalar, Shape, Structure

# What the page's literal says; every other type (float, short, ...) is written `...`, read as float.
_SCALAR_KINDS = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "double": "float",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "blob": "blob",
}
RECURSIVE = Scalar("recursive")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """botocore documentation is HTML; we keep plain text."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html or ""))).strip()


class _Shared:
    """What the walks of one service share: converted sub-shapes, and which shapes reach which.

    A sub-shape's page form depends only on its name, the side, and which of its ancestors its
    subtree can reach again (there the page cuts recursion). Below the top level no member
    carries HTTP-binding or payload traits, so that key is exact.
    """

    def __init__(self, shapes: dict[str, Any]) -> None:
        self.shapes = shapes
        self.converted: dict[tuple[str, bool, frozenset[str]], Shape] = {}
        self._reach: dict[str, frozenset[str]] = {}

    def reach(self, name: str) -> frozenset[str]:
        found = self._reach.get(name)
        if found is None:
            seen, stack = {name}, [name]
            while stack:
                for ref in _refs(self.shapes.get(stack.pop(), {})):
                    if ref not in seen:
                        seen.add(ref)
                        stack.append(ref)
            found = self._reach[name] = frozenset(seen)
        return found


def _refs(shape: dict[str, Any]) -> list[str]:
    refs = [m["shape"] for m in shape.get("members", {}).values()]
    return refs + [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]


class _Walker:
    """One operation side: knows the shapes the documenter treats specially."""

    def __init__(self, op: OperationModel, response: bool, shared: _Shared) -> None:
        self.response, self.shared = response, shared
        self.streaming = op.get_streaming_output() if response else op.get_streaming_input()

    def shape(self, shape: BotoShape, history: list[str]) -> Shape:
        if shape.name in history:
            return RECURSIVE
        key = None
        if len(history) >= 2:  # the top level and its members carry traits: never shared
            reach = self.shared.reach(shape.name)
            key = (shape.name, self.response, frozenset(h for h in history if h in reach))
            done = self.shared.converted.get(key)
            if done is not None:
                return done
        history.append(shape.name)
        try:
            result = self._shape(shape, history)
        finally:
            history.pop()
        if key is not None:
            self.shared.converted[key] = result
        return result

    def _shape(self, shape: BotoShape, history: list[str]) -> Shape:
        if is_json_value_header(shape):
            return Scalar("document", json_value=True)
        if getattr(shape, "is_document_type", False):
            return Scalar("document")
        if self.streaming is not None and shape == self.streaming:
            return Scalar("blob", streaming=True)
        kind = shape.type_name
        if shape.serialization.get("eventstream"):
            members = self.members(shape, history) if self.response else ()
            return Structure(members, event_stream=True)
        if kind == "structure":
            return Structure(self.members(shape, history), union=bool(getattr(shape, "is_tagged_union", False)))
        if kind == "list":
            return ListShape(self.shape(shape.member, history))
        if kind == "map":
            return MapShape(Scalar("string"), self.shape(shape.value, history))
        if kind == "string" and "enum" in shape.metadata:
            return Scalar("string", tuple(shape.metadata["enum"]))
        return Scalar(_SCALAR_KINDS.get(kind, "float"))  # the documenter writes `...` for unknown types

    def members(self, shape: Any, history: list[str]) -> tuple[Member, ...]:
        required = set() if self.response else set(shape.required_members)
        members = []
        for name, member in shape.members.items():
            converted = self.shape(member, history)
            # The documenter writes a recursion cut without its [REQUIRED] flag (document_recursive_shape).
            flag = name in required and converted != RECURSIVE
            members.append(Member(name, converted, flag, plain_text(member.documentation)))
        return tuple(members)


def operation_from_model(op: OperationModel, shared: _Shared) -> Operation:
    inputs: Shape = Structure()
    if op.input_shape is not None:
        inputs = _Walker(op, False, shared).shape(op.input_shape, [])
    output = None if op.output_shape is None else _Walker(op, True, shared).shape(op.output_shape, [])
    return Operation(xform_name(op.name), inputs, output, op.name, plain_text(op.documentation))


def operations_from_json(model: dict[str, Any], service_name: str) -> Iterator[Operation]:
    """Every operation of one service model (a parsed service-2.json), in model order."""
    service = ServiceModel(model, service_name=service_name)
    shared = _Shared(model.get("shapes", {}))
    for name in service.operation_names:
        yield operation_from_model(service.operation_model(name), shared)


class ModelCatalog:
    """A service's methods from its model, each converted only when asked for (see sources/naming.py)."""

    def __init__(self, model: dict[str, Any], service_name: str) -> None:
        self.service = ServiceModel(model, service_name=service_name)
        self._shared = _Shared(model.get("shapes", {}))
        self._api_names: dict[str, str] = {xform_name(name): name for name in self.service.operation_names}
        self.names: list[str] = list(self._api_names)

    def operation(self, name: str) -> Operation:
        return operation_from_model(self.service.operation_model(self._api_names[name]), self._shared)


def full_name(model: dict[str, Any]) -> str:
    metadata = model.get("metadata", {})
    return str(metadata.get("serviceFullName") or metadata.get("serviceId") or "")
