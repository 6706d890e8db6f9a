"""Handlers: TagResource, UntagResource, ListTags (functions only, as AWS: not versions or aliases)."""

from __future__ import annotations

from collections.abc import Callable

from apigate.awslambda import arns
from apigate.awslambda.control.common import SERVICE
from apigate.awslambda.documents import KIND_FUNCTION, function_key, get_function
from apigate.awslambda.errors import InvalidParameterValueException
from apigate.control.registry import ControlContext, Output, Params, operation

MAX_TAGS = 50
Tags = dict[str, str]
FUNCTIONS_ONLY = (
    "Tagging operations are permitted on Lambda functions only. Tags on aliases and versions are not "
    "supported. Please specify either a function name or a function ARN."
)


def _ref(ctx: ControlContext, params: Params) -> arns.FunctionRef:
    ref = arns.parse(params["Resource"], None, ctx.region, ctx.account_id)
    if ref.qualifier is not None:
        raise InvalidParameterValueException(FUNCTIONS_ONLY)
    return ref


async def _retag(ctx: ControlContext, params: Params, change: Callable[[Tags], Tags]) -> None:
    """Replace the function's tags with ``change`` of them."""
    ref = _ref(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        function["_tags"] = change(function.get("_tags") or {})
        await tx.put(KIND_FUNCTION, function_key(ref), function)


@operation(SERVICE, "TagResource")
async def tag_resource(ctx: ControlContext, params: Params) -> Output:
    def tagged(tags: Tags) -> Tags:
        merged = {**tags, **params["Tags"]}
        if len(merged) > MAX_TAGS:
            raise InvalidParameterValueException("Number of tags exceeds function tag limit.")
        return merged

    await _retag(ctx, params, tagged)
    return None


@operation(SERVICE, "UntagResource")
async def untag_resource(ctx: ControlContext, params: Params) -> Output:
    await _retag(ctx, params, lambda tags: {k: v for k, v in tags.items() if k not in params["TagKeys"]})
    return None


@operation(SERVICE, "ListTags")
async def list_tags(ctx: ControlContext, params: Params) -> Output:
    ref = _ref(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
    return {"Tags": function.get("_tags") or {}}
