"""Handlers: PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency,
GetAccountSettings.

AWS keeps at least 100 of an account's 1,000 concurrent executions unreserved, so that functions
without a reservation can still run. apigate's cap is ``--lambda-concurrency`` (default 1000, as
AWS's default quota); the reserve scales with it: ``min(100, max(1, cap // 10))`` -- exactly AWS's
100 at the default cap and above, a tenth of a smaller cap, and never zero. One cap serves every
region of the gateway (its workers are one pool), so reservations of all regions count against it.
"""

from __future__ import annotations

from apigate.awslambda.arns import LATEST
from apigate.awslambda.control.common import SERVICE, lambdas, unqualified_ref_of
from apigate.awslambda.documents import KIND_FUNCTION, KIND_VERSION, function_key, get_function, not_found
from apigate.awslambda.errors import InvalidParameterValueException
from apigate.control.registry import ControlContext, Output, Params, operation

# AWS's account limits of code storage (reported by GetAccountSettings).
TOTAL_CODE_SIZE = 80_530_636_800
CODE_SIZE_UNZIPPED = 262_144_000
CODE_SIZE_ZIPPED = 52_428_800


def minimum_unreserved(cap: int) -> int:
    """The executions that must stay unreserved under an account cap of ``cap``."""
    return min(100, max(1, cap // 10))


@operation(SERVICE, "PutFunctionConcurrency")
async def put_function_concurrency(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    requested: int = params["ReservedConcurrentExecutions"]
    cap: int = ctx.settings.lambda_concurrency
    async with ctx.store.transaction() as tx:
        function = await tx.get(KIND_FUNCTION, function_key(ref))
        if function is None:
            raise not_found(ref.arn_with(LATEST))
        others = sum(
            doc.get("_reservedConcurrency") or 0
            for key, doc in await tx.list(KIND_FUNCTION)
            if key != function_key(ref)
        )
        floor = minimum_unreserved(cap)
        if cap - others - requested < floor:
            raise InvalidParameterValueException(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{floor}]."
            )
        function["_reservedConcurrency"] = requested
        await tx.put(KIND_FUNCTION, function_key(ref), function)
    lambdas(ctx).set_reserved_concurrency(ref.arn, requested)
    return {"ReservedConcurrentExecutions": requested}


@operation(SERVICE, "GetFunctionConcurrency")
async def get_function_concurrency(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
    reserved = function.get("_reservedConcurrency")
    return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}


@operation(SERVICE, "DeleteFunctionConcurrency")
async def delete_function_concurrency(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        if function.pop("_reservedConcurrency", None) is not None:
            await tx.put(KIND_FUNCTION, function_key(ref), function)
    lambdas(ctx).set_reserved_concurrency(ref.arn, None)
    return None


@operation(SERVICE, "GetAccountSettings")
async def get_account_settings(ctx: ControlContext, params: Params) -> Output:
    cap: int = ctx.settings.lambda_concurrency
    async with ctx.store.transaction() as tx:
        functions = [doc for _, doc in await tx.list(KIND_FUNCTION)]
        versions = [doc for _, doc in await tx.list(KIND_VERSION, f"{ctx.region}/")]
    reserved = sum(doc.get("_reservedConcurrency") or 0 for doc in functions)
    mine = [doc for doc in functions if doc["FunctionArn"].split(":")[3] == ctx.region]
    return {
        "AccountLimit": {
            "TotalCodeSize": TOTAL_CODE_SIZE,
            "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
            "CodeSizeZipped": CODE_SIZE_ZIPPED,
            "ConcurrentExecutions": cap,
            "UnreservedConcurrentExecutions": cap - reserved,
        },
        "AccountUsage": {
            "TotalCodeSize": sum(doc.get("CodeSize", 0) for doc in (*mine, *versions)),
            "FunctionCount": len(mine),
        },
    }
