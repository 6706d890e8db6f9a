"""One execution environment: a worker process that runs one function's code, one request at a time.

The worker gets a control socket (``_APIGATE_CONTROL_FD``) for frames (``protocol.py``); its
stdout and stderr are one pipe read as logs, so output written below the language's own streams
(``os.write(1, ...)``, a child process) is still captured. The worker leads its own process group
(``process.py``): killing the group also ends whatever the function started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass
from pathlib import Path

from apigate.awslambda.runtime import protocol
from apigate.awslambda.runtime.process import WorkerProcess

log = logging.getLogger(__name__)

CONTROL_FD_VARIABLE = "_APIGATE_CONTROL_FD"

# Outcomes that are not frames of the worker.
LOST = b"X"  # the worker ended (or closed its socket) while it owed a frame
TIMED_OUT = b"T"

# Output kept for one invocation at most (the service shows the last 4 KB): a function printing
# without end, or a thread of it printing between invocations, must not grow the gateway.
LOG_LIMIT = 1 << 20

# When the worker has exited but its socket stays open (a process it forked inherited it), give
# its last frames this long to arrive before calling the environment lost.
_EXIT_GRACE_S = 0.2


@dataclass(slots=True)
class Outcome:
    """What the worker answered: a frame kind of ``protocol`` (or ``LOST``/``TIMED_OUT``)."""

    kind: bytes
    body: bytes = b""
    max_rss_kb: int = 0


class Environment:
    """A worker process and its two channels; ``Runtime`` decides when to start, reuse or stop it."""

    def __init__(self, key: tuple[str, str, str, str], generation: int, log_stream: str) -> None:
        self.key = key
        self.generation = generation  # of its function when started (``Runtime.retire`` bumps it)
        self.epoch = 0  # of the runtime when started (``Runtime.close`` bumps it)
        self.log_stream = log_stream
        self.alive = False
        self.last_used = 0.0
        self.max_rss_kb = 0
        self.pid = 0
        self._logs: list[str] = []
        self._logged = 0  # characters in _logs
        self._from_pipe = False  # the channel of the last text logged
        self._killed = False
        self._spawned = asyncio.Event()
        self._waiter: asyncio.Future[Outcome] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._early: Outcome | None = None
        self._control: asyncio.Transport | None = None
        self._process: WorkerProcess | None = None

    async def spawn(self, command: tuple[str, ...], env: dict[str, str], cwd: Path) -> None:
        """Start the worker (its init runs at once: ``wait_init`` collects the verdict)."""
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair()
        try:
            self._process = await WorkerProcess.start(
                command, {**env, CONTROL_FD_VARIABLE: str(theirs.fileno())}, cwd, theirs.fileno(),
                on_output=self._log_output, on_exit=self._on_exit,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
            self._spawned.set()
        self.pid = self._process.pid
        if self._killed:  # stopped while the process was being started
            self._process.kill()
            ours.close()
            return
        self.alive = self._process.returncode is None
        self._control, _ = await loop.create_unix_connection(lambda: _Control(self), sock=ours)

    def wait_init(self, timeout_s: float) -> asyncio.Future[Outcome]:
        """``READY``, ``INIT_ERROR`` (body: the error object), ``LOST`` or ``TIMED_OUT``."""
        return self._expect(None, timeout_s)

    def invoke(self, frame: bytes, timeout_s: float) -> asyncio.Future[Outcome]:
        """Send one ``I`` frame; ``RESULT``/``FAILURE``, or ``LOST``/``TIMED_OUT``.

        A future rather than a coroutine: no extra frame on the warm path.
        """
        return self._expect(frame, timeout_s)

    def take_logs(self) -> str:
        """What the function wrote since the last call (its text, in order)."""
        if not self._logs:
            return ""
        text = "".join(self._logs)
        self._logs.clear()
        self._logged = 0
        return text

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (the function's own children included)."""
        self.alive = False
        self._killed = True
        if self._process is not None:
            self._process.kill()
        if self._control is not None:
            self._control.abort()

    async def stop(self, timeout_s: float = 5.0) -> int | None:
        """Kill, wait for the exit (so no zombie is left) and release the pipes: the exit status."""
        self.kill()
        if not self._spawned.is_set():  # a start in progress (its thread cannot be interrupted)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._spawned.wait(), timeout_s)
        if self._process is None:
            return None
        returncode = await self._process.wait(timeout_s)
        self._process.close()
        return returncode

    async def wait_exit(self, timeout_s: float) -> int | None:
        """The worker's exit status once it has ended (None if it still runs after ``timeout_s``)."""
        return None if self._process is None else await self._process.wait(timeout_s)

    @property
    def returncode(self) -> int | None:
        return None if self._process is None else self._process.returncode

    def _expect(self, frame: bytes | None, timeout_s: float) -> asyncio.Future[Outcome]:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Outcome] = loop.create_future()
        if self._early is not None:  # the init verdict came before anyone asked for it
            waiter.set_result(self._early)
            self._early = None
            return waiter
        if not self.alive or self._control is None:
            waiter.set_result(Outcome(LOST, max_rss_kb=self.max_rss_kb))
            return waiter
        self._waiter = waiter
        self._timer = loop.call_later(timeout_s, self._settle, Outcome(TIMED_OUT, max_rss_kb=self.max_rss_kb))
        if frame is not None:
            self._control.write(frame)
        return waiter

    def _settle(self, outcome: Outcome) -> None:
        """Answer the frame awaited (the first of: the worker's frame, its end, the timer)."""
        waiter, self._waiter = self._waiter, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if waiter is not None and not waiter.done():  # done: its caller was cancelled
            waiter.set_result(outcome)

    # -- callbacks of the two protocols

    def _on_frame(self, kind: bytes, aux: int, body: bytes) -> None:
        if kind == protocol.LOG:
            self._log(body.decode("utf-8", "replace"), from_pipe=False)
            return
        self.max_rss_kb = aux
        if self._waiter is None:
            if kind in (protocol.READY, protocol.INIT_ERROR):
                # The worker may finish its init before ``spawn`` has even returned (uvloop).
                self._early = Outcome(kind, body, aux)
            else:
                log.warning("worker %s sent an unexpected %r frame", self.pid, kind)
            return
        self._settle(Outcome(kind, body, aux))

    def _log_output(self, text: str) -> None:
        self._log(text, from_pipe=True)

    def _log(self, text: str, from_pipe: bool) -> None:
        # Two channels (frames, the stdout pipe) never share a line: a line one left open ends
        # when the other writes.
        if from_pipe is not self._from_pipe and self._logs and not self._logs[-1].endswith("\n"):
            self._logs.append("\n")
            self._logged += 1
        self._from_pipe = from_pipe
        self._logs.append(text)
        self._logged += len(text)
        while self._logged > LOG_LIMIT and len(self._logs) > 1:  # keep the tail
            self._logged -= len(self._logs.pop(0))

    def _on_control_lost(self) -> None:
        self.alive = False
        self._settle(Outcome(LOST, max_rss_kb=self.max_rss_kb))

    def _on_exit(self, returncode: int | None) -> None:
        self.alive = False
        waiter = self._waiter
        if waiter is not None:
            lost = Outcome(LOST, max_rss_kb=self.max_rss_kb)
            asyncio.get_running_loop().call_later(_EXIT_GRACE_S, self._settle_if_waiting, waiter, lost)

    def _settle_if_waiting(self, waiter: asyncio.Future[Outcome], outcome: Outcome) -> None:
        if self._waiter is waiter:
            self._settle(outcome)


class _Control(asyncio.Protocol):
    """Parses frames off the control socket (zero-copy when a read holds whole frames)."""

    def __init__(self, env: Environment) -> None:
        self._env = env
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        if self._buffer:
            self._buffer += data
            data = bytes(self._buffer)
            self._buffer.clear()
        offset, size = 0, len(data)
        unpack, header_size, on_frame = protocol.HEADER.unpack_from, protocol.HEADER_SIZE, self._env._on_frame
        while size - offset >= header_size:
            kind, aux, length = unpack(data, offset)
            end = offset + header_size + length
            if end > size:
                break
            on_frame(kind, aux, data[offset + header_size:end])
            offset = end
        if offset < size:
            self._buffer += data[offset:]

    def connection_lost(self, exc: Exception | None) -> None:
        self._env._on_control_lost()
