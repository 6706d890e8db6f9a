"""Reserved and account concurrency: the accounting alone, then with real slow executions."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from apigate.awslambda.runtime import ACCOUNT_LIMIT, RESERVED_LIMIT, Runtime, Throttled
from apigate.awslambda.runtime.concurrency import Concurrency
from tests.awslambda.runtime.conftest import Functions

F, G, H = "arn:f", "arn:g", "arn:h"


def test_reserved_caps_one_function() -> None:
    limits = Concurrency(10)
    assert limits.acquire(F, 2) and limits.acquire(F, 2)
    with pytest.raises(Throttled) as caught:
        limits.acquire(F, 2)
    assert caught.value.reason == RESERVED_LIMIT
    limits.release(F, True)
    assert limits.acquire(F, 2)


def test_reserved_zero_always_throttles() -> None:
    with pytest.raises(Throttled) as caught:
        Concurrency(10).acquire(F, 0)
    assert caught.value.reason == RESERVED_LIMIT


def test_unreserved_share_what_reservations_leave() -> None:
    limits = Concurrency(5)
    limits.set_reserved(G, 3)  # known before G ever ran
    assert not limits.acquire(F, None)
    assert not limits.acquire(H, None)
    with pytest.raises(Throttled) as caught:
        limits.acquire(F, None)
    assert caught.value.reason == ACCOUNT_LIMIT
    # G's reservation is its own: the full pool in use does not touch it
    assert limits.acquire(G, 3) and limits.acquire(G, 3) and limits.acquire(G, 3)
    limits.release(H, False)
    assert not limits.acquire(F, None)
    assert limits.in_flight(F) == 2 and limits.in_flight() == 5


def test_a_reservation_changed_while_running_gives_slots_back_to_their_pool() -> None:
    limits = Concurrency(4)
    assert not limits.acquire(F, None)  # F runs unreserved...
    assert limits.acquire(F, 2)  # ...then gets a reservation of 2: the running one counts against it
    with pytest.raises(Throttled):
        limits.acquire(F, 2)
    limits.release(F, False)  # the first slot goes back to the shared pool
    limits.release(F, True)
    assert limits.in_flight() == 0
    assert not limits.acquire(G, None) and not limits.acquire(G, None)  # 4 - 2 reserved = 2 shared
    with pytest.raises(Throttled):
        limits.acquire(H, None)


SLOW = "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 'done'\n"


async def test_reserved_n_with_n_plus_one_simultaneous_calls(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(SLOW, reserved_concurrency=2)
    calls = [runtime.execute(spec, b'{"sleep": 0.5}', request_id=f"r{i}") for i in range(3)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    throttled = [r for r in results if isinstance(r, Throttled)]
    assert len(throttled) == 1 and throttled[0].reason == RESERVED_LIMIT
    assert sorted(r.payload for r in results if not isinstance(r, BaseException)) == [b'"done"', b'"done"']
    # slots are given back: the next call runs (on one of the two warm environments)
    assert (await runtime.execute(spec, b"{}", request_id="after")).payload == b'"done"'
    assert runtime.environments() == 2


async def test_reserved_zero_runs_nothing(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python(SLOW, reserved_concurrency=0)
    with pytest.raises(Throttled):
        await runtime.execute(spec, b"{}", request_id="r")
    assert runtime.environments() == 0


async def test_account_limit_shared_by_unreserved_functions(make_runtime, functions: Functions) -> None:  # type: ignore[no-untyped-def]
    runtime: Runtime = make_runtime(account_concurrency=3)
    reserved = functions.python(SLOW, name="reserved", reserved_concurrency=1)
    one = functions.python(SLOW, name="one")
    two = replace(one, function_name="two", function_arn=one.function_arn.replace(":one", ":two"))
    runtime.set_reserved_concurrency(reserved.function_arn, 1)  # leaves 2 for everyone else
    calls = [runtime.execute(one, b'{"sleep": 0.5}', request_id="a"),
             runtime.execute(two, b'{"sleep": 0.5}', request_id="b"),
             runtime.execute(one, b'{"sleep": 0.5}', request_id="c"),
             runtime.execute(reserved, b'{"sleep": 0.5}', request_id="d")]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["Execution", "Execution", "Throttled", "Execution"]
    assert isinstance(results[2], Throttled) and results[2].reason == ACCOUNT_LIMIT
