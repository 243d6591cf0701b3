# A rule example, hand-written (published code does not call this API): Amazon Q in Connect's
# update_assistant_ai_agent took orchestratorConfigurationList up to botocore 1.42.33 (2026-01-22);
# 1.42.34 (2026-01-23) removed it (orchestratorUseCase took its place). `# E` marks the line mypy
# must flag (a call's errors are reported at its first line) against the later date only.
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_qconnect.client import QConnectClient


def route_self_service(client: "QConnectClient", assistant_id: str, agent_id: str) -> None:
    client.update_assistant_ai_agent(  # E
        assistantId=assistant_id,
        aiAgentType="ORCHESTRATION",
        configuration={"aiAgentId": agent_id},
        orchestratorConfigurationList=[{"aiAgentId": agent_id, "orchestratorUseCase": "Connect.SelfService"}],
    )
