"""Invoke through botocore: payloads, function errors, log tails, DryRun, Event, headers."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from pathlib import Path

import pytest

from tests.awslambda.control.conftest import LambdaClient, arn, zipped
from tests.support.client import error_of

CONTEXT = """
def handler(event, context):
    return {
        "event": event,
        "invoked": context.invoked_function_arn,
        "request": context.aws_request_id,
        "client": context.client_context.custom if context.client_context else None,
    }
"""
FAILING = "def handler(event, context):\n    raise KeyError('missing')\n"
CHATTY = """
def handler(event, context):
    for i in range(400):
        print(f"line {i:04d} " + "x" * 20)
    return 1
"""
WRITER = """
import json, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    with open(event["path"], "a") as out:
        out.write(json.dumps({"request": context.aws_request_id}) + "\\n")
    return "written"
"""


async def test_request_response_answers_payload_and_headers(lam: LambdaClient) -> None:
    await lam.create("fn", source=CONTEXT)
    result = await lam.invoke("fn", {"a": 1})
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in result and "LogResult" not in result
    assert result["Result"]["event"] == {"a": 1}
    assert result["Result"]["invoked"] == arn("fn")
    # the invocation's request id is the response's x-amzn-RequestId, as on AWS
    assert result["Result"]["request"] == result["ResponseMetadata"]["RequestId"]


async def test_invoked_arn_and_client_context(lam: LambdaClient) -> None:
    await lam.create("fn", source=CONTEXT, Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    result = await lam.invoke(arn("fn", "live"), ClientContext=client_context)
    assert result["Result"]["invoked"] == arn("fn", "live")
    assert result["Result"]["client"] == {"k": "v"}
    assert result["ExecutedVersion"] == "1"


async def test_function_error_is_200_with_unhandled(lam: LambdaClient) -> None:
    await lam.create("fn", source=FAILING)
    result = await lam.invoke("fn")
    assert (result["StatusCode"], result["FunctionError"]) == (200, "Unhandled")
    assert result["Result"]["errorType"] == "KeyError"
    assert result["Result"]["errorMessage"] == "'missing'"


async def test_log_tail_is_the_last_4_kb(lam: LambdaClient) -> None:
    await lam.create("fn", source=CHATTY)
    result = await lam.invoke("fn", LogType="Tail")
    tail = base64.b64decode(result["LogResult"])
    assert len(tail) == 4096
    text = tail.decode()
    assert "line 0399" in text and "line 0000" not in text
    assert "END RequestId:" in text and "REPORT RequestId:" in text


async def test_dry_run_is_204_and_runs_nothing(lam: LambdaClient) -> None:
    await lam.create("fn", source=CHATTY)
    result = await lam.invoke("fn", InvocationType="DryRun")
    assert result["StatusCode"] == 204 and result["Payload"] == b""
    assert lam.services.lambdas.runtime.environments() == 0
    error = await error_of(lam.invoke("other", InvocationType="DryRun"))
    assert error.code == "ResourceNotFoundException"


async def test_event_is_acknowledged_then_run(lam: LambdaClient, tmp_path: Path) -> None:
    await lam.create("fn", source=WRITER)
    out = tmp_path / "out.jsonl"
    result = await lam.invoke("fn", {"path": str(out)}, InvocationType="Event")
    assert result["StatusCode"] == 202 and result["Payload"] == b""
    await asyncio.wait_for(lam.services.lambdas.events.drain(), 20)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [{"request": result["ResponseMetadata"]["RequestId"]}]


async def test_bad_payloads(lam: LambdaClient) -> None:
    await lam.create("fn")
    response = await lam.request(
        "POST",
        "/2015-03-31/functions/fn/invocations",
        headers={"Content-Type": "application/json"},
        body=b"{nope",
    )
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidRequestContentException"
    assert response.json()["message"].startswith("Could not parse request body into json")
    error = await error_of(lam.call("Invoke", FunctionName="fn", Payload=b'"' + b"x" * 6_300_000 + b'"'))
    assert (error.status, error.code) == (413, "RequestTooLargeException")
    assert error.message == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    error = await error_of(
        lam.call("Invoke", FunctionName="fn", InvocationType="Event", Payload=b"1" * 300_000)
    )
    assert error.message == "Request must be smaller than 262144 bytes for the InvokeFunction operation"
    assert lam.services.lambdas.runtime.environments() == 0


async def test_empty_payload_is_an_empty_event(lam: LambdaClient) -> None:
    await lam.create("fn", source=CONTEXT)
    result = await lam.call("Invoke", FunctionName="fn")
    assert json.loads(result["Payload"])["event"] == {}


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js (`node`) is not on PATH")
async def test_a_nodejs_function(lam: LambdaClient) -> None:
    source = (
        "exports.handler = async (event, context) => ({ node: true, event, name: context.functionName });\n"
    )
    code = {"ZipFile": zipped({"index.js": source})}
    await lam.create("js", Runtime="nodejs20.x", Handler="index.handler", Code=code)
    assert await lam.invoke_json("js", {"a": 1}) == {"node": True, "event": {"a": 1}, "name": "js"}
