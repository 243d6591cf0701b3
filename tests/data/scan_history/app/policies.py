"""Agent policies (Amazon Bedrock AgentCore Control)."""

import boto3

control = boto3.client("bedrock-agentcore-control")


def publish(engine: str, policy: str, cedar: str) -> None:
    control.update_policy(
        policyEngineId=engine, policyId=policy, definition={"cedar": {"statement": cedar}}, description="nightly"
    )


def republish(engine: str, **options: object) -> None:
    control.update_policy(policyEngineId=engine, **options)


def profile(profile_id: str) -> dict:
    return control.get_browser_profile(profileId=profile_id)


def anywhere(service: str) -> None:
    boto3.client(service).list_policies()
