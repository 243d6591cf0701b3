# Extract of dagster-aws 0.25.10, dagster_aws/pipes/clients/ecs.py (Apache-2.0): PipesECSClient's boto3 calls.
# Dagster's own types and helpers are cut (see README.md); the boto3 code is as published.
from typing import TYPE_CHECKING, Any, Optional, cast

import boto3
import botocore

if TYPE_CHECKING:
    from mypy_boto3_ecs.client import ECSClient
    from mypy_boto3_ecs.type_defs import (
        DescribeTasksResponseTypeDef,
        RunTaskResponseTypeDef,
    )


class PipesECSClient:
    def __init__(self, client: Optional["ECSClient"] = None) -> None:
        self._client: ECSClient = client or boto3.client("ecs")

    def run(self, run_task_params: dict[str, Any]) -> "RunTaskResponseTypeDef":
        task_definition = run_task_params["taskDefinition"]

        overrides = cast(dict, run_task_params.get("overrides") or {})
        overrides["containerOverrides"] = overrides.get("containerOverrides", [])

        # get all containers from task definition
        task_definition_response = self._client.describe_task_definition(
            taskDefinition=task_definition
        )

        log_configurations = {
            container["name"]: container.get("logConfiguration")  # pyright: ignore (reportTypedDictNotRequiredAccess)
            for container in task_definition_response["taskDefinition"]["containerDefinitions"]  # pyright: ignore (reportTypedDictNotRequiredAccess)
        }

        all_container_names = {
            container["name"]  # pyright: ignore (reportTypedDictNotRequiredAccess)
            for container in task_definition_response["taskDefinition"]["containerDefinitions"]  # pyright: ignore (reportTypedDictNotRequiredAccess)
        }
        print(log_configurations, all_container_names)

        response = self._client.run_task(**run_task_params)
        return response

    def _wait_for_completion(
        self,
        start_response: "RunTaskResponseTypeDef",
        cluster: Optional[str] = None,
        waiter_config: Optional[dict[str, int]] = None,
    ) -> "DescribeTasksResponseTypeDef":
        waiter = self._client.get_waiter("tasks_stopped")

        params: dict[str, Any] = {"tasks": [start_response["tasks"][0]["taskArn"]]}  # pyright: ignore (reportGeneralTypeIssues)

        if cluster:
            params["cluster"] = cluster

        waiter_params = {"WaiterConfig": waiter_config, **params} if waiter_config else params

        waiter.wait(**waiter_params)

        return self._client.describe_tasks(**params)

    def _extract_dagster_metadata(self, response: "DescribeTasksResponseTypeDef") -> dict[str, str]:
        metadata: dict[str, str] = {}

        region = self._client.meta.region_name

        task = response["tasks"][0]

        task_id = task["taskArn"].split("/")[-1]  # pyright: ignore (reportTypedDictNotRequiredAccess)
        cluster = task["clusterArn"].split("/")[-1]  # pyright: ignore (reportTypedDictNotRequiredAccess)

        metadata["AWS ECS Task URL"] = (
            f"https://{region}.console.aws.amazon.com/ecs/v2/clusters/{cluster}/tasks/{task_id}"
        )

        return metadata

    def _terminate(
        self,
        wait_response: "DescribeTasksResponseTypeDef",
        cluster: Optional[str] = None,
    ):
        task = wait_response["tasks"][0]

        try:
            self._client.stop_task(
                cluster=cluster,  # pyright: ignore ()
                task=wait_response["tasks"][0]["taskArn"],  # pyright: ignore (reportGeneralTypeIssues)
                reason="Dagster process was interrupted",
            )
        except botocore.exceptions.ClientError as e:  # pyright: ignore (reportAttributeAccessIssue)
            print(f"[pipes] Couldn't stop ECS task {task} in cluster {cluster}:\n{e}")
