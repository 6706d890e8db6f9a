"""REST API work over the management API: import, deploy, roll back, export, invoke URLs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from apigate.client.errors import ClientFailure

ImportMode = Literal["merge", "overwrite"]
ExportType = Literal["oas30", "swagger"]


@dataclass(frozen=True, slots=True)
class Rollback:
    stage: str
    before: str  # the deploymentId the stage served
    after: str  # the deploymentId it serves now


def import_api(
    apigateway: Any,
    body: bytes,
    *,
    api_id: str | None = None,
    mode: ImportMode | None = None,
    fail_on_warnings: bool = False,
    parameters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """ImportRestApi (a new API), or PutRestApi into ``api_id``; AWS's answer with its ``warnings``."""
    params: dict[str, Any] = {"body": body, "failOnWarnings": fail_on_warnings}
    if parameters:
        params["parameters"] = dict(parameters)
    if api_id is None:
        return dict(apigateway.import_rest_api(**params))
    if mode is not None:
        params["mode"] = mode
    return dict(apigateway.put_rest_api(restApiId=api_id, **params))


def deploy(
    apigateway: Any,
    api_id: str,
    stage: str,
    *,
    description: str | None = None,
    variables: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """CreateDeployment to ``stage`` (created when missing). ``variables``, when given, replace the
    stage's variables, as CreateDeployment does on AWS; otherwise the stage keeps its own."""
    params: dict[str, Any] = {"restApiId": api_id, "stageName": stage}
    if description is not None:
        params["description"] = description
    if variables is not None:
        params["variables"] = dict(variables)
    return dict(apigateway.create_deployment(**params))


def deployments(apigateway: Any, api_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    paginator = apigateway.get_paginator("get_deployments")
    for page in paginator.paginate(restApiId=api_id, PaginationConfig={"PageSize": 500}):
        items += page.get("items", [])
    return items


def previous_deployment(items: Sequence[Mapping[str, Any]], current_id: str) -> Mapping[str, Any] | None:
    """The newest deployment created before ``current_id`` (None: it is the oldest).

    ``createdDate`` has one-second resolution; deployments made within the same second keep the order
    GetDeployments lists them in (creation order on apigate).
    """
    ordered = sorted(enumerate(items), key=lambda pair: (_epoch(pair[1].get("createdDate")), pair[0]))
    ids = [item.get("id") for _, item in ordered]
    if current_id not in ids:
        return None
    position = ids.index(current_id)
    return ordered[position - 1][1] if position > 0 else None


def _epoch(value: Any) -> float:
    """createdDate as botocore parses it (a datetime) or as a number."""
    if value is None:
        return 0.0
    timestamp = getattr(value, "timestamp", None)
    return float(timestamp()) if timestamp is not None else float(value)


def rollback(apigateway: Any, api_id: str, stage: str, deployment_id: str | None = None) -> Rollback:
    """Point ``stage`` at ``deployment_id``, by default at the deployment before its current one."""
    current = apigateway.get_stage(restApiId=api_id, stageName=stage)["deploymentId"]
    if deployment_id is None:
        previous = previous_deployment(deployments(apigateway, api_id), current)
        if previous is None:
            raise ClientFailure(
                f"stage {stage!r} serves deployment {current}, the oldest one: nothing to roll back to"
            )
        deployment_id = str(previous["id"])
    apigateway.update_stage(
        restApiId=api_id, stageName=stage,
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment_id}],
    )
    return Rollback(stage=stage, before=current, after=deployment_id)


def export(
    apigateway: Any,
    api_id: str,
    stage: str,
    *,
    export_type: ExportType = "oas30",
    yaml: bool = False,
    extensions: Sequence[str] = (),
) -> bytes:
    """GetExport: the stage's API as an OpenAPI 3.0 or Swagger 2.0 document (JSON or YAML)."""
    params: dict[str, Any] = {
        "restApiId": api_id, "stageName": stage, "exportType": export_type,
        "accepts": "application/yaml" if yaml else "application/json",
    }
    if extensions:
        params["parameters"] = {"extensions": ",".join(extensions)}
    body = apigateway.get_export(**params)["body"]
    return body.read() if hasattr(body, "read") else bytes(body)


def invoke_url(endpoint: str, api_id: str, stage: str) -> str:
    """The stage's invoke URL in the path form: it works without DNS for ``*.execute-api.*`` names."""
    return f"{endpoint.rstrip('/')}/restapis/{api_id}/{stage}/_user_request_/"
