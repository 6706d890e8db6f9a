"""Handler: Invoke (``POST /2015-03-31/functions/{FunctionName}/invocations``).

The wire form is AWS's: the payload is the raw body both ways; ``X-Amz-Invocation-Type``
(RequestResponse 200, Event 202, DryRun 204), ``X-Amz-Log-Type: Tail`` answers
``X-Amz-Log-Result``; a function error is ``X-Amz-Function-Error: Unhandled`` with status 200 and
the error object as the payload; ``X-Amz-Executed-Version`` names the version that ran.
"""

from __future__ import annotations

import orjson

from apigate.awslambda.control.common import SERVICE, lambdas
from apigate.awslambda.errors import InvalidRequestContentException, RequestTooLargeException
from apigate.control.registry import ControlContext, Output, Params, operation

# AWS's payload quotas: 6 MB for a synchronous invocation, 256 KB for an asynchronous one.
MAX_SYNC_PAYLOAD = 6_291_456
MAX_EVENT_PAYLOAD = 262_144


def check_payload(payload: bytes, invocation_type: str) -> bytes:
    """The event to deliver: AWS requires JSON, and an empty payload arrives as ``{}``."""
    limit = MAX_EVENT_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD
    if len(payload) > limit:
        raise RequestTooLargeException(
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
        )
    if not payload.strip():
        return b"{}"
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {exc}"
        ) from None
    return payload


@operation(SERVICE, "Invoke")
async def invoke(ctx: ControlContext, params: Params) -> Output:
    service = lambdas(ctx)
    invocation_type = params.get("InvocationType") or "RequestResponse"
    payload = check_payload(params.get("Payload") or b"", invocation_type)
    resolved = await service.resolve(params["FunctionName"], params.get("Qualifier"), ctx.region)
    result = await service.invoke(
        resolved,
        payload,
        invocation_type,
        params.get("LogType"),
        params.get("ClientContext"),
        request_id=ctx.request_id,
    )
    return {
        "StatusCode": result.status_code,
        "Payload": result.payload,
        "FunctionError": result.function_error,
        "LogResult": result.log_tail,
        "ExecutedVersion": result.executed_version if result.status_code == 200 else None,
    }
