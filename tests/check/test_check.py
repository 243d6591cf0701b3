"""Payload checks: the validator, parity with botocore's ParamValidator, history on real models, the CLI."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import io
import json
import math
import string
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.model import Shape as BotoShape
from botocore.utils import is_json_value_header
from botocore.validate import ParamValidator
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from changelog_tracker.check import MODES, Compiler, check_payloads, validate
from changelog_tracker.check.compile import constraints
from changelog_tracker.cli import main
from changelog_tracker.cli.check import check as check_command
from changelog_tracker.graph.store import Store
from changelog_tracker.model import ListShape, MapShape, Member, Operation, Overlay, Scalar, Structure
from changelog_tracker.sources.botocore import operations_from_json
from changelog_tracker.sources.wheel import installed_models
from changelog_tracker.write.baseline import model_pages
from changelog_tracker.write.ingest import store_pages
from tests.check.overlay import request_overlay
from tests.helpers import DATA, committed_model

main.add_command(check_command)
PAYLOADS = DATA / "payloads"
AGENTCORE = "bedrock-agentcore-control"


# -- the validator on hand-built shapes --------------------------------------------------------
def _s(*members: Member, union: bool = False) -> Structure:
    return Structure(members, union=union)


CLAIM = _s(Member("name", Scalar("string"), True), Member("type", Scalar("string", ("STRING", "STRING_ARRAY")), True))
SHAPE = _s(
    Member("auth", _s(Member("claims", ListShape(CLAIM)))),
    Member("tags", MapShape(Scalar("string"), Scalar("string"))),
    Member("size", Scalar("integer")),
    Member("when", Scalar("timestamp")),
    Member("doc", Scalar("document")),
    Member("cut", Scalar("string"), None),  # the page's parameter list was cut: never missing
    Member("match", _s(Member("one", Scalar("string")), Member("many", ListShape(Scalar("string"))), union=True)),
    Member("filter", Scalar("recursive")),
    Member("body", Scalar("blob", streaming=True)),
)


def _errors(payload: Any, mode: str = "strict") -> list[tuple[str, str]]:
    return [(e.path, e.kind) for e in validate(SHAPE, payload, mode)]


def test_each_error_kind_at_its_json_path() -> None:
    payload = {
        "auth": {"claims": [{"name": "a", "type": "STRING"}, {"name": 1, "type": "NUMBER", "extra": True}]},
        "tags": {"team": "x", "cost": 5},
        "match": {"one": "a", "many": ["b"]},
    }
    assert _errors(payload) == [
        ("auth.claims[1].name", "wrong-type"),
        ("auth.claims[1].type", "not-in-enum"),
        ("auth.claims[1].extra", "unknown-member"),
        ("tags.cost", "wrong-type"),
        ("match", "union-conflict"),
    ]
    found = {e.path: e for e in validate(SHAPE, payload)}
    assert found["auth.claims[1].type"].schema_path == "auth.claims[].type"
    assert found["tags.cost"].schema_path == "tags{}"
    assert "'NUMBER' is not one of: STRING, STRING_ARRAY" in found["auth.claims[1].type"].message
    assert _errors({"auth": {"claims": [{"type": "STRING"}]}}) == [("auth.claims[0].name", "missing-required")]


def test_botocore_mode_skips_enums_and_takes_bools_as_numbers() -> None:
    payload = {"auth": {"claims": [{"name": "a", "type": "NUMBER"}]}, "size": True}
    assert _errors(payload, "botocore") == []
    assert _errors(payload) == [("auth.claims[0].type", "not-in-enum"), ("size", "wrong-type")]


@pytest.mark.parametrize(
    ("value", "valid"),
    [  # YAML reads an unquoted date as a date: botocore rejects it; recursive: only container-ness is checked
        *[({"when": v}, True) for v in ("2026-03-10T12:00:00Z", 1700000000, dt.datetime(2026, 3, 10))],
        *[({"when": v}, False) for v in ("next tuesday-ish", dt.date(2026, 3, 10))],
        *[({"doc": {"a": [1, None, {"b": "c"}]}}, True), ({"doc": {"a": [b"raw"]}}, False)],
        *[({"filter": {"anything": {"goes": 1}}}, True), ({"filter": "text"}, False)],
        *[({"match": {}}, False), ({"tags": {1: "x"}}, False), ({}, True), ({"body": io.BytesIO(b"x")}, True)],
    ],
)
def test_scalar_and_special_shapes(value: dict[str, Any], valid: bool) -> None:
    assert (validate(SHAPE, value) == []) is valid
    assert (validate(SHAPE, value, "botocore") == []) is valid


def test_inputs_that_are_no_structure_or_cut_and_shapes_compiled_once() -> None:
    assert validate(SHAPE, ["not", "a", "dict"])[0].kind == "wrong-type"
    assert [(e.path, e.kind) for e in validate(Scalar("undocumented"), {"x": 1})] == [("", "undocumented")]
    assert "did you mean 'size'" in validate(SHAPE, {"sise": 1})[0].message
    compiler = Compiler("strict")
    check, size = compiler(SHAPE), len(compiler)
    assert all(check({"tags": {"k": str(i)}, "size": i}) is None for i in range(200))
    assert compiler(SHAPE) is check and len(compiler) == size


BOUNDED_SHAPE = _s(
    Member("name", Scalar("string")),
    Member("host", Scalar("string")),
    Member("ids", ListShape(Scalar("string"))),
    Member("rate", Scalar("float")),
    Member("body", Scalar("blob", streaming=True)),
)
BOUNDED_TRAITS = {
    "": {}, "input": {}, "input.name": {"min": 2, "max": 4}, "input.host": {"host_label": True, "max": 9},
    "input.ids": {"min": 1, "max": 2}, "input.ids[]": {"max": 3}, "input.rate": {"min": 0.5, "max": 1.5},
    "input.body": {"max": 1},
}  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "botocore", "strict"),
    [
        ({"name": "a", "host": "", "ids": []}, ["host", "ids", "name"], ["host", "ids", "name"]),
        ({"name": "abcde", "ids": ["a", "b", "c"], "rate": 2}, [], ["ids", "name", "rate"]),
        ({"ids": ["abcd"], "rate": decimal.Decimal("NaN")}, [], ["ids[0]"]),  # NaN: never below a min (botocore)
        ({"rate": float("nan")}, [], []),
        ({"rate": True}, [], ["rate"]),  # True is 1 to botocore: in range; strict refuses its type
        ({"body": io.BytesIO(b"long")}, [], []),  # a stream's length is not known: unbounded
    ],
)
def test_bounds_by_mode(payload: dict[str, Any], botocore: list[str], strict: list[str]) -> None:
    assert sorted(e.path for e in validate(BOUNDED_SHAPE, payload, "botocore", BOUNDED_TRAITS)) == botocore
    assert sorted(e.path for e in validate(BOUNDED_SHAPE, payload, "strict", BOUNDED_TRAITS)) == strict
    assert validate(BOUNDED_SHAPE, payload, "botocore", {"": {}, "input": {}}) == []  # no bound known: none checked


def test_bounded_validators_share_unbounded_subtrees() -> None:
    compiler, traits = Compiler("strict"), {"input.size": {"min": 1}}
    plain, bounded = compiler(SHAPE), compiler(SHAPE, traits)
    assert plain is not bounded and compiler(SHAPE, dict(traits)) is bounded  # equal traits: one validator
    assert compiler(SHAPE, {"input.size": {"pattern": "x"}}) is plain  # nothing checked: the shared one
    assert [e.message for e in validate(SHAPE, {"size": 0}, "strict", traits)] == [
        "expected a value of at least 1, found 0"
    ]


# -- parity with botocore's ParamValidator, on generated payloads ---------------------------------
# Generated payloads respect every bound of the model (min and max lengths and values, hostLabel's
# implied min 1) until a mutation crosses one; the traits overlay comes from tests/check/overlay.py.
# Large create calls (ECS, WAFv2), streaming blobs, timestamps and maps (S3 PutObject), recursive maps
# (DynamoDB), tagged unions (S3 UpdateObjectEncryption, Bedrock, AgentCore), documents (ECS CreateService,
# Converse), JSON-value headers (Lex PostContent), timestamps and numbers (CloudWatch), query protocol (IAM).
_NAMES = """ecs/RegisterTaskDefinition ecs/CreateService wafv2/CreateWebACL wafv2/CreateRuleGroup s3/PutObject
    s3/PutBucketLifecycleConfiguration s3/UpdateObjectEncryption dynamodb/PutItem dynamodb/Query lambda/CreateFunction
    lambda/Invoke bedrock-runtime/Converse bedrock-runtime/ApplyGuardrail bedrock-agentcore-control/CreateAgentRuntime
    bedrock-agentcore-control/CreateGateway bedrock-agent-runtime/PutInvocationStep cloudwatch/PutMetricData
    cloudwatch/PutMetricAlarm events/PutEvents sqs/SendMessage kinesis/PutRecord ssm/PutParameter
    lex-runtime/PostContent iam/CreateRole"""
OPERATIONS = [tuple(name.split("/")) for name in _NAMES.split()]
TEXT = string.ascii_letters + string.digits + "-_./: "
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-99, 99) | st.floats(allow_nan=False) | st.text(TEXT, max_size=5),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(TEXT, max_size=4), inner, max_size=2),
    max_leaves=4,
)
WRONG = [1, "text", True, 2.5, None, ["item"], {"k": "v"}, b"raw", dt.datetime(2020, 1, 1), decimal.Decimal("1.5")]
BOUNDED = ("string", "list", "map", "blob", "integer", "long", "float", "double")
SETTINGS = settings(
    max_examples=120, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@cache
def _models(service: str) -> tuple[ServiceModel, dict[str, Operation]]:
    model = installed_models([service])[service]
    return ServiceModel(model, service_name=service), {str(o.api_name): o for o in operations_from_json(model, service)}


@cache
def _traits(service: str, name: str) -> Overlay:
    """The independent reader's overlay; the source's (operations_from_json) must check the same bounds."""
    models, ours = _models(service)
    found = request_overlay(models.operation_model(name).input_shape, ours[name].input)
    assert all(constraints(ours[name].traits, mode) == constraints(found, mode) for mode in MODES), name
    return found


def strategy(shape: BotoShape, history: tuple[str, ...] = ()) -> st.SearchStrategy[Any] | None:
    """Valid values of a botocore shape (enum values only); ``None`` where only a recursive shape fits."""
    if shape.name in history:
        return None
    history, kind = (*history, shape.name), shape.type_name
    if is_json_value_header(shape) or getattr(shape, "is_document_type", False):
        return JSON
    if kind == "structure":
        return _structure(shape, history)
    if kind == "list":
        member, low = strategy(shape.member, history), _low(shape)
        if member is None:
            return None if low else st.just([])
        return st.lists(member, min_size=low, max_size=_high(shape, low + 2))
    if kind == "map":
        value, low = strategy(shape.value, history), _low(shape)
        if value is None:
            return None if low else st.just({})
        return st.dictionaries(_scalar(shape.key), value, min_size=low, max_size=_high(shape, max(low, 2)))
    return _scalar(shape)


def _structure(shape: Any, history: tuple[str, ...]) -> st.SearchStrategy[Any] | None:
    required = set(shape.required_members)
    wanted = [n for n in shape.members if n in required or shape.is_tagged_union or len(history) <= 6]
    subs = {n: strategy(shape.members[n], history) for n in wanted}
    if shape.is_tagged_union:
        options = [st.fixed_dictionaries({n: s}) for n, s in subs.items() if s is not None]
        return st.one_of(options) if options else None
    if any(subs[n] is None for n in required):
        return None
    optional = {n: s for n, s in subs.items() if n not in required and s is not None}
    return st.fixed_dictionaries({n: subs[n] for n in required}, optional=optional)  # type: ignore[misc]


def _low(shape: BotoShape) -> int:
    """The model's min (of a length or a value), hostLabel members' implied 1: never generated below."""
    least: float = shape.metadata.get("min", 1 if shape.serialization.get("hostLabel") else 0)
    return math.ceil(least)


def _high(shape: BotoShape, most: int) -> int:
    """``most``, or the model's max where that is lower: never generated above."""
    return min(most, math.floor(shape.metadata.get("max", most)))


def _scalar(shape: BotoShape) -> st.SearchStrategy[Any]:
    low, moments = _low(shape), st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2037, 1, 1))
    number = st.floats(low, _high(shape, low + 10**6)) | st.integers(low, _high(shape, low + 99))
    number |= st.decimals(low, _high(shape, low + 9), places=2)
    enum, size = getattr(shape, "enum", None), {"min_size": low, "max_size": _high(shape, low + 6)}
    kinds = {
        "string": st.sampled_from(enum) if enum else st.text(TEXT, **size),
        "integer": st.integers(low, _high(shape, low + 10**6)),
        "long": st.integers(low, _high(shape, low + 10**9)),
        "float": number,
        "double": number,
        "timestamp": moments | moments.map(dt.datetime.isoformat) | st.integers(0, 2**31 - 1),
        "blob": st.binary(**size) | st.text(TEXT, **size),
        "boolean": st.booleans(),
    }
    return kinds[shape.type_name]


def _sites(value: Any, shape: BotoShape, found: dict[str, list[Any]]) -> None:
    """Where a payload can be mutated: value slots, structures, maps (documents are left alone)."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not getattr(shape, "is_document_type", False):
        found["structures"].append(value)
        members = [(k, shape.members[k]) for k in value if k in shape.members]
    elif kind == "list" and isinstance(value, list):
        members = [(i, shape.member) for i in range(len(value))]
    elif kind == "map" and isinstance(value, dict):
        found["maps"].append(value)
        members = [(k, shape.value) for k in value]
    else:
        return
    for key, member in members:
        found["slots"].append((value, key))
        if member.type_name in BOUNDED and _outside(value[key], member) is not None:
            found["bounded"].append((value, key, member))
        if not is_json_value_header(member):
            _sites(value[key], member, found)


def _outside(value: Any, shape: BotoShape) -> Any:
    """``value`` just past the model's min, else its max (a length or a value); None: no bound to cross."""
    low = shape.metadata.get("min", 1 if shape.serialization.get("hostLabel") else None)
    high, kind = shape.metadata.get("max"), shape.type_name
    if kind in ("integer", "long", "float", "double"):
        return low - 1 if low is not None else None if high is None else high + 1
    size = math.ceil(low) - 1 if low else math.floor(high) + 1 if high is not None and high < 100 else None
    if size is None:
        return None
    if kind in ("string", "blob"):
        return "k" * size if kind == "string" else b"k" * size
    if isinstance(value, list) and (value or not size):
        return (value * (size + 1))[:size]
    return dict(list(value.items())[:size]) if isinstance(value, dict) and len(value) > size else None


def _mutate(payload: dict[str, Any], shape: BotoShape, data: st.DataObject) -> Any:
    """Dropped members (required or not), unknown keys, wrong types, non-string map keys."""
    found: dict[str, list[Any]] = {"structures": [], "maps": [], "slots": [], "bounded": []}
    _sites(payload, shape, found)
    how = data.draw(st.sampled_from(["retype", "drop", "unknown", "map-key", "root", "bound", "bound"]))
    if how == "root" or not found["structures"]:  # not found: the root was replaced already
        return data.draw(st.sampled_from(WRONG))
    if how == "bound" and found["bounded"]:
        container, key, member = data.draw(st.sampled_from(found["bounded"]))
        container[key] = _outside(container[key], member)
    elif how == "retype" and found["slots"]:
        container, key = data.draw(st.sampled_from(found["slots"]))
        container[key] = copy.copy(data.draw(st.sampled_from(WRONG)))
    elif how == "drop" and any(found["structures"]):
        target = data.draw(st.sampled_from([s for s in found["structures"] if s]))
        del target[data.draw(st.sampled_from(sorted(target)))]
    elif how == "map-key" and found["maps"]:
        data.draw(st.sampled_from(found["maps"]))[7] = "seven"
    else:
        data.draw(st.sampled_from(found["structures"]))["unexpectedMember"] = 1
    return payload


def _botocore_errors(report: Any) -> Counter[tuple[str, str]]:
    """ParamValidator's report as (our path, our kind): '.a.b[0]' -> 'a.b[0]', 'm (key: k)' -> 'm.k'."""
    kinds = dict.fromkeys(["invalid type", "invalid type for document", "unable to encode to json"], "wrong-type")
    kinds |= dict.fromkeys(["more than one input", "empty input"], "union-conflict")
    kinds |= {"invalid length": "invalid-length", "invalid range": "invalid-range"}
    errors: Counter[tuple[str, str]] = Counter()
    for reason, name, extra in report._errors:
        path = name.lstrip(".").replace(" (key: ", ".").rstrip(")") if " (key: " in name else name.lstrip(".")
        if reason == "missing required field":
            errors[(f"{path}.{extra['required_name']}".lstrip("."), "missing-required")] += 1
        elif reason == "unknown field":
            errors[(f"{path}.{extra['unknown_param']}".lstrip("."), "unknown-member")] += 1
        else:
            errors[(path, kinds[reason])] += 1
    return errors


@pytest.mark.parametrize(("service", "name"), OPERATIONS, ids=[f"{s}.{n}" for s, n in OPERATIONS])
def test_botocore_mode_matches_param_validator(service: str, name: str) -> None:
    models, ours = _models(service)
    op: OperationModel = models.operation_model(name)
    shape, valid, traits = ours[name].input, strategy(op.input_shape), _traits(service, name)
    assert valid is not None  # enum values only, every bound kept: valid in strict mode too
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload, mutations = copy.deepcopy(data.draw(valid)), data.draw(st.integers(0, 2))
        for _ in range(mutations):
            payload = _mutate(payload, op.input_shape, data)
        report = ParamValidator().validate(payload, op.input_shape)
        expected = _botocore_errors(report)
        botocore = Counter(validate(shape, payload, "botocore", traits))
        strict = Counter(validate(shape, payload, "strict", traits))
        assert Counter((e.path, e.kind) for e in botocore.elements()) == expected, payload
        # Without the traits (a page), the bounds are unknown: checked for nothing more.
        unbounded = Counter((e.path, e.kind) for e in validate(shape, payload, "botocore"))
        assert unbounded == Counter({k: n for k, n in expected.items() if k[1] not in BOUND_KINDS}), payload
        # strict = botocore + enum values + booleans refused as numbers + every max, maps and blobs;
        # where strict refuses a value's type or enum, it does not measure it too (botocore may).
        assert all(any(f.path == e.path for f in strict) for e in botocore - strict), payload
        assert mutations or not strict
        assert all(e.kind in STRICT_ONLY or "found boolean" in e.message for e in strict - botocore)
        seen["invalid" if botocore else "valid"] += 1

    run()
    # Both verdicts must be well exercised. Hypothesis shapes its examples by how fast they come, so
    # the split moves with the machine's load: 22 to 59 invalid of 120 here, 14 under heavy load.
    assert seen["invalid"] >= 10 and seen["valid"] >= 10, seen


BOUND_KINDS = frozenset({"invalid-length", "invalid-range"})
STRICT_ONLY = BOUND_KINDS | {"not-in-enum"}


DOC, ENC = "additionalModelRequestFields", "ObjectEncryption"
LEX = {"botName": "bot", "botAlias": "alias", "userId": "user", "contentType": "c", "inputStream": b""}
S3 = {"Bucket": "b", "Key": "k"}
FN = {"FunctionName": "f", "Role": "arn:aws:iam::123456789012:role/r", "Code": {}}
EDGES = [  # (operation, payload, botocore's error paths, ours): what generated payloads rarely or never reach
    ("bedrock-runtime/Converse", {"modelId": "m", DOC: b"raw"}, [DOC], [DOC]),
    ("bedrock-runtime/Converse", {"modelId": "m", DOC: {"a": [1, {"b": b"x"}]}}, ["b"], [f"{DOC}.a[1].b"]),
    ("bedrock-runtime/Converse", {"modelId": "m", DOC: {"a": [1, None, {"b": 2.5}]}}, [], []),
    ("lex-runtime/PostContent", LEX | {"sessionAttributes": dt.datetime(2020, 1, 1)}, ["sessionAttributes"], None),
    ("s3/UpdateObjectEncryption", S3 | {ENC: {"SSEKMS": {"KMSKeyArn": "k" * 20}, "x": 1}}, [ENC, f"{ENC}.x"], None),
    ("s3/UpdateObjectEncryption", S3 | {ENC: {}}, [ENC], None),  # an empty tagged union
    (
        "lambda/CreateFunction",
        FN | {"Timeout": True, "Environment": {"Variables": {7: "x"}}},
        ["Environment.Variables.7"],
        None,
    ),
]


@pytest.mark.parametrize(("operation", "payload", "theirs", "ours"), EDGES)
def test_edge_cases_match_botocore(operation: str, payload: Any, theirs: list[str], ours: list[str] | None) -> None:
    service, name = operation.split("/")
    models, operations = _models(service)
    report = ParamValidator().validate(payload, models.operation_model(name).input_shape)
    assert sorted(path for path, _ in _botocore_errors(report)) == theirs
    assert sorted(e.path for e in validate(operations[name].input, payload, "botocore")) == (ours or theirs)


WEBACL = {"Name": "n", "Scope": "REGIONAL", "DefaultAction": {"Allow": {}}, "VisibilityConfig": {
    "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}}  # fmt: skip
LENGTH, RANGE = "invalid-length", "invalid-range"
BOUNDS = [  # (operation, payload, botocore's = our botocore mode's errors, strict's): bounds from the traits
    ("s3control/AssociateAccessGrantsIdentityCenter", {"AccountId": "", "IdentityCenterArn": "a" * 10},
     [("AccountId", LENGTH)], [("AccountId", LENGTH)]),  # hostLabel, no min: botocore implies 1
    ("lambda/CreateFunction", FN | {"MemorySize": True}, [("MemorySize", RANGE)], [("MemorySize", "wrong-type")]),
    ("lambda/CreateFunction", FN | {"MemorySize": 127, "Tags": {"": "v"}},
     [("MemorySize", RANGE), ("Tags.", LENGTH)], [("MemorySize", RANGE), ("Tags.", LENGTH)]),  # a map key's min
    ("lambda/CreateFunction", FN | {"MemorySize": 10**9, "Tags": {"k" * 129: "v"}},
     [], [("MemorySize", RANGE), (f"Tags.{'k' * 129}", LENGTH)]),  # every max: strict only
    ("kms/Encrypt", {"KeyId": "k", "Plaintext": b""}, [], [("Plaintext", LENGTH)]),  # blobs: strict only
    ("kms/Encrypt", {"KeyId": "k", "Plaintext": "\u00e9" * 2049}, [], [("Plaintext", LENGTH)]),  # UTF-8 bytes
    ("wafv2/CreateWebACL", WEBACL | {"CustomResponseBodies": {}}, [], [("CustomResponseBodies", LENGTH)]),  # maps
    ("cloudwatch/PutMetricAlarm", {"AlarmName": "a", "EvaluationPeriods": 0, "ComparisonOperator": "LessThanThreshold"},
     [("EvaluationPeriods", RANGE)], [("EvaluationPeriods", RANGE)]),
]  # fmt: skip


@pytest.mark.parametrize(("operation", "payload", "theirs", "strict"), BOUNDS)
def test_bounds_match_botocore(
    operation: str, payload: Any, theirs: list[tuple[str, str]], strict: list[tuple[str, str]]
) -> None:
    service, name = operation.split("/")
    models, operations = _models(service)
    shape, traits = operations[name].input, _traits(service, name)
    report = ParamValidator().validate(payload, models.operation_model(name).input_shape)
    assert sorted(_botocore_errors(report)) == theirs
    assert sorted((e.path, e.kind) for e in validate(shape, payload, "botocore", traits)) == theirs
    assert sorted((e.path, e.kind) for e in validate(shape, payload, "strict", traits)) == strict
    # Unknown traits (a page's operation) check no bound.
    assert not {e.kind for e in validate(shape, payload, "strict")} & {LENGTH, RANGE}


# -- the command line: batches, summaries, no input ----------------------------------------------
@pytest.fixture(scope="module")
def agentcore_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real release of bedrock-agentcore-control (botocore 1.42.65)."""
    db = tmp_path_factory.mktemp("check-cli") / "tracker.db"
    with Store(db) as store:
        store_pages(store, model_pages({AGENTCORE: committed_model(AGENTCORE, "1.42.65")}, dt.date(2026, 3, 10), "m"))
    return db


def _check_cli(db: Path, *args: str) -> tuple[int, str, str]:
    base = ["--store", str(db), "check", "--service", AGENTCORE, "--operation", "create_agent_runtime"]
    result = CliRunner().invoke(main, [*base, *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_batch_summary_and_quiet(agentcore_db: Path) -> None:
    batch = str(PAYLOADS / "batch.jsonl")
    code, out, err = _check_cli(agentcore_db, batch)
    assert code == 1 and out.count(": valid") == 1
    assert err.splitlines()[-1] == "3 payloads: 1 valid, 2 invalid, 0 unknown"
    code, out, err = _check_cli(agentcore_db, batch, "--quiet")
    assert code == 1 and ": valid" not in out and out.count("INVALID") == 2
    assert err.splitlines()[-1] == "3 payloads: 1 valid, 2 invalid, 0 unknown"
    code, out, _ = _check_cli(agentcore_db, batch, "-q", "--format", "json")
    assert [v["valid"] for v in json.loads(out)] == [False, False]
    code, out, err = _check_cli(agentcore_db, str(PAYLOADS / "claims.yaml"), "--quiet")
    assert code == 0 and out == "" and err == "1 payload: 1 valid, 0 invalid, 0 unknown\n"


@pytest.mark.parametrize("kind", ["empty folder", "no payload files", "empty JSONL", "blank JSONL"])
def test_cli_no_payloads_exits_2(agentcore_db: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "in"
    if kind == "empty folder":
        target.mkdir()
    elif kind == "no payload files":
        (target / "sub").mkdir(parents=True)
        (target / "notes.txt").write_text("{}")
    else:
        target = tmp_path / "batch.jsonl"
        target.write_text("" if kind == "empty JSONL" else "\n \n")
    code, out, err = _check_cli(agentcore_db, str(target))
    assert code == 2 and out == "", (out, err)
    [line] = err.splitlines()
    assert line.startswith(f"error: {target}") and ("no payload" in line or "empty" in line or "blank" in line)


# -- JSON-value headers (botocore's jsonvalue trait): valid when json.dumps takes them ------------------
JSON_VALUED = [("lex-runtime", "PostContent", "sessionAttributes", LEX), ("iot-data", "Publish", "userProperties", {
    "topic": "t"})]  # fmt: skip
KEYS = st.one_of(
    st.text(TEXT, max_size=3), st.integers(-9, 9), st.none(), st.booleans(), st.floats(allow_nan=False),
    st.tuples(st.integers(0, 3)), st.just(dt.date(2026, 3, 10)), st.just(b"key"), st.just(decimal.Decimal("2")),
)  # fmt: skip
ODD_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(TEXT, max_size=3)
    | st.sampled_from([b"raw", dt.date(2026, 3, 10), dt.datetime(2026, 3, 10), decimal.Decimal("1.5"), {1, 2}]),
    lambda inner: st.lists(inner, max_size=2)
    | st.lists(inner, max_size=2).map(tuple)
    | st.dictionaries(KEYS, inner, max_size=2)
    | st.lists(st.tuples(st.text(TEXT, max_size=2), inner), max_size=2),  # a list of pairs
    max_leaves=5,
)  # fmt: skip


@pytest.mark.parametrize(("service", "name", "member", "base"), JSON_VALUED, ids=[s for s, *_ in JSON_VALUED])
def test_json_value_headers_match_param_validator(service: str, name: str, member: str, base: dict[str, Any]) -> None:
    models, ours = _models(service)
    shape, seen = models.operation_model(name).input_shape, Counter[bool]()

    @SETTINGS
    @given(value=ODD_JSON)
    def run(value: Any) -> None:
        payload = base | {member: value}
        report = ParamValidator().validate(payload, shape)
        found = Counter((e.path, e.kind) for e in validate(ours[name].input, payload, "botocore"))
        assert found == _botocore_errors(report), payload
        assert Counter((e.path, e.kind) for e in validate(ours[name].input, payload)) == found  # strict: the same
        seen[not found] += 1

    run()
    assert seen[True] >= 10 and seen[False] >= 10, seen


JSON_EDGES = [  # (value, valid): what json.dumps takes, where a document's rules differ
    ({(1, 2): "tuple key"}, False),
    ({dt.date(2026, 3, 10): "a YAML date as a key"}, False),
    ({b"k": 1}, False),
    ([("a", 1), ("b", [2, (3, 4)])], True),  # lists of pairs, tuples anywhere
    ((1, "two"), True),
    ({1: None, None: 2.5, False: [], 1.5: {}}, True),  # keys json.dumps turns into strings
    ({"a": {1, 2}}, False),
    ({"a": decimal.Decimal("1")}, False),
    ({"when": dt.datetime(2026, 3, 10)}, False),
]


@pytest.mark.parametrize(("value", "valid"), JSON_EDGES)
def test_json_value_edges(value: Any, valid: bool) -> None:
    models, ours = _models("lex-runtime")
    payload = LEX | {"sessionAttributes": value}
    report = ParamValidator().validate(payload, models.operation_model("PostContent").input_shape)
    assert (not report._errors) is valid
    errors = validate(ours["PostContent"].input, payload, "botocore")
    assert (not errors) is valid and all(e.path == "sessionAttributes" for e in errors)


def test_json_value_trait_survives_the_store(tmp_path: Path) -> None:
    model = installed_models(["lex-runtime"])["lex-runtime"]
    with Store(tmp_path / "t.db") as store:
        store_pages(store, model_pages({"lex-runtime": model}, dt.date(2026, 3, 10), "m"))
        [verdict] = check_payloads(store, "lex-runtime", "post_content", [LEX | {"sessionAttributes": {(1,): 1}}])
        [fine] = check_payloads(store, "lex-runtime", "post_content", [LEX | {"requestAttributes": ((1, 2),)}])
        shown = store.shape(store.state("lex-runtime", "2026-03-10")["post_content"].input)
    assert verdict.valid is False and "JSON" in verdict.errors[0].message and fine.valid is True
    assert isinstance(shown, Structure) and "json_value" not in json.dumps(shown.to_json())  # canonical JSON as before


# -- payloads that nest too deep or contain themselves: exit 2, one located line -------------------
def _deep(levels: int) -> str:
    return '{"modelId": "m", "additionalModelRequestFields":\n' + "[" * levels + "]" * levels + "}"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("deep.json", _deep(100_000), ":2:"),
        ("deeper.json", _deep(960), ":2:"),  # json reads it; checking it would overflow the stack
        ("deep.jsonl", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n", ":1:"),
        ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n", ":1:"),
        ("cycle.yaml", "modelId: m\nadditionalModelRequestFields: &a [1, *a]\n", ":2:"),
        ("cycle2.yaml", "modelId: m\nadditionalModelRequestFields:\n  k: &a {x: [*a]}\n", ":3:"),
    ],
)
def test_cli_payloads_too_deep_or_cyclic_exit_2(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    db = tmp_path / "t.db"
    with Store(db) as store:
        store_pages(store, model_pages(installed_models(["bedrock-runtime"]), dt.date(2026, 3, 10), "m"))
    result = CliRunner().invoke(
        main, ["--store", str(db), "check", str(path), "--service", "bedrock-runtime", "--operation", "converse"]
    )
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path}{where}"), line
