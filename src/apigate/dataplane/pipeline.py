"""The order of the data-plane stages: the only place where it is written down.

``run`` drives an ``InvocationContext`` through the stages. A stage ends the request by raising a
``GatewayError``; ``gateway_responses.render`` turns it into the response. Any other exception is a
bug or a broken backend adapter: it is logged with its traceback and answered like AWS answers an
API configuration error (500 ``{"message": "Internal server error"}``); no traceback reaches a
client. ``finalize`` (AWS's common response headers) runs after every request, errors included.

Later issues insert resource policy, authorize, api key, throttle, validate and cache stages into
``default_stages`` in the order of digest §3.3.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from apigate.dataplane.context import Headers, MethodResponse
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, GatewayError
from apigate.dataplane.gateway_responses import default_body, render
from apigate.dataplane.stages.finalize import finalize_response
from apigate.dataplane.stages.route import route

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

log = logging.getLogger(__name__)

Stage = Callable[["InvocationContext"], Awaitable[None]]


@cache
def default_stages() -> tuple[Stage, ...]:
    """route -> request mapping -> integrate -> response mapping.

    Resolved on first use rather than at import: the mapping and integration stages belong to the
    transform piece and pull in the VTL engine and the HTTP client.
    """
    from apigate.dataplane.stages.integrate import integrate
    from apigate.dataplane.stages.request_mapping import request_mapping
    from apigate.dataplane.stages.response_mapping import response_mapping

    return (route, request_mapping, integrate, response_mapping)


async def run(ctx: InvocationContext, stages: Sequence[Stage] | None = None) -> None:
    """Run ``stages`` (the default pipeline when None) over ``ctx``, then ``finalize``."""
    try:
        for stage in default_stages() if stages is None else stages:
            await stage(ctx)
    except GatewayError as err:
        if err.status >= 500 and err.log and not ctx.test_invoke:
            # What AWS writes to the execution log; until execution logging exists (a later
            # issue) the operator's only way to learn why a request failed.
            log.warning("request %s %s %s answered %d: %s", ctx.request_id, ctx.request.http_method,
                        ctx.request.path, err.status, err.log)
        _render_safely(ctx, err)
    except Exception:
        log.exception("request %s failed inside the data plane", ctx.request_id)
        _render_safely(ctx, API_CONFIGURATION_ERROR(log="Execution failed due to an internal error"))
    finalize_response(ctx)


def _render_safely(ctx: InvocationContext, err: GatewayError) -> None:
    try:
        render(ctx, err)
    except Exception:
        # A customised gateway response that cannot be rendered must not turn into a traceback.
        log.exception("rendering the gateway response %s failed", err.response_type)
        ctx.error = err
        ctx.response = MethodResponse(
            status=err.status,
            headers=Headers([("x-amzn-ErrorType", err.error_type), ("Content-Type", "application/json")]),
            body=default_body(err),
        )
