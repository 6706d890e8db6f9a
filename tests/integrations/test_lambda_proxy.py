"""``AWS_PROXY`` through real functions: a deployed stage of an in-process gateway, real workers.

Every answer is compared with what AWS was recorded answering (test_apigateway_lambda.snapshot.json)
where a recording exists.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.integrations.lambda_world import ECHO_EVENT, FROM_BODY, World, event_of, invocation_uri
from tests.integrations.lambda_world import world as world  # the fixture
from tests.support.proxy_events import CLIENT_HEADERS, assert_front_end_headers, comparable, recorded_event
from tests.support.recorded import assert_matches, recorded

INTERNAL = {"message": "Internal server error"}
FORMAT_TEST = "test_aws_proxy_response_payload_format_validation"


async def proxy_api(world: World, source: str, name: str = "fn", **function: Any) -> str:
    arn = await world.function(name, source, **function)
    await world.api()
    await world.method("/{proxy+}", "ANY", "AWS_PROXY", arn)
    await world.permit(name)
    await world.deploy("stage")
    return arn


async def test_the_function_receives_the_recorded_event(world: World) -> None:
    await proxy_api(world, ECHO_EVENT)
    headers = CLIENT_HEADERS
    response = await world.call("GET", "/proxy-value", stage="stage", headers=headers, query="urlparam=test")
    event = event_of(response)
    assert_front_end_headers(event, source_ip="127.0.0.1", port="4566")
    expected = recorded_event("invocation-payload-without-trailing-slash-and-query-params")
    assert_matches(comparable(event), expected)


async def test_recorded_response_formats(world: World) -> None:
    """The recorded test's function returns the JSON the client posts; each answer as AWS gave it."""
    await proxy_api(world, FROM_BODY)
    cases = [
        ("invoke-api-no-body", {"statusCode": 200}, 200),
        (
            "invoke-api-with-headers",
            {"statusCode": 200, "headers": {"test-header": "value", "header-bool": True}},
            200,
        ),
        ("invoke-api-with-headers-null", {"statusCode": 200, "headers": None}, 200),
        ("invoke-api-wrong-format", {"statusCode": 200, "wrongValue": "value"}, 502),
        (
            "invoke-api-multi-headers-valid",
            {"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}},
            200,
        ),
        (
            "invoke-api-multi-headers-overwrite",
            {
                "statusCode": 200,
                "multiValueHeaders": {"test-multi": ["value-multi"]},
                "headers": {"test-multi": "value-solo"},
            },
            200,
        ),
        (
            "invoke-api-multi-headers-invalid",
            {"statusCode": 200, "multiValueHeaders": {"test-multi-invalid": "value1"}},
            502,
        ),
        ("invoke-api-invalid-status-code", {"statusCode": "test"}, 502),
        ("invoke-api-status-code-str", {"statusCode": "201"}, 201),
        ("invoke-api-just-string", "justAString", 502),
        ("invoke-api-only-headers", {"headers": {"test-header": "value"}}, 200),
    ]
    for key, answer, status in cases:
        response = await world.call("POST", "/test", stage="stage", body=json.dumps(answer))
        assert response.status == status, (key, response.body)
        expected = recorded("test_apigateway_lambda", FORMAT_TEST, key)
        content = response.json() if response.body.startswith(b"{") else response.body.decode()
        assert content == expected["content"], key
        for name, value in (expected.get("headers") or {}).items():
            if name.lower() in ("test-header", "header-bool", "test-multi", "content-type", "content-length"):
                assert ", ".join(
                    v.decode() for k, v in response.raw_headers if k.decode().lower() == name.lower()
                ) == (value), (key, name)
        if status < 300:  # gateway errors carry no trace id
            assert response.headers.get("X-Amzn-Trace-Id", "").startswith("Root=1-"), key
    # An empty POST body: the function's json.loads(None) raises, a function error: 502.
    failed = await world.call("POST", "/test", stage="stage")
    assert (failed.status, failed.json()) == (
        502,
        recorded("test_apigateway_lambda", FORMAT_TEST, "invoke-api-empty-response")["content"],
    )
    assert failed.headers["x-amzn-ErrorType"] == "InternalServerErrorException"


async def test_base64_answers(world: World) -> None:
    arn = await world.function("fn", FROM_BODY)
    await world.api(binaryMediaTypes=["image/png"])
    await world.method("/{proxy+}", "ANY", "AWS_PROXY", arn)
    await world.permit("fn")
    await world.deploy()
    encoded = {"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": True}
    as_text = await world.call("POST", "/x", body=json.dumps(encoded))
    assert as_text.body == b"dGVzdC1kYXRh"  # recorded: returned as sent when Accept is not binary
    as_bytes = await world.call("POST", "/x", body=json.dumps(encoded), headers={"Accept": "image/png"})
    assert as_bytes.body == b"test-data"
    # A binary request body reaches the function base64-encoded (and comes back decoded here).
    png = b"\x89PNG\r\n\x1a\n"
    echo = await world.call(
        "POST", "/x", body=png, headers={"Content-Type": "image/png", "Accept": "image/png"}
    )
    assert echo.status == 502  # FROM_BODY's json.loads of PNG bytes fails: a function error


async def test_function_errors_crashes_and_timeouts_are_502(world: World) -> None:
    source = (
        "import os, time\n"
        "def handler(event, context):\n"
        "    what = event['pathParameters']['proxy']\n"
        "    if what == 'raise':\n"
        "        raise ValueError('boom')\n"
        "    if what == 'crash':\n"
        "        os._exit(3)\n"
        "    if what == 'sleep':\n"
        "        time.sleep(5)\n"
        "    return {'statusCode': 200, 'body': 'ok'}\n"
    )
    await proxy_api(world, source, Timeout=1)
    for what in ("raise", "crash", "sleep"):
        response = await world.call("GET", f"/{what}", stage="stage")
        assert (response.status, response.json()) == (502, INTERNAL), what
    assert (await world.call("GET", "/fine", stage="stage")).body == b"ok"  # a new environment serves on


async def test_integration_timeout_is_504_and_the_function_runs_on(world: World, tmp_path: Any) -> None:
    marker = tmp_path / "done"
    source = (
        "import time\n"
        "def handler(event, context):\n"
        "    time.sleep(1)\n"
        f"    open({str(marker)!r}, 'w').write('x')\n"
        "    return {'statusCode': 200, 'body': 'late'}\n"
    )
    arn = await world.function("slow", source, Timeout=10)
    await world.api()
    await world.method("/slow", "GET", "AWS_PROXY", arn, timeoutInMillis=200)
    await world.permit("slow")
    await world.deploy()
    response = await world.call("GET", "/slow")
    assert (response.status, response.json()) == (504, {"message": "Endpoint request timed out"})
    for _ in range(400):  # AWS does not stop the function when the gateway gives up on it
        if marker.exists():
            break
        await asyncio.sleep(0.05)
    assert marker.exists()


async def test_a_non_post_integration_method_is_500(world: World) -> None:
    """Recorded (test_lambda_aws_proxy_integration_non_post_method). (The recording also customised
    the INTEGRATION_FAILURE response without a status code; PutGatewayResponse is not served yet.)"""
    arn = await world.function("fn", ECHO_EVENT)
    await world.api()
    await world.method("/{proxy+}", "ANY", "AWS_PROXY", arn, integrationHttpMethod="GET")
    await world.permit("fn")
    await world.deploy()
    response = await world.call("GET", "/test-path")
    expected = recorded("test_apigateway_lambda", "test_lambda_aws_proxy_integration_non_post_method")
    assert (response.status, response.json()) == (500, expected["invocation-payload-with-get-proxy-method"])


async def test_request_parameters_do_not_reach_the_event(world: World) -> None:
    """Recorded (test_lambda_aws_proxy_integration_request_data_mapping): AWS_PROXY ignores mappings."""
    arn = await world.function("fn", ECHO_EVENT)
    await world.api()
    mappings = {
        "integration.request.header.headerVar": "method.request.header.foobar",
        "integration.request.querystring.testQs": "method.request.querystring.testQueryString",
    }
    resource_id = await world.resource("/{pathVariable}")
    ids = {"restApiId": world.api_id, "resourceId": resource_id, "httpMethod": "ANY"}
    await world.apigw.call(
        "PutMethod", **ids, authorizationType="NONE", requestParameters={v: True for v in mappings.values()}
    )
    await world.apigw.call(
        "PutIntegration",
        **ids,
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=invocation_uri(arn),
        requestParameters=mappings,
    )
    await world.permit("fn")
    await world.deploy()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",
        "foobar": "mapped-value",
        "user-Agent": "test/integration",
        "headerVar": "request-value",
    }
    response = await world.call(
        "POST",
        "/foobar",
        body=json.dumps({"message": "hello world"}),
        headers=headers,
        query="testQueryString=foo&testVar=bar",
    )
    event = event_of(response)
    expected = recorded_event(
        "http-proxy-invocation-data-mapping", "test_lambda_aws_proxy_integration_request_data_mapping"
    )
    assert json.loads(event.pop("body")) == expected.pop("body")
    ours = comparable(event, respell={"Headervar": "headerVar", "Foobar": "foobar"})
    assert_matches(ours, expected)
