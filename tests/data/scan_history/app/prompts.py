"""Prompts for the answer bot (Amazon Q in Connect)."""

import boto3

QCONNECT = "qconnect"
client = boto3.client(QCONNECT)


def create_prompt(assistant_id: str) -> str:
    response = client.create_ai_prompt(
        assistantId=assistant_id,
        name="answers",
        type="ANSWER_GENERATION",
        templateConfiguration={"textFullAIPromptEditTemplateConfiguration": {"text": "Answer: {{question}}"}},
        visibilityStatus="PUBLISHED",
        templateType="TEXT",
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        apiFormat="MESSAGES",
        inferenceConfiguration={"textAIPromptInferenceConfiguration": {"temperature": 0.2, "maxTokensToSample": 512}},
    )
    return response["aiPrompt"]["aiPromptId"]


def prompt_temperature(assistant_id: str, prompt_id: str) -> float:
    response = client.get_ai_prompt(assistantId=assistant_id, aiPromptId=prompt_id)
    return response["aiPrompt"]["inferenceConfiguration"]["textAIPromptInferenceConfiguration"]["temperature"]


def prompt_name(assistant_id: str, prompt_id: str) -> str:
    response = client.get_ai_prompt(assistantId=assistant_id, aiPromptId=prompt_id)
    return response["aiPrompt"]["name"]
