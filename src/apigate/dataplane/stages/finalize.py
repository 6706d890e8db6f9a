"""The last stage, run for every response (success or gateway error): AWS's common headers.

Every REST response carries ``x-amzn-RequestId`` ($context.requestId), ``x-amz-apigw-id``
($context.extendedRequestId), a ``Content-Type`` (``application/json`` when nothing set one), a
``Content-Length`` computed by API Gateway itself and its own ``Date``. Headers of the same names
that a mapping or a backend put on the response are replaced, not duplicated.

TestInvokeMethod returns only the method response's headers (the console shows ``Content-Type`` and
``X-Amzn-Trace-Id``, never the front end's request id or length), so only the default
``Content-Type`` is added there.
"""

from __future__ import annotations

from email.utils import formatdate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_REPLACED = frozenset({"x-amzn-requestid", "x-amz-apigw-id", "content-length", "date"})

_date_cache: tuple[int, str] = (-1, "")


def http_date(epoch_seconds: int) -> str:
    """RFC 7231 date, formatted once per second (the hot path asks for the same second often)."""
    global _date_cache
    second, text = _date_cache
    if second != epoch_seconds:
        text = formatdate(epoch_seconds, usegmt=True)
        _date_cache = (epoch_seconds, text)
    return text


async def finalize(ctx: InvocationContext) -> None:
    finalize_response(ctx)


def finalize_response(ctx: InvocationContext) -> None:
    """``finalize`` without the coroutine: the pipeline and the data plane call it on every request."""
    response = ctx.response
    has_content_type = False
    kept: list[tuple[str, str]] = []
    for name, value in response.headers.items:
        lname = name.lower()
        if lname in _REPLACED:
            continue
        if lname == "content-type":
            has_content_type = True
        kept.append((name, value))
    if not has_content_type:
        kept.append(("Content-Type", "application/json"))
    if ctx.test_invoke:
        response.headers.items = kept
        if ctx.error is None:
            ctx.trace("Successfully completed execution")
        ctx.trace(f"Method completed with status: {response.status}")
        return
    second = ctx.request_time_epoch_ms // 1000
    cached_second, date = _date_cache
    kept += (
        ("x-amzn-RequestId", ctx.request_id),
        ("x-amz-apigw-id", ctx.extended_request_id),
        ("Content-Length", str(len(response.body))),
        ("Date", date if cached_second == second else http_date(second)),
    )
    response.headers.items = kept
