"""Handlers: CreateDeployment, GetDeployment, GetDeployments, UpdateDeployment, DeleteDeployment.

A deployment is two documents: the Deployment itself (kind ``deployment``, AWS wire shape plus
internal ``_`` fields) and the frozen API it serves (kind ``snapshot``, see ``snapshot.py``). Both
live under ``{restApiId}/{deploymentId}`` and the snapshot is never written again.
"""

from __future__ import annotations

import time
from typing import Any

from apigate import ids
from apigate.control.api_children import page_of
from apigate.control.common import (
    KIND_DEPLOYMENT,
    KIND_SNAPSHOT,
    KIND_STAGE,
    get_api_document,
    get_rest_api,
    patch_operations,
    public,
)
from apigate.control.errors import BadRequestException
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.control.snapshot import api_summary, build_snapshot, iter_methods
from apigate.control.stage_rules import (
    apply_cache_settings,
    canary_settings,
    new_stage,
    stage_key,
    stages_of,
    validate_cache_cluster_size,
    validate_canary,
    validate_stage_name,
    validate_variables,
)
from apigate.store.base import Document, Transaction

# AWS's messages, verbatim (aws-recorded: test_apigateway_canary / test_apigateway_common).
MSG_CANARY_NEEDS_STAGE = (
    "Invalid deployment content specified.Non null and non empty stageName must be provided for canary "
    "deployment. Provided value is {value}"
)
MSG_CANARY_STAGE_MISSING = (
    "Invalid deployment content specified.Stage {stage} must already be created before making a canary "
    "release deployment"
)
MSG_NO_METHODS = "The REST API doesn't contain any methods"
MSG_NO_INTEGRATION = "No integration defined for method"
MSG_DEPLOYMENT_NOT_FOUND = "Invalid Deployment identifier specified"
MSG_DEPLOYMENT_IN_USE = "Active stages pointing to this deployment must be moved or deleted"

UPDATE_DEPLOYMENT = PatchSpec({"/description": Rule("replace")})


def deployment_key(rest_api_id: str, deployment_id: str) -> str:
    return f"{rest_api_id}/{deployment_id}"


async def get_deployment(
    tx: Transaction, ctx: ControlContext, rest_api_id: str, deployment_id: str
) -> Document:
    """The Deployment document, after the API (AWS's NotFound messages, API first)."""
    return await get_api_document(
        tx, ctx, KIND_DEPLOYMENT, rest_api_id, deployment_id, MSG_DEPLOYMENT_NOT_FOUND
    )


async def _target_stage(
    tx: Transaction, rest_api_id: str, stage_name: str | None, canary: dict[str, Any] | None
) -> Document | None:
    """The stage CreateDeployment updates (None: create it, or no stage at all).

    A canary release needs an existing stage: AWS refuses to create one for it.
    """
    if canary is not None:
        if not stage_name:
            value = "null" if stage_name is None else stage_name
            raise BadRequestException(MSG_CANARY_NEEDS_STAGE.format(value=value))
        stage = await tx.get(KIND_STAGE, stage_key(rest_api_id, stage_name))
        if stage is None:
            raise BadRequestException(MSG_CANARY_STAGE_MISSING.format(stage=stage_name))
        validate_canary(canary)
        return stage
    if not stage_name:  # an empty stageName deploys without touching any stage, as on AWS
        return None
    validate_stage_name(stage_name)
    return await tx.get(KIND_STAGE, stage_key(rest_api_id, stage_name))


def _check_deployable(snapshot: dict[str, Any]) -> None:
    methods = iter_methods(snapshot)
    if not methods:
        raise BadRequestException(MSG_NO_METHODS)
    if any(not method.get("methodIntegration") for _, _, method in methods):
        raise BadRequestException(MSG_NO_INTEGRATION)


def _repoint_stage(stage: Document, deployment_id: str, params: Params, now: int) -> Document:
    stage = dict(stage)
    canary = params.get("canarySettings")
    if canary is not None:
        # A canary release deploys into the canary slot; the stage's own deploymentId stays.
        stage["canarySettings"] = canary_settings(deployment_id, canary)
    else:
        # A plain deployment moves the stage and ends any canary release (as LocalStack's
        # AWS-validated suite shows; AWS does not document this case).
        stage["deploymentId"] = deployment_id
        stage.pop("canarySettings", None)
    if params.get("stageDescription") is not None:
        stage["description"] = params["stageDescription"]
    if params.get("variables") is not None:
        stage["variables"] = dict(params["variables"])
    if params.get("tracingEnabled") is not None:
        stage["tracingEnabled"] = bool(params["tracingEnabled"])
    apply_cache_settings(stage, params.get("cacheClusterEnabled"), params.get("cacheClusterSize"))
    stage["lastUpdatedDate"] = now
    return stage


async def _deploy_to_stage(
    tx: Transaction, rest_api_id: str, stage: Document | None, deployment_id: str, params: Params, now: int
) -> None:
    if stage is None:
        stage = new_stage(
            stage_name=params["stageName"],
            deployment_id=deployment_id,
            now=now,
            description=params.get("stageDescription"),
            variables=params.get("variables"),
            cache_cluster_enabled=params.get("cacheClusterEnabled"),
            cache_cluster_size=params.get("cacheClusterSize"),
            tracing_enabled=params.get("tracingEnabled"),
        )
    else:
        stage = _repoint_stage(stage, deployment_id, params, now)
    await tx.put(KIND_STAGE, stage_key(rest_api_id, stage["stageName"]), stage)


@operation("apigateway", "CreateDeployment")
async def create_deployment(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    stage_name = params.get("stageName")
    validate_cache_cluster_size(params.get("cacheClusterSize"), "createDeploymentInput")
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        validate_variables(params.get("variables"))
        stage = await _target_stage(tx, rest_api_id, stage_name, params.get("canarySettings"))
        snapshot = await build_snapshot(tx, rest_api_id)
        _check_deployable(snapshot)
        deployment_id = ids.short_id(6)
        now = int(time.time())
        deployment: Document = {"id": deployment_id, "createdDate": now}
        if params.get("description") is not None:
            deployment["description"] = params["description"]
        # Internal: the summary GetDeployment?embed=apisummary returns, and a creation order finer
        # than AWS's one-second createdDate so GetDeployments lists deployments as they were made.
        deployment["_apiSummary"] = api_summary(snapshot)
        deployment["_createdNs"] = time.time_ns()
        key = deployment_key(rest_api_id, deployment_id)
        await tx.put(KIND_SNAPSHOT, key, snapshot)
        await tx.put(KIND_DEPLOYMENT, key, deployment)
        if stage_name:
            await _deploy_to_stage(tx, rest_api_id, stage, deployment_id, params, now)
    return public(deployment)


@operation("apigateway", "GetDeployment")
async def get_deployment_handler(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        deployment = await get_deployment(tx, ctx, params["restApiId"], params["deploymentId"])
    result = public(deployment)
    if any(str(item).lower() == "apisummary" for item in params.get("embed") or ()):
        result["apiSummary"] = deployment.get("_apiSummary", {})
    return result


@operation("apigateway", "GetDeployments")
async def get_deployments(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        docs = [doc for _, doc in await tx.list(KIND_DEPLOYMENT, f"{rest_api_id}/")]
    docs.sort(key=lambda d: (d.get("_createdNs", 0), d.get("id", "")))
    return page_of(docs, params)


@operation("apigateway", "UpdateDeployment")
async def update_deployment(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, deployment_id = params["restApiId"], params["deploymentId"]
    operations = patch_operations(params, "updateDeploymentInput")
    async with ctx.store.transaction() as tx:
        deployment = await get_deployment(tx, ctx, rest_api_id, deployment_id)
        updated = apply_patch(deployment, operations, UPDATE_DEPLOYMENT)
        await tx.put(KIND_DEPLOYMENT, deployment_key(rest_api_id, deployment_id), updated)
    return public(updated)


@operation("apigateway", "DeleteDeployment")
async def delete_deployment(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, deployment_id = params["restApiId"], params["deploymentId"]
    async with ctx.store.transaction() as tx:
        await get_deployment(tx, ctx, rest_api_id, deployment_id)
        for stage in await stages_of(tx, rest_api_id):
            canary = stage.get("canarySettings") or {}
            if deployment_id in (stage.get("deploymentId"), canary.get("deploymentId")):
                raise BadRequestException(MSG_DEPLOYMENT_IN_USE)
        key = deployment_key(rest_api_id, deployment_id)
        await tx.delete(KIND_DEPLOYMENT, key)
        await tx.delete(KIND_SNAPSHOT, key)
    return None
