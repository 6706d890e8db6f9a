"""Environments' lifetimes: reuse per code and configuration, idle reaping, retire, close."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import replace

import pytest

from apigate.awslambda.runtime import Runtime
from tests.awslambda.runtime.conftest import Functions, alive, gone, worker_children

PID = """
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return os.getpid()
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def pid_of(runtime: Runtime, spec, payload: bytes = b"{}") -> int:  # type: ignore[no-untyped-def]
    execution = await runtime.execute(spec, payload, request_id="r")
    assert execution.error is None, execution.error
    return int(json.loads(execution.payload))


async def test_idle_environments_are_reaped(make_runtime, functions: Functions) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    runtime: Runtime = make_runtime(idle_seconds=60, clock=clock)
    spec = functions.python(PID)
    pid = await pid_of(runtime, spec)
    clock.now += 59
    assert await runtime.reap() == 0 and await pid_of(runtime, spec) == pid  # use restarts the idle time
    clock.now += 60
    assert await runtime.reap() == 1
    assert runtime.environments() == 0 and not alive(pid)
    assert await pid_of(runtime, spec) != pid


async def test_background_reaper(make_runtime, functions: Functions) -> None:  # type: ignore[no-untyped-def]
    runtime: Runtime = make_runtime(idle_seconds=0.2)
    pid = await pid_of(runtime, functions.python(PID))
    assert await gone(pid, within_s=5)
    assert runtime.environments() == 0


async def test_new_configuration_or_version_gets_new_environments(runtime: Runtime,
                                                                  functions: Functions) -> None:
    spec = functions.python(PID)
    pid = await pid_of(runtime, spec)
    assert await pid_of(runtime, replace(spec, config_revision="rev-2")) != pid
    assert await pid_of(runtime, replace(spec, version="1")) != pid
    assert await pid_of(runtime, spec) == pid


async def test_retire_kills_idle_and_lets_busy_finish(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(PID)
    other = functions.python(PID, name="other")
    two = set(await asyncio.gather(*(pid_of(runtime, spec, b'{"sleep": 0.2}') for _ in range(2))))
    other_pid = await pid_of(runtime, other)
    busy = asyncio.ensure_future(pid_of(runtime, spec, b'{"sleep": 0.5}'))  # takes one of the two
    await asyncio.sleep(0.2)
    await runtime.retire(spec.function_arn + ":$LATEST")  # a qualified ARN retires the whole function
    busy_pid = await busy  # the execution in flight finished on its environment...
    (idle_pid,) = two - {busy_pid}
    assert not alive(idle_pid)  # (killed at once)
    assert await gone(busy_pid)  # ...which was then dropped instead of reused
    assert await pid_of(runtime, spec) not in two
    assert await pid_of(runtime, other) == other_pid  # other functions are untouched


SPAWN = """
import os, subprocess, time
def handler(event, context):
    child = subprocess.Popen(["sleep", "60"])  # in the worker's process group
    time.sleep(event.get("sleep", 0))
    return [os.getpid(), child.pid]
"""


async def test_close_leaves_no_process(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(SPAWN)
    calls = [runtime.execute(spec, b'{"sleep": 0.3}', request_id="r") for _ in range(3)]
    pairs = [json.loads(execution.payload) for execution in await asyncio.gather(*calls)]
    busy = asyncio.ensure_future(runtime.execute(spec, b'{"sleep": 30}', request_id="busy"))
    await asyncio.sleep(0.2)
    assert len(await asyncio.to_thread(worker_children)) == 3
    await runtime.close()
    assert await asyncio.to_thread(worker_children) == []
    assert all(not alive(worker) for worker, _ in pairs)
    assert all([await gone(child) for _, child in pairs])  # the functions' own children too
    execution = await busy  # the execution in flight reports its environment's end
    assert execution.error is not None and execution.error["errorType"] == "Runtime.ExitError"
    # the runtime is still usable after close (the gateway's reset)
    assert json.loads((await runtime.execute(spec, b"{}", request_id="r")).payload)[0] not in pairs[0]


async def test_one_code_is_unpacked_once(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(PID)
    twin = replace(spec, function_name="twin", function_arn=spec.function_arn.replace(":fn", ":twin"))
    await asyncio.gather(pid_of(runtime, spec), pid_of(runtime, spec), pid_of(runtime, twin))
    assert functions.loads == [spec.code_sha256]


def test_under_uvloop(functions: Functions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The gateway serves on uvloop: cold start (its init verdict may come early), warm, crash, close."""
    uvloop = pytest.importorskip("uvloop")

    async def scenario() -> None:
        runtime = Runtime(functions.load, tmp_path / "work")
        spec = functions.python(PID + "\nimport os\ndef crash(event, context):\n    os._exit(1)\n")
        try:
            results = await asyncio.gather(*(pid_of(runtime, spec) for _ in range(4)))
            assert await pid_of(runtime, spec) in results
            crashing = replace(spec, handler="app.crash", config_revision="rev-2")
            crashed = await runtime.execute(crashing, b"{}", request_id="c")
            assert crashed.error is not None and crashed.error["errorType"] == "Runtime.ExitError"
        finally:
            await runtime.close()
        assert await asyncio.to_thread(worker_children) == []

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(scenario())


async def test_exit_is_seen_without_pidfd(runtime: Runtime, functions: Functions,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pidfd(pid: int) -> int:
        raise OSError("pidfd_open unavailable")

    monkeypatch.setattr(os, "pidfd_open", no_pidfd)
    spec = functions.python("import os\ndef handler(event, context):\n    os._exit(7)\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert execution.error is not None
    assert execution.error["errorMessage"] == "RequestId: r Error: Runtime exited with error: exit status 7"


async def test_close_while_an_environment_starts(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(PID)
    await pid_of(runtime, spec)  # the code is unpacked: the next cold start goes straight to spawning
    cold = replace(spec, config_revision="rev-2")
    starting = asyncio.ensure_future(runtime.execute(cold, b"{}", request_id="cold"))
    while runtime.environments() < 2:
        await asyncio.sleep(0.001)
    await runtime.close()
    assert await asyncio.to_thread(worker_children) == []
    execution = await starting
    assert execution.error is not None and execution.error["errorType"] == "Runtime.ExitError"
    assert await asyncio.to_thread(worker_children) == []


async def test_output_kept_per_invocation_is_bounded(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("def handler(event, context):\n"
                            "    for i in range(3000):\n        print(f'line {i:05d} ' + 'x' * 1000)\n")
    execution = await runtime.execute(spec, b"{}", request_id="r")
    assert len(execution.logs) < 1.1 * (1 << 20)
    assert "line 02999" in execution.logs and "line 00000" not in execution.logs  # the tail is kept
    assert execution.logs.endswith("\t\n") and "END RequestId: r\n" in execution.logs
