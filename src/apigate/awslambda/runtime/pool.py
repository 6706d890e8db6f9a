"""``Runtime``: warm execution environments per function version, their limits and their lifetimes.

Environments of one (function, version, configuration revision, code) are interchangeable: an
execution takes an idle one (the most recently used, so the others can idle out) or starts a new
one, and gives it back when the function answered. Whatever ends an environment's usefulness —
a timeout, a crash, ``retire``, ``close``, ``idle_seconds`` without work — kills its process group.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import os
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import orjson

from apigate.awslambda.runtime import errors, logs, protocol
from apigate.awslambda.runtime.code import CodeLoader, CodeStore
from apigate.awslambda.runtime.concurrency import Concurrency
from apigate.awslambda.runtime.environment import TIMED_OUT, Environment, Outcome
from apigate.awslambda.runtime.languages import Language, language_of
from apigate.awslambda.spec import Execution, FunctionSpec

log = logging.getLogger(__name__)

_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
_EXIT_WAIT_S = 1.0  # how long a lost environment's exit status is awaited for its error message

EnvKey = tuple[str, str, str, str]  # (unqualified function ARN, version, config revision, code sha)


class Runtime:
    """Runs ``FunctionSpec``s in warm worker processes (see the package documentation)."""

    def __init__(
        self,
        code_loader: CodeLoader,
        work_dir: str | Path,
        account_concurrency: int = 1000,
        idle_seconds: float = 300.0,
        *,
        init_timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        python: str | None = None,
        node: str | None = None,
    ) -> None:
        self.concurrency = Concurrency(account_concurrency)
        self.idle_seconds = idle_seconds
        self.init_timeout_s = init_timeout_s  # AWS's init phase limit for on-demand environments
        self._code = CodeStore(code_loader, Path(work_dir))
        self._clock = clock
        self._python = python
        self._node = node
        self._idle: dict[EnvKey, list[Environment]] = {}
        self._envs: set[Environment] = set()  # every environment not yet stopped: idle, busy, starting
        self._generations: dict[str, int] = {}  # per function ARN, bumped by retire and close
        self._epoch = 0  # bumped by close: environments of an earlier epoch are never reused
        self._reaper: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # -- the seam

    async def execute(
        self,
        spec: FunctionSpec,
        payload: bytes,
        *,
        request_id: str,
        client_context: str | None = None,
        invoked_function_arn: str | None = None,
    ) -> Execution:
        """Run the function once; raises ``Throttled``, ``UnsupportedRuntime``, ``CodeError``.

        ``client_context`` is the ClientContext JSON (the Invoke API's base64 form is accepted
        too); ``invoked_function_arn`` is the ARN the caller used (default: the version's ARN).
        Function errors, timeouts and crashes are not raised: they are ``Execution.error``.
        """
        arn = spec.function_arn
        was_reserved = self.concurrency.acquire(arn, spec.reserved_concurrency)
        try:
            return await self._execute(spec, payload, request_id, _json_text(client_context),
                                       invoked_function_arn or _version_arn(spec))
        finally:
            self.concurrency.release(arn, was_reserved)

    def set_reserved_concurrency(self, function_arn: str, reserved: int | None) -> None:
        """Tell the runtime a function's reservation before it runs (Put/DeleteFunctionConcurrency).

        ``execute`` learns it from each spec too; this keeps the shared pool exact for functions
        that have not run since the gateway started.
        """
        self.concurrency.set_reserved(_unqualified(function_arn), reserved)

    async def retire(self, function_arn: str) -> None:
        """Drop the environments of a function (all versions): its code or configuration changed.

        Idle environments are killed now; busy ones finish their execution on the old code (as
        AWS lets in-flight invocations complete) and are killed instead of being reused.
        """
        arn = _unqualified(function_arn)
        self._generations[arn] = self._generations.get(arn, 0) + 1
        stale: list[Environment] = []
        for key in [key for key in self._idle if key[0] == arn]:
            stale += self._idle.pop(key)
        await self._stop_all(stale)

    async def close(self) -> None:
        """Kill every worker (busy ones too: their executions report ``Runtime.ExitError``).

        The runtime stays usable: a later ``execute`` starts fresh environments. Reservations
        are forgotten (``/_apigate/reset`` empties the configuration they came from).
        """
        self._epoch += 1
        if self._reaper is not None:
            self._reaper.cancel()
            self._reaper = None
        envs = list(self._envs)
        self._idle.clear()
        self._generations.clear()
        self.concurrency.reset()
        await self._stop_all(envs)
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def reap(self) -> int:
        """Stop environments idle for ``idle_seconds`` (run periodically; public for tests)."""
        now = self._clock()
        stale: list[Environment] = []
        for key, envs in list(self._idle.items()):
            keep = [env for env in envs if env.alive and now - env.last_used < self.idle_seconds]
            if len(keep) != len(envs):
                stale += [env for env in envs if env not in keep]
                if keep:
                    self._idle[key] = keep
                else:
                    del self._idle[key]
        await self._stop_all(stale)
        return len(stale)

    def environments(self, function_arn: str | None = None) -> int:
        """Environments alive now (idle, busy or starting), of one function or of all."""
        if function_arn is None:
            return len(self._envs)
        arn = _unqualified(function_arn)
        return sum(1 for env in self._envs if env.key[0] == arn)

    # -- one execution

    async def _execute(self, spec: FunctionSpec, payload: bytes, request_id: str, client_context: str,
                       invoked_arn: str) -> Execution:
        key: EnvKey = (spec.function_arn, spec.version, spec.config_revision, spec.code_sha256)
        env = self._take_idle(key)
        before, init_ms = "", None
        if env is None:
            started = time.perf_counter()
            env, init = await self._start(spec, key)
            init_ms = (time.perf_counter() - started) * 1000
            if init.kind != protocol.READY:
                return await self._init_failed(spec, env, init, request_id, init_ms)
            before = env.take_logs()
        deadline_ms = int(time.time() * 1000) + spec.timeout_s * 1000
        frame = protocol.invoke_frame(request_id, deadline_ms, invoked_arn, client_context, payload)
        started = time.perf_counter()
        try:
            outcome = await env.invoke(frame, spec.timeout_s)
        except BaseException:  # cancelled mid-invocation: the environment's state is unknown
            self._discard(env)
            raise
        duration_ms = (time.perf_counter() - started) * 1000
        if outcome.kind in (protocol.RESULT, protocol.FAILURE):
            self._give_back(env)
            error = orjson.loads(outcome.body) if outcome.kind == protocol.FAILURE else None
            text = logs.frame(request_id, spec.version, env.take_logs(), before=before,
                              duration_ms=duration_ms, memory_mb=spec.memory_mb,
                              max_rss_kb=outcome.max_rss_kb, init_ms=init_ms)
            return Execution(outcome.body, error, text, request_id, duration_ms)
        return await self._platform_failure(spec, env, outcome, request_id, before, duration_ms, init_ms)

    async def _platform_failure(self, spec: FunctionSpec, env: Environment, outcome: Outcome, request_id: str,
                                before: str, duration_ms: float, init_ms: float | None) -> Execution:
        """A timeout or a crash: the environment is destroyed and AWS's error reported."""
        if outcome.kind == TIMED_OUT:
            env.kill()
            error = errors.timeout_error(request_id, spec.timeout_s)
            line = f"{logs.timestamp()} {request_id} Task timed out after {spec.timeout_s:.2f} seconds\n"
            status, duration_ms = "timeout", spec.timeout_s * 1000.0
        else:
            error = errors.exit_error(request_id, await env.wait_exit(_EXIT_WAIT_S))
            line = f"{error['errorMessage']}\n{error['errorType']}\n"
            status = "error"
        self._discard(env)
        text = logs.frame(request_id, spec.version, env.take_logs() + line, before=before,
                          duration_ms=duration_ms, memory_mb=spec.memory_mb, max_rss_kb=outcome.max_rss_kb,
                          init_ms=init_ms, status=status,
                          error_type=None if status == "timeout" else str(error["errorType"]))
        return Execution(orjson.dumps(error), error, text, request_id, duration_ms)

    async def _init_failed(self, spec: FunctionSpec, env: Environment, init: Outcome, request_id: str,
                           init_ms: float) -> Execution:
        """The handler could not be loaded (or init crashed, or outlived its limit)."""
        if init.kind == protocol.INIT_ERROR:
            error = orjson.loads(init.body)
            payload, line, status = init.body, "", "error"
        elif init.kind == TIMED_OUT:
            error = errors.timeout_error(request_id, self.init_timeout_s)
            payload, status = orjson.dumps(error), "timeout"
            line = f"{logs.timestamp()} {request_id} Task timed out after {self.init_timeout_s:.2f} seconds\n"
        else:
            error = errors.exit_error(request_id, await env.wait_exit(_EXIT_WAIT_S))
            payload, status = orjson.dumps(error), "error"
            line = f"{error['errorMessage']}\n{error['errorType']}\n"
        self._discard(env)
        error_type = str(error.get("errorType")) if status == "error" else None
        text = logs.frame(request_id, spec.version, "", before=env.take_logs() + line, duration_ms=init_ms,
                          memory_mb=spec.memory_mb, max_rss_kb=init.max_rss_kb, status=status,
                          error_type=error_type)
        return Execution(payload, error, text, request_id, init_ms)

    # -- environments

    async def _start(self, spec: FunctionSpec, key: EnvKey) -> tuple[Environment, Outcome]:
        epoch, generation = self._epoch, self._generations.get(spec.function_arn, 0)
        language = language_of(spec.runtime, python=self._python, node=self._node)
        task_root = await self._code.path(spec.code_sha256)
        env = Environment(key, generation, logs.log_stream_name(spec.version))
        env.epoch = epoch
        self._envs.add(env)
        variables = _variables(spec, language, task_root, env.log_stream)
        try:
            await env.spawn(language.command, variables, task_root)
        except BaseException:
            self._discard(env)
            raise
        self._ensure_reaper()
        if env.epoch != self._epoch:  # closed while it started: its execution reports the end
            env.kill()
        try:
            init = await env.wait_init(self.init_timeout_s)
        except BaseException:
            self._discard(env)
            raise
        return env, init

    def _take_idle(self, key: EnvKey) -> Environment | None:
        envs = self._idle.get(key)
        while envs:
            env = envs.pop()
            if env.alive:
                return env
            self._discard(env)  # died while idle (a thread of the function ended the process)
        return None

    def _give_back(self, env: Environment) -> None:
        if (env.alive and env.epoch == self._epoch
                and env.generation == self._generations.get(env.key[0], 0)):
            env.last_used = self._clock()
            self._idle.setdefault(env.key, []).append(env)
        else:
            self._discard(env)

    def _discard(self, env: Environment) -> None:
        """Stop ``env`` in the background (the answer does not wait for the process to end)."""
        self._envs.discard(env)
        env.kill()
        self._in_background(env.stop())

    async def _stop_all(self, envs: list[Environment]) -> None:
        for env in envs:
            self._envs.discard(env)
            env.kill()
        if envs:  # shielded: a cancelled caller (the reaper, at close) must not leave stops half done
            await asyncio.shield(asyncio.gather(*(env.stop() for env in envs)))

    def _in_background(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _ensure_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.get_running_loop().create_task(self._reap_while_busy())

    async def _reap_while_busy(self) -> None:
        interval = min(max(self.idle_seconds / 2, 0.05), 30.0)
        while self._envs:
            await asyncio.sleep(interval)
            try:
                await self.reap()
            except Exception:  # never let one failed stop end the reaping
                log.exception("reaping idle Lambda environments failed")


def _variables(spec: FunctionSpec, language: Language, task_root: Path, log_stream: str) -> dict[str, str]:
    """The worker's environment: AWS's defined variables over the function's own.

    Built from nothing (the gateway's own environment, credentials included, is not inherited);
    PATH and LANG are AWS's unreserved ones, which a function may override.
    """
    variables = {"PATH": os.environ.get("PATH", _DEFAULT_PATH), "LANG": "en_US.UTF-8"}
    variables.update(spec.environment)
    variables.update({
        "_HANDLER": spec.handler,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(Path(language.command[-1]).parent),
        "TZ": ":UTC",
    })
    return variables


def _version_arn(spec: FunctionSpec) -> str:
    return spec.function_arn if spec.version == "$LATEST" else f"{spec.function_arn}:{spec.version}"


def _unqualified(function_arn: str) -> str:
    # arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]
    parts = function_arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 else function_arn


def _json_text(client_context: str | None) -> str:
    if not client_context:
        return ""
    text = client_context.strip()
    if not text.startswith("{"):
        try:
            text = base64.b64decode(text, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return ""
    return text
