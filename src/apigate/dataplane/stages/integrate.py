"""Call the integration, bounded by the integration's ``timeoutInMillis``.

The integration for the method's type comes from ``apigate.integrations.registry``. When the
timeout runs out the request ends with INTEGRATION_TIMEOUT: 504 ``{"message": "Endpoint request
timed out"}``, AWS's answer (and its log line "Execution failed due to a timeout error").
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from apigate.dataplane.errors import API_CONFIGURATION_ERROR, INTEGRATION_TIMEOUT
from apigate.dataplane.execution_log import java_map
from apigate.integrations import registry

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_clock = time.perf_counter  # monotonic; latency is reported, never asserted on


async def integrate(ctx: InvocationContext) -> None:
    integration = ctx.method.integration if ctx.method is not None else None
    request = ctx.integration_request
    if integration is None or request is None:
        raise API_CONFIGURATION_ERROR(log="No integration request was built for this method")
    implementation = registry.get(integration.type)
    started = _clock()
    try:
        if integration.type == "MOCK":
            result = await implementation.invoke(ctx)  # never waits on I/O: no timer needed
        else:
            async with asyncio.timeout(request.timeout):
                result = await implementation.invoke(ctx)
    except TimeoutError:
        raise INTEGRATION_TIMEOUT(log="Execution failed due to a timeout error") from None
    finally:
        ctx.integration_latency_ms = int((_clock() - started) * 1000)
    ctx.integration_result = result
    if ctx.test_invoke and integration.type != "MOCK":
        ctx.trace(f"Received response. Status: {result.status}, "
                  f"Integration latency: {ctx.integration_latency_ms} ms")
        ctx.trace(f"Endpoint response headers: {java_map(dict(result.headers.items))}")
        ctx.trace(f"Endpoint response body before transformations: {result.body.decode('utf-8', 'replace')}")
