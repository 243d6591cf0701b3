"""scan.calls: every binding form of the issue finds its call; what cannot be known is Unresolved, counted."""

from __future__ import annotations

import keyword
import textwrap
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from changelog_tracker.scan.calls import HELPERS, NOT_OPERATIONS, POSITIONAL, SPREAD, UNKNOWN, Call, scan_source


def scan(source: str) -> tuple[list[Call], list[tuple[int, str]]]:
    result = scan_source(textwrap.dedent(source).lstrip("\n"), "app.py")
    return result.calls, [(u.line, u.reason) for u in result.unresolved]


def sites(source: str) -> list[tuple[int, str, str, str]]:
    calls, unresolved = scan(source)
    assert unresolved == []
    return [(c.line, c.service, c.method, c.via) for c in calls]


# (id, source, expected (line, service, method, via)); line 1 is the first line after the opening quotes.
FOUND = [
    ("literal", """
        import boto3
        boto3.client("lambda").list_functions()
        """, [(2, "lambda", "list_functions", "client")]),
    ("service_name keyword and a module constant", """
        import boto3
        SERVICE = "ecs"
        ecs = boto3.client(service_name=SERVICE, region_name="eu-west-1")
        ecs.list_tasks(cluster="c")
        """, [(4, "ecs", "list_tasks", "client")]),
    ("import alias", """
        import boto3 as b
        b.client("s3").list_buckets()
        """, [(2, "s3", "list_buckets", "client")]),
    ("from boto3 import client (aliased)", """
        from boto3 import client
        from boto3 import client as make
        client("sqs").list_queues()
        make("sns").list_topics()
        """, [(3, "sqs", "list_queues", "client"), (4, "sns", "list_topics", "client")]),
    ("sessions", """
        import boto3
        import boto3.session
        from boto3.session import Session
        boto3.Session(profile_name="p").client("s3").list_buckets()
        session = boto3.session.Session()
        session.client("ec2").describe_vpcs()
        s = Session()
        s.client(service_name="iam").list_roles()
        """, [(4, "s3", "list_buckets", "client"), (6, "ec2", "describe_vpcs", "client"),
              (8, "iam", "list_roles", "client")]),
    ("botocore session", """
        import botocore.session
        from botocore.session import get_session
        botocore.session.get_session().create_client("sts").get_caller_identity()
        get_session().create_client("kms").list_keys()
        """, [(3, "sts", "get_caller_identity", "client"), (4, "kms", "list_keys", "client")]),
    ("module global used in a function", """
        import boto3
        CLIENT = boto3.client("lambda")
        def handler(event, context):
            return CLIENT.invoke(FunctionName="f")
        """, [(4, "lambda", "invoke", "client")]),
    ("self attribute used in another method", """
        import boto3
        class Repo:
            def __init__(self):
                self.table = None
                self.ddb = boto3.client("dynamodb")
            def get(self, key):
                return self.ddb.get_item(TableName="t", Key=key)
        """, [(7, "dynamodb", "get_item", "client")]),
    ("self attribute made in a later method, from a self session", """
        import boto3
        class Repo:
            def run(self):
                self.sfn.start_execution(stateMachineArn="a")
            def setup(self):
                self.session = boto3.Session()
                self.sfn = self.session.client("stepfunctions")
        """, [(4, "stepfunctions", "start_execution", "client")]),
    ("class attribute", """
        import boto3
        class Repo:
            s3 = boto3.client("s3")
            def get(self):
                return self.s3.get_object(Bucket="b", Key="k")
        """, [(5, "s3", "get_object", "client")]),
    ("stub-typed arguments", """
        from typing import Optional, TYPE_CHECKING
        if TYPE_CHECKING:
            from mypy_boto3_lambda import LambdaClient
            from mypy_boto3_ecs.client import ECSClient
            import types_boto3_s3
            from bedrock_agentcore_control_stubs import Client
        else:
            LambdaClient = ECSClient = Client = object
        def a(client: LambdaClient): client.list_functions()
        def b(client: "ECSClient"): client.list_clusters()
        def c(client: Optional[types_boto3_s3.S3Client]): client.list_buckets()
        def d(*, client: Client | None = None): client.list_gateways()
        """, [(9, "lambda", "list_functions", "client"), (10, "ecs", "list_clusters", "client"),
              (11, "s3", "list_buckets", "client"), (12, "bedrock-agentcore-control", "list_gateways", "client")]),
    ("walrus and annotated assignment", """
        import boto3
        from mypy_boto3_sqs import SQSClient
        if (c := boto3.client("sqs")) is not None:
            c.list_queues()
        typed: SQSClient = make_client()
        typed.send_message(QueueUrl="u", MessageBody="m")
        plain: object = boto3.client("sns")
        plain.list_topics()
        """, [(4, "sqs", "list_queues", "client"), (6, "sqs", "send_message", "client"),
              (8, "sns", "list_topics", "client")]),
    ("annotated attribute over an unannotated argument (the annotation declares the client)", """
        import boto3
        from mypy_boto3_logs import CloudWatchLogsClient
        class Reader:
            def __init__(self, client=None):
                self.client: CloudWatchLogsClient = client or boto3.client("logs")
            def read(self):
                return self.client.describe_log_streams(logGroupName="g")
        """, [(7, "logs", "describe_log_streams", "client")]),
    ("paginators and waiters", """
        import boto3
        ecs = boto3.client("ecs")
        ecs.get_paginator("list_tasks").paginate(cluster="c")
        p = ecs.get_paginator(operation_name="list_services")
        for page in p.paginate(cluster="c"):
            pass
        ecs.get_waiter("tasks_stopped").wait(cluster="c", tasks=["t"])
        w = ecs.get_waiter("services_stable")
        w.wait(cluster="c", services=["s"])
        """, [(3, "ecs", "list_tasks", "paginator"), (5, "ecs", "list_services", "paginator"),
              (7, "ecs", "tasks_stopped", "waiter"), (9, "ecs", "services_stable", "waiter")]),
    ("tuple assignment", """
        import boto3
        a, b = boto3.client("s3"), boto3.client("sqs")
        a.list_buckets(); b.list_queues()
        """, [(3, "s3", "list_buckets", "client"), (3, "sqs", "list_queues", "client")]),
    ("lazy global client", """
        import boto3
        _client = None
        def client():
            global _client
            if _client is None:
                _client = boto3.client("ssm")
            _client.get_parameter(Name="n")
        """, [(7, "ssm", "get_parameter", "client")]),
    ("lambdas, comprehensions, nested functions", """
        import boto3
        def outer():
            logs = boto3.client("logs")
            names = [logs.describe_log_streams(logGroupName=g) for g in ("a", "b")]
            fetch = lambda g: logs.get_log_events(logGroupName=g)
            def inner():
                logs.put_log_events(logGroupName="a", logStreamName="s", logEvents=[])
            return names, fetch, inner
        """, [(4, "logs", "describe_log_streams", "client"), (5, "logs", "get_log_events", "client"),
              (7, "logs", "put_log_events", "client")]),
    ("what functions, methods and properties return", """
        import functools
        import boto3
        @functools.lru_cache
        def ecs():
            return boto3.client("ecs")
        def run():
            ecs().list_clusters()
            later().list_keys()
        def later():
            if flag:
                return None
            return boto3.client("kms")
        class Store:
            def table(self):
                return self._client()
            def _client(self):
                return boto3.client("dynamodb")
            @property
            def sqs(self):
                return boto3.client("sqs")
            def go(self):
                self.table().scan(TableName="t"); self.sqs.list_queues()
        def loop():
            return loop()
        loop().x()
        """, [(7, "ecs", "list_clusters", "client"), (8, "kms", "list_keys", "client"),
              (22, "dynamodb", "scan", "client"), (22, "sqs", "list_queues", "client")]),
    ("import failing falls back to None", """
        try:
            import boto3
        except ImportError:
            boto3 = None
        boto3.client("s3").list_buckets()
        """, [(5, "s3", "list_buckets", "client")]),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND])
def test_every_binding_form_finds_its_calls(source: str, expected: list[tuple[int, str, str, str]]) -> None:
    assert sites(source) == expected


NOTHING = [
    ("rebound to something else", """
        import boto3
        c = boto3.client("s3")
        c = open("f")
        c.read()
        """),
    ("a function-local client does not leak", """
        import boto3
        def f():
            c = boto3.client("s3")
        def g():
            c.list_buckets()
        c = 1
        """),
    ("a parameter shadows the module", """
        def f(boto3):
            boto3.client("s3").list_buckets()
        """),
    ("non-operation client methods", """
        import boto3
        c = boto3.client("s3")
        c.close(); c.can_paginate("list_objects"); c.generate_presigned_url("get_object", Params={})
        c.meta.region_name; c.exceptions.NoSuchKey; c._make_api_call("x", {})
        c.upload_file("f", "b", "k"); c.meta.events.register("x", print); c.generate_presigned_post("b", "k")
        boto3.client("rds").generate_db_auth_token("host", 5432, "user")
        boto3.client("dsql").generate_db_connect_admin_auth_token("host")
        """),
    ("resources are out of scope", """
        import boto3
        boto3.resource("s3").Bucket("b").put_object(Key="k")
        boto3.Session().resource("dynamodb").Table("t").get_item(Key={})
        """),
    ("an untyped parameter is unknown, not a client", """
        def f(client, other: int):
            client.list_buckets(); other.list_buckets()
        """),
    ("a staticmethod's first parameter is not self", """
        import boto3
        class A:
            def __init__(self):
                self.c = boto3.client("s3")
            @staticmethod
            def f(self):
                self.c.list_buckets()
        """),
    ("someone else's client() function", """
        from mylib import client
        client("s3").list_buckets()
        """),
    ("no boto3 in the file", "x = 1\n"),
]


@pytest.mark.parametrize("source", [c[1] for c in NOTHING], ids=[c[0] for c in NOTHING])
def test_what_is_not_a_client_call_is_not_found(source: str) -> None:
    assert scan(source) == ([], [])


UNRESOLVED = [
    ("service from a parameter", """
        import boto3
        def f(name):
            boto3.client(name).list_things()
        """, [(3, "service name not a literal or module-level constant")]),
    ("service from an f-string and from **kwargs", """
        import boto3
        boto3.client(f"{x}").list_things()
        boto3.client(**config).list_things()
        """, [(2, "service name not a literal or module-level constant"),
              (3, "service name not a literal or module-level constant")]),
    ("different clients on different paths", """
        import boto3
        if flag:
            c = boto3.client("s3")
        else:
            c = boto3.client("sqs")
        c.list_buckets()
        """, [(6, "bound to different clients on different paths")]),
    ("a client on some paths only", """
        import boto3
        def f(c=None):
            c = c or boto3.client("s3")
            c.list_buckets()
        """, [(4, "bound to a client on some paths only")]),
    ("a session on some paths only: its other methods are no calls", """
        import boto3
        def f(session=None):
            session = session or boto3.Session()
            session.get_credentials(); session.region_name
            session.client("s3")
        """, [(5, "bound to a session on some paths only")]),
    ("a factory of any service", """
        import boto3
        def make(name):
            return boto3.client(name)
        make("s3").list_buckets()
        """, [(4, "service name not a literal or module-level constant")]),
    ("paginator and waiter names not known", """
        import boto3
        ecs = boto3.client("ecs")
        def f(op, name):
            ecs.get_paginator(op).paginate()
            ecs.get_waiter(name).wait()
        """, [(4, "get_paginator name not a literal or constant"), (5, "get_waiter name not a literal or constant")]),
    ("positional arguments (the Call is kept too)", """
        import boto3
        boto3.client("lambda").get_function("f")
        """, [(2, POSITIONAL)]),
    ("syntax error", """
        import boto3
        def (:
        """, [(2, "syntax error")]),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in UNRESOLVED], ids=[c[0] for c in UNRESOLVED])
def test_what_cannot_be_known_is_unresolved_with_its_reason(source: str, expected: list[tuple[int, str]]) -> None:
    calls, unresolved = scan(source)
    assert unresolved == expected
    assert [c.method for c in calls] == (["get_function"] if "get_function" in source else [])


def test_unresolved_entries_carry_position_and_shortened_source() -> None:
    source = "import boto3\nc = boto3.client(name)\nx = 'é'; c.list_things(Filter=" + "1 + " * 40 + "1)\n"
    [entry] = scan_source(source, "f.py").unresolved
    assert (entry.file, entry.line, entry.col) == ("f.py", 3, 10)  # columns count characters, not UTF-8 bytes
    assert entry.text.startswith("c.list_things(Filter=1 + ") and entry.text.endswith("...") and len(entry.text) == 80


def test_payload_is_the_nested_literal_structure() -> None:
    [call] = scan(
        """
        import boto3
        NAME = "fn"
        boto3.client("lambda").create_function(
            FunctionName=NAME, MemorySize=-128, Timeout=3.5, Publish=True, KMSKeyArn=None,
            Layers=("a", f"{x}"), Tags={"team": "x", **extra}, Environment={"Variables": {k: "v"}},
            Code={"ZipFile": b"..."}, Role=role, **rest)
        """
    )[0]
    assert call.payload == {
        "FunctionName": "fn", "MemorySize": -128, "Timeout": 3.5, "Publish": True, "KMSKeyArn": None,
        "Layers": ["a", UNKNOWN], "Tags": {"team": "x", SPREAD: UNKNOWN},
        "Environment": {"Variables": {SPREAD: UNKNOWN}}, "Code": {"ZipFile": UNKNOWN}, "Role": UNKNOWN, SPREAD: UNKNOWN,
    }  # fmt: skip
    assert (call.line, call.col, repr(UNKNOWN), repr(SPREAD)) == (3, 1, "<unknown>", "<spread>")


def test_reads_are_the_response_paths_read_in_the_same_function() -> None:
    calls, _ = scan(
        """
        import boto3
        lam = boto3.client("lambda")
        def f():
            resp = lam.list_functions()
            for fn in resp["Functions"]:
                print(fn["FunctionArn"], fn.get("Runtime"))
            names = [v["Name"] for v in resp["Versions"]]
            first = resp["Aliases"][0]["AliasArn"]
            token = resp.get("NextMarker")[:8]
            for recent in resp.get("Layers", [])[:5]:
                recent.get("LayerName")
            return resp["ResponseMetadata"]["HTTPStatusCode"]
        def g():
            resp["Other"]
            for page in lam.get_paginator("list_layers").paginate():
                page["Layers"][0]["LayerArn"]
            return lam.get_function(FunctionName="f")["Configuration"]["Version"]
        """
    )
    assert [c.reads for c in calls] == [
        ("Functions[].FunctionArn", "Functions[].Runtime", "Versions[].Name", "Aliases[].AliasArn", "NextMarker",
         "Layers[].LayerName", "ResponseMetadata.HTTPStatusCode"),
        ("Layers[].LayerArn",),
        ("Configuration.Version",),
    ]  # fmt: skip


def test_files_and_lines_are_counted() -> None:
    assert (scan_source("a = 1\nb = 2\n", "x.py").files, scan_source("a = 1\nb = 2\n", "x.py").lines) == (1, 2)
    assert scan_source("", "x.py").lines == 0


# -- property: literal payloads rendered as source come back as the same Call ----------------------------------

_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n) and n not in NOT_OPERATIONS.union(*HELPERS.values())
)
_SCALARS = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False, allow_infinity=False)
_VALUES = st.recursive(
    _SCALARS | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def _render(value: Any, tuples: bool) -> str:
    if isinstance(value, list):
        items = ", ".join(_render(v, tuples) for v in value)
        return f"({items}{',' if len(value) == 1 else ''})" if tuples else f"[{items}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_render(v, tuples)}" for k, v in value.items()) + "}"
    return repr(value)


@given(
    service=st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8}){0,2}", fullmatch=True),
    method=_NAMES,
    payload=st.dictionaries(_NAMES, _VALUES, max_size=4),
    tuples=st.booleans(),
)
def test_literal_payloads_round_trip(service: str, method: str, payload: dict[str, Any], tuples: bool) -> None:
    arguments = ", ".join(f"{k}={_render(v, tuples)}" for k, v in payload.items())
    source = f"import boto3\nclient = boto3.client({service!r})\nclient.{method}({arguments})\n"
    result = scan_source(source, "p.py")
    assert result.calls == [Call("p.py", 3, 1, service, method, "client", payload)]
    assert result.unresolved == []
