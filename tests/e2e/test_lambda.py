"""The embedded Lambda service end to end: the real gateway process, real boto3 and the real AWS CLI,
functions running in real worker processes."""

from __future__ import annotations

import base64
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.harness import Gateway, start_gateway

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
HELLO = "def handler(event, context):\n    return {'hello': event.get('name', 'world')}\n"
SLOW = "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 'done'\n"


def zipped(source: str, name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def returning(value: str) -> str:
    return f"def handler(event, context):\n    return {value!r}\n"


def lambda_client(gateway: Gateway, pool: int = 10) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=gateway.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60, max_pool_connections=pool),
    )


@pytest.fixture
def lam(gateway: Gateway) -> Any:
    return lambda_client(gateway)


def create(client: Any, name: str, source: str = HELLO, **params: Any) -> dict[str, Any]:
    defaults = {"Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler", "Timeout": 10}
    code = {"ZipFile": zipped(source)}
    return client.create_function(FunctionName=name, Code=code, **(defaults | params))  # type: ignore[no-any-return]


def invoke(client: Any, name: str, payload: Any = None, **params: Any) -> tuple[dict[str, Any], Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode(), **params)
    body = response["Payload"].read()
    return response, (json.loads(body) if body else None)


def error_of(call: Callable[..., Any], **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return excinfo.value.response  # type: ignore[return-value]


def test_function_lifecycle_with_boto3(lam: Any) -> None:
    created = create(lam, "hello", Environment={"Variables": {"STAGE": "e2e"}})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert (created["State"], created["Version"], created["Timeout"]) == ("Active", "$LATEST", 10)
    got = lam.get_function(FunctionName="hello")
    assert got["Configuration"]["CodeSha256"] == created["CodeSha256"]
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["hello"]

    response, result = invoke(lam, "hello", {"name": "apigate"}, LogType="Tail")
    assert (response["StatusCode"], response["ExecutedVersion"], result) == (
        200,
        "$LATEST",
        {"hello": "apigate"},
    )
    assert (
        "REPORT RequestId: " + response["ResponseMetadata"]["RequestId"]
        in base64.b64decode(response["LogResult"]).decode()
    )

    lam.update_function_code(FunctionName="hello", ZipFile=zipped(returning("updated")))
    assert invoke(lam, "hello")[1] == "updated"
    lam.update_function_configuration(FunctionName="hello", Handler="app.other", Timeout=5)
    response, result = invoke(lam, "hello")
    assert response["FunctionError"] == "Unhandled"
    assert result["errorType"] == "Runtime.HandlerNotFound"

    lam.delete_function(FunctionName="hello")
    error = error_of(lam.get_function, FunctionName="hello")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:hello",
    }
    assert error["Type"] == "User"
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.invoke(FunctionName="hello")


def test_bad_input_is_refused_and_changes_nothing(lam: Any) -> None:
    error = error_of(create, client=lam, name="bad", Runtime="python2.9")
    assert error["Error"]["Code"] == "InvalidParameterValueException"
    error = error_of(
        lam.create_function,
        FunctionName="bad",
        Runtime="python3.12",
        Role="not-a-role",
        Handler="app.handler",
        Code={"ZipFile": zipped(HELLO)},
    )
    assert error["Error"]["Code"] == "ValidationException"
    assert "at 'role' failed to satisfy constraint" in error["Error"]["Message"]
    create(lam, "good")
    error = error_of(create, client=lam, name="good")
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "ResourceConflictException",
        409,
    )
    error = error_of(lam.update_function_configuration, FunctionName="good", RevisionId="stale", Timeout=9)
    assert error["Error"]["Code"] == "PreconditionFailedException"
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["good"]
    assert lam.get_function_configuration(FunctionName="good")["Timeout"] == 10


def test_versions_aliases_and_a_95_5_split(lam: Any) -> None:
    create(lam, "split", returning("one"), Publish=True)
    lam.update_function_code(FunctionName="split", ZipFile=zipped(returning("two")))
    assert lam.publish_version(FunctionName="split")["Version"] == "2"
    versions = lam.list_versions_by_function(FunctionName="split")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    lam.create_alias(
        FunctionName="split",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.05}},
    )
    assert lam.get_alias(FunctionName="split", Name="live")["RoutingConfig"] == {
        "AdditionalVersionWeights": {"2": 0.05}
    }
    counts = {"1": 0, "2": 0}
    for _ in range(500):
        response, result = invoke(lam, "split", Qualifier="live")
        counts[response["ExecutedVersion"]] += 1
        assert result == {"1": "one", "2": "two"}[response["ExecutedVersion"]]
    # Binomial(500, 0.05): mean 25, standard deviation 4.9; the bounds lie over 4 deviations out.
    assert 5 <= counts["2"] <= 55, counts


def test_reserved_concurrency_over_the_limit_is_429(gateway: Gateway) -> None:
    client = lambda_client(gateway, pool=8)
    create(client, "slow", SLOW)
    client.put_function_concurrency(FunctionName="slow", ReservedConcurrentExecutions=2)

    def one(_: int) -> str:
        try:
            invoke(client, "slow", {"sleep": 1.5})
        except ClientError as error:
            assert error.response["Error"] == {
                "Code": "TooManyRequestsException",
                "Message": "Rate Exceeded.",
            }
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 429
            return str(error.response["Reason"])
        return "ok"

    with ThreadPoolExecutor(6) as pool:
        outcomes = sorted(pool.map(one, range(6)))
    assert outcomes == ["ReservedFunctionConcurrentInvocationLimitExceeded"] * 4 + ["ok"] * 2
    error = error_of(client.put_function_concurrency, FunctionName="slow", ReservedConcurrentExecutions=950)
    assert "below its minimum value of [100]" in error["Error"]["Message"]


def test_permissions_and_policy(lam: Any) -> None:
    create(lam, "guarded", Publish=True)
    lam.create_alias(FunctionName="guarded", Name="prod", FunctionVersion="1")
    source = f"arn:aws:execute-api:us-east-1:{ACCOUNT}:abc123/*/GET/pets"
    added = lam.add_permission(
        FunctionName="guarded",
        Qualifier="prod",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=source,
    )
    statement = json.loads(added["Statement"])
    assert statement["Resource"] == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:guarded:prod"
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": source}}
    policy = json.loads(lam.get_policy(FunctionName="guarded", Qualifier="prod")["Policy"])
    assert policy == {"Version": "2012-10-17", "Id": "default", "Statement": [statement]}
    error = error_of(
        lam.add_permission,
        FunctionName="guarded",
        Qualifier="prod",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    assert error["Error"]["Code"] == "ResourceConflictException"
    error = error_of(lam.get_policy, FunctionName="guarded")
    assert error["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The resource you requested does not exist.",
    }
    lam.remove_permission(FunctionName="guarded", Qualifier="prod", StatementId="apigw")
    assert error_of(lam.get_policy, FunctionName="guarded", Qualifier="prod")["Error"]["Code"] == (
        "ResourceNotFoundException"
    )


def test_event_invocation_runs_in_the_background(lam: Any, tmp_path: Path) -> None:
    writer = (
        "def handler(event, context):\n    open(event['path'], 'a').write(context.aws_request_id + '\\n')\n"
    )
    create(lam, "writer", writer)
    out = tmp_path / "out.txt"
    response = lam.invoke(
        FunctionName="writer", InvocationType="Event", Payload=json.dumps({"path": str(out)}).encode()
    )
    assert response["StatusCode"] == 202
    assert wait_for(
        lambda: out.exists() and out.read_text().split() == [response["ResponseMetadata"]["RequestId"]]
    )
    assert lam.invoke(FunctionName="writer", InvocationType="DryRun")["StatusCode"] == 204


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_aws_cli_creates_and_invokes_a_function(
    aws_cli: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    package = tmp_path / "function.zip"
    package.write_bytes(zipped(HELLO))
    created = aws_cli(
        "lambda",
        "create-function",
        "--function-name",
        "cli-fn",
        "--runtime",
        "python3.12",
        "--role",
        ROLE,
        "--handler",
        "app.handler",
        "--zip-file",
        f"fileb://{package}",
    )
    assert (created["FunctionName"], created["State"]) == ("cli-fn", "Active")
    out = tmp_path / "response.json"
    answer = aws_cli(
        "lambda",
        "invoke",
        "--function-name",
        "cli-fn",
        "--payload",
        '{"name": "cli"}',
        str(out),
    )
    assert (answer["StatusCode"], answer["ExecutedVersion"]) == (200, "$LATEST")
    assert json.loads(out.read_text()) == {"hello": "cli"}
    listed = aws_cli("lambda", "list-functions")
    assert [f["FunctionName"] for f in listed["Functions"]] == ["cli-fn"]
    aws_cli("lambda", "delete-function", "--function-name", "cli-fn")
    assert aws_cli("lambda", "list-functions")["Functions"] == []


# --- restarts ------------------------------------------------------------------------------------


@pytest.fixture
def gateways() -> Iterator[list[Gateway]]:
    started: list[Gateway] = []
    yield started
    for gateway in started:
        gateway.stop()


def test_functions_survive_kill_9(tmp_path: Path, gateways: list[Gateway]) -> None:
    state = tmp_path / "state"
    first = start_gateway("--state-dir", str(state))
    gateways.append(first)
    client = lambda_client(first)
    create(client, "durable", returning("v1"), Publish=True)
    client.update_function_code(FunctionName="durable", ZipFile=zipped(returning("latest")))
    client.create_alias(FunctionName="durable", Name="live", FunctionVersion="1")
    client.add_permission(
        FunctionName="durable",
        StatementId="s",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    client.put_function_concurrency(FunctionName="durable", ReservedConcurrentExecutions=5)
    assert invoke(client, "durable:live")[1] == "v1"

    first.kill9()
    second = start_gateway("--state-dir", str(state))
    gateways.append(second)
    client = lambda_client(second)
    assert invoke(client, "durable", Qualifier="live")[1] == "v1"
    assert invoke(client, "durable")[1] == "latest"
    assert json.loads(client.get_policy(FunctionName="durable")["Policy"])["Statement"][0]["Sid"] == "s"
    assert client.get_function_concurrency(FunctionName="durable")["ReservedConcurrentExecutions"] == 5
    assert [v["Version"] for v in client.list_versions_by_function(FunctionName="durable")["Versions"]] == [
        "$LATEST",
        "1",
    ]


def test_an_acknowledged_event_survives_kill_9(tmp_path: Path, gateways: list[Gateway]) -> None:
    """The event is throttled (reserved concurrency 0), so it cannot have run before the kill: only
    the store can carry it to the next process, which runs it once the reservation is lifted."""
    state, out = tmp_path / "state", tmp_path / "out.txt"
    first = start_gateway("--state-dir", str(state))
    gateways.append(first)
    client = lambda_client(first)
    create(client, "later", "def handler(event, context):\n    open(event['path'], 'a').write('ran\\n')\n")
    client.put_function_concurrency(FunctionName="later", ReservedConcurrentExecutions=0)
    response = client.invoke(
        FunctionName="later", InvocationType="Event", Payload=json.dumps({"path": str(out)})
    )
    assert response["StatusCode"] == 202

    first.kill9()
    second = start_gateway("--state-dir", str(state))
    gateways.append(second)
    client = lambda_client(second)
    client.delete_function_concurrency(FunctionName="later")
    assert wait_for(lambda: out.exists() and out.read_text() == "ran\n")
    time.sleep(0.5)
    assert out.read_text() == "ran\n"  # once
