"""``AWS`` (custom) integrations with real functions: templates, selection on ``errorMessage``, Event.

Compared with AWS's recordings (test_apigateway_lambda.snapshot.json) where one exists.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from tests.integrations.lambda_world import World
from tests.integrations.lambda_world import world as world  # the fixture
from tests.support.recorded import recorded

LAMBDA = "test_apigateway_lambda"
ECHO = "def handler(event, context):\n    return event\n"
# Raises for the status codes the selection-pattern recording asks for, answers "Pass" otherwise.
SELECT = (
    "def handler(event, context):\n"
    "    code = event['statusCode']\n"
    "    if code in ('400', '500'):\n"
    "        raise Exception(f'Error: Raising {code} from within the Lambda function')\n"
    "    return 'Pass'\n"
)


async def custom_api(
    world: World, path: str, verb: str, source: str, name: str = "fn", **integration: Any
) -> None:
    arn = await world.function(name, source)
    if not world.api_id:
        await world.api()
    await world.method(path, verb, "AWS", arn, **integration)
    await world.permit(name)


async def test_passthrough_body_is_the_event(world: World) -> None:
    """Recorded: test_lambda_aws_integration (no template, the default 200 response)."""
    await custom_api(world, "/test", "POST", ECHO)
    await world.responses("/test", "POST", {"statusCode": "200"})
    await world.deploy("api")
    response = await world.call("POST", "/test", stage="api", body=json.dumps({"message": "hello world"}))
    assert response.status == 200
    assert response.json() == recorded(LAMBDA, "test_lambda_aws_integration", "lambda-aws-integration")


async def test_request_template_builds_the_event(world: World) -> None:
    """Recorded: test_lambda_aws_integration_with_request_template."""
    await custom_api(
        world,
        "/test",
        "GET",
        ECHO,
        requestTemplates={"application/json": '{"param1": "$input.params(\'param1\')"}'},
    )
    await world.responses("/test", "GET", {"statusCode": "200", "selectionPattern": ""})
    await world.deploy("api")
    rec = recorded(LAMBDA, "test_lambda_aws_integration_with_request_template")
    first = await world.call("GET", "/test", stage="api", query="param1=foobar")
    second = await world.call("GET", "/test", stage="api", query="param1=foobar&Signature=1")
    assert (first.json(), second.json()) == (rec["lambda-aws-integration-1"], rec["lambda-aws-integration-2"])


async def test_selection_patterns_match_the_error_message(world: World) -> None:
    """Recorded: test_lambda_selection_patterns (200 default, 405 ``.*400.*``, 502 ``.*5\\d\\d.*``)."""
    await custom_api(
        world,
        "/{statusCode}",
        "GET",
        SELECT,
        requestTemplates={"application/json": '{"statusCode": "$input.params(\'statusCode\')"}'},
    )
    await world.responses(
        "/{statusCode}",
        "GET",
        {"statusCode": "200"},
        {"statusCode": "405", "selectionPattern": ".*400.*"},
        {"statusCode": "502", "selectionPattern": ".*5\\d\\d.*"},
    )
    await world.deploy("dev")
    rec = recorded(LAMBDA, "test_lambda_selection_patterns")
    ok = await world.call("GET", "/200", stage="dev")
    assert (ok.status, ok.json()) == (200, rec["lambda-selection-pattern-200"])
    for code, status in (("400", 405), ("500", 502)):
        response = await world.call("GET", f"/{code}", stage="dev")
        body, expected = response.json(), rec[f"lambda-selection-pattern-{code}"]
        assert response.status == status
        # The function's own error object, passed through: AWS's members and types.
        assert sorted(body) == sorted(expected)
        assert (body["errorType"], body["errorMessage"]) == (
            "Exception",
            f"Error: Raising {code} from within the Lambda function",
        )
        assert re.fullmatch(r"[0-9a-f-]{36}", body["requestId"]) and isinstance(body["stackTrace"], list)


async def test_response_templates_shape_the_answer(world: World) -> None:
    """Recorded: test_lambda_aws_integration_response_with_mapping_templates (responseOverride)."""
    source = (
        "def handler(event, context):\n"
        "    if int(event['body']['httpStatus']) >= 400:\n"
        "        return {'statusCode': 200, 'body': 'customerror'}\n"
        "    return {'statusCode': 200, 'body': 'noerror'}\n"
    )
    request = '{"body": $input.json(\'$\'), "stage": "$context.stage"}'
    response = (
        "$input.json('$')\n"
        "#if($input.path('$.body') == 'customerror')\n"
        "#set($context.responseOverride.status = 400)\n"
        "#else\n"
        "#set($context.responseOverride.status = 202)\n"
        "#end\n"
    )
    await custom_api(world, "/test", "POST", source, requestTemplates={"application/json": request})
    await world.apigw.call(
        "PutMethodResponse",
        restApiId=world.api_id,
        resourceId=world.resources["/test"],
        httpMethod="POST",
        statusCode="400",
    )
    await world.responses(
        "/test",
        "POST",
        {"statusCode": "200", "selectionPattern": "", "responseTemplates": {"application/json": response}},
    )
    await world.deploy("api")
    rec = recorded(LAMBDA, "test_lambda_aws_integration_response_with_mapping_templates")
    for key, sent in (("response-template-202", "200"), ("response-template-400", "400")):
        answer = await world.call(
            "POST",
            "/test",
            stage="api",
            body=json.dumps({"httpStatus": sent}),
            headers={"Content-Type": "application/json"},
        )
        assert {"statusCode": answer.status, "body": answer.json()} == rec[key]


async def test_error_message_in_templates_and_the_default_for_errors(world: World) -> None:
    source = (
        "def handler(event, context):\n"
        "    if event.get('id') == 'missing':\n"
        "        raise KeyError('[NotFound] no such thing')\n"
        "    return {'id': event.get('id')}\n"
    )
    template = '{"message": $input.json(\'$.errorMessage\'), "type": "$input.path(\'$.errorType\')"}'
    await custom_api(
        world,
        "/things/{id}",
        "GET",
        source,
        requestTemplates={"application/json": '{"id": "$input.params(\'id\')"}'},
    )
    await world.responses(
        "/things/{id}",
        "GET",
        {"statusCode": "200"},
        {
            "statusCode": "404",
            "selectionPattern": ".*\\[NotFound\\].*",
            "responseTemplates": {"application/json": template},
        },
    )
    await world.deploy()
    found = await world.call("GET", "/things/7")
    assert (found.status, found.json()) == (200, {"id": "7"})
    missing = await world.call("GET", "/things/missing")
    assert (missing.status, missing.json()) == (
        404,
        {"message": "'[NotFound] no such thing'", "type": "KeyError"},
    )
    # Without a matching pattern, a function error comes back as 200 with the error object (AWS).
    await world.apigw.call(
        "DeleteIntegrationResponse",
        restApiId=world.api_id,
        resourceId=world.resources["/things/{id}"],
        httpMethod="GET",
        statusCode="404",
    )
    await world.deploy()
    surprise = await world.call("GET", "/things/missing")
    assert surprise.status == 200 and surprise.json()["errorType"] == "KeyError"


async def test_a_catch_all_pattern_also_catches_successes(world: World) -> None:
    """Patterns see the empty string for a success: ``.*`` matches it, ``.+`` does not (AWS docs)."""
    await custom_api(world, "/x", "GET", "def handler(event, context):\n    return 'fine'\n")
    await world.responses("/x", "GET", {"statusCode": "200"}, {"statusCode": "500", "selectionPattern": ".*"})
    await world.deploy()
    assert (await world.call("GET", "/x")).status == 500
    await world.responses("/x", "GET", {"statusCode": "500", "selectionPattern": ".+"})
    await world.deploy()
    assert (await world.call("GET", "/x")).status == 200


async def test_a_function_timeout_is_selected_by_its_message(world: World) -> None:
    await custom_api(world, "/slow", "GET", "import time\ndef handler(e, c):\n    time.sleep(3)\n")
    await world.lam.call("UpdateFunctionConfiguration", FunctionName="fn", Timeout=1)
    await world.responses(
        "/slow", "GET", {"statusCode": "200"}, {"statusCode": "504", "selectionPattern": ".*Task timed out.*"}
    )
    await world.deploy()
    response = await world.call("GET", "/slow")
    assert response.status == 504
    assert response.json()["errorMessage"].endswith("Task timed out after 1.00 seconds")


async def test_event_invocation_answers_at_once_and_runs(world: World, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = (
        "import time\n"
        "def handler(event, context):\n"
        "    time.sleep(0.3)\n"
        "    open(event['path'], 'w').write(context.aws_request_id)\n"
    )
    await custom_api(
        world,
        "/later",
        "POST",
        source,
        requestParameters={"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
        requestTemplates={"application/json": f'{{"path": "{marker}"}}'},
    )
    await world.responses("/later", "POST", {"statusCode": "200"})
    await world.deploy()
    response = await world.call("POST", "/later", body="{}")
    assert (response.status, response.body) == (200, b"")
    assert not marker.exists()  # answered before the function finished
    for _ in range(400):
        if marker.exists():
            break
        await asyncio.sleep(0.05)
    assert marker.read_text()


async def test_a_body_lambda_cannot_take_is_500(world: World) -> None:
    await custom_api(world, "/x", "POST", ECHO)
    await world.responses("/x", "POST", {"statusCode": "200"})
    await world.deploy()
    response = await world.call("POST", "/x", body="plain text", headers={"Content-Type": "text/plain"})
    assert (response.status, response.json()) == (500, {"message": "Internal server error"})
    empty = await world.call("POST", "/x")  # no body: Lambda's {} event
    assert (empty.status, empty.json()) == (200, {})
