"""Handlers: TagResource, UntagResource, ListTags (functions only, as AWS: not versions or aliases)."""

from __future__ import annotations

from apigate.awslambda import arns
from apigate.awslambda.control.common import SERVICE
from apigate.awslambda.documents import KIND_FUNCTION, function_key, get_function
from apigate.awslambda.errors import InvalidParameterValueException
from apigate.control.registry import ControlContext, Output, Params, operation

MAX_TAGS = 50
FUNCTIONS_ONLY = (
    "Tagging operations are permitted on Lambda functions only. Tags on aliases and versions are not "
    "supported. Please specify either a function name or a function ARN."
)


def _ref(ctx: ControlContext, params: Params) -> arns.FunctionRef:
    ref = arns.parse(params["Resource"], None, ctx.region, ctx.account_id)
    if ref.qualifier is not None:
        raise InvalidParameterValueException(FUNCTIONS_ONLY)
    return ref


@operation(SERVICE, "TagResource")
async def tag_resource(ctx: ControlContext, params: Params) -> Output:
    ref = _ref(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        tags = {**(function.get("_tags") or {}), **params["Tags"]}
        if len(tags) > MAX_TAGS:
            raise InvalidParameterValueException("Number of tags exceeds function tag limit.")
        function["_tags"] = tags
        await tx.put(KIND_FUNCTION, function_key(ref), function)
    return None


@operation(SERVICE, "UntagResource")
async def untag_resource(ctx: ControlContext, params: Params) -> Output:
    ref = _ref(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        tags = {k: v for k, v in (function.get("_tags") or {}).items() if k not in params["TagKeys"]}
        function["_tags"] = tags
        await tx.put(KIND_FUNCTION, function_key(ref), function)
    return None


@operation(SERVICE, "ListTags")
async def list_tags(ctx: ControlContext, params: Params) -> Output:
    ref = _ref(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
    return {"Tags": function.get("_tags") or {}}
