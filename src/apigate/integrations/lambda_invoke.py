"""Invoking a function for an integration, and Lambda's refusals turned into API Gateway's answers.

Both Lambda integrations call ``invoke``; it resolves the function (name, version or alias, a
weighted alias picking its version), checks the permission, runs it and returns Lambda's answer
as an ``IntegrationResult``: status 200 (202 for an Event invocation), Lambda's response headers
(``X-Amz-Function-Error: Unhandled`` for a function error) and the payload. A function error is an
answer, not a failure: each integration type reads it its own way.

What AWS answers when Lambda cannot be called (Lambda developer guide, "Handling Lambda errors with
an API Gateway API": "If the Lambda API rejects the invocation request, API Gateway returns a 500
error code"; the body is ``{"message": "Internal server error"}``):

* no permission -- without ``credentials`` on the integration, the function's resource policy
  must allow ``apigateway.amazonaws.com`` for the method's execute-api ARN: 500, execution log
  "Execution failed due to configuration error: Invalid permissions on Lambda function" (AWS
  knowledge center). With ``credentials`` (an IAM role) API Gateway calls as that role and the
  resource policy is not consulted; apigate has no IAM, so the role is trusted;
* Lambda throttling (429 TooManyRequestsException, reserved or account concurrency in use), a
  missing function or version, a refused payload: 500 through the INTEGRATION_FAILURE gateway
  response (AWS forum answer: Lambda's 429 "will always be considered as 500" and "now maps to the
  INTEGRATION_FAILURE API Gateway response"); the log names Lambda's status and message;
* an integration ``httpMethod`` other than POST (Lambda's Invoke is a POST): 500, the same
  response (AWS-recorded for AWS_PROXY).

The integration timeout (``timeoutInMillis``) is the integrate stage's: 504. The invocation runs in
a task of its own, so neither a 504 nor a client that hangs up cancels it: the function finishes,
as on AWS, and its warm environment serves the next request. (Cancelling would kill the
environment mid-invocation; under overload, clients giving up would then turn every request into
a cold start.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson

from apigate import ids
from apigate.awslambda.errors import LambdaError, ResourceNotFoundException
from apigate.awslambda.runtime import CodeError, UnsupportedRuntime
from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, LAMBDA_INVOCATION_FAILED
from apigate.dataplane.media import trace_id
from apigate.dataplane.stages.finalize import http_date
from apigate.integrations.lambda_target import source_arn

if TYPE_CHECKING:
    from apigate.awslambda.spec import InvokeResult
    from apigate.dataplane.compiled import CompiledIntegration
    from apigate.dataplane.context import IntegrationRequest, InvocationContext
    from apigate.integrations.lambda_target import LambdaTarget

log = logging.getLogger(__name__)

PRINCIPAL = "apigateway.amazonaws.com"
INVALID_PERMISSIONS = "Invalid permissions on Lambda function"
_running: set[asyncio.Task[Any]] = set()  # executions that outlive their request (timeout, disconnect)


def parts(ctx: InvocationContext) -> tuple[CompiledIntegration, IntegrationRequest, LambdaTarget]:
    """The method's integration, its integration request and its Lambda target; an AWS-type
    integration that names another service is a clear "not supported yet" (500)."""
    method = ctx.method
    integration = method.integration if method is not None else None
    request = ctx.integration_request
    assert integration is not None and request is not None, "request mapping runs before the integration"
    target = integration.lambda_target
    if target is None:
        kind, uri = integration.type, integration.uri
        raise API_CONFIGURATION_ERROR(log=f"{kind} integrations to {uri} are not supported yet")
    return integration, request, target


async def invoke(
    ctx: InvocationContext,
    integration: CompiledIntegration,
    target: LambdaTarget,
    request: IntegrationRequest,
    invocation_type: str = "RequestResponse",
    *,
    all_headers: bool = True,
) -> IntegrationResult:
    """Run the integration's function with ``request.body``; Lambda's answer, or a GatewayError."""
    lambdas = ctx.lambdas
    if lambdas is None:
        raise API_CONFIGURATION_ERROR(log="This gateway has no Lambda service")
    if request.http_method != "POST":
        raise LAMBDA_INVOCATION_FAILED(
            log=f"Lambda integrations must use the POST integration method, not {request.http_method}"
        )
    function = target.function_arn(ctx.stage_variables)
    if ctx.test_invoke:
        ctx.trace(f"Sending request to {target.endpoint(function)}")
    try:
        resolved = await lambdas.resolve(function, None, target.region)
    except ResourceNotFoundException as exc:
        if integration.credentials is None:
            # Nothing to hold a policy: the service principal is refused, as for a missing permission.
            raise API_CONFIGURATION_ERROR(log=INVALID_PERMISSIONS) from None
        raise LAMBDA_INVOCATION_FAILED(log=refused(exc)) from None
    except LambdaError as exc:
        raise LAMBDA_INVOCATION_FAILED(log=refused(exc)) from None
    if integration.credentials is None:
        method = ctx.method
        assert method is not None, "the route stage found the method"
        source = source_arn(
            ctx.region, ctx.account_id, ctx.api_id, ctx.stage_name, method.http_method, method.resource_path
        )
        if not await lambdas.allows(resolved, PRINCIPAL, source):
            raise API_CONFIGURATION_ERROR(log=INVALID_PERMISSIONS)
    try:
        result = await _outliving_its_request(lambdas.invoke(resolved, request.body, invocation_type, None))
    except LambdaError as exc:
        raise LAMBDA_INVOCATION_FAILED(log=refused(exc)) from None
    except (CodeError, UnsupportedRuntime, OSError) as exc:  # the runtime could not start the function
        raise LAMBDA_INVOCATION_FAILED(log=f"Lambda invocation failed: {exc}") from None
    return lambda_answer(ctx, result, all_headers=all_headers)


async def _outliving_its_request(call: Any) -> InvokeResult:
    """Await ``call`` in a task of its own, so a 504 (or a client gone) leaves the function running."""
    task = asyncio.ensure_future(call)
    _running.add(task)
    task.add_done_callback(_finished)
    result: InvokeResult = await asyncio.shield(task)
    return result


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    exc = task.exception()  # retrieved, so asyncio does not report it as never retrieved
    if exc is not None and not isinstance(exc, LambdaError):
        log.warning("a Lambda invocation failed: %r", exc)


def refused(exc: LambdaError) -> str:
    """The execution log's line for an invocation Lambda refused."""
    return (
        f"Lambda invocation failed with status: {exc.status}. Lambda request id: {ids.request_id()}. "
        f"{exc.code}: {exc.message}"
    )


def lambda_answer(
    ctx: InvocationContext, result: InvokeResult, *, all_headers: bool = True
) -> IntegrationResult:
    """Lambda's HTTP answer: its status, its response headers (as AWS's log prints them), the payload.

    ``error_message`` is the function's ``errorMessage`` for a function error, else None. Without
    ``all_headers`` (a proxy answer outside TestInvokeMethod: nobody reads them) only the request
    id and the function-error flag are kept.
    """
    request_id = ("x-amzn-RequestId", result.request_id)
    error_message = None
    if result.function_error is not None:
        error_message = error_message_of(result.payload)
    if not all_headers:
        items = [request_id]
        if result.function_error is not None:
            items.append(("X-Amz-Function-Error", result.function_error))
        return IntegrationResult(result.status_code, Headers(items), result.payload, error_message)
    items = [
        ("Date", http_date(ctx.request_time_epoch_ms // 1000)),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(result.payload))),
        ("Connection", "keep-alive"),
        request_id,
    ]
    if result.function_error is not None:
        items.append(("X-Amz-Function-Error", result.function_error))
    sent = ctx.integration_request
    items += (
        ("x-amzn-Remapped-Content-Length", "0"),
        ("X-Amz-Executed-Version", result.executed_version),
        ("X-Amzn-Trace-Id", (sent and sent.headers.get("x-amzn-trace-id")) or trace_id(ctx)),
    )
    return IntegrationResult(result.status_code, Headers(items), result.payload, error_message)


def error_message_of(payload: bytes) -> str:
    """A function error's ``errorMessage`` (its JSON text when a function made it something else)."""
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload.decode("utf-8", "replace")
    message = document.get("errorMessage") if isinstance(document, dict) else None
    if message is None or isinstance(message, str):
        return message or ""
    return orjson.dumps(message).decode()
