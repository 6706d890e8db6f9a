"""A worker's OS process, started off the event loop and watched by it.

``loop.subprocess_exec`` forks and waits for the child's exec on the loop's thread: with a
gateway of a few hundred MB that stalls every request in flight for milliseconds per cold start.
Here ``Popen`` runs in a thread; the loop then reads the output pipe and learns of the exit from a
pidfd (a thread waits instead where pidfds do not exist).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path


class WorkerProcess:
    """The process (leader of its own process group), its stdout+stderr pipe, its exit status."""

    def __init__(self, popen: subprocess.Popen[bytes], on_exit: Callable[[int | None], None]) -> None:
        self.pid = popen.pid
        self.returncode: int | None = None
        self._popen = popen
        self._on_exit = on_exit
        self._exited: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._output: asyncio.BaseTransport | None = None
        self._pidfd: int | None = None

    @classmethod
    async def start(cls, command: Sequence[str], env: dict[str, str], cwd: Path, pass_fd: int,
                    on_output: Callable[[str], None], on_exit: Callable[[int | None], None]) -> WorkerProcess:
        """Spawn ``command`` keeping ``pass_fd`` open in it; output and exit go to the callbacks."""
        loop = asyncio.get_running_loop()
        spawning = loop.run_in_executor(None, lambda: subprocess.Popen(
            list(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env, cwd=str(cwd), pass_fds=(pass_fd,), start_new_session=True,
        ))
        try:
            popen = await asyncio.shield(spawning)
        except asyncio.CancelledError:
            spawning.add_done_callback(_kill_orphan)  # the thread still starts it: end it then
            raise
        process = cls(popen, on_exit)
        try:
            assert popen.stdout is not None
            process._output, _ = await loop.connect_read_pipe(lambda: _Output(on_output), popen.stdout)
            process._watch_exit(loop)
        except BaseException:
            process.kill()
            threading.Thread(target=popen.wait, daemon=True).start()
            raise
        return process

    def kill(self) -> None:
        """SIGKILL the whole process group: the worker and whatever the function started."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)

    async def wait(self, timeout_s: float) -> int | None:
        """The exit status once the process has ended (None if it still runs after ``timeout_s``)."""
        if not self._exited.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._exited), timeout_s)
        return self.returncode

    def close(self) -> None:
        """Stop reading the output (a process the function left behind may still hold the pipe)."""
        if self._output is not None:
            self._output.close()

    def _watch_exit(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):  # no pidfd (old kernel, not Linux): a thread waits
            def wait() -> None:
                self._popen.wait()
                loop.call_soon_threadsafe(self._ended)

            threading.Thread(target=wait, daemon=True, name=f"lambda-worker-{self.pid}").start()
            return
        # A pidfd becomes readable when the process ends (even one that ended already).
        loop.add_reader(self._pidfd, self._ended)

    def _ended(self) -> None:
        if self._pidfd is not None:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self.returncode = self._popen.wait()  # reaps it: the process has ended, this does not block
        if not self._exited.done():
            self._exited.set_result(None)
        self._on_exit(self.returncode)


def _kill_orphan(spawning: asyncio.Future[subprocess.Popen[bytes]]) -> None:
    if spawning.cancelled() or spawning.exception() is not None:
        return
    popen = spawning.result()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(popen.pid, signal.SIGKILL)
    threading.Thread(target=popen.wait, daemon=True).start()


class _Output(asyncio.Protocol):
    """The worker's stdout+stderr: what was written below the language's streams, as log text."""

    def __init__(self, on_output: Callable[[str], None]) -> None:
        self._on_output = on_output
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def data_received(self, data: bytes) -> None:
        self._on_output(self._decoder.decode(data))
