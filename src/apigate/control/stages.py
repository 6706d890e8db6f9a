"""Handlers: CreateStage, GetStage, GetStages, UpdateStage, DeleteStage, FlushStage*Cache.

Stage settings are live: the data plane re-reads the stage (through the store's change
notifications) on the next request, so ``UpdateStage replace /deploymentId`` is an immediate
rollback. The document rules live in ``stage_rules.py`` (shared with CreateDeployment, which creates
or repoints stages too) and UpdateStage's patch semantics in ``stage_patch.py``.
"""

from __future__ import annotations

import time
from typing import Any

from apigate.control.common import KIND_STAGE, get_rest_api, public
from apigate.control.errors import BadRequestException, ConflictException, NotFoundException
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.control.stage_patch import apply_stage_patch
from apigate.control.stage_rules import (
    MSG_DEPLOYMENT_MISSING,
    MSG_STAGE_EXISTS,
    MSG_STAGE_NOT_FOUND,
    canary_settings,
    deployment_exists,
    get_stage,
    new_stage,
    stage_key,
    stages_of,
    validate_cache_cluster_size,
    validate_stage_name,
    validate_variables,
)
from apigate.store.base import Transaction


async def _create_canary(tx: Transaction, params: Params) -> dict[str, Any] | None:
    """CreateStage's canarySettings, completed with AWS's defaults; its deployment must exist."""
    canary = params.get("canarySettings")
    if canary is None:
        return None
    deployment_id = canary.get("deploymentId") or params["deploymentId"]
    if not await deployment_exists(tx, params["restApiId"], deployment_id):
        raise BadRequestException(MSG_DEPLOYMENT_MISSING)
    return canary_settings(deployment_id, canary)


@operation("apigateway", "CreateStage")
async def create_stage(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, stage_name = params["restApiId"], params["stageName"]
    validate_cache_cluster_size(params.get("cacheClusterSize"), "createStageInput")
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        validate_stage_name(stage_name)
        validate_variables(params.get("variables"))
        if not await deployment_exists(tx, rest_api_id, params["deploymentId"]):
            raise BadRequestException(MSG_DEPLOYMENT_MISSING)
        if await tx.get(KIND_STAGE, stage_key(rest_api_id, stage_name)) is not None:
            raise ConflictException(MSG_STAGE_EXISTS)
        stage = new_stage(
            stage_name=stage_name,
            deployment_id=params["deploymentId"],
            now=int(time.time()),
            description=params.get("description"),
            variables=params.get("variables"),
            cache_cluster_enabled=params.get("cacheClusterEnabled"),
            cache_cluster_size=params.get("cacheClusterSize"),
            tracing_enabled=params.get("tracingEnabled"),
            documentation_version=params.get("documentationVersion"),
            canary=await _create_canary(tx, params),
            tags=params.get("tags"),
        )
        await tx.put(KIND_STAGE, stage_key(rest_api_id, stage_name), stage)
    return public(stage)


async def _read_stage(ctx: ControlContext, params: Params) -> dict[str, Any]:
    async with ctx.store.transaction() as tx:
        return await get_stage(tx, ctx, params["restApiId"], params["stageName"])


@operation("apigateway", "GetStage")
async def get_stage_handler(ctx: ControlContext, params: Params) -> Output:
    return public(await _read_stage(ctx, params))


@operation("apigateway", "GetStages")
async def get_stages(ctx: ControlContext, params: Params) -> Output:
    # GetStages is not paginated: AWS answers every stage under "item" (no position).
    deployment_id = params.get("deploymentId")
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, params["restApiId"])
        stages = await stages_of(tx, params["restApiId"])
    if deployment_id:
        stages = [s for s in stages if s.get("deploymentId") == deployment_id]
    stages.sort(key=lambda s: (s.get("createdDate", 0), s.get("stageName", "")))
    return {"item": [public(s) for s in stages]}


@operation("apigateway", "UpdateStage")
async def update_stage(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, stage_name = params["restApiId"], params["stageName"]
    async with ctx.store.transaction() as tx:
        stage = await get_stage(tx, ctx, rest_api_id, stage_name)
        updated = await apply_stage_patch(tx, rest_api_id, stage, params.get("patchOperations") or [])
        updated["lastUpdatedDate"] = int(time.time())
        await tx.put(KIND_STAGE, stage_key(rest_api_id, stage_name), updated)
    return public(updated)


@operation("apigateway", "DeleteStage")
async def delete_stage(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, params["restApiId"])
        if not await tx.delete(KIND_STAGE, stage_key(params["restApiId"], params["stageName"])):
            raise NotFoundException(MSG_STAGE_NOT_FOUND)
    return None


async def _flush(ctx: ControlContext, params: Params) -> Output:
    # The response cache and the authorizer cache arrive with later issues; until then a stage has
    # nothing cached, so flushing is checking that the stage exists (AWS answers 202).
    await _read_stage(ctx, params)
    return None


@operation("apigateway", "FlushStageCache")
async def flush_stage_cache(ctx: ControlContext, params: Params) -> Output:
    return await _flush(ctx, params)


@operation("apigateway", "FlushStageAuthorizersCache")
async def flush_stage_authorizers_cache(ctx: ControlContext, params: Params) -> Output:
    return await _flush(ctx, params)
