"""Asynchronous (``InvocationType=Event``) invocations: acknowledged once stored, run in the background.

An accepted event is a document of kind ``lambda_event`` before Invoke answers 202, and is deleted
only after its execution finished (successfully, or out of retries), so an event the gateway
acknowledged survives a crash or restart: ``start()`` re-queues whatever the store still holds.
Delivery is therefore at least once, as AWS promises for asynchronous invocation.

Retries follow AWS's defaults in kind: a function error is retried twice (AWS waits about one and
then two minutes; the delays are a constructor argument), a throttled event is retried with a
growing delay until it is older than six hours (AWS's maximum event age), then dropped with a log
line. A fixed number of workers runs events, so a burst queues instead of spawning a task per event.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from apigate.awslambda.documents import KIND_EVENT

if TYPE_CHECKING:
    from apigate.store.base import ConfigStore

log = logging.getLogger(__name__)

MAX_EVENT_AGE_S = 6 * 3600
RETRY_DELAYS_S = (60.0, 120.0)  # AWS: two retries after a function error
THROTTLE_BACKOFF_S = (1.0, 60.0)  # first and largest delay of a throttled event


class Outcome(Enum):
    """How one attempt ended, as the runner reports it."""

    DONE = "done"
    ERROR = "error"  # a function error: retried
    THROTTLED = "throttled"  # no concurrency free: retried later
    GONE = "gone"  # the function or version was deleted meanwhile: dropped


Runner = Callable[[dict[str, Any]], Awaitable[Outcome]]


def event_document(
    region: str,
    function_name: str,
    version: str,
    invoked_arn: str,
    payload: bytes,
    request_id: str,
    client_context: str | None,
) -> dict[str, Any]:
    """What is stored of an accepted event: the exact version it resolved to (and the ARN the
    caller named, which the function sees as its invoked ARN), and the payload."""
    return {
        "region": region,
        "functionName": function_name,
        "version": version,
        "invokedArn": invoked_arn,
        "payload": base64.b64encode(payload).decode("ascii"),
        "requestId": request_id,
        "clientContext": client_context,
        "acceptedAt": time.time(),
        "errors": 0,
        "throttles": 0,
    }


def new_event_key() -> str:
    """Keys order by acceptance time, so a restart replays the oldest first."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"


class EventQueue:
    """Stored events and the workers that run them (``run`` is ``LambdaService``'s executor)."""

    def __init__(
        self,
        store: ConfigStore,
        run: Runner,
        *,
        workers: int = 16,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_S,
        throttle_backoff: tuple[float, float] = THROTTLE_BACKOFF_S,
    ) -> None:
        self._store = store
        self._run = run
        self._workers = max(1, workers)
        self._retry_delays = retry_delays
        self._throttle_backoff = throttle_backoff
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._started = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._pending = 0  # queued or running (not delayed)
        self._active: set[str] = set()  # keys queued, running or delayed: each event is queued once

    async def start(self) -> None:
        """Start the workers and queue every event the store holds (those of a previous run)."""
        if self._started:
            return
        self._started = True
        for _ in range(self._workers):
            task = asyncio.get_running_loop().create_task(self._worker())
            self._tasks.add(task)
        async with self._store.transaction() as tx:
            keys = [key for key, _ in await tx.list(KIND_EVENT)]
        for key in keys:
            self._put(key)
        if keys:
            log.info("re-queued %d asynchronous invocations accepted before the restart", len(keys))

    async def submit(self, doc: dict[str, Any]) -> str:
        """Store the event (the acknowledgement), then queue it."""
        key = new_event_key()
        async with self._store.transaction() as tx:
            await tx.put(KIND_EVENT, key, doc)
        await self.start()
        self._put(key)
        return key

    async def drain(self) -> None:
        """Wait until nothing is queued or running (delayed retries excepted); for tests."""
        await self._idle.wait()

    async def close(self) -> None:
        """Stop the workers; stored events stay stored for the next start."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._queue = asyncio.Queue()
        self._pending = 0
        self._active.clear()
        self._idle.set()
        self._started = False

    def _put(self, key: str) -> None:
        if key in self._active:  # start() may list an event that submit() queues as well
            return
        self._active.add(key)
        self._pending += 1
        self._idle.clear()
        self._queue.put_nowait(key)

    def _later(self, delay: float, key: str) -> None:
        """Queue ``key`` again after ``delay``; it stays in ``_active`` meanwhile."""

        def fire() -> None:
            self._timers.discard(timer)
            self._active.discard(key)
            self._put(key)

        timer = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(timer)

    async def _worker(self) -> None:
        while True:
            key = await self._queue.get()
            again = False
            try:
                again = await self._attempt(key)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("asynchronous invocation %s failed inside the gateway; it is kept", key)
            finally:
                if not again:
                    self._active.discard(key)
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    async def _attempt(self, key: str) -> bool:
        """Run the event once; True when it is to be tried again later (it stays ours)."""
        async with self._store.transaction() as tx:
            doc = await tx.get(KIND_EVENT, key)
        if doc is None:  # reset meanwhile
            return False
        outcome = await self._run(doc)
        if outcome is Outcome.THROTTLED and time.time() - doc["acceptedAt"] < MAX_EVENT_AGE_S:
            doc["throttles"] += 1
            first, largest = self._throttle_backoff
            return await self._keep(key, doc, min(largest, first * 2 ** (doc["throttles"] - 1)))
        if outcome is Outcome.ERROR and doc["errors"] < len(self._retry_delays):
            delay = self._retry_delays[doc["errors"]]
            doc["errors"] += 1
            return await self._keep(key, doc, delay)
        if outcome is Outcome.THROTTLED:
            log.warning("asynchronous invocation %s dropped: throttled for six hours", doc["requestId"])
        async with self._store.transaction() as tx:
            await tx.delete(KIND_EVENT, key)
        return False

    async def _keep(self, key: str, doc: dict[str, Any], delay: float) -> bool:
        async with self._store.transaction() as tx:
            if await tx.get(KIND_EVENT, key) is None:
                return False  # reset meanwhile
            await tx.put(KIND_EVENT, key, doc)
        self._later(delay, key)
        return True
