"""``LambdaService`` as its callers use it: resolve, allows, invoke, and durable Event invocations.

Functions are made through the management API of a real in-process gateway (tests/awslambda/control's
``lam``); the service under test is built over that gateway's store and real runtime, with its
``random`` injected where a test needs the weighted choice to be deterministic.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apigate.awslambda.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    TooManyRequestsException,
)
from apigate.awslambda.policy import arn_like
from apigate.awslambda.runtime import Runtime
from apigate.awslambda.service import LambdaService, code_loader
from apigate.store.sqlite import SqliteStore
from tests.awslambda.control.conftest import ECHO, LambdaClient, arn, zipped
from tests.awslambda.control.conftest import lam as lam  # the fixture
from tests.support.client import ACCOUNT_ID, REGION

APIGW = "apigateway.amazonaws.com"
SOURCE = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:abc123/prod/GET/pets"


def sequence(*draws: float) -> Callable[[], float]:
    values: Iterator[float] = iter(draws)
    return lambda: next(values)


@pytest.fixture
def service_with(lam: LambdaClient) -> Callable[..., LambdaService]:
    """A LambdaService over ``lam``'s store and runtime (``random`` and other options injectable)."""

    def make(**options: Any) -> LambdaService:
        return LambdaService(
            lam.services.store, lam.services.lambdas.runtime, account_id=ACCOUNT_ID, **options
        )

    return make


async def two_versions(lam: LambdaClient, weight: float = 0.05) -> None:
    """fn: version 1 answers "one", version 2 "two"; alias ``live`` -> 1 with ``weight`` to 2."""
    await lam.create("fn", source="def handler(e, c):\n    return 'one'\n", Publish=True)
    await lam.call(
        "UpdateFunctionCode",
        FunctionName="fn",
        ZipFile=zipped({"app.py": "def handler(e, c):\n    return 'two'\n"}),
    )
    await lam.call("PublishVersion", FunctionName="fn")
    await lam.call(
        "CreateAlias",
        FunctionName="fn",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": weight}},
    )


# --- resolve ---------------------------------------------------------------------------------------


async def test_resolve_builds_the_spec(lam: LambdaClient, service_with: Callable[..., LambdaService]) -> None:
    created = await lam.create("fn", Environment={"Variables": {"STAGE": "dev"}}, Timeout=7, MemorySize=256)
    service = service_with()
    for name in ("fn", arn("fn"), f"{ACCOUNT_ID}:function:fn"):
        resolved = await service.resolve(name, None, REGION)
        spec = resolved.spec
        assert (spec.function_name, spec.function_arn, spec.version) == ("fn", arn("fn"), "$LATEST")
        assert (spec.runtime, spec.handler, spec.code_sha256) == (
            "python3.12",
            "app.handler",
            created["CodeSha256"],
        )
        assert (spec.timeout_s, spec.memory_mb, spec.environment) == (7, 256, {"STAGE": "dev"})
        assert (spec.region, spec.account_id, spec.reserved_concurrency) == (REGION, ACCOUNT_ID, None)
        assert (resolved.qualified_arn, resolved.alias) == (arn("fn"), None)
    await lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=3)
    assert (await service.resolve("fn", None, REGION)).spec.reserved_concurrency == 3


async def test_resolve_errors(lam: LambdaClient, service_with: Callable[..., LambdaService]) -> None:
    await lam.create("fn", Publish=True)
    service = service_with()
    with pytest.raises(ResourceNotFoundException, match=f"Function not found: {arn('nope')}$"):
        await service.resolve("nope", None, REGION)
    with pytest.raises(ResourceNotFoundException, match=r"Function not found: .*:fn:9$"):
        await service.resolve("fn:9", None, REGION)
    with pytest.raises(ResourceNotFoundException, match=r"Function not found: .*:fn:live$"):
        await service.resolve("fn", "live", REGION)
    with pytest.raises(InvalidParameterValueException, match="derived qualifier"):
        await service.resolve("fn:1", "2", REGION)
    assert (await service.resolve("fn:1", "1", REGION)).spec.version == "1"
    with pytest.raises(ResourceNotFoundException, match="not reachable in this region"):
        await service.resolve("arn:aws:lambda:eu-west-1:000000000000:function:fn", None, REGION)
    with pytest.raises(ResourceNotFoundException):
        await service.resolve("fn", None, "eu-west-1")  # functions belong to their region


async def test_weighted_alias_with_injected_random(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await two_versions(lam, weight=0.05)
    service = service_with(random=sequence(0.0, 0.049, 0.05, 0.5, 0.99, 0.7))
    versions = [(await service.resolve("fn:live", None, REGION)).spec.version for _ in range(5)]
    assert versions == ["2", "2", "1", "1", "1"]
    resolved = await service.resolve("fn", "live", REGION)
    assert (resolved.alias, resolved.qualified_arn) == ("live", arn("fn", "live"))


async def test_weighted_alias_share_is_within_a_statistical_bound(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await two_versions(lam, weight=0.05)
    service = service_with(random=random.Random(20240101).random)
    draws = 10_000
    extra = sum([(await service.resolve("fn:live", None, REGION)).spec.version == "2" for _ in range(draws)])
    # Binomial(10000, 0.05): mean 500, standard deviation 21.8; six deviations either side.
    assert 369 <= extra <= 631, extra


# --- allows --------------------------------------------------------------------------------------


async def add(lam: LambdaClient, name: str, sid: str, **params: Any) -> None:
    params.setdefault("Principal", APIGW)
    await lam.call(
        "AddPermission", FunctionName=name, StatementId=sid, Action="lambda:InvokeFunction", **params
    )


async def test_allows_follows_the_source_arn_condition(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await lam.create("fn")
    service = service_with()
    resolved = await service.resolve("fn", None, REGION)
    assert not await service.allows(resolved, APIGW, SOURCE)  # no policy: nothing is allowed
    await add(lam, "fn", "s1", SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:abc123/*/GET/pets")
    resolved = await service.resolve("fn", None, REGION)
    assert await service.allows(resolved, APIGW, SOURCE)
    assert not await service.allows(resolved, APIGW, SOURCE.replace("GET", "POST"))
    assert not await service.allows(resolved, APIGW, SOURCE.replace("abc123", "other"))
    assert not await service.allows(resolved, "sns.amazonaws.com", SOURCE)
    assert not await service.allows(resolved, APIGW, None)  # the condition needs a source


async def test_allows_principals_and_accounts(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await lam.create("fn")
    await add(lam, "fn", "acct", Principal="111122223333")
    await add(lam, "fn", "svc", Principal="events.amazonaws.com", SourceAccount=ACCOUNT_ID)
    service = service_with()
    resolved = await service.resolve("fn", None, REGION)
    assert await service.allows(resolved, "111122223333", None)
    assert await service.allows(resolved, "arn:aws:iam::111122223333:root", None)
    assert not await service.allows(resolved, "444455556666", None)
    assert await service.allows(
        resolved, "events.amazonaws.com", f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/r"
    )
    assert not await service.allows(
        resolved, "events.amazonaws.com", f"arn:aws:events:{REGION}:999999999999:rule/r"
    )


async def test_permissions_are_scoped_to_the_invoked_arn(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    """AWS: an unqualified permission covers only the unqualified ARN; a qualified one only its ARN."""
    await lam.create("fn", Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    await add(lam, "fn", "whole")
    await add(lam, "fn:live", "alias")
    service = service_with()

    async def allowed(name: str) -> bool:
        return await service.allows(await service.resolve(name, None, REGION), APIGW, SOURCE)

    assert await allowed("fn")
    assert await allowed("fn:$LATEST")  # $LATEST has no policy of its own: the function's applies
    assert await allowed("fn:live")
    assert not await allowed("fn:1")  # the version the alias points at is not covered by either
    await lam.call("RemovePermission", FunctionName="fn", StatementId="whole")
    assert not await allowed("fn")
    assert await allowed("fn:live")


@pytest.mark.parametrize(
    ("pattern", "arn_", "expected"),
    [
        ("arn:aws:execute-api:us-east-1:1:a/*", "arn:aws:execute-api:us-east-1:1:a/prod/GET/x", True),
        ("arn:aws:execute-api:us-east-1:1:a/*/GET/?", "arn:aws:execute-api:us-east-1:1:a/prod/GET/x", True),
        ("arn:aws:execute-api:us-east-1:1:a/*/GET/?", "arn:aws:execute-api:us-east-1:1:a/prod/GET/xy", False),
        ("arn:aws:execute-api:*:1:a/*", "arn:aws:execute-api:eu-west-1:1:a/p/GET/", True),
        ("arn:aws:execute-api:us-*", "arn:aws:execute-api:us-east-1:1:a/p", False),  # * stays in its part
        (
            "arn:aws:execute-api:us-east-1:1:a/prod/GET/x",
            "arn:aws:execute-api:us-east-1:1:A/prod/GET/x",
            False,
        ),
        ("*", "arn:aws:s3:::bucket", True),
    ],
)
def test_arn_like(pattern: str, arn_: str, expected: bool) -> None:
    assert arn_like(pattern, arn_) is expected


# --- invoke --------------------------------------------------------------------------------------


async def test_invoke_sets_the_executed_version_and_tail(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await two_versions(lam, weight=0.5)
    service = service_with(random=sequence(0.1, 0.9))
    first = await service.invoke(await service.resolve("fn:live", None, REGION), b"{}", log_type="Tail")
    second = await service.invoke(await service.resolve("fn:live", None, REGION), b"{}")
    assert (first.status_code, first.payload, first.executed_version) == (200, b'"two"', "2")
    assert (second.payload, second.executed_version, second.log_tail) == (b'"one"', "1", None)
    assert "REPORT RequestId: " + first.request_id in base64.b64decode(first.log_tail or "").decode()


async def test_invoke_throttled_raises_429(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await lam.create("fn")
    await lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=0)
    service = service_with()
    with pytest.raises(TooManyRequestsException) as info:
        await service.invoke(await service.resolve("fn", None, REGION), b"{}")
    assert (info.value.status, info.value.reason, info.value.message) == (
        429,
        "ReservedFunctionConcurrentInvocationLimitExceeded",
        "Rate Exceeded.",
    )


async def test_dry_run_and_event_answers(
    lam: LambdaClient, service_with: Callable[..., LambdaService]
) -> None:
    await lam.create("fn", source=ECHO)
    service = service_with()
    resolved = await service.resolve("fn", None, REGION)
    dry = await service.invoke(resolved, b"{}", "DryRun")
    assert (dry.status_code, dry.payload) == (204, b"")
    event = await service.invoke(resolved, b"{}", "Event", request_id="req-1")
    assert (event.status_code, event.request_id, event.executed_version) == (202, "req-1", "$LATEST")
    await asyncio.wait_for(service.events.drain(), 20)
    await service.events.close()


# --- durable Event invocations -------------------------------------------------------------------

WRITER = """
import json, os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    with open(event["path"], "a") as out:
        out.write(context.aws_request_id + "\\n")
    return "ok"
"""


@pytest.fixture
async def durable(tmp_path: Path) -> AsyncIterator[Callable[[], Any]]:
    """Gateways over one state directory, each started with its lifespan; all shut down at the end."""
    started: list[LambdaClient] = []

    async def start() -> LambdaClient:
        client = LambdaClient(state_dir=tmp_path / "state")
        await client.lifespan.startup()
        started.append(client)
        return client

    yield start
    for client in started:
        if client.lifespan._task is not None and not client.lifespan._task.done():
            await client.lifespan.shutdown()


async def test_an_acknowledged_event_survives_a_stop_before_it_ran(
    durable: Callable[[], Any], tmp_path: Path
) -> None:
    out = tmp_path / "out.txt"
    first = await durable()
    await first.create("fn", source=WRITER, Timeout=10)
    result = await first.invoke("fn", {"path": str(out), "sleep": 2}, InvocationType="Event")
    assert result["StatusCode"] == 202
    await asyncio.sleep(0.5)  # it is running now; the stop kills it before it writes
    await first.lifespan.shutdown()
    assert not out.exists()

    second = await durable()  # the same state: the stored event runs again
    await asyncio.wait_for(second.services.lambdas.events.drain(), 30)
    assert out.read_text().split() == [result["ResponseMetadata"]["RequestId"]]
    async with second.services.store.transaction() as tx:
        assert await tx.list("lambda_event") == []  # done: forgotten


async def test_function_errors_of_events_are_retried_twice(
    lam: LambdaClient, service_with: Callable[..., LambdaService], tmp_path: Path
) -> None:
    source = """
def handler(event, context):
    open(event["path"], "a").write("x")
    raise RuntimeError("no")
"""
    await lam.create("fn", source=source)
    service = service_with(event_retry_delays=(0.05, 0.05))
    out = tmp_path / "tries.txt"
    await service.invoke(
        await service.resolve("fn", None, REGION), json.dumps({"path": str(out)}).encode(), "Event"
    )
    for _ in range(200):
        if out.exists() and len(out.read_text()) == 3:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert out.read_text() == "xxx"  # the first attempt and two retries, no more
    async with lam.services.store.transaction() as tx:
        assert await tx.list("lambda_event") == []
    await service.events.close()


async def test_code_loader_reads_the_blob(tmp_path: Path) -> None:
    store = SqliteStore(None)
    try:
        async with store.transaction() as tx:
            await tx.put_blob("sha", b"zip")
        assert await code_loader(store)("sha") == b"zip"
        runtime = Runtime(code_loader(store), tmp_path)
        service = LambdaService(store, runtime, account_id=ACCOUNT_ID)
        await service.close()
    finally:
        await store.close()
