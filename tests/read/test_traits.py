"""The traits overlay a botocore model gives every operation (issue 13): equal to an independent
reading of the raw JSON of real services, on exactly the paths the page-form walk visits."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader
from hypothesis import given
from hypothesis import strategies as st

from changelog_tracker import traits
from changelog_tracker.model import Operation, walk
from changelog_tracker.sources.botocore import ModelCatalog, operations_from_json, service_traits

# Between them: tagged unions, map key enums and patterns, host labels, idempotency tokens,
# deprecated operations, shapes and member references, event streams, recursion, waiters, paginators.
SERVICES = ("logs", "lambda", "s3", "s3control", "dynamodb", "servicediscovery", "acm", "appconfig")


@cache
def service_files(service: str) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]:
    """The installed botocore's service-2, paginators-1 and waiters-2 of ``service`` (raw, as shipped)."""
    loader = Loader(extra_search_paths=[Loader.BUILTIN_DATA_PATH], include_default_search_paths=False)
    version = loader.determine_latest_version(service, "service-2")
    files: list[dict[str, Any] | None] = []
    for kind in ("service-2", "paginators-1", "waiters-2"):
        try:
            files.append(loader.load_data(f"{service}/{version}/{kind}"))
        except DataNotFoundError:
            files.append(None)
    model, paginators, waiters = files
    assert model is not None
    return model, paginators, waiters


@cache
def converted(service: str) -> tuple[Operation, ...]:
    return tuple(operations_from_json(*_args(service)))


def _args(service: str) -> tuple[dict[str, Any], str, dict[str, Any] | None, dict[str, Any] | None]:
    model, paginators, waiters = service_files(service)
    return model, service, paginators, waiters


# ---------------------------------------------------------------- the oracle: raw JSON, read here


def expected_traits(ref: dict[str, Any], shapes: dict[str, Any], response_required: bool) -> dict[str, Any]:
    """What the model says at a member reference (or a side root: ref {"shape": name}): botocore
    lays the reference's keys over its target shape's."""
    raw = dict(shapes[ref["shape"]])
    raw.update(ref)
    # Stubs name structures and enums (and the strings botocore returns decoded: IAM's policies).
    named = raw["type"] == "structure" or "enum" in raw
    found: dict[str, Any] = {"shape": ref["shape"]} if named else {}
    for key in ("min", "max", "pattern"):
        if key in raw:
            found[key] = raw[key]
    if raw.get("deprecated"):
        found["deprecated"] = raw.get("deprecatedMessage") or True
    for key, name in (("union", "union"), ("hostLabel", "host_label"), ("idempotencyToken", "idempotency_token")):
        if raw.get(key):
            found[name] = True
    if raw["type"] == "map":
        key_shape = dict(shapes[raw["key"]["shape"]])
        key_shape.update(raw["key"])
        for key in ("min", "max", "pattern"):
            if key in key_shape:
                found["key_" + key] = key_shape[key]
        if key_shape.get("enum"):
            found["key_enum"] = sorted(key_shape["enum"])
    if response_required:
        found["required"] = True
    return found


def expected_overlay(model: dict[str, Any], api_name: str, paginators: Any, waiters: Any) -> dict[str, Any]:
    """The overlay of one operation, walked over the raw JSON as the page walks it: a shape met
    again below itself is a leaf (the page's recursion cut), a request's event stream shows no
    members, list members and map values are paths (map keys are not)."""
    shapes, operation = model["shapes"], model["operations"][api_name]
    found: dict[str, Any] = {"": operation_expected(operation, api_name, paginators, waiters)}

    def visit(path: str, ref: dict[str, Any], response: bool, required: bool, above: tuple[str, ...]) -> None:
        found[path] = expected_traits(ref, shapes, response and required)
        name = ref["shape"]
        if name in above:
            return
        shape = shapes[name]
        if shape["type"] == "structure" and not (shape.get("eventstream") and not response):
            for member, member_ref in shape.get("members", {}).items():
                visit(f"{path}.{member}", member_ref, response, member in shape.get("required", ()), (*above, name))
        elif shape["type"] == "list":
            visit(path + "[]", shape["member"], response, False, (*above, name))
        elif shape["type"] == "map":
            visit(path + "{}", shape["value"], response, False, (*above, name))

    if "input" in operation:
        visit("input", {"shape": operation["input"]["shape"]}, False, False, ())
    else:
        found["input"] = {}
    if "output" in operation:
        visit("output", {"shape": operation["output"]["shape"]}, True, False, ())
    return found


def operation_expected(operation: dict[str, Any], api_name: str, paginators: Any, waiters: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"errors": sorted({error["shape"] for error in operation.get("errors", [])})}
    if operation.get("deprecated"):
        found["deprecated"] = operation.get("deprecatedMessage") or True
    if paginators and api_name in paginators["pagination"]:
        found["paginator"] = paginators["pagination"][api_name]
    names = sorted(name for name, w in (waiters or {"waiters": {}})["waiters"].items() if w["operation"] == api_name)
    if names:
        found["waiters"] = names
    return found


# ---------------------------------------------------------------- real services


@pytest.mark.parametrize("service", SERVICES)
def test_the_overlay_equals_an_independent_reading_of_the_model(service: str) -> None:
    model, paginators, waiters = service_files(service)
    operations = converted(service)
    assert len(operations) == len(model["operations"])
    for op in operations:
        assert op.traits == expected_overlay(model, str(op.api_name), paginators, waiters), op.name


@pytest.mark.parametrize("service", SERVICES)
def test_the_overlay_holds_every_path_the_walk_visits_and_nothing_else(service: str) -> None:
    for op in converted(service):
        sides = [("input", op.input)] + ([("output", op.output)] if op.output is not None else [])
        walked = [path for side, shape in sides for path, _s, _m in walk(shape, side)]
        assert op.traits is not None and len(walked) == len(set(walked))
        assert set(op.traits) == {"", *walked}, op.name


def test_the_chosen_services_hold_every_trait() -> None:
    """The oracle test above means something: every trait key occurs in these services."""
    keys = {
        key
        for service in SERVICES
        for op in converted(service)
        for path, found in (op.traits or {}).items()
        for key in found
        if path
    }
    assert keys == traits.MEMBER_KEYS
    at_operations = {key for service in SERVICES for op in converted(service) for key in (op.traits or {})[""]}
    assert at_operations == traits.OPERATION_KEYS


def test_paginators_and_waiters_attach_to_the_operations_they_call() -> None:
    ops = {op.name: op for op in converted("dynamodb")}
    _model, paginators, waiters = service_files("dynamodb")
    assert paginators is not None and waiters is not None
    for api_name, paginator in paginators["pagination"].items():
        [op] = [op for op in ops.values() if op.api_name == api_name]
        assert (op.traits or {})[""]["paginator"] == paginator
    assert (ops["describe_table"].traits or {})[""]["waiters"] == ["TableExists", "TableNotExists"]
    assert "paginator" not in (ops["describe_table"].traits or {})[""]
    assert (ops["scan"].traits or {})[""]["paginator"]["input_token"] == "ExclusiveStartKey"
    listed = sorted(name for op in ops.values() for name in (op.traits or {})[""].get("waiters", []))
    assert listed == sorted(waiters["waiters"])  # each waiter on exactly one operation


def test_without_paginators_and_waiters_an_operation_has_neither() -> None:
    model, _paginators, _waiters = service_files("dynamodb")
    for op in operations_from_json(model, "dynamodb"):
        assert not {"paginator", "waiters"} & set((op.traits or {})[""])


def test_the_catalog_gives_the_same_overlay() -> None:
    catalog = ModelCatalog(*_args("s3control"))
    for op in converted("s3control")[:30]:
        assert catalog.operation(op.name).traits == op.traits


def test_member_reference_traits_merge_at_the_member_path() -> None:
    ops = {op.name: op for op in converted("s3control")}
    account = (ops["get_access_point"].traits or {})["input.AccountId"]
    assert account["host_label"] is True and account["max"] == 64  # hostLabel on the ref, max on the shape


def test_service_traits() -> None:
    model, _p, _w = service_files("dynamodb")
    assert service_traits(model) == {
        "protocol": model["metadata"]["protocol"],
        "protocols": model["metadata"]["protocols"],
        "api_version": model["metadata"]["apiVersion"],
        "module_name": "DynamoDB",
    }
    assert service_traits({"metadata": {"protocol": "json", "apiVersion": "2020-01-01"}}) == {
        "protocol": "json",
        "api_version": "2020-01-01",
    }


# ---------------------------------------------------------------- synthetic models, any combination

_CONSTRAINTS = st.fixed_dictionaries(
    {},
    optional={
        "min": st.integers(0, 10),
        "max": st.integers(0, 1000) | st.floats(0, 1e6, allow_nan=False),
        "pattern": st.text("ab^$[]+*.", max_size=8),
        "deprecated": st.booleans(),
        "deprecatedMessage": st.text("xyz ", min_size=1, max_size=10),
    },
)
_REF = st.fixed_dictionaries(
    {},
    optional={
        "deprecated": st.booleans(),
        "deprecatedMessage": st.text("uvw ", min_size=1, max_size=10),
        "idempotencyToken": st.just(True),
    },
)


def _synthetic(kinds: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """A one-operation model: input members M0.. of the given types, shape traits and ref traits."""
    shapes: dict[str, Any] = {"Item": {"type": "string"}}
    members = {}
    for i, (kind, shape_traits, ref_traits) in enumerate(kinds):
        shape = {"type": kind, **shape_traits}
        if kind == "list":
            shape["member"] = {"shape": "Item"}
        shapes[f"S{i}"] = shape
        members[f"M{i}"] = {"shape": f"S{i}", **ref_traits}
    shapes["In"] = {"type": "structure", "members": members}
    operation = {"name": "Op", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "In"}}
    metadata = {"protocol": "json", "apiVersion": "2020-01-01", "endpointPrefix": "x", "serviceId": "X"}
    return {"metadata": metadata, "operations": {"Op": operation}, "shapes": shapes}


_KINDS = st.sampled_from(["string", "integer", "long", "blob", "list"])


@given(st.lists(st.tuples(_KINDS, _CONSTRAINTS, _REF), max_size=5))
def test_the_overlay_holds_exactly_the_traits_the_model_has(
    kinds: list[tuple[str, dict[str, Any], dict[str, Any]]],
) -> None:
    [op] = operations_from_json(_synthetic(kinds), "x")
    overlay = op.traits or {}
    for i, (_kind, shape_traits, ref_traits) in enumerate(kinds):
        merged = {**shape_traits, **ref_traits}
        want = {key: merged[key] for key in ("min", "max", "pattern") if key in merged}  # no name: not named
        if merged.get("deprecated"):
            want["deprecated"] = merged.get("deprecatedMessage") or True
        if ref_traits.get("idempotencyToken"):
            want["idempotency_token"] = True
        assert overlay[f"input.M{i}"] == want
    assert overlay[""] == {"errors": []} and overlay["input"] == {"shape": "In"}
    assert set(overlay) - {"", "input"} == {f"input.M{i}" for i in range(len(kinds))} | {
        f"input.M{i}[]" for i, (kind, _s, _r) in enumerate(kinds) if kind == "list"
    }


# ---------------------------------------------------------------- reading an overlay


def test_paths_by_side() -> None:
    assert [traits.side_of(p) for p in ("", "input", "input.Tags[]", "output", "output.X{}.Y")] == [
        None,
        "input",
        "input",
        "output",
        "output",
    ]
    assert traits.relative("input.Tags[].Key") == "Tags[].Key" and traits.relative("output") == ""
    assert traits.absolute("input", "Tags[].Key") == "input.Tags[].Key" and traits.absolute("output", "") == "output"
    for bad in ("inputs.X", "Tags"):
        with pytest.raises(ValueError, match="not an overlay path"):
            traits.side_of(bad)
    overlay = {"": {"errors": []}, "input": {}, "input.A": {"max": 3}, "output": {}, "output.B": {}}
    assert dict(traits.side_items(overlay, "input")) == {"": {}, "A": {"max": 3}}
    assert traits.at(overlay, "input", "A") == {"max": 3} and traits.at(overlay, None) == {"errors": []}
    assert traits.at(overlay, "output", "C") is None and traits.at(None, "input", "A") is None
    assert traits.canonical({"b": {}, "a": {"max": 1}}) == '{"a":{"max":1},"b":{}}'
