"""The event an ``AWS_PROXY`` integration hands its function: API Gateway's payload format 1.0.

Member for member what AWS sends (recorded in test_apigateway_lambda.snapshot.json, digest §4.1):

* ``path`` is the request path after the stage, still percent-encoded (``test%2Balias@...`` stays
  so), leading slashes folded (``/stage//x`` -> ``/x``), a trailing slash kept;
  ``requestContext.path`` carries the stage;
* ``headers`` / ``queryStringParameters`` keep the last value of a repeated name, the
  ``multiValue*`` maps every value in order; query values are decoded (``+`` is a space);
* empty maps are ``null``, not ``{}`` (headers, query strings, path parameters, stage variables);
  an empty body is ``null``;
* a body whose Content-Type matches the API's ``binaryMediaTypes`` is base64 with
  ``isBase64Encoded: true``;
* AWS's front end adds ``X-Forwarded-For`` (the client address appended), ``X-Forwarded-Port``,
  ``X-Forwarded-Proto`` and ``X-Amzn-Trace-Id``; TestInvokeMethod adds none of them (recorded
  console log: ``"headers": null`` for a test without headers).

Header names: AWS keeps the client's spelling. ASGI servers hand every name over in lower case
(granian does), so the spelling is lost before the gateway sees it; names that arrive all in lower
case are given the canonical spelling most clients send (``content-type`` -> ``Content-Type``), so
handlers written for AWS (``event["headers"]["Content-Type"]``) keep working. Names that arrive
with capitals (TestInvokeMethod) are kept as written.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from apigate.dataplane.media import is_binary, trace_id
from apigate.vtl.context import request_time

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_MAX_NAMES = 1024
_canonical_names: dict[str, str] = {}
_time_cache: tuple[int, str] = (-1, "")

# TestInvokeMethod's identity (recorded console log: the test invocation's API key and its id).
TEST_API_KEY = "test-invoke-api-key"
TEST_API_KEY_ID = "test-invoke-api-key-id"


def canonical_name(name: str) -> str:
    """``x-amzn-trace-id`` -> ``X-Amzn-Trace-Id``; a name with capitals is kept as written."""
    found = _canonical_names.get(name)
    if found is None:
        found = "-".join(part[:1].upper() + part[1:] for part in name.split("-")) if name.islower() else name
        if len(name) <= 128:
            if len(_canonical_names) >= _MAX_NAMES:
                _canonical_names.clear()
            _canonical_names[name] = found
    return found


def proxy_event(ctx: InvocationContext, trace: str | None = None) -> dict[str, Any]:
    """The payload-1.0 event of the request in ``ctx`` (its route already found); ``trace`` is the
    request's ``X-Amzn-Trace-Id`` when the caller has it already."""
    request = ctx.request
    headers, multi_headers = _headers(ctx, trace)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in request.query:
        query[name] = value
        if name in multi_query:
            multi_query[name].append(value)
        else:
            multi_query[name] = [value]
    body: str | None = None
    encoded = False
    if request.body:
        binary_types = ctx.deployment.binary_media_types
        if binary_types and is_binary(request.headers.get("content-type"), binary_types):
            body, encoded = base64.b64encode(request.body).decode("ascii"), True
        else:
            body = request.body.decode("utf-8", "replace")
    method = ctx.method
    return {
        "resource": method.resource_path if method is not None else request.path,
        "path": request.raw_path,
        "httpMethod": request.http_method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": ctx.path_parameters or None,
        "stageVariables": ctx.stage_variables or None,
        "requestContext": request_context(ctx),
        "body": body,
        "isBase64Encoded": encoded,
    }


def _headers(ctx: InvocationContext, trace: str | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    names = _canonical_names
    for raw_name, value in ctx.request.headers.items:
        name = names.get(raw_name) or canonical_name(raw_name)
        single[name] = value
        if name in multi:
            multi[name].append(value)
        else:
            multi[name] = [value]
    if not ctx.test_invoke:
        _front_end_headers(ctx, single, multi, trace)
    return single, multi


def _front_end_headers(
    ctx: InvocationContext, single: dict[str, str], multi: dict[str, list[str]], trace: str | None
) -> None:
    """What AWS's front end adds to every request it forwards (recorded event headers)."""
    request = ctx.request
    forwarded = single.get("X-Forwarded-For")
    value = f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip
    single["X-Forwarded-For"] = value
    multi["X-Forwarded-For"] = [value]
    if "X-Forwarded-Port" not in single:
        host = single.get("Host") or ""
        port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else "80"
        single["X-Forwarded-Port"] = port
        multi["X-Forwarded-Port"] = [port]
    if "X-Forwarded-Proto" not in single:
        single["X-Forwarded-Proto"] = "http"
        multi["X-Forwarded-Proto"] = ["http"]
    if "X-Amzn-Trace-Id" not in single:
        trace = trace or trace_id(ctx)
        single["X-Amzn-Trace-Id"] = trace
        multi["X-Amzn-Trace-Id"] = [trace]


def _request_time(epoch_ms: int) -> str:
    """``$context.requestTime``, formatted once per second."""
    global _time_cache
    second, text = _time_cache
    if second != epoch_ms // 1000:
        text = request_time(epoch_ms)
        _time_cache = (epoch_ms // 1000, text)
    return text


def request_context(ctx: InvocationContext) -> dict[str, Any]:
    """``requestContext``, in the order AWS writes its members (recorded console log)."""
    request = ctx.request
    method = ctx.method
    identity: dict[str, Any] = {"cognitoIdentityPoolId": None, "cognitoIdentityId": None}
    if ctx.test_invoke:
        identity["apiKey"] = TEST_API_KEY
    identity["principalOrgId"] = None
    identity["cognitoAuthenticationType"] = None
    identity["userArn"] = None
    if ctx.test_invoke:
        identity["apiKeyId"] = TEST_API_KEY_ID
    identity["userAgent"] = request.headers.get("user-agent")
    identity["accountId"] = None
    identity["caller"] = None
    identity["sourceIp"] = request.source_ip
    identity["accessKey"] = None
    identity["cognitoAuthenticationProvider"] = None
    identity["user"] = None
    domain = request.domain_name
    return {
        "resourceId": method.resource_id if method is not None else None,
        "resourcePath": method.resource_path if method is not None else None,
        "httpMethod": request.http_method,
        "extendedRequestId": ctx.extended_request_id,
        "requestTime": _request_time(ctx.request_time_epoch_ms),
        # The console's test runs outside any stage: its path has no stage prefix (recorded).
        "path": request.raw_path if ctx.test_invoke else f"/{ctx.stage_name}{request.raw_path}",
        "accountId": ctx.account_id,
        "protocol": request.protocol,
        "stage": ctx.stage_name,
        "domainPrefix": domain.split(".", 1)[0],
        "requestTimeEpoch": ctx.request_time_epoch_ms,
        "requestId": ctx.request_id,
        "identity": identity,
        "domainName": domain,
        "deploymentId": ctx.deployment.deployment_id,
        "apiId": ctx.api_id,
    }
