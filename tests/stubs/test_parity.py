"""Parity with mypy-boto3 (issue 14 item 1): our TypedDicts of the committed botocore models against
the committed extracts of the published mypy-boto3 packages of the same versions (scripts/
compare_mypy_boto3.py writes both): keys, required keys, Literal values and map-key Literals at
every path of every request and response.
"""

from __future__ import annotations

import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.stubs.layout import type_defs_context
from changelog_tracker.stubs.typedefs import build_spec
from oracle.extract import Requests, expand
from scripts.compare_mypy_boto3 import SERVICES, extract_path, model_path, ours, read_gzip

SIDES = ("requests", "responses")
SMALL = ("lambda", "logs", "bedrock-agentcore-control")  # every method identical, in the default run


@cache
def compared(service: str) -> tuple[dict[str, Requests], dict[str, Requests]]:
    version = SERVICES[service]
    with tempfile.TemporaryDirectory() as tmp:
        return expand(read_gzip(extract_path(service, version))), ours(service, version, Path(tmp))


def equal_share(side: str) -> tuple[int, int, list[str]]:
    equal = total = 0
    unequal = []
    for service in SERVICES:
        theirs, mine = compared(service)
        for method, paths in theirs[side].items():
            total += 1
            if mine[side].get(method) == paths:
                equal += 1
            else:
                unequal.append(f"{service}.{method}")
    return equal, total, unequal


@pytest.mark.parametrize("service", SMALL)
def test_small_services_are_identical_in_every_method(service: str) -> None:
    theirs, mine = compared(service)
    for side in SIDES:
        assert mine[side] == theirs[side], side


@pytest.mark.slow  # thirteen services, ec2 and sagemaker among them: minutes
@pytest.mark.parametrize("side", SIDES)
def test_at_least_99_percent_of_methods_are_identical(side: str) -> None:
    equal, total, unequal = equal_share(side)
    assert total > 2500 and len(SERVICES) >= 10
    assert equal >= 0.99 * total, unequal


@pytest.mark.slow
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_method_of_theirs_is_ours(service: str) -> None:
    theirs, mine = compared(service)
    for side in SIDES:
        assert set(mine[side]) == set(theirs[side]), side


def _spec_of(service: str, naming: Any = "default") -> Any:
    model = read_gzip(model_path(service, SERVICES[service]))
    return build_spec(list(operations_from_json(model, service)), naming, service)


def test_shape_names_name_the_nested_typeddicts_and_literals() -> None:
    spec = _spec_of("lambda")
    names = {td.name for td in spec.typeddicts}
    assert {"FunctionConfigurationTypeDef", "EnvironmentResponseTypeDef", "TagsErrorTypeDef"} <= names
    assert "GetFunctionResponseTypeDef" in names  # the method's own name (SPEC.md section 6)
    assert {"RuntimeType", "LastUpdateStatusType"} <= {lit.name for lit in spec.literals}


def test_mypy_boto3_naming_names_whole_requests_and_responses_after_their_shapes() -> None:
    spec = _spec_of("lambda", "mypy-boto3")
    methods = {m.name: m for m in spec.methods}
    assert (methods["invoke"].request, methods["invoke"].response) == (
        "InvocationRequestTypeDef",
        "InvocationResponseTypeDef",
    )
    # FunctionConfiguration is also a member's shape: the whole response takes "Response"
    assert methods["get_function_configuration"].response == "FunctionConfigurationResponseTypeDef"
    assert methods["delete_alias"].response == "EmptyResponseMetadataTypeDef"


def test_request_blobs_and_timestamps_take_what_botocore_takes() -> None:
    aliases: Any = type_defs_context(_spec_of("s3"))["aliases"]
    text = "\n".join(f"{a.name} = {a.target}" for a in aliases)
    assert "BlobTypeDef = str | bytes | IO[Any] | StreamingBody" in text
    assert "TimestampTypeDef = datetime | str" in text
    put = next(td for td in _spec_of("s3").typeddicts if td.name == "PutObjectRequestTypeDef")
    fields = {f.key: f.annotation for f in put.fields}
    assert fields["Body"] == "BlobTypeDef"
    head = next(td for td in _spec_of("s3").typeddicts if td.name == "HeadObjectRequestTypeDef")
    assert {f.key: f.annotation for f in head.fields}["IfModifiedSince"] == "TimestampTypeDef"
    get = next(td for td in _spec_of("s3").typeddicts if td.name == "GetObjectResponseTypeDef")
    assert {f.key: (f.annotation, f.required) for f in get.fields}["Body"] == ("StreamingBody", True)


def test_map_keys_with_an_enum_are_literals() -> None:
    theirs, mine = compared("glue")
    path = "ConnectionInput"
    assert "ConnectionProperties" in theirs["requests"]["create_connection"][path]["map_keys"]
    assert mine["requests"]["create_connection"][path] == theirs["requests"]["create_connection"][path]


@pytest.mark.slow
def test_ec2_filter_is_filters_as_botocore_documents_it() -> None:
    theirs, mine = compared("ec2")
    assert "Filters" in mine["requests"]["describe_hosts"][""]["keys"]
    assert re.search("Filter", " ".join(theirs["requests"]["describe_hosts"][""]["keys"]))


def test_iam_policy_documents_are_returned_decoded_as_botocore_does() -> None:
    spec = _spec_of("iam")
    role = next(td for td in spec.typeddicts if td.name == "RoleTypeDef")
    assert {f.key: f.annotation for f in role.fields}["AssumeRolePolicyDocument"] == "PolicyDocumentTypeDef"
    request = next(td for td in spec.typeddicts if td.name == "CreateRoleRequestTypeDef")
    assert {f.key: f.annotation for f in request.fields}["AssumeRolePolicyDocument"] == "str"  # it sends a string
