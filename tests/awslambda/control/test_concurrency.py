"""Reserved concurrency (AWS's account rule, scaled to --lambda-concurrency) and throttled invocations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
import pytest

from apigate.awslambda.control.concurrency import minimum_unreserved
from tests.awslambda.control.conftest import LambdaClient
from tests.support.client import ApiError, error_of

SLOW = "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 'done'\n"


@pytest.fixture
async def small() -> AsyncIterator[LambdaClient]:
    """A gateway whose account cap is 4 concurrent executions."""
    client = LambdaClient(lambda_concurrency=4)
    await client.lifespan.startup()
    try:
        yield client
    finally:
        await client.lifespan.shutdown()


def test_minimum_unreserved_is_awss_100_at_the_default_cap_and_scales_below() -> None:
    assert [minimum_unreserved(cap) for cap in (1, 4, 10, 50, 1000, 5000)] == [1, 1, 1, 5, 100, 100]


async def test_reservation_round_trip(lam: LambdaClient) -> None:
    await lam.create("fn")
    assert "ReservedConcurrentExecutions" not in await lam.call("GetFunctionConcurrency", FunctionName="fn")
    put = await lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=5)
    assert put["ReservedConcurrentExecutions"] == 5
    assert (await lam.call("GetFunctionConcurrency", FunctionName="fn"))["ReservedConcurrentExecutions"] == 5
    assert (await lam.call("GetFunction", FunctionName="fn"))["Concurrency"] == {
        "ReservedConcurrentExecutions": 5
    }
    settings = await lam.call("GetAccountSettings")
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 995
    assert settings["AccountUsage"]["FunctionCount"] == 1
    deleted = await lam.call("DeleteFunctionConcurrency", FunctionName="fn")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in await lam.call("GetFunctionConcurrency", FunctionName="fn")


async def test_at_least_100_of_1000_stay_unreserved(lam: LambdaClient) -> None:
    await lam.create("a")
    await lam.create("b")
    await lam.call("PutFunctionConcurrency", FunctionName="a", ReservedConcurrentExecutions=500)
    error = await error_of(
        lam.call("PutFunctionConcurrency", FunctionName="b", ReservedConcurrentExecutions=401)
    )
    assert (error.status, error.code) == (400, "InvalidParameterValueException")
    assert error.message == (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100]."
    )
    assert "ReservedConcurrentExecutions" not in await lam.call("GetFunctionConcurrency", FunctionName="b")
    await lam.call("PutFunctionConcurrency", FunctionName="b", ReservedConcurrentExecutions=400)
    # a function's own reservation is replaced, not added to
    await lam.call("PutFunctionConcurrency", FunctionName="a", ReservedConcurrentExecutions=500)
    error = await error_of(
        lam.call("PutFunctionConcurrency", FunctionName="fn:1", ReservedConcurrentExecutions=1)
    )
    assert "Aliases and versions do not support this operation" in error.message
    error = await error_of(
        lam.call("PutFunctionConcurrency", FunctionName="nope", ReservedConcurrentExecutions=1)
    )
    assert error.message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST"


async def test_reserved_zero_throttles_every_invocation(lam: LambdaClient) -> None:
    await lam.create("fn")
    await lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=0)
    error = await error_of(lam.invoke("fn"))
    assert (error.status, error.code, error.message) == (429, "TooManyRequestsException", "Rate Exceeded.")
    assert lam.last is not None
    assert orjson.loads(lam.last.body) == {
        "Type": "User",
        "message": "Rate Exceeded.",
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
    }
    await lam.call("DeleteFunctionConcurrency", FunctionName="fn")
    assert (await lam.invoke("fn"))["StatusCode"] == 200


async def invoke_outcomes(client: LambdaClient, name: str, count: int, sleep: float) -> list[str]:
    """``count`` concurrent invocations: the Reason of each throttled one, "ok" for the others."""

    async def one() -> str:
        try:
            await client.invoke(name, {"sleep": sleep})
        except ApiError as error:
            assert (error.status, error.code) == (429, "TooManyRequestsException")
            assert error.wire["message"] == "Rate Exceeded."  # type: ignore[attr-defined]
            return str(error.wire["Reason"])  # type: ignore[attr-defined]
        return "ok"

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def test_reserved_concurrency_over_the_limit_is_429(lam: LambdaClient) -> None:
    await lam.create("slow", source=SLOW, Timeout=10)
    await lam.call("PutFunctionConcurrency", FunctionName="slow", ReservedConcurrentExecutions=2)
    outcomes = await invoke_outcomes(lam, "slow", 5, sleep=1.0)
    assert sorted(outcomes) == ["ReservedFunctionConcurrentInvocationLimitExceeded"] * 3 + ["ok"] * 2


async def test_account_cap_over_the_limit_is_429(small: LambdaClient) -> None:
    await small.create("slow", source=SLOW, Timeout=10)
    outcomes = await invoke_outcomes(small, "slow", 6, sleep=1.0)
    assert sorted(outcomes) == ["ConcurrentInvocationLimitExceeded"] * 2 + ["ok"] * 4
    error = await error_of(
        small.call("PutFunctionConcurrency", FunctionName="slow", ReservedConcurrentExecutions=4)
    )
    assert "minimum value of [1]" in error.message
    await small.call("PutFunctionConcurrency", FunctionName="slow", ReservedConcurrentExecutions=3)
    assert (await small.call("GetAccountSettings"))["AccountLimit"]["UnreservedConcurrentExecutions"] == 1
