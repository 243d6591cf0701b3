# qconnect_removed.py's call on `boto3.client("qconnect")` (boto3-stubs' overload), no annotation: the
# date of the installed drop-in decides. `# E` marks the line mypy must flag against the later date only.
import boto3


def route_self_service(assistant_id: str, agent_id: str) -> None:
    client = boto3.client("qconnect")
    client.update_assistant_ai_agent(  # E
        assistantId=assistant_id,
        aiAgentType="ORCHESTRATION",
        configuration={"aiAgentId": agent_id},
        orchestratorConfigurationList=[{"aiAgentId": agent_id, "orchestratorUseCase": "Connect.SelfService"}],
    )
    reveal_type(client)
