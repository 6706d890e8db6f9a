"""API Gateway methods backed by the gateway's own Lambda functions, end to end: the real server,
functions created with boto3 from zips built here, APIs wired with boto3 (and once with the AWS CLI),
requests over HTTP."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import Gateway, http_request
from tests.e2e.test_lambda import ACCOUNT, create, lambda_client, zipped
from tests.support.proxy_events import CLIENT_HEADERS, assert_front_end_headers, comparable, recorded_event
from tests.support.recorded import assert_matches

REGION = "us-east-1"
INTERNAL = {"message": "Internal server error"}
ECHO = (
    "import json\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n"
)
BEHAVE = """
import json, os, time
def handler(event, context):
    what = (event.get('pathParameters') or {}).get('proxy', '')
    if what == 'malformed':
        return {'statusCode': 200, 'unexpected': True}
    if what == 'raise':
        raise RuntimeError('it broke')
    if what == 'crash':
        os._exit(1)
    if what == 'sleep':
        time.sleep(3)
    return {'statusCode': 201, 'headers': {'X-Seen': what}, 'body': json.dumps({'seen': what})}
"""


def arn(name: str, qualifier: str = "") -> str:
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def permit(lam: Any, name: str, api_id: str, sid: str = "apigateway") -> None:
    lam.add_permission(
        FunctionName=name,
        StatementId=sid,
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/*",
    )


@pytest.fixture
def lam(gateway: Gateway) -> Any:
    return lambda_client(gateway, pool=16)


def proxy_api(apigw: Any, lam: Any, source: str, name: str = "fn", **function: Any) -> Api:
    create(lam, name, source, **function)
    api = create_api(apigw, "lambda-e2e")
    api.function("/{proxy+}", "ANY", type="AWS_PROXY", function_arn=arn(name))
    permit(lam, name, api.id)
    api.deploy("stage")
    return api


def test_the_function_sees_the_proxy_event_aws_sends(gateway: Gateway, apigw: Any, lam: Any) -> None:
    api = proxy_api(apigw, lam, ECHO)
    headers = CLIENT_HEADERS
    for form in ("host", "path"):
        resp = invoke(gateway, api.id, "stage", "proxy-value?urlparam=test", form=form, headers=headers)
        assert resp.status == 200, resp
        event = json.loads(resp.body)
        assert_front_end_headers(event, source_ip="127.0.0.1", port=str(gateway.port))
        expected = recorded_event("invocation-payload-without-trailing-slash-and-query-params")
        if form == "path":  # the path form's Host is the gateway's own address, not the API's name
            event["requestContext"]["domainPrefix"] = event["requestContext"]["apiId"]
        assert_matches(comparable(event), expected)


def test_malformed_answers_errors_crashes_and_function_timeouts_are_502(
    gateway: Gateway, apigw: Any, lam: Any
) -> None:
    api = proxy_api(apigw, lam, BEHAVE, Timeout=1)
    fine = invoke(gateway, api.id, "stage", "fine")
    assert (fine.status, fine.header("X-Seen"), fine.json()) == (201, "fine", {"seen": "fine"})
    for what in ("malformed", "raise", "crash", "sleep"):
        resp = invoke(gateway, api.id, "stage", what)
        assert (resp.status, resp.json()) == (502, INTERNAL), (what, resp)
        assert resp.header("x-amzn-ErrorType") == "InternalServerErrorException"
    assert invoke(gateway, api.id, "stage", "again").status == 201  # a fresh environment took over


def test_integration_timeout_is_504(gateway: Gateway, apigw: Any, lam: Any) -> None:
    create(lam, "slow", BEHAVE, Timeout=10)
    api = create_api(apigw, "timeout-e2e")
    api.function("/{proxy+}", "GET", type="AWS_PROXY", function_arn=arn("slow"), timeoutInMillis=500)
    permit(lam, "slow", api.id)
    api.deploy("stage")
    started = time.monotonic()
    resp = invoke(gateway, api.id, "stage", "sleep")
    assert (resp.status, resp.json()) == (504, {"message": "Endpoint request timed out"})
    assert time.monotonic() - started < 2.5


def test_missing_permission_is_500(gateway: Gateway, apigw: Any, lam: Any) -> None:
    create(lam, "guarded", ECHO)
    api = create_api(apigw, "guarded-e2e")
    api.function("/x", "GET", type="AWS_PROXY", function_arn=arn("guarded"))
    api.deploy("stage")
    assert invoke(gateway, api.id, "stage", "x").json() == INTERNAL
    lam.add_permission(
        FunctionName="guarded",
        StatementId="other-method",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api.id}/*/POST/x",
    )
    assert invoke(gateway, api.id, "stage", "x").status == 500
    permit(lam, "guarded", api.id)
    assert invoke(gateway, api.id, "stage", "x").status == 200


def test_custom_integration_selects_by_error_message(gateway: Gateway, apigw: Any, lam: Any) -> None:
    source = """
def handler(event, context):
    if event['name'] == 'nobody':
        raise LookupError('[NotFound] no user ' + event['name'])
    if event['name'] == 'bad':
        raise ValueError('Invalid name')
    return {'greeting': 'hello ' + event['name']}
"""
    create(lam, "users", source)
    api = create_api(apigw, "custom-e2e")
    error_template = {"application/json": '{"error": "$input.path(\'$.errorMessage\')"}'}
    api.function(
        "/users/{name}",
        "GET",
        type="AWS",
        function_arn=arn("users"),
        requestTemplates={"application/json": '{"name": "$input.params(\'name\')"}'},
        responses=[
            {
                "statusCode": "200",
                "responseTemplates": {"application/json": '{"message": "$input.path(\'$.greeting\')"}'},
            },
            {
                "statusCode": "404",
                "selectionPattern": ".*\\[NotFound\\].*",
                "responseTemplates": error_template,
            },
            {"statusCode": "400", "selectionPattern": "Invalid.*", "responseTemplates": error_template},
        ],
    )
    permit(lam, "users", api.id)
    api.deploy("stage")
    ok = invoke(gateway, api.id, "stage", "users/ana")
    assert (ok.status, ok.json()) == (200, {"message": "hello ana"})
    missing = invoke(gateway, api.id, "stage", "users/nobody")
    assert (missing.status, missing.json()) == (404, {"error": "[NotFound] no user nobody"})
    bad = invoke(gateway, api.id, "stage", "users/bad")
    assert (bad.status, bad.json()) == (400, {"error": "Invalid name"})


def versions(lam: Any) -> None:
    """fn: version 1 answers "one", version 2 "two"; alias live -> 1, +5% to 2; alias beta -> 2."""
    answer = "def handler(event, context):\n    return {{'statusCode': 200, 'body': '{}'}}\n"
    create(lam, "fn", answer.format("one"), Publish=True)
    lam.update_function_code(FunctionName="fn", ZipFile=zipped(answer.format("two")))
    lam.publish_version(FunctionName="fn")
    lam.create_alias(
        FunctionName="fn",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.05}},
    )
    lam.create_alias(FunctionName="fn", Name="beta", FunctionVersion="2")


def test_stage_variables_select_aliases_and_weights_split(gateway: Gateway, apigw: Any, lam: Any) -> None:
    versions(lam)
    api = create_api(apigw, "alias-e2e")
    api.function("/v", "GET", type="AWS_PROXY", function_arn=arn("fn", "${stageVariables.alias}"))
    api.deploy("prod", variables={"alias": "live"})
    api.deploy("beta", variables={"alias": "beta"})
    for alias in ("live", "beta"):
        permit(lam, f"fn:{alias}", api.id, sid=f"apigateway-{alias}")
    assert invoke(gateway, api.id, "beta", "v").text == "two"

    def one(_: int) -> str:
        return invoke(gateway, api.id, "prod", "v").text

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(400)))
    # Binomial(400, 0.05): mean 20, standard deviation 4.4; the bounds lie over 3.5 deviations out.
    assert set(answers) <= {"one", "two"}
    assert 5 <= answers.count("two") <= 36, answers.count("two")


def test_concurrency_over_the_limit_is_500(gateway: Gateway, apigw: Any, lam: Any) -> None:
    source = (
        "import time\ndef handler(event, context):\n    time.sleep(1.5)\n    return {'statusCode': 200}\n"
    )
    create(lam, "narrow", source)
    lam.put_function_concurrency(FunctionName="narrow", ReservedConcurrentExecutions=2)
    api = create_api(apigw, "narrow-e2e")
    api.function("/n", "GET", type="AWS_PROXY", function_arn=arn("narrow"))
    permit(lam, "narrow", api.id)
    api.deploy("stage")

    def one(_: int) -> int:
        return invoke(gateway, api.id, "stage", "n").status

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(one, range(6)))
    assert statuses == [200, 200, 500, 500, 500, 500]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js (`node`) is not on PATH")
def test_a_nodejs_function_behind_a_proxy_method(gateway: Gateway, apigw: Any, lam: Any) -> None:
    source = (
        "exports.handler = async (event) => ({\n"
        "  statusCode: 200,\n"
        "  headers: {'Content-Type': 'text/plain'},\n"
        "  body: `node saw ${event.httpMethod} ${event.path} ${event.queryStringParameters.q}`,\n"
        "});\n"
    )
    lam.create_function(
        FunctionName="nodefn",
        Runtime="nodejs20.x",
        Role=f"arn:aws:iam::{ACCOUNT}:role/r",
        Handler="index.handler",
        Code={"ZipFile": zipped(source, "index.js")},
    )
    api = create_api(apigw, "node-e2e")
    api.function("/{proxy+}", "ANY", type="AWS_PROXY", function_arn=arn("nodefn"))
    permit(lam, "nodefn", api.id)
    api.deploy("stage")
    resp = invoke(gateway, api.id, "stage", "hello/node?q=42", method="PUT", body="x")
    assert (resp.status, resp.header("Content-Type"), resp.text) == (
        200,
        "text/plain",
        "node saw PUT /hello/node 42",
    )


def test_wiring_with_the_aws_cli(
    gateway: Gateway, aws_cli: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    """The README's example, command for command."""
    package = tmp_path / "function.zip"
    package.write_bytes(
        zipped("def handler(event, context):\n    return {'statusCode': 200, 'body': 'hi from lambda'}\n")
    )
    function_arn = aws_cli(
        "lambda",
        "create-function",
        "--function-name",
        "hello",
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
        "--role",
        f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
        "--zip-file",
        f"fileb://{package}",
    )["FunctionArn"]
    api = aws_cli("apigateway", "create-rest-api", "--name", "hello-api")
    resource = aws_cli(
        "apigateway",
        "create-resource",
        "--rest-api-id",
        api["id"],
        "--parent-id",
        api["rootResourceId"],
        "--path-part",
        "hello",
    )
    ids = ["--rest-api-id", api["id"], "--resource-id", resource["id"], "--http-method", "GET"]
    aws_cli("apigateway", "put-method", *ids, "--authorization-type", "NONE")
    aws_cli(
        "apigateway",
        "put-integration",
        *ids,
        "--type",
        "AWS_PROXY",
        "--integration-http-method",
        "POST",
        "--uri",
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
    )
    aws_cli(
        "lambda",
        "add-permission",
        "--function-name",
        "hello",
        "--statement-id",
        "apigateway",
        "--action",
        "lambda:InvokeFunction",
        "--principal",
        "apigateway.amazonaws.com",
        "--source-arn",
        f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api['id']}/*/GET/hello",
    )
    aws_cli("apigateway", "create-deployment", "--rest-api-id", api["id"], "--stage-name", "prod")
    resp = http_request("GET", f"{gateway.url}/restapis/{api['id']}/prod/_user_request_/hello")
    assert (resp.status, resp.text) == (200, "hi from lambda")
