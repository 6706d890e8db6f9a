"""Calling functions from integrations: permissions, credentials, Lambda's refusals, stage variables,
aliases, and the execution log TestInvokeMethod returns -- with real functions in process."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from tests.awslambda.control.conftest import zipped
from tests.integrations.lambda_world import ECHO_EVENT, World, event_of
from tests.integrations.lambda_world import world as world  # the fixture
from tests.support.client import ACCOUNT_ID, REGION

INTERNAL = {"message": "Internal server error"}
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-invokes-lambda"
VERSIONED = (
    "import os\ndef handler(event, context):\n    return {'statusCode': 200, 'body': os.environ['COLOUR']}\n"
)


def sequence(*draws: float) -> Callable[[], float]:
    values: Iterator[float] = iter(draws)
    return lambda: next(values)


def log_lines(result: dict[str, Any]) -> list[str]:
    """The execution log without its heading and timestamps."""
    return [line.split(" : ", 1)[1] for line in result["log"].splitlines()[1:]]


async def proxy(world: World, name: str = "fn", path: str = "/x", **integration: Any) -> str:
    arn = await world.function(name, ECHO_EVENT)
    if not world.api_id:
        await world.api()
    await world.method(path, "GET", "AWS_PROXY", arn, **integration)
    return arn


async def test_without_permission_the_client_gets_500(world: World) -> None:
    await proxy(world)
    await world.deploy()
    response = await world.call("GET", "/x")
    assert (response.status, response.json()) == (500, INTERNAL)
    assert response.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    result = await world.test_invoke("/x", "GET")
    assert result["status"] == 500
    lines = log_lines(result)
    endpoint = (
        f"https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:fn/invocations"
    )
    assert lines[-3:] == [
        f"Sending request to {endpoint}",
        "Execution failed due to configuration error: Invalid permissions on Lambda function",
        "Method completed with status: 500",
    ]


async def test_the_permission_must_cover_the_stage_and_method(world: World) -> None:
    await proxy(world)
    await world.deploy("prod")
    await world.deploy("dev")
    source = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{world.api_id}/prod/GET/x"
    await world.permit("fn", source_arn=source)
    assert (await world.call("GET", "/x", stage="prod")).status == 200
    assert (await world.call("GET", "/x", stage="dev")).status == 500
    await world.lam.call("RemovePermission", FunctionName="fn", StatementId="apigw")
    assert (await world.call("GET", "/x", stage="prod")).status == 500  # removal is seen at once
    await world.permit("fn", source_arn=f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{world.api_id}/*/GET/*")
    assert (await world.call("GET", "/x", stage="dev")).status == 200


async def test_credentials_replace_the_resource_policy(world: World) -> None:
    await proxy(world, credentials=ROLE)
    await world.deploy()
    assert (await world.call("GET", "/x")).status == 200


async def test_a_missing_function(world: World) -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:gone"
    await world.api()
    await world.method("/without", "GET", "AWS_PROXY", arn)
    await world.method("/with", "GET", "AWS_PROXY", arn, credentials=ROLE)
    await world.deploy()
    for path in ("/without", "/with"):
        response = await world.call("GET", path)
        assert (response.status, response.json()) == (500, INTERNAL), path
    with_role = log_lines(await world.test_invoke("/with", "GET"))
    assert with_role[-2].startswith("Lambda invocation failed with status: 404. Lambda request id: ")
    assert with_role[-2].endswith(f"ResourceNotFoundException: Function not found: {arn}")
    assert log_lines(await world.test_invoke("/without", "GET"))[-2].endswith(
        "Invalid permissions on Lambda function"
    )


async def test_lambda_throttling_is_a_500(world: World) -> None:
    """Lambda's 429 reaches API clients as 500 Internal server error (INTEGRATION_FAILURE)."""
    await proxy(world)
    await world.permit("fn")
    await world.lam.call("PutFunctionConcurrency", FunctionName="fn", ReservedConcurrentExecutions=0)
    await world.deploy()
    response = await world.call("GET", "/x")
    assert (response.status, response.json()) == (500, INTERNAL)
    lines = log_lines(await world.test_invoke("/x", "GET"))
    assert lines[-2].startswith("Lambda invocation failed with status: 429.")
    assert lines[-2].endswith("TooManyRequestsException: Rate Exceeded.")


async def aliased(world: World) -> None:
    """fn: version 1 answers "blue", version 2 "green"; aliases blue -> 1, green -> 2."""
    await world.function("fn", VERSIONED, Environment={"Variables": {"COLOUR": "blue"}}, Publish=True)
    await world.lam.call(
        "UpdateFunctionConfiguration", FunctionName="fn", Environment={"Variables": {"COLOUR": "green"}}
    )
    await world.lam.call("PublishVersion", FunctionName="fn")
    for alias, version in (("blue", "1"), ("green", "2")):
        await world.lam.call("CreateAlias", FunctionName="fn", Name=alias, FunctionVersion=version)


async def test_a_stage_variable_selects_the_alias(world: World) -> None:
    await aliased(world)
    await world.api()
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:fn:${{stageVariables.alias}}"
    await world.method("/colour", "GET", "AWS_PROXY", arn)
    await world.deploy("a", variables={"alias": "blue"})
    await world.deploy("b", variables={"alias": "green"})
    await world.permit("fn:blue")
    assert (await world.call("GET", "/colour", stage="a")).body == b"blue"
    assert (await world.call("GET", "/colour", stage="b")).status == 500  # green has no permission yet
    await world.permit("fn:green")
    assert (await world.call("GET", "/colour", stage="b")).body == b"green"
    await world.apigw.call(
        "UpdateStage",
        restApiId=world.api_id,
        stageName="a",
        patchOperations=[{"op": "replace", "path": "/variables/alias", "value": "green"}],
    )
    assert (await world.call("GET", "/colour", stage="a")).body == b"green"  # live, no redeployment


async def test_a_weighted_alias_splits_through_the_stage_variable(world: World) -> None:
    await aliased(world)
    await world.lam.call(
        "UpdateAlias", FunctionName="fn", Name="blue", RoutingConfig={"AdditionalVersionWeights": {"2": 0.05}}
    )
    world.services.lambdas._random = sequence(0.01, 0.5, 0.049, 0.05, 0.99)
    await world.api()
    await world.method(
        "/colour",
        "GET",
        "AWS_PROXY",
        f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:fn:${{stageVariables.alias}}",
    )
    await world.deploy("live", variables={"alias": "blue"})
    await world.permit("fn:blue")
    seen = [(await world.call("GET", "/colour", stage="live")).body for _ in range(5)]
    assert seen == [b"green", b"blue", b"green", b"blue", b"blue"]


async def test_code_updates_are_seen_without_redeploying(world: World) -> None:
    await proxy(world)
    await world.permit("fn")
    await world.deploy()
    assert event_of(await world.call("GET", "/x"))["resource"] == "/x"
    await world.lam.call(
        "UpdateFunctionCode",
        FunctionName="fn",
        ZipFile=zipped({"app.py": "def handler(e, c):\n    return {'statusCode': 200, 'body': 'v2'}\n"}),
    )
    assert (await world.call("GET", "/x")).body == b"v2"


async def test_test_invoke_logs_a_proxy_call_as_aws(world: World) -> None:
    await proxy(world)
    await world.permit("fn")
    result = await world.test_invoke("/x", "GET", headers={"X-Test": "1"})
    assert result["status"] == 200
    assert event_of_test(result)["headers"] == {"X-Test": "1"}
    lines = log_lines(result)
    prefixes = [
        "Starting execution for request: ",
        "HTTP Method: GET, Resource Path: /x",
        "Method request path: {}",
        "Method request query string: {}",
        "Method request headers: {X-Test=1}",
        "Method request body before transformations: ",
        f"Endpoint request URI: https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/",
        "Endpoint request headers: {x-amzn-lambda-integration-tag=",
        'Endpoint request body after transformations: {"resource":"/x",',
        f"Sending request to https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/",
        "Received response. Status: 200, Integration latency: ",
        "Endpoint response headers: {Date=",
        'Endpoint response body before transformations: {"statusCode": 200',
        "Method response body after transformations: ",
        "Method response headers: {",
        "Successfully completed execution",
        "Method completed with status: 200",
    ]
    assert len(lines) == len(prefixes), lines
    for line, prefix in zip(lines, prefixes, strict=True):
        assert line.startswith(prefix), (line, prefix)
    assert (
        f"X-Amz-Source-Arn=arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{world.api_id}/test-invoke-stage/GET/x"
        in lines[7]
    )


def event_of_test(result: dict[str, Any]) -> dict[str, Any]:
    return json.loads(result["body"])  # type: ignore[no-any-return]


async def test_test_invoke_logs_a_function_error(world: World) -> None:
    arn = await world.function("fn", "def handler(e, c):\n    raise RuntimeError('bad input')\n")
    await world.api()
    await world.method("/x", "GET", "AWS_PROXY", arn)
    await world.permit("fn")
    result = await world.test_invoke("/x", "GET")
    assert (result["status"], result["body"]) == (502, '{"message": "Internal server error"}')
    lines = log_lines(result)
    assert "X-Amz-Function-Error=Unhandled" in lines[-4]
    assert lines[-2].startswith(
        "Lambda execution failed with status 200 due to customer function error: bad input. "
        "Lambda request id: "
    )
    assert lines[-1] == "Method completed with status: 502"


async def test_test_invoke_with_a_custom_integration(world: World) -> None:
    arn = await world.function("fn", "def handler(event, context):\n    return {'got': event}\n")
    await world.api()
    await world.method(
        "/x", "POST", "AWS", arn, requestTemplates={"application/json": "{\"n\": $input.json('$.n')}"}
    )
    await world.responses("/x", "POST", {"statusCode": "200"})
    await world.permit("fn")
    result = await world.test_invoke("/x", "POST", body='{"n": 3}')
    assert (result["status"], result["body"]) == (200, '{"got": {"n": 3}}')
    lines = log_lines(result)
    assert 'Endpoint request body after transformations: {"n": 3}' in lines
    assert "Received response. Status: 200, Integration latency: " in "\n".join(lines)
    assert lines[-2:] == ["Successfully completed execution", "Method completed with status: 200"]
