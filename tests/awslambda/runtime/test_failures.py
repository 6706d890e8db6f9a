"""What the platform reports when a function outlives its timeout or its process dies."""

from __future__ import annotations

import json
import re

import pytest

from apigate.awslambda.runtime import Runtime
from tests.awslambda.runtime.conftest import Functions, alive, gone

SLOW = """
import os, subprocess, time

def handler(event, context):
    if event.get("sleep"):
        child = subprocess.Popen(["sleep", "30"])
        print("child", child.pid, flush=True)
        time.sleep(event["sleep"])
    return {"pid": os.getpid()}
"""


async def test_timeout_kills_the_environment_and_reports_it(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(SLOW, timeout_s=1)
    first = json.loads((await runtime.execute(spec, b"{}", request_id="warm")).payload)
    execution = await runtime.execute(spec, b'{"sleep": 10}', request_id="rid-t")
    assert execution.error == {
        "errorMessage": "RequestId: rid-t Error: Task timed out after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    assert json.loads(execution.payload) == execution.error
    assert execution.duration_ms == 1000.0
    assert re.search(r"\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z rid-t Task timed out after 1\.00 seconds\n"
                     r"END RequestId: rid-t\n", execution.logs)
    assert "\tStatus: timeout\t" in execution.logs
    grandchild = int(re.search(r"child (\d+)", execution.logs).group(1))  # type: ignore[union-attr]
    await runtime.close()  # waits for the killed environment to be reaped
    assert not alive(first["pid"])
    assert await gone(grandchild)  # the whole process group went down
    # the next call runs on a fresh environment
    after = await runtime.execute(spec, b"{}", request_id="again")
    assert after.error is None and json.loads(after.payload)["pid"] != first["pid"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("os._exit(1)", "Runtime exited with error: exit status 1"),
        ("sys.exit(3)", "Runtime exited with error: exit status 3"),
        ("sys.exit(0)", "Runtime exited without providing a reason"),
        ("os.kill(os.getpid(), signal.SIGSEGV)", "Runtime exited with error: signal: segmentation fault"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "Runtime exited with error: signal: killed"),
    ],
)
async def test_a_crash_is_an_exit_error_and_isolated(runtime: Runtime, functions: Functions, body: str,
                                                     reason: str) -> None:
    source = f"import os, signal, sys\ndef handler(event, context):\n    print('before')\n    {body}\n"
    spec = functions.python(source)
    execution = await runtime.execute(spec, b"{}", request_id="rid-c")
    assert execution.error == {"errorMessage": f"RequestId: rid-c Error: {reason}",
                               "errorType": "Runtime.ExitError"}
    assert "before\n" in execution.logs  # what it printed before dying is kept
    assert f"RequestId: rid-c Error: {reason}\nRuntime.ExitError\nEND RequestId: rid-c\n" in execution.logs
    assert "Status: error\tError Type: Runtime.ExitError" in execution.logs
    assert runtime.environments() == 0


async def test_after_a_crash_a_fresh_environment_answers(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("import os\ndef handler(event, context):\n"
                            "    if event.get('die'):\n        os._exit(1)\n    return os.getpid()\n")
    pid = json.loads((await runtime.execute(spec, b"{}", request_id="a")).payload)
    crashed = await runtime.execute(spec, b'{"die": true}', request_id="b")
    assert crashed.error is not None and crashed.error["errorType"] == "Runtime.ExitError"
    after = await runtime.execute(spec, b"{}", request_id="c")
    assert after.error is None and json.loads(after.payload) != pid


async def test_crash_during_init(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("import os\nprint('loading')\nos._exit(4)\n")
    execution = await runtime.execute(spec, b"{}", request_id="rid-i")
    reason = "Runtime exited with error: exit status 4"
    assert execution.error == {"errorMessage": f"RequestId: rid-i Error: {reason}",
                               "errorType": "Runtime.ExitError"}
    assert execution.logs.startswith("loading\n")


async def test_init_outliving_its_limit(make_runtime, functions: Functions) -> None:  # type: ignore[no-untyped-def]
    runtime = make_runtime(init_timeout_s=0.5)
    spec = functions.python("import time\ntime.sleep(30)\n")
    execution = await runtime.execute(spec, b"{}", request_id="rid-s")
    assert execution.error == {"errorMessage": "RequestId: rid-s Error: Task timed out after 0.50 seconds",
                               "errorType": "Sandbox.Timedout"}
    assert runtime.environments() == 0


async def test_a_cancelled_caller_does_not_leave_a_busy_environment(runtime: Runtime,
                                                                    functions: Functions) -> None:
    import asyncio

    spec = functions.python(SLOW, timeout_s=30)
    await runtime.execute(spec, b"{}", request_id="warm")
    task = asyncio.ensure_future(runtime.execute(spec, b'{"sleep": 30}', request_id="slow"))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert runtime.concurrency.in_flight() == 0
    assert (await runtime.execute(spec, b"{}", request_id="next")).error is None
