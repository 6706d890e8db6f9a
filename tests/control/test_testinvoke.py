"""TestInvokeMethod through the real protocol and the real data plane (no deployment involved).

AWS's answer shape is recorded in aws-recorded (test_apigateway_api ``TestApigatewayTestInvoke``):
``status``, ``body`` (a string), ``headers``, ``multiValueHeaders``, ``log``, ``latency``.
"""

from __future__ import annotations

import orjson

from tests.control.conftest import mock_api, set_response
from tests.support.client import ACCOUNT_ID, GatewayClient, error_of


async def test_invoke_runs_the_current_undeployed_api(client: GatewayClient) -> None:
    ids = await mock_api(client, '{"pets": "all the pets"}', path_part="pets")
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
    await set_response(client, ids, '{"pets": "changed"}')
    result = await client.call(
        "TestInvokeMethod", restApiId=ids["apiId"], resourceId=ids["resourceId"], httpMethod="GET"
    )
    assert orjson.loads(result["body"]) == {"pets": "changed"}
    deployed = await client.invoke(ids["apiId"], "dev", "/pets")
    assert orjson.loads(deployed.body) == {"pets": "all the pets"}


async def test_invoke_passes_path_query_and_stage_variables(client: GatewayClient) -> None:
    template = (
        '{"petId": "$input.params(\'petId\')", "q": "$input.params(\'q\')", "v": "$stageVariables.color"}'
    )
    ids = await mock_api(client, template, path_part="pets/{petId}")
    result = await client.call(
        "TestInvokeMethod",
        restApiId=ids["apiId"],
        resourceId=ids["resourceId"],
        httpMethod="get",
        pathWithQueryString="/pets/123?q=fluffy",
        stageVariables={"color": "blue"},
    )
    assert result["status"] == 200
    assert orjson.loads(result["body"]) == {"petId": "123", "q": "fluffy", "v": "blue"}


async def test_invoke_errors(client: GatewayClient) -> None:
    ids = await mock_api(client)
    err = await error_of(
        client.call("TestInvokeMethod", restApiId=ids["apiId"], resourceId="nope00", httpMethod="GET")
    )
    assert (err.status, err.code, err.message) == (
        404,
        "NotFoundException",
        "Invalid Resource identifier specified",
    )
    err = await error_of(
        client.call(
            "TestInvokeMethod", restApiId=ids["apiId"], resourceId=ids["resourceId"], httpMethod="POST"
        )
    )
    assert (err.status, err.message) == (404, "Invalid Method identifier specified")
    err = await error_of(
        client.call(
            "TestInvokeMethod", restApiId="nope123456", resourceId=ids["resourceId"], httpMethod="GET"
        )
    )
    assert (err.status, err.message) == (404, f"Invalid API identifier specified {ACCOUNT_ID}:nope123456")
