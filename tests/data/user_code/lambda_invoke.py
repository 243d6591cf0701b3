# Extract of dagster-aws 0.25.10, dagster_aws/pipes/clients/lambda_.py (Apache-2.0): PipesLambdaClient's
# boto3 calls. Dagster's pipes session and message readers are cut (see README.md); the boto3 code is as
# published.
import json
from collections.abc import Mapping
from typing import Any, Optional

import boto3


class PipesLambdaClient:
    def __init__(
        self,
        client: Optional[boto3.client] = None,  # pyright: ignore (reportGeneralTypeIssues)
        tail_logs: bool = True,
    ):
        self._client = client or boto3.client("lambda")
        self._tail_logs = tail_logs

    def run(self, *, function_name: str, event: Mapping[str, Any]) -> None:
        other_kwargs = {}
        if self._tail_logs:
            other_kwargs["LogType"] = "Tail"

        payload_data = event

        response = self._client.invoke(
            FunctionName=function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(payload_data),
            **other_kwargs,
        )

        if "FunctionError" in response:
            err_payload = json.loads(response["Payload"].read().decode("utf-8"))

            raise Exception(
                f"Lambda Function Error ({response['FunctionError']}):\n{json.dumps(err_payload, indent=2)}"
            )
