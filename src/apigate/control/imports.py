"""Handlers: ImportRestApi and PutRestApi (an OpenAPI 2.0 / 3.0 document, JSON or YAML).

``apigate.openapi.importer`` builds the whole result first; only then is it written, in one
transaction, so an import that fails -- errors, or warnings with ``failonwarnings=true`` -- changes
nothing. ImportRestApi answers 201 with the new RestApi, PutRestApi 200 with the updated one (with
``tags``, as recorded); warnings of an import that went ahead are in the RestApi's ``warnings``.
"""

from __future__ import annotations

from typing import Any

from apigate import ids
from apigate.control.common import KIND_RESTAPI, get_rest_api, public
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.openapi.apply import read_existing, write_plan
from apigate.openapi.importer import ImportOptions, ImportPlan, plan_import


def _result(plan: ImportPlan) -> dict[str, Any]:
    result = public(plan.rest_api)
    if plan.warnings:
        result["warnings"] = list(plan.warnings)
    return result


@operation("apigateway", "ImportRestApi")
async def import_rest_api(ctx: ControlContext, params: Params) -> Output:
    options = ImportOptions.from_params(params, "import")
    while True:
        # Planned outside the transaction (it is the slow part); the id is checked when writing.
        plan = plan_import(ctx, params["body"], options, ids.short_id(10))
        async with ctx.store.transaction() as tx:
            if await tx.get(KIND_RESTAPI, plan.rest_api["id"]) is None:
                await write_plan(tx, plan, replace=False)
                return _result(plan)


@operation("apigateway", "PutRestApi")
async def put_rest_api(ctx: ControlContext, params: Params) -> Output:
    """``mode=merge`` (AWS's default) or ``overwrite``; the API keeps its id, stages and deployments."""
    options = ImportOptions.from_params(params, params.get("mode") or "merge")
    async with ctx.store.transaction() as tx:
        current = await get_rest_api(tx, ctx, params["restApiId"])
        plan = plan_import(ctx, params["body"], options, current["id"], await read_existing(tx, current))
        await write_plan(tx, plan, replace=True)
    result = _result(plan)
    result.setdefault("tags", {})
    return result
