"""Real corpus: pages botocore's own documenter writes, in both layouts, for every operation of
40+ services, parse to exactly the botocore source's canonical JSON. (scripts/corpus_check.py
runs the same over every service.)"""

from __future__ import annotations

import pytest

from changelog_tracker.sources.wheel import installed_models
from oracle.corpus import check_corpus

# Slowest first, so the rest run beside it: botocore's documenter takes minutes on quicksight's
# dashboard definitions (hundreds of thousands of doc sections per method, most then cut).
NAMED = [
    "quicksight",
    "s3",
    "ec2",
    "dynamodb",
    "lambda",
    "iam",
    "sagemaker",
    "glue",
    "bedrock-runtime",
    "apigateway",
    "cloudformation",
    "bedrock-agentcore-control",
]
# Picked for variety: streaming (s3, lex, polly), event streams (kinesis, bedrock-agent-runtime), documents
# (bedrock-agent), tagged unions (bedrock-agentcore, qconnect), recursion (wafv2, lexv2), jsonvalue
# headers (lex-runtime), old query protocols (sqs, sns, rds, elb), and many small ones.
MORE = [
    "sqs",
    "sns",
    "rds",
    "elb",
    "kinesis",
    "bedrock-agent-runtime",
    "lexv2-runtime",
    "lex-runtime",
    "lexv2-models",
    "polly",
    "wafv2",
    "bedrock-agent",
    "bedrock-agentcore",
    "qconnect",
    "ecs",
    "eks",
    "route53",
    "cloudfront",
    "stepfunctions",
    "events",
    "logs",
    "kms",
    "secretsmanager",
    "ssm",
    "sts",
    "cognito-idp",
    "appsync",
    "athena",
    "batch",
]


@pytest.mark.slow
def test_forty_services_parse_to_the_botocore_model() -> None:
    services = NAMED + MORE
    assert len(set(services)) >= 40 and set(services) <= set(installed_models())
    result = check_corpus(services)
    assert result.failures == {}
    assert result.identical + result.cut == result.operations
    assert result.operations > 2 * 4000  # every operation of the 40 services, twice (two layouts)
    assert result.cut < result.operations // 100  # botocore cuts only a few sections
