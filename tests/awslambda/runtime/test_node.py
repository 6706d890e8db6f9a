"""nodejs functions in real ``node`` workers: async and callback handlers, errors, context, logs."""

from __future__ import annotations

import json
import re

import pytest

from apigate.awslambda.runtime import Runtime
from tests.awslambda.runtime.conftest import Functions, needs_node

pytestmark = needs_node


def node(functions: Functions, source: str, file: str = "index.js", **overrides: object):  # type: ignore[no-untyped-def]
    return functions.add({file: source}, runtime="nodejs20.x", handler="index.handler", **overrides)


async def test_async_handler_and_warm_reuse(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "let calls = 0;\nexports.handler = async (event) =>\n"
                           "  ({ event, calls: ++calls, pid: process.pid });\n")
    first = json.loads((await runtime.execute(spec, b'{"a": 1}', request_id="r1")).payload)
    second = json.loads((await runtime.execute(spec, b"{}", request_id="r2")).payload)
    assert first["event"] == {"a": 1} and first["calls"] == 1
    assert second["calls"] == 2 and second["pid"] == first["pid"]


async def test_callback_handler(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = (event, context, callback) => {\n"
                           "  setTimeout(() => callback(null, { done: event.n }), 10);\n};\n")
    assert (await runtime.execute(spec, b'{"n": 5}', request_id="r")).payload == b'{"done":5}'


async def test_callback_waits_for_an_empty_event_loop(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = (event, context, callback) => {\n"
                           "  context.callbackWaitsForEmptyEventLoop = event.wait;\n"
                           "  setTimeout(() => console.log('timer', event.wait), 300);\n"
                           "  callback(null, 'answered');\n};\n")
    waited = await runtime.execute(spec, b'{"wait": true}', request_id="r1")
    assert waited.payload == b'"answered"' and "\tINFO\ttimer true\n" in waited.logs
    eager = await runtime.execute(spec, b'{"wait": false}', request_id="r2")
    assert eager.payload == b'"answered"' and "timer false" not in eager.logs


async def test_sync_handler_without_callback_answers_null(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = (event) => 42;\n")
    assert (await runtime.execute(spec, b"{}", request_id="r")).payload == b"null"


async def test_es_module_handler(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "export const handler = async (event) => ({ esm: event.x });\n", file="index.mjs")
    assert (await runtime.execute(spec, b'{"x": 1}', request_id="r")).payload == b'{"esm":1}'


async def test_thrown_error_shape(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = async () => { throw new TypeError('bad thing'); };\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error is not None
    assert list(execution.error) == ["errorType", "errorMessage", "trace"]
    assert execution.error["errorType"] == "TypeError"
    assert execution.error["errorMessage"] == "bad thing"
    trace = execution.error["trace"]
    assert isinstance(trace, list) and trace[0] == "TypeError: bad thing" and "index.js:1" in trace[1]
    assert re.search(r"\tr\tERROR\tInvoke Error \t\{\"errorType\":\"TypeError\"", execution.logs)


async def test_callback_error_and_non_error_rejection(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = (event, context, callback) => {\n"
                           "  if (event.cb) callback(new Error('cb failed'));\n"
                           "  return event.cb ? undefined : Promise.reject('just a string');\n};\n")
    by_callback = await runtime.execute(spec, b'{"cb": true}', request_id="r1")
    assert by_callback.error is not None and by_callback.error["errorMessage"] == "cb failed"
    rejected = await runtime.execute(spec, b"{}", request_id="r2")
    assert rejected.error == {"errorType": "string", "errorMessage": "just a string", "trace": []}


async def test_import_error_and_handler_not_found(runtime: Runtime, functions: Functions) -> None:
    missing = functions.add({"other.js": ""}, runtime="nodejs20.x", handler="index.handler")
    execution = await runtime.execute(missing, b"{}", request_id="r")
    assert execution.error is not None and execution.error["errorType"] == "Runtime.ImportModuleError"
    assert str(execution.error["errorMessage"]).startswith("Error: Cannot find module 'index'")
    not_exported = node(functions, "exports.other = () => 1;\n")
    execution = await runtime.execute(not_exported, b"{}", request_id="r")
    assert execution.error is not None and execution.error["errorType"] == "Runtime.HandlerNotFound"
    assert execution.error["errorMessage"] == "index.handler is undefined or not exported"
    assert runtime.environments() == 0


async def test_process_exit_is_an_exit_error(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = async (e) => {\n"
                           "  if (e.exit) process.exit(2);\n  return process.pid;\n};\n")
    pid = (await runtime.execute(spec, b"{}", request_id="a")).payload
    execution = await runtime.execute(spec, b'{"exit": true}', request_id="b")
    assert execution.error == {"errorMessage": "RequestId: b Error: Runtime exited with error: exit status 2",
                               "errorType": "Runtime.ExitError"}
    assert (await runtime.execute(spec, b"{}", request_id="c")).payload != pid


async def test_uncaught_exception_fails_the_invocation(runtime: Runtime, functions: Functions) -> None:
    spec = node(functions, "exports.handler = async () => {\n"
                           "  setTimeout(() => { throw new Error('async boom'); }, 10);\n"
                           "  await new Promise((r) => setTimeout(r, 5000));\n};\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error is not None and execution.error["errorMessage"] == "async boom"
    assert "\tERROR\tUncaught Exception \t" in execution.logs


@pytest.mark.parametrize("version", ["$LATEST", "3"])
async def test_context_environment_and_console(runtime: Runtime, functions: Functions, version: str) -> None:
    spec = node(functions, "console.log('init', 1);\n"
                           "exports.handler = async (event, context) => {\n"
                           "  console.warn('warned', { a: 1 });\n"
                           "  process.stdout.write('raw\\n');\n"
                           "  const { getRemainingTimeInMillis, ...fields } = context;\n"
                           "  return { ...fields, remaining: getRemainingTimeInMillis(), env: process.env,\n"
                           "           cwd: process.cwd() };\n};\n",
                name="nodefn", version=version, memory_mb=1024, environment={"GREETING": "hi"})
    execution = await runtime.execute(spec, b"{}", request_id="rid-n", client_context='{"custom": {"k": 1}}')
    out = json.loads(execution.payload)
    assert out["functionName"] == "nodefn"
    assert out["functionVersion"] == version
    assert out["invokedFunctionArn"] == spec.function_arn + ("" if version == "$LATEST" else ":3")
    assert out["memoryLimitInMB"] == "1024"
    assert out["awsRequestId"] == "rid-n"
    assert out["logGroupName"] == "/aws/lambda/nodefn"
    assert out["logStreamName"] == out["env"]["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert out["callbackWaitsForEmptyEventLoop"] is True
    assert out["clientContext"] == {"custom": {"k": 1}}
    assert 0 < out["remaining"] <= 3000
    env = out["env"]
    assert env["GREETING"] == "hi" and env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert env["_HANDLER"] == "index.handler" and env["LAMBDA_TASK_ROOT"] == out["cwd"]
    assert "_APIGATE_CONTROL_FD" not in env
    lines = execution.logs.splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tundefined\tINFO\tinit 1", lines[0])
    assert lines[1] == f"START RequestId: rid-n Version: {version}"
    assert re.fullmatch(r"\S+Z\trid-n\tWARN\twarned \{ a: 1 \}", lines[2])
    assert lines[3] == "raw"
    assert lines[4] == "END RequestId: rid-n"
