"""Handlers: Create/Get/Update/DeleteDocumentationVersion and GetDocumentationVersions.

Stored as kind ``documentationversion`` under ``{restApiId}/{documentationVersion}``. A version is a
snapshot of the API's documentation parts (kept in ``_parts``, never serialised) that a stage can
publish through its ``documentationVersion``; CreateDocumentationVersion with ``stageName`` sets it
on that stage. The recorded shape is ``{version, createdDate, description?}``.
"""

from __future__ import annotations

from typing import Any

from apigate.control import common
from apigate.control.api_children import children, page_of
from apigate.control.common import KIND_DOCUMENTATION_PART, KIND_DOCUMENTATION_VERSION, KIND_STAGE, public
from apigate.control.errors import BadRequestException, ConflictException
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.store.base import Transaction

MSG_NOT_FOUND = "Invalid Documentation version identifier specified"


def _key(rest_api_id: str, version: str) -> str:
    return f"{rest_api_id}/{version}"


async def get_version(tx: Transaction, ctx: ControlContext, rest_api_id: str, version: str) -> dict[str, Any]:
    return await common.get_api_document(
        tx, ctx, KIND_DOCUMENTATION_VERSION, rest_api_id, version, MSG_NOT_FOUND
    )


async def _publish(tx: Transaction, rest_api_id: str, stage_name: str, version: str) -> None:
    """Point ``stage_name`` at the new version (the stage must exist)."""
    key = f"{rest_api_id}/{stage_name}"
    stage = await tx.get(KIND_STAGE, key)
    if stage is None:
        raise BadRequestException("Invalid Stage identifier specified")
    stage["documentationVersion"] = version
    stage["lastUpdatedDate"] = common.now()
    await tx.put(KIND_STAGE, key, stage)


@operation("apigateway", "CreateDocumentationVersion")
async def create_documentation_version(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, version = params["restApiId"], params["documentationVersion"]
    if not version:
        raise BadRequestException("Documentation version cannot be blank")
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, rest_api_id)
        if await tx.get(KIND_DOCUMENTATION_VERSION, _key(rest_api_id, version)) is not None:
            raise ConflictException(f"Documentation version already exists: {version}")
        doc: dict[str, Any] = {"version": version, "createdDate": common.now()}
        if params.get("description"):
            doc["description"] = params["description"]
        parts = await children(tx, KIND_DOCUMENTATION_PART, rest_api_id)
        doc["_parts"] = [public(p) for p in parts]
        if params.get("stageName"):
            await _publish(tx, rest_api_id, params["stageName"], version)
        await tx.put(KIND_DOCUMENTATION_VERSION, _key(rest_api_id, version), doc)
    return public(doc)


@operation("apigateway", "GetDocumentationVersion")
async def get_documentation_version(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        doc = await get_version(tx, ctx, params["restApiId"], params["documentationVersion"])
    return public(doc)


@operation("apigateway", "GetDocumentationVersions")
async def get_documentation_versions(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, params["restApiId"])
        docs = [d for _, d in await tx.list(KIND_DOCUMENTATION_VERSION, f"{params['restApiId']}/")]
    docs.sort(key=lambda d: (d.get("createdDate", 0), d["version"]))
    return page_of(docs, params)


UPDATE_SPEC = PatchSpec({"/description": Rule("replace")}, style="paths")


@operation("apigateway", "UpdateDocumentationVersion")
async def update_documentation_version(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateDocumentationVersionInput")
    async with ctx.store.transaction() as tx:
        old = await get_version(tx, ctx, rest_api_id, params["documentationVersion"])
        new = apply_patch(old, operations, UPDATE_SPEC)
        if not new.get("description"):
            new.pop("description", None)
        await tx.put(KIND_DOCUMENTATION_VERSION, _key(rest_api_id, new["version"]), new)
    return public(new)


@operation("apigateway", "DeleteDocumentationVersion")
async def delete_documentation_version(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, version = params["restApiId"], params["documentationVersion"]
    async with ctx.store.transaction() as tx:
        await get_version(tx, ctx, rest_api_id, version)
        await tx.delete(KIND_DOCUMENTATION_VERSION, _key(rest_api_id, version))
    return None
