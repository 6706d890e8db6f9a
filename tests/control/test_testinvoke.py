"""TestInvokeMethod through the real protocol and the real data plane (no deployment involved).

AWS's answer shape is recorded in aws-recorded (test_apigateway_api ``TestApigatewayTestInvoke``):
``status``, ``body`` (a string), ``headers``, ``multiValueHeaders``, ``log``, ``latency``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest

from tests.control.wire_client import ACCOUNT_ID, ApiError, WireClient


@pytest.fixture
async def client() -> AsyncIterator[WireClient]:
    c = WireClient()
    try:
        yield c
    finally:
        await c.close()


async def _error(coro: object) -> ApiError:
    with pytest.raises(ApiError) as info:
        await coro  # type: ignore[misc]
    return info.value


async def test_invoke_runs_the_current_undeployed_api(client: WireClient) -> None:
    ids = await client.mock_api('{"pets": "all the pets"}', path_part="pets")
    result = await client.call(
        "TestInvokeMethod",
        restApiId=ids["apiId"],
        resourceId=ids["resourceId"],
        httpMethod="GET",
        pathWithQueryString="/pets",
    )
    assert result["status"] == 200
    assert orjson.loads(result["body"]) == {"pets": "all the pets"}
    assert result["headers"]["Content-Type"] == "application/json"
    assert result["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert result["log"].startswith("Execution log for request ")
    assert "Method completed with status: 200" in result["log"]
    assert isinstance(result["latency"], int)

    # A deployment does not change what TestInvokeMethod runs: the API as it is now.
    await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev")
    await client.set_response(ids, '{"pets": "changed"}')
    result = await client.call(
        "TestInvokeMethod", restApiId=ids["apiId"], resourceId=ids["resourceId"], httpMethod="GET"
    )
    assert orjson.loads(result["body"]) == {"pets": "changed"}
    deployed = await client.invoke(ids["apiId"], "dev", "/pets")
    assert orjson.loads(deployed.body) == {"pets": "all the pets"}


async def test_invoke_passes_path_query_and_stage_variables(client: WireClient) -> None:
    api = await client.call("CreateRestApi", name="pets")
    pets = await client.call(
        "CreateResource", restApiId=api["id"], parentId=api["rootResourceId"], pathPart="pets"
    )
    pet = await client.call("CreateResource", restApiId=api["id"], parentId=pets["id"], pathPart="{petId}")
    ids = {"apiId": api["id"], "resourceId": pet["id"], "rootId": api["rootResourceId"]}
    await client.call(
        "PutMethod", restApiId=api["id"], resourceId=pet["id"], httpMethod="GET", authorizationType="NONE"
    )
    await client.call(
        "PutMethodResponse", restApiId=api["id"], resourceId=pet["id"], httpMethod="GET", statusCode="200"
    )
    await client.call(
        "PutIntegration",
        restApiId=api["id"],
        resourceId=pet["id"],
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    await client.set_response(
        ids,
        '{"petId": "$input.params(\'petId\')", "q": "$input.params(\'q\')", "v": "$stageVariables.color"}',
    )
    result = await client.call(
        "TestInvokeMethod",
        restApiId=api["id"],
        resourceId=pet["id"],
        httpMethod="get",
        pathWithQueryString="/pets/123?q=fluffy",
        stageVariables={"color": "blue"},
    )
    assert result["status"] == 200
    assert orjson.loads(result["body"]) == {"petId": "123", "q": "fluffy", "v": "blue"}


async def test_invoke_errors(client: WireClient) -> None:
    ids = await client.mock_api()
    err = await _error(
        client.call("TestInvokeMethod", restApiId=ids["apiId"], resourceId="nope00", httpMethod="GET")
    )
    assert (err.status, err.code, err.message) == (
        404,
        "NotFoundException",
        "Invalid Resource identifier specified",
    )
    err = await _error(
        client.call(
            "TestInvokeMethod", restApiId=ids["apiId"], resourceId=ids["resourceId"], httpMethod="POST"
        )
    )
    assert (err.status, err.message) == (404, "Invalid Method identifier specified")
    err = await _error(
        client.call(
            "TestInvokeMethod", restApiId="nope123456", resourceId=ids["resourceId"], httpMethod="GET"
        )
    )
    assert (err.status, err.message) == (404, f"Invalid API identifier specified {ACCOUNT_ID}:nope123456")
