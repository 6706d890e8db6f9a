"""The integration request of a Lambda integration: Lambda's Invoke call, as AWS's execution log shows it.

The request-mapping stage builds it. ``AWS_PROXY``: the body is the proxy event and nothing of the
integration's ``requestParameters`` applies (AWS-recorded: mapped headers do not reach the event).
``AWS`` (custom): the body is the mapped one (template or passthrough) and mapped headers stay on
the request, where ``X-Amz-Invocation-Type`` selects an asynchronous invocation. Both address
Lambda's Invoke URL (``Endpoint request URI: https://lambda.{region}.amazonaws.com/...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from apigate.dataplane.context import Headers, IntegrationRequest
from apigate.dataplane.media import trace_id
from apigate.integrations.lambda_event import proxy_event
from apigate.integrations.lambda_target import source_arn

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledIntegration
    from apigate.dataplane.context import InvocationContext
    from apigate.integrations.lambda_target import LambdaTarget


def proxy_request(
    ctx: InvocationContext, integration: CompiledIntegration, target: LambdaTarget
) -> IntegrationRequest:
    """``AWS_PROXY``: a POST of the proxy event to the function's Invoke URL.

    The request's trace id goes on the request (AWS sends it to Lambda) where the response mapping
    finds it again for the method response, without working it out twice.
    """
    trace = trace_id(ctx)
    request = IntegrationRequest(
        integration.backend_method or "POST",
        target.endpoint(target.function_arn(ctx.stage_variables)),
        Headers([("X-Amzn-Trace-Id", trace)]),
        [],
        orjson.dumps(proxy_event(ctx, trace)),
        {},
        integration.timeout_ms / 1000,
    )
    if ctx.test_invoke:
        add_gateway_headers(ctx, request.headers, target)
    return request


def address(ctx: InvocationContext, request: IntegrationRequest, target: LambdaTarget) -> None:
    """``AWS`` (custom): the mapped request, sent to the function's Invoke URL."""
    request.uri = target.endpoint(target.function_arn(ctx.stage_variables))
    if ctx.test_invoke:
        add_gateway_headers(ctx, request.headers, target)


def add_gateway_headers(ctx: InvocationContext, headers: Headers, target: LambdaTarget) -> None:
    """The headers API Gateway puts on its Invoke call (recorded console logs; the signature and
    security token, which apigate has no use for, are left out). Only the execution log shows them."""
    method = ctx.method
    source = source_arn(
        ctx.region, ctx.account_id, ctx.api_id, ctx.stage_name,
        method.http_method if method else "", method.resource_path if method else "",
    )
    headers.items[:0] = [
        ("x-amzn-lambda-integration-tag", ctx.request_id),
        ("x-amzn-apigateway-api-id", ctx.api_id),
        ("X-Amz-Source-Arn", source),
        ("Accept", "application/json"),
        ("User-Agent", f"AmazonAPIGateway_{ctx.api_id}"),
        ("Host", f"lambda.{target.region}.amazonaws.com"),
    ]
    if "x-amzn-trace-id" not in headers:
        headers.items.append(("X-Amzn-Trace-Id", trace_id(ctx)))
