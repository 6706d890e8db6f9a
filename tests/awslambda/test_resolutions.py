"""``LambdaService.resolve`` answers from memory, and forgets what every management change makes stale.

Functions are changed through the real ``lambda`` management API of an in-process gateway; the
service under test is that gateway's own (subscribed to its store), so a change is seen exactly as
the data plane sees it.
"""

from __future__ import annotations

from typing import Any

import pytest

from apigate.awslambda.errors import ResourceNotFoundException
from apigate.awslambda.service import LambdaService
from tests.awslambda.control.conftest import LambdaClient, zipped
from tests.awslambda.control.conftest import lam as lam  # the fixture
from tests.support.client import ACCOUNT_ID, REGION

APIGW = "apigateway.amazonaws.com"
SOURCE = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:abc123/prod/GET/pets"


def returning(value: str) -> str:
    return f"def handler(event, context):\n    return {value!r}\n"


@pytest.fixture
def service(lam: LambdaClient) -> LambdaService:
    return lam.services.lambdas


async def resolve(service: LambdaService, name: str) -> Any:
    return await service.resolve(name, None, REGION)


async def test_a_warm_reference_reads_the_store_once(lam: LambdaClient, service: LambdaService) -> None:
    await lam.create("fn")
    before = service.resolutions.loads
    first = await resolve(service, "fn")
    for _ in range(50):
        assert await resolve(service, "fn") is first  # the same prebuilt answer
    assert service.resolutions.loads == before + 1


async def test_update_function_code_and_configuration_are_seen(
    lam: LambdaClient, service: LambdaService
) -> None:
    created = await lam.create("fn", returning("one"))
    assert (await resolve(service, "fn")).spec.code_sha256 == created["CodeSha256"]
    code = zipped({"app.py": returning("two")})
    updated = await lam.call("UpdateFunctionCode", FunctionName="fn", ZipFile=code)
    assert (await resolve(service, "fn")).spec.code_sha256 == updated["CodeSha256"]
    await lam.call("UpdateFunctionConfiguration", FunctionName="fn", Timeout=9)
    assert (await resolve(service, "fn")).spec.timeout_s == 9
    await lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=4)
    assert (await resolve(service, "fn")).spec.reserved_concurrency == 4
    assert await lam.invoke_json("fn") == "two"


async def test_publish_version_and_update_alias_are_seen(lam: LambdaClient, service: LambdaService) -> None:
    await lam.create("fn", returning("one"), Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    assert (await resolve(service, "fn:live")).spec.version == "1"
    with pytest.raises(ResourceNotFoundException):
        await resolve(service, "fn:2")  # remembered as missing...
    await lam.call("UpdateFunctionCode", FunctionName="fn", ZipFile=zipped({"app.py": returning("two")}))
    await lam.call("PublishVersion", FunctionName="fn")
    assert (await resolve(service, "fn:2")).spec.version == "2"  # ...until it exists
    await lam.call("UpdateAlias", FunctionName="fn", Name="live", FunctionVersion="2")
    assert (await resolve(service, "fn:live")).spec.version == "2"
    await lam.call(
        "UpdateAlias", FunctionName="fn", Name="live", FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    seen = {(await resolve(service, "fn:live")).spec.version for _ in range(60)}
    assert seen == {"1", "2"}  # the weighted choice is still made per call


async def test_add_and_remove_permission_are_seen(lam: LambdaClient, service: LambdaService) -> None:
    await lam.create("fn")
    resolved = await resolve(service, "fn")
    assert not await service.allows(resolved, APIGW, SOURCE)
    await lam.call(
        "AddPermission", FunctionName="fn", StatementId="s", Action="lambda:InvokeFunction", Principal=APIGW,
    )
    assert await service.allows(await resolve(service, "fn"), APIGW, SOURCE)
    await lam.call("RemovePermission", FunctionName="fn", StatementId="s")
    assert not await service.allows(await resolve(service, "fn"), APIGW, SOURCE)


async def test_delete_and_reset_are_seen(lam: LambdaClient, service: LambdaService) -> None:
    await lam.create("fn")
    await resolve(service, "fn")
    await lam.call("DeleteFunction", FunctionName="fn")
    with pytest.raises(ResourceNotFoundException, match="Function not found"):
        await resolve(service, "fn")
    await lam.create("fn")
    await resolve(service, "fn")
    await lam.services.store.reset()
    with pytest.raises(ResourceNotFoundException):
        await resolve(service, "fn")


async def test_a_load_racing_a_change_is_not_kept(lam: LambdaClient, service: LambdaService) -> None:
    await lam.create("fn", returning("one"))
    generation = service.resolutions.generation
    stale = await service._read_plan("fn", None, REGION)
    await lam.call("UpdateFunctionConfiguration", FunctionName="fn", Timeout=8)
    service.resolutions.put(generation, ("fn", None, REGION), stale)  # what a slow load would do
    assert (await resolve(service, "fn")).spec.timeout_s == 8
