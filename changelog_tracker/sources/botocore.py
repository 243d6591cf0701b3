"""botocore JSON models -> the same Operation/Shape model a page parses to.

The walk mirrors botocore's documenter (botocore/docs/shape.py, example.py, method.py), so the
result is exactly what a page of that model can show: recursion is cut where the page writes
``{'... recursive ...'}``, map keys are plain strings, response members are never required,
and streaming payloads, documents and event streams take the page's forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from html import unescape
from typing import Any

from botocore import xform_name

from .. import traits
from ..model import ListShape, MapShape, Member, Operation, Overlay, Scalar, Shape, Structure
from ..paths import LIST, MAP, members_of

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


def plain_text(html: str) -> str:
    """botocore documentation is HTML; we keep plain text."""
    return " ".join(unescape(_TAG.sub(" ", html or "")).split())  # str.split: the same whitespace as \s, faster


# What a member's name follows under a (non-empty) path: members_of(path) == path + _MEMBER.
_MEMBER = members_of(traits.INPUT).removeprefix(traits.INPUT)


class _Node:
    """The traits at one path of a converted side, and the nodes under it, each with the suffix
    that names its path after this one (``.Name`` for a member, ``[]``, ``{}``) as ``model.walk`` does."""

    __slots__ = ("children", "traits")

    def __init__(self, traits: dict[str, Any], children: tuple[tuple[str, _Node], ...] = ()) -> None:
        self.traits, self.children = traits, children


def _fill(overlay: Overlay, path: str, node: _Node) -> None:
    """Every path under ``node`` (at ``path``) into ``overlay``, with its traits."""
    for suffix, child in node.children:
        below = path + suffix
        overlay[below] = child.traits
        if child.children:
            _fill(overlay, below, child)


Ref = dict[str, Any]  # a member reference: {"shape": name, and the member's own keys}


class _Shared:
    """What the walks of one service share: converted sub-shapes (with their trait nodes), which
    shapes reach which, each shape's own traits, the paginators and waiters by operation.

    A sub-shape's page form depends only on its name, the side, and which of its ancestors its
    subtree can reach again (there the page cuts recursion). Below the top level no member
    carries HTTP-binding or payload traits, so that key is exact; a member reference's own traits
    (deprecated, idempotencyToken...) are merged in by its parent, so the key holds for traits too.
    """

    def __init__(
        self, model: dict[str, Any], paginators: dict[str, Any] | None = None, waiters: dict[str, Any] | None = None
    ) -> None:
        self.shapes: dict[str, Any] = model.get("shapes", {})
        self.operations: dict[str, Any] = model.get("operations", {})
        self.converted: dict[tuple[str, bool, frozenset[str]], tuple[Shape, _Node]] = {}
        self._reach: dict[str, frozenset[str]] = {}
        self._own: dict[str, dict[str, Any]] = {}
        self.paginators: dict[str, Any] = (paginators or {}).get("pagination", {})
        self.waiters: dict[str, list[str]] = {}
        for name, waiter in sorted((waiters or {}).get("waiters", {}).items()):
            self.waiters.setdefault(waiter.get("operation"), []).append(name)

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

    def resolved(self, ref: Ref) -> dict[str, Any]:
        """The shape ``ref`` points at, the reference's own keys merged over it (as botocore's ShapeResolver)."""
        target: dict[str, Any] = self.shapes[ref["shape"]]
        return target if len(ref) == 1 else {**target, **ref}

    def documentation(self, ref: Ref) -> str:
        """A member's documentation: its reference's, else its target shape's (botocore merges them so)."""
        text = ref["documentation"] if "documentation" in ref else self.shapes[ref["shape"]].get("documentation")
        return str(text or "")

    def own(self, name: str) -> dict[str, Any]:
        """The traits shape ``name`` itself carries (a member reference may add to them)."""
        found = self._own.get(name)
        if found is None:
            found = self._own[name] = _traits(name, {}, self.shapes.get(name, {}), self.shapes)
        return found

    def ref(self, ref: dict[str, Any]) -> dict[str, Any]:
        """The traits at a member: its target's, with the reference's own merged over them as botocore does."""
        name = ref["shape"]
        if _REF_TRAITS.isdisjoint(ref):
            return self.own(name)
        return _traits(name, ref, self.shapes.get(name, {}), self.shapes)


def _refs(shape: dict[str, Any]) -> list[str]:
    refs = [m["shape"] for m in shape.get("members", {}).values()]
    return refs + [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]


# Model keys that become traits where a member reference carries them (botocore merges a reference's
# keys over its target shape's: botocore/model.py ShapeResolver.resolve_shape_ref).
_REF_TRAITS = frozenset(
    {"min", "max", "pattern", "deprecated", "deprecatedMessage", "union", "hostLabel", "idempotencyToken"}
)
_VALUES = (("min", traits.MIN), ("max", traits.MAX), ("pattern", traits.PATTERN))
_KEY_VALUES = (("min", traits.KEY_MIN), ("max", traits.KEY_MAX), ("pattern", traits.KEY_PATTERN))
_FLAGS = (("union", traits.UNION), ("hostLabel", traits.HOST_LABEL), ("idempotencyToken", traits.IDEMPOTENCY_TOKEN))


def _traits(name: str, ref: dict[str, Any], target: dict[str, Any], shapes: dict[str, Any]) -> dict[str, Any]:
    """The traits of a member reference ``ref`` to the shape ``target`` called ``name`` (``ref`` {}: the
    shape's own)."""
    merged = {**target, **ref} if ref else target
    # Only what stubs name carries its name (a TypedDict, a Literal): on every scalar and list it
    # would be most of the overlay, and nothing reads it.
    named = target.get("type") == "structure" or "enum" in target or name in _decoded_names()
    out: dict[str, Any] = {traits.SHAPE: name} if named else {}
    out.update((key, merged[raw]) for raw, key in _VALUES if raw in merged)
    out.update((key, True) for raw, key in _FLAGS if merged.get(raw))
    if merged.get("deprecated"):
        out[traits.DEPRECATED] = merged.get("deprecatedMessage") or True
    if merged.get("type") == "map":  # a map: its key is a plain string on the page, its constraints are the map's
        key = merged["key"]
        key_shape = {**shapes.get(key["shape"], {}), **key}
        out.update((name, key_shape[raw]) for raw, name in _KEY_VALUES if raw in key_shape)
        if key_shape.get("enum"):
            out[traits.KEY_ENUM] = sorted(key_shape["enum"])
    return out


@cache
def decoded_shapes() -> dict[str, frozenset[str]]:
    """service -> the string shapes botocore's documentation retypes as dicts (its DocumentModifiedShape
    handlers: IAM's policy documents, which botocore returns decoded)."""
    from botocore.docs.utils import DocumentModifiedShape  # type: ignore[attr-defined, unused-ignore]  # botocore-stubs lacks it
    from botocore.handlers import BUILTIN_HANDLERS

    found: dict[str, set[str]] = {}
    for handler in BUILTIN_HANDLERS:
        modified = getattr(handler[1], "__self__", None)
        if isinstance(modified, DocumentModifiedShape) and getattr(modified, "_new_type", "") == "dict":
            service = handler[0].split(".")[2]
            found.setdefault(service, set()).add(getattr(modified, "_shape_name", ""))
    return {service: frozenset(names) for service, names in found.items()}


@cache
def _decoded_names() -> frozenset[str]:
    return frozenset().union(*decoded_shapes().values())


class _Walker:
    """One operation side, walked on the raw JSON (botocore's Shape objects cost most of a
    conversion): a member reference's own keys are merged over its target as botocore's
    ShapeResolver does, and the shapes the documenter treats specially are told as botocore tells them."""

    def __init__(self, top: Ref, response: bool, shared: _Shared) -> None:
        self.response, self.shared = response, shared
        # OperationModel.get_streaming_input/output: the top shape's payload member, when it is a blob.
        shape = shared.resolved(top)
        payload, members = shape.get("payload"), shape.get("members", {})
        blob = payload in members and shared.resolved(members[payload])["type"] == "blob"
        self.streaming = payload if blob else None

    def shape(self, ref: Ref, history: list[str]) -> tuple[Shape, _Node]:
        """The page form of the shape ``ref`` points at and its trait node (the shape's own traits: a
        member merges its reference's)."""
        name = ref["shape"]
        if name in history:
            return RECURSIVE, _Node(self.shared.own(name))
        key = None
        if len(history) >= 2:  # the top level and its members carry traits: never shared
            reach = self.shared.reach(name)
            key = (name, self.response, frozenset(h for h in history if h in reach))
            done = self.shared.converted.get(key)
            if done is not None:
                return done
        history.append(name)
        try:
            result = self._shape(name, self.shared.resolved(ref), history)
        finally:
            history.pop()
        if key is not None:
            self.shared.converted[key] = result
        return result

    def _shape(self, name: str, shape: dict[str, Any], history: list[str]) -> tuple[Shape, _Node]:
        own = self.shared.own(name)
        kind = shape["type"]
        if kind == "string" and shape.get("jsonvalue") and shape.get("location") == "header":
            return Scalar("document", json_value=True), _Node(own)  # botocore.utils.is_json_value_header
        if kind == "structure" and shape.get("document"):
            return Scalar("document"), _Node(own)
        if shape.get("eventstream"):
            members, nodes = self.members(shape, history) if self.response else ((), ())
            return Structure(members, event_stream=True), _Node(own, nodes)
        if kind == "structure":
            members, nodes = self.members(shape, history)
            return Structure(members, union=bool(shape.get("union"))), _Node(own, nodes)
        if kind in ("list", "map"):
            ref = shape["member"] if kind == "list" else shape["value"]
            converted, node = self.shape(ref, history)
            node = self._at_ref(node, ref)
            if kind == "list":
                return ListShape(converted), _Node(own, ((LIST, node),))
            return MapShape(Scalar("string"), converted), _Node(own, ((MAP, node),))
        if kind == "string" and "enum" in shape:
            return Scalar("string", tuple(shape["enum"])), _Node(own)
        return Scalar(_SCALAR_KINDS.get(kind, "float")), _Node(own)  # the documenter writes `...` for unknown types

    def members(
        self, shape: dict[str, Any], history: list[str]
    ) -> tuple[tuple[Member, ...], tuple[tuple[str, _Node], ...]]:
        required = set(shape.get("required", ()))
        top = len(history) == 1
        members, nodes = [], []
        for name, ref in shape.get("members", {}).items():
            converted: Shape
            if top and name == self.streaming:
                converted, node = Scalar("blob", streaming=True), _Node(self.shared.own(ref["shape"]))
            else:
                converted, node = self.shape(ref, history)
            node = self._at_ref(node, ref, self.response and name in required)
            # The documenter writes a recursion cut without its [REQUIRED] flag (document_recursive_shape).
            flag = not self.response and name in required and converted != RECURSIVE
            members.append(Member(name, converted, flag, plain_text(self.shared.documentation(ref))))
            nodes.append((_MEMBER + name, node))
        return tuple(members), tuple(nodes)

    def _at_ref(self, node: _Node, ref: Ref, required: bool = False) -> _Node:
        """``node`` reached through the member reference ``ref``: the reference's traits merged in."""
        if _REF_TRAITS.isdisjoint(ref) and not required:
            return node
        merged = self.shared.ref(ref)
        return _Node({**merged, traits.REQUIRED: True} if required else merged, node.children)


def _overlay(sides: list[tuple[str, _Node]], operation: dict[str, Any]) -> Overlay:
    """Every path ``model.walk`` visits on the converted sides, with its traits. The trait dicts are
    shared by the paths and operations that reach one sub-shape (as botocore's cached models are
    shared): read-only."""
    out: Overlay = {traits.OPERATION: operation}
    for side, node in sides:
        out[side] = node.traits
        _fill(out, side, node)
    return out


def _operation_traits(name: str, shared: _Shared) -> dict[str, Any]:
    raw = shared.operations[name]
    out: dict[str, Any] = {traits.ERRORS: sorted({error["shape"] for error in raw.get("errors", ())})}
    if raw.get("deprecated"):
        out[traits.DEPRECATED] = raw.get("deprecatedMessage") or True
    if name in shared.paginators:
        out[traits.PAGINATOR] = shared.paginators[name]
    if shared.waiters.get(name):
        out[traits.WAITERS] = list(shared.waiters[name])
    return out


def operation_from_model(name: str, shared: _Shared, overlay: bool = True) -> Operation:
    """The operation ``name`` (its key in the model's ``operations``); ``overlay`` False: without traits."""
    op = shared.operations[name]
    inputs: Shape = Structure()
    node = _Node({})
    if "input" in op:
        inputs, node = _Walker(op["input"], False, shared).shape(op["input"], [])
    sides = [(traits.INPUT, node)]
    output = None
    if "output" in op:
        output, node = _Walker(op["output"], True, shared).shape(op["output"], [])
        sides.append((traits.OUTPUT, node))
    found = _overlay(sides, _operation_traits(name, shared)) if overlay else None
    return Operation(xform_name(name), inputs, output, name, plain_text(op.get("documentation", "")), found)


def operations_from_json(
    model: dict[str, Any],
    service_name: str,
    paginators: dict[str, Any] | None = None,
    waiters: dict[str, Any] | None = None,
) -> Iterator[Operation]:
    """Every operation of one service model (a parsed service-2.json), in model order, each with
    its traits overlay (``paginators``, ``waiters``: the parsed paginators-1.json and waiters-2.json
    beside it, None where the service has none)."""
    shared = _Shared(model, paginators, waiters)
    for name in shared.operations:
        yield operation_from_model(name, shared)


class ModelCatalog:
    """A service's methods from its model, each converted only when asked for (see sources/naming.py)."""

    def __init__(
        self,
        model: dict[str, Any],
        service_name: str,
        paginators: dict[str, Any] | None = None,
        waiters: dict[str, Any] | None = None,
        overlay: bool = True,  # False: operations without traits (naming a page's cut methods needs none)
    ) -> None:
        self._shared, self._overlay = _Shared(model, paginators, waiters), overlay
        self._api_names: dict[str, str] = {xform_name(name): name for name in self._shared.operations}
        self.names: list[str] = list(self._api_names)

    def operation(self, name: str) -> Operation:
        return operation_from_model(self._api_names[name], self._shared, self._overlay)

    def api_name(self, name: str) -> str:
        return self._api_names[name]

    def documentation(self, name: str) -> str:
        """``operation(name).documentation``, without converting its shapes."""
        return plain_text(self._shared.operations[self._api_names[name]].get("documentation", ""))

    def output(self, name: str) -> Shape | None:
        """``operation(name).output``, without converting its input (naming a cut method compares
        outputs only, and a cut method's input is the biggest of its service)."""
        op = self._shared.operations[self._api_names[name]]
        return _Walker(op["output"], True, self._shared).shape(op["output"], [])[0] if "output" in op else None


def service_traits(model: dict[str, Any]) -> dict[str, Any]:
    """The service-level facts of a model: its protocol(s), API version and module name."""
    metadata = model.get("metadata", {})
    keys = ((traits.PROTOCOL, "protocol"), (traits.PROTOCOLS, "protocols"), (traits.API_VERSION, "apiVersion"))
    found = {key: metadata[raw] for key, raw in keys if raw in metadata}
    module = module_name(model)
    if module:
        found[traits.MODULE_NAME] = module
    return found


def module_name(model: dict[str, Any]) -> str:
    """botocore's ``get_service_module_name``: the name of the client class boto3 makes ("" if botocore
    cannot tell). botocore 1.44 reads a table by serviceId that keeps, for every service 1.42 had, the
    name 1.42 derived from the abbreviation or full name, so the installed botocore names old models right."""
    # botocore.model and botocore.utils load botocore's HTTP stack (0.15 s): only module names need them,
    # not ingest naming a page's cut methods from this module.
    from botocore.model import ServiceModel
    from botocore.utils import get_service_module_name

    try:
        # service_name given: botocore's default (the endpoint prefix) recurses forever when it is missing
        return str(get_service_module_name(ServiceModel(model, model.get("metadata", {}).get("endpointPrefix", ""))))
    except ValueError:  # a serviceId deriving a name the table gives another service
        return ""


def full_name(model: dict[str, Any]) -> str:
    metadata = model.get("metadata", {})
    return str(metadata.get("serviceFullName") or metadata.get("serviceId") or "")
