"""Bucketed deadlines behave like asyncio.timeout: cancel on expiry, never early, others' cancels pass."""

from __future__ import annotations

import asyncio
import time

import pytest

from apigate.dataplane import deadline


async def test_an_expired_deadline_cancels_the_task_and_says_so() -> None:
    started = time.monotonic()
    timer = deadline.start(0.05)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.sleep(5)
    assert timer.finish(cancelled=True)
    assert time.monotonic() - started >= 0.05  # never early
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0  # uncancelled, as asyncio.timeout leaves it
    await asyncio.sleep(0)  # and the task goes on normally


async def test_a_finished_deadline_never_fires() -> None:
    timer = deadline.start(0.02)
    await asyncio.sleep(0)
    assert not timer.finish()
    await asyncio.sleep(0.05)  # past the bucket's timer: nothing is cancelled
    assert not timer.finish(cancelled=True)  # finishing twice is harmless


async def test_a_cancel_from_elsewhere_is_not_a_timeout() -> None:
    async def guarded() -> bool:
        timer = deadline.start(10)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            return timer.finish(cancelled=True)
        return False

    task = asyncio.ensure_future(guarded())
    await asyncio.sleep(0.01)
    task.cancel()
    assert await task is False


async def test_expiry_and_another_cancel_together_stay_a_cancel() -> None:
    answers: list[bool] = []

    async def guarded() -> None:
        timer = deadline.start(0.01)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # someone else asks for a cancel too before the deadline is finished
            answers.append(timer.finish(cancelled=True))

    task = asyncio.ensure_future(guarded())
    await asyncio.wait([task])
    assert answers == [False]
    assert task.cancelled()  # the other cancel still ends the task


async def test_deadlines_in_one_granule_share_one_timer() -> None:
    loop = asyncio.get_running_loop()
    scheduled: list[float] = []
    original = loop.call_at

    def counting_call_at(when: float, *args: object) -> asyncio.TimerHandle:
        scheduled.append(when)
        return original(when, *args)  # type: ignore[arg-type]

    loop.call_at = counting_call_at  # type: ignore[method-assign]
    try:
        timers = [deadline.start(30) for _ in range(50)]
    finally:
        loop.call_at = original  # type: ignore[method-assign]
    for timer in timers:
        timer.finish()
    assert 1 <= len(scheduled) <= 2  # 50 deadlines, at most a granule boundary between them
