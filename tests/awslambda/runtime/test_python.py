"""python3.x functions in real worker processes: results, errors, context, environment, logs."""

from __future__ import annotations

import json
import re

from apigate.awslambda.runtime import Runtime
from tests.awslambda.runtime.conftest import Functions

ECHO = """
import os
calls = 0

def handler(event, context):
    global calls
    calls += 1
    return {"event": event, "calls": calls, "pid": os.getpid()}
"""


async def test_returns_the_json_of_the_value(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(ECHO)
    execution = await runtime.execute(spec, b'{"a": [1, "x"]}', request_id="r-1")
    assert execution.error is None
    assert execution.request_id == "r-1"
    answer = json.loads(execution.payload)
    assert answer["event"] == {"a": [1, "x"]}
    # AWS's Python runtime writes with the json module's default separators
    assert execution.payload.startswith(b'{"event": {"a": [1, "x"]}')


async def test_none_and_scalars(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def handler(event, context):\n    return event['v']\n")
    for value, expected in [(None, b"null"), ("\u00e9t\u00e9", '"\u00e9t\u00e9"'.encode()), (3, b"3")]:
        execution = await runtime.execute(spec, json.dumps({"v": value}).encode(), request_id="r")
        assert execution.payload == expected  # python3.12 writes non-ASCII as is (AWS's quirk)


async def test_empty_payload_is_an_empty_event(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def handler(event, context):\n    return event\n")
    assert (await runtime.execute(spec, b"", request_id="r")).payload == b"{}"


async def test_warm_environment_is_reused(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(ECHO)
    answers = [json.loads((await runtime.execute(spec, b"{}", request_id=f"r{i}")).payload) for i in range(3)]
    assert [a["calls"] for a in answers] == [1, 2, 3]
    assert len({a["pid"] for a in answers}) == 1
    assert runtime.environments() == 1


async def test_unhandled_exception_has_aws_shape(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def handler(event, context):\n    raise ValueError('boom')\n")
    execution = await runtime.execute(spec, b"{}", request_id="req-9")
    assert execution.error is not None
    assert json.loads(execution.payload) == execution.error
    assert list(execution.error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert execution.error["errorMessage"] == "boom"
    assert execution.error["errorType"] == "ValueError"
    assert execution.error["requestId"] == "req-9"
    trace = execution.error["stackTrace"]
    assert isinstance(trace, list) and len(trace) == 1  # the bootstrap's own frames are left out
    expected = r'  File ".*/app\.py", line 2, in handler\n    raise ValueError\(\'boom\'\)\n'
    assert re.fullmatch(expected, trace[0])
    assert "[ERROR] ValueError: boom\nTraceback (most recent call last):\n" in execution.logs
    # the environment survives an exception of the handler
    again = await runtime.execute(spec, b"{}", request_id="req-10")
    assert again.error is not None and again.error["requestId"] == "req-10"
    assert runtime.environments() == 1


async def test_import_error(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("import not_a_module\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error == {
        "errorMessage": "Unable to import module 'app': No module named 'not_a_module'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    assert "[ERROR] Runtime.ImportModuleError: Unable to import module 'app'" in execution.logs
    assert "Status: error\tError Type: Runtime.ImportModuleError" in execution.logs
    assert runtime.environments() == 0


async def test_handler_not_found(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def other(event, context):\n    return 1\n", handler="app.nope")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error is not None
    assert execution.error["errorType"] == "Runtime.HandlerNotFound"
    assert execution.error["errorMessage"] == "Handler 'nope' missing on module 'app'"


async def test_malformed_handler_and_syntax_error(runtime: Runtime, functions: Functions) -> None:
    bad_name = functions.python("x = 1\n", handler="app")
    execution = await runtime.execute(bad_name, b"{}", request_id="r")
    assert execution.error is not None and execution.error["errorType"] == "Runtime.MalformedHandlerName"
    assert str(execution.error["errorMessage"]).startswith("Bad handler 'app': ")
    syntax = functions.python("def handler(event, context)\n    return 1\n")
    execution = await runtime.execute(syntax, b"{}", request_id="r")
    assert execution.error is not None and execution.error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert str(execution.error["errorMessage"]).startswith("Syntax error in module 'app': ")


async def test_non_serialisable_result_is_a_marshal_error(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def handler(event, context):\n    return {1, 2}\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error is not None
    assert execution.error["errorType"] == "Runtime.MarshalError"
    assert execution.error["errorMessage"] == (
        "Unable to marshal response: Object of type set is not JSON serializable")


async def test_handler_in_a_package_directory(runtime: Runtime, functions: Functions) -> None:
    main = "from src.api.util import VALUE\ndef go(e, c):\n    return VALUE\n"
    spec = functions.add({"src/__init__.py": "", "src/api/__init__.py": "", "src/api/main.py": main,
                          "src/api/util.py": "VALUE = 'nested'\n"}, handler="src/api/main.go")
    assert (await runtime.execute(spec, b"{}", request_id="r")).payload == b'"nested"'


CONTEXT = """
import os

def handler(event, context):
    names = ["function_name", "function_version", "invoked_function_arn", "memory_limit_in_mb",
             "aws_request_id", "log_group_name", "log_stream_name"]
    out = {name: getattr(context, name) for name in names}
    out["remaining"] = context.get_remaining_time_in_millis()
    out["identity"] = [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id]
    cc = context.client_context
    title = cc and cc.client and cc.client.app_title
    out["client_context"] = None if cc is None else {"custom": cc.custom, "app_title": title}
    out["env"] = dict(os.environ)
    out["cwd"] = os.getcwd()
    return out
"""


async def test_context_and_environment(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(CONTEXT, name="ctx", version="7", memory_mb=256, timeout_s=5,
                            region="eu-west-1", environment={"GREETING": "hello", "LANG": "C.UTF-8"})
    client_context = json.dumps({"custom": {"k": "v"}, "client": {"app_title": "t"}})
    execution = await runtime.execute(spec, b"{}", request_id="rid-1", client_context=client_context)
    out = json.loads(execution.payload)
    assert out["function_name"] == "ctx"
    assert out["function_version"] == "7"
    assert out["invoked_function_arn"] == f"{spec.function_arn}:7"
    assert out["memory_limit_in_mb"] == "256"  # a str, as in AWS's runtime
    assert out["aws_request_id"] == "rid-1"
    assert out["log_group_name"] == "/aws/lambda/ctx"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[7\][0-9a-f]{32}", out["log_stream_name"])
    assert 0 < out["remaining"] <= 5000
    assert out["identity"] == [None, None]
    assert out["client_context"] == {"custom": {"k": "v"}, "app_title": "t"}
    env = out["env"]
    assert env["GREETING"] == "hello"
    assert env["LANG"] == "C.UTF-8"  # unreserved: the function's own value wins
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "ctx"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "7"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/ctx"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == out["log_stream_name"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["_HANDLER"] == "app.handler"
    assert env["TZ"] == ":UTC"
    assert env["LAMBDA_TASK_ROOT"] == out["cwd"]
    assert "LAMBDA_RUNTIME_DIR" in env and "PATH" in env
    assert "_APIGATE_CONTROL_FD" not in env


async def test_invoked_arn_and_base64_client_context(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(CONTEXT)
    alias_arn = f"{spec.function_arn}:live"
    execution = await runtime.execute(spec, b"{}", request_id="r", invoked_function_arn=alias_arn,
                                      client_context="eyJjdXN0b20iOiB7ImEiOiAxfX0=")  # {"custom": {"a": 1}}
    out = json.loads(execution.payload)
    assert out["invoked_function_arn"] == alias_arn
    assert out["client_context"] == {"custom": {"a": 1}, "app_title": None}


LOGGING = """
import logging, os, sys
print("at import")
logger = logging.getLogger()

def handler(event, context):
    print("printed", event["n"])
    print("to stderr", file=sys.stderr)
    logger.warning("warned %s", 1)
    logger.info("not shown: the root logger stays at WARNING, as on AWS")
    os.write(1, b"raw fd write\\n")
    sys.stdout.write("no newline")
    return 1
"""


async def test_logs_are_framed_like_cloudwatch(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(LOGGING, memory_mb=512)
    cold = await runtime.execute(spec, b'{"n": 1}', request_id="rid-a")
    lines = cold.logs.splitlines()
    assert lines[0] == "at import"  # the init phase comes before START
    assert lines[1] == "START RequestId: rid-a Version: $LATEST"
    assert "printed 1" in lines and "to stderr" in lines and "no newline" in lines
    assert any(re.fullmatch(r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\trid-a\twarned 1", line)
               for line in lines)
    assert "not shown" not in cold.logs
    assert lines[-2] == "END RequestId: rid-a"
    report = lines[-1]
    assert re.fullmatch(r"REPORT RequestId: rid-a\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
                        r"Memory Size: 512 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t",
                        report)
    assert cold.logs.endswith("\n")
    warm = await runtime.execute(spec, b'{"n": 2}', request_id="rid-b")
    assert warm.logs.startswith("START RequestId: rid-b Version: $LATEST\n")
    assert "at import" not in warm.logs and "Init Duration" not in warm.logs
    assert "printed 2" in warm.logs
    await runtime.execute(spec, b'{"n": 3}', request_id="rid-c")
    # output written below sys.stdout arrives on the worker's stdout pipe; it is not lost
    assert "raw fd write" in warm.logs or "raw fd write" in cold.logs
