"""Call the integration, bounded by the integration's ``timeoutInMillis``.

The integration for the method's type comes from ``apigate.integrations.registry``. When the
timeout runs out the request ends with INTEGRATION_TIMEOUT: 504 ``{"message": "Endpoint request
timed out"}``, AWS's answer (and its log line "Execution failed due to a timeout error").
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from apigate.dataplane import deadline
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, INTEGRATION_TIMEOUT
from apigate.dataplane.execution_log import java_map
from apigate.integrations import registry

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_clock = time.perf_counter  # monotonic; latency is reported, never asserted on
_TIMED_OUT = "Execution failed due to a timeout error"


async def integrate(ctx: InvocationContext) -> None:
    method = ctx.method
    integration = method.integration if method is not None else None
    request = ctx.integration_request
    if integration is None or request is None:
        raise API_CONFIGURATION_ERROR(log="No integration request was built for this method")
    kind = integration.type
    implementation = registry.find(kind) or registry.get(kind)  # get() raises for an unknown type
    started = _clock()
    # MOCK never waits on I/O: no timer. Others get a bucketed deadline with asyncio.timeout's
    # semantics (deadline.py: 1.4 us a request, asyncio.timeout 9 us under uvloop).
    timer = None if kind == "MOCK" else deadline.start(request.timeout)
    try:
        result = await implementation.invoke(ctx)
    except asyncio.CancelledError:
        if timer is not None and timer.finish(cancelled=True):
            raise INTEGRATION_TIMEOUT(log=_TIMED_OUT) from None
        raise
    except TimeoutError:  # a socket-level timeout inside the integration
        raise INTEGRATION_TIMEOUT(log=_TIMED_OUT) from None
    finally:
        if timer is not None:
            timer.finish()
        ctx.integration_latency_ms = int((_clock() - started) * 1000)
    ctx.integration_result = result
    if ctx.test_invoke and kind != "MOCK":
        ctx.trace(f"Received response. Status: {result.status}, "
                  f"Integration latency: {ctx.integration_latency_ms} ms")
        ctx.trace(f"Endpoint response headers: {java_map(dict(result.headers.items))}")
        ctx.trace(f"Endpoint response body before transformations: {result.body.decode('utf-8', 'replace')}")
