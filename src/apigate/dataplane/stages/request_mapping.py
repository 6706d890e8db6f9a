"""Integration request: turn the method request into what the integration is asked to send.

Non-proxy integrations (MOCK, HTTP, AWS) get only what is mapped: ``requestParameters`` give the
path, query-string and header parameters, the request template chosen by the request's
``Content-Type`` gives the body, and ``$context.requestOverride.*`` set by the template is applied
last (digest §2.4, §6.5). Proxy integrations (HTTP_PROXY, AWS_PROXY) forward the client's method,
query string, headers and body, with parameter mappings still applied.

HTTP endpoints also get AWS's own headers: ``X-Amzn-Apigateway-Api-Id``, ``X-Amzn-Trace-Id`` and,
for HTTP, ``User-Agent: AmazonAPIGateway_{apiId}`` and ``Accept: application/json`` unless mapped
(AWS-recorded request headers of HTTP and HTTP_PROXY integrations).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from apigate.dataplane.context import Headers, IntegrationRequest
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE
from apigate.dataplane.execution_log import java_map
from apigate.dataplane.mapping import map_request, substitute_stage_variables
from apigate.dataplane.media import is_binary, trace_id
from apigate.integrations import lambda_request
from apigate.integrations.base import request_url

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledIntegration
    from apigate.dataplane.context import InvocationContext
    from apigate.vtl import Template

JSON = "application/json"
PROXY_TYPES = frozenset({"HTTP_PROXY", "AWS_PROXY"})
AWS_TYPES = frozenset({"AWS", "AWS_PROXY"})
# Headers an HTTP_PROXY never forwards: hop-by-hop and framing headers (recomputed for the
# integration request), the client's Host, and what AWS was recorded dropping (Via; a
# Content-Encoding that describes no body).
_NOT_FORWARDED = frozenset({
    "connection", "content-length", "content-md5", "expect", "host", "keep-alive", "max-forwards",
    "proxy-authenticate", "server", "te", "trailer", "transfer-encoding", "upgrade", "via",
    "www-authenticate",
})
# Mapping one of these is a configuration error on AWS (recorded: 500 Internal server error).
_UNMAPPABLE = frozenset({"content-length", "transfer-encoding"})
# AWS silently leaves these out of an HTTP integration request even when they are mapped (recorded).
_DROPPED_FROM_HTTP = frozenset({"connection", "expect", "proxy-authenticate", "te"})
# AWS integrations also refuse these as mapped headers (recorded 500s); an HTTP integration sends a
# mapped Authorization and drops the others.
_UNMAPPABLE_AWS = frozenset({"authorization", "connection", "expect", "proxy-authenticate", "te"})
_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "%:@!$'()*+,;/?-._~"


async def request_mapping(ctx: InvocationContext) -> None:
    method = ctx.method
    integration = method.integration if method is not None else None
    if integration is None:
        raise API_CONFIGURATION_ERROR(log="No integration defined for method")
    target = integration.lambda_target
    if target is not None and integration.type == "AWS_PROXY":
        # The proxy event is the whole request; no parameter mapping applies (AWS-recorded).
        ctx.integration_request = request = lambda_request.proxy_request(ctx, integration, target)
        if ctx.test_invoke:
            _trace_endpoint_request(ctx, request)
        return
    # Most methods map no parameter: skip the mapping machinery for them.
    mapped = map_request(ctx, integration.request_parameters) if integration.request_parameters else None
    if mapped:
        _check_mapped_headers(integration.type, mapped.get("header", {}), mapped.get("multivalueheader", {}))
    if integration.type in PROXY_TYPES:
        request = _proxy_request(ctx, integration, mapped)
    else:
        request = _custom_request(ctx, integration, mapped)
        if target is not None:
            lambda_request.address(ctx, request, target)
    if ctx.request_override:
        _apply_overrides(ctx, request)
    if "{" in request.uri:
        request.uri = _fill_placeholders(request.uri, request.path_parameters)
    ctx.integration_request = request
    # The console's test log shows the endpoint request for real backends only (recorded: a MOCK
    # method's log goes from the method request straight to the method response).
    if ctx.test_invoke and integration.type != "MOCK":
        _trace_endpoint_request(ctx, request)


def _trace_endpoint_request(ctx: InvocationContext, request: IntegrationRequest) -> None:
    ctx.trace(f"Endpoint request URI: {request_url(request)}")
    ctx.trace(f"Endpoint request headers: {java_map(dict(request.headers.items))}")
    ctx.trace(f"Endpoint request body after transformations: {request.body.decode('utf-8', 'replace')}")


def _check_mapped_headers(kind: str, single: dict[str, list[str]], multi: dict[str, list[str]]) -> None:
    forbidden = _UNMAPPABLE | _UNMAPPABLE_AWS if kind in AWS_TYPES else _UNMAPPABLE
    for name in (*single, *multi):
        if name.lower() in forbidden:
            raise API_CONFIGURATION_ERROR(log=f"Invalid mapping expression: header {name} cannot be mapped")


def _base_request(
    ctx: InvocationContext, integration: CompiledIntegration, body: bytes
) -> IntegrationRequest:
    uri = integration.uri or ""
    if "${" in uri:
        uri = substitute_stage_variables(uri, ctx.stage_variables)
    # Positional (IntegrationRequest's field order): keyword arguments cost more on this path.
    return IntegrationRequest(
        # ANY (HTTP_PROXY's usual setting) and an absent verb (MOCK) mean the client's own verb.
        integration.backend_method or ctx.request.http_method,  # http_method
        uri,
        Headers([]),  # headers
        [],  # query
        body,
        {},  # path_parameters
        integration.timeout_ms / 1000,  # timeout
    )


def _apply_mapped(request: IntegrationRequest, mapped: dict[str, dict[str, list[str]]] | None) -> None:
    """Mapped parameters onto the request: path parameters and headers replace, query strings add."""
    if not mapped:
        return
    for name, values in mapped.get("path", {}).items():
        request.path_parameters[name] = values[0]
    headers = request.headers
    for location in ("header", "multivalueheader"):
        for name, values in mapped.get(location, {}).items():
            if name.lower() in _DROPPED_FROM_HTTP:
                continue
            headers.remove(name)
            for value in values:
                headers.add(name, value)
    for location in ("querystring", "multivaluequerystring"):
        for name, values in mapped.get(location, {}).items():
            request.query.extend((name, value) for value in values)


def _custom_request(
    ctx: InvocationContext, integration: CompiledIntegration, mapped: dict[str, dict[str, list[str]]] | None
) -> IntegrationRequest:
    content_type, template = _select_template(ctx, integration)
    payload = _convert_payload(ctx, integration.content_handling) if integration.content_handling else (
        ctx.request.body)
    # passes_through(), inline: this runs for every request of a MOCK, HTTP or AWS integration.
    if template is None or getattr(template, "is_empty", False):
        body = payload
    else:
        body = getattr(template, "static_bytes", None) or template.render(ctx, payload).encode()
    request = _base_request(ctx, integration, body)
    if mapped:
        _apply_mapped(request, mapped)
    if integration.type == "HTTP":
        headers = request.headers
        _default(headers, "Accept", JSON)
        _default(headers, "User-Agent", f"AmazonAPIGateway_{ctx.api_id}")
        if body and request.http_method not in ("GET", "HEAD", "OPTIONS"):
            _default(headers, "Content-Type", content_type)
        _gateway_headers(ctx, headers)
    return request


def _proxy_request(
    ctx: InvocationContext, integration: CompiledIntegration, mapped: dict[str, dict[str, list[str]]] | None
) -> IntegrationRequest:
    client = ctx.request
    request = _base_request(ctx, integration, client.body)
    # The method's own path parameters fill the URI's placeholders ({proxy} of /{proxy+}); an
    # explicit integration.request.path mapping takes precedence.
    if ctx.path_parameters:
        request.path_parameters.update(ctx.path_parameters)
    if client.query:
        request.query.extend(client.query)
    items = request.headers.items
    seen: set[str] = set()  # lower-case names forwarded, so the defaults below need no rescan
    drop_encoding = not client.body
    for name, value in client.headers.items:
        lname = name.lower()
        if lname in _NOT_FORWARDED or (drop_encoding and lname == "content-encoding"):
            continue
        seen.add(lname)
        items.append((name, value))
    if mapped:
        _apply_mapped(request, mapped)
        seen = {name.lower() for name, _ in request.headers.items}
    if integration.type == "HTTP_PROXY":
        if "x-amzn-apigateway-api-id" in seen:
            request.headers.remove("X-Amzn-Apigateway-Api-Id")  # replaces the list
        items = request.headers.items
        if "user-agent" not in seen:
            items.append(("User-Agent", f"AmazonAPIGateway_{ctx.api_id}"))
        items.append(("X-Amzn-Apigateway-Api-Id", ctx.api_id))
        if "x-amzn-trace-id" not in seen:
            items.append(("X-Amzn-Trace-Id", trace_id(ctx)))
    return request


def _default(headers: Headers, name: str, value: str) -> None:
    if name not in headers:
        headers.add(name, value)


def _gateway_headers(ctx: InvocationContext, headers: Headers) -> None:
    headers.set("X-Amzn-Apigateway-Api-Id", ctx.api_id)
    if "X-Amzn-Trace-Id" not in headers:
        headers.add("X-Amzn-Trace-Id", trace_id(ctx))


def _select_template(ctx: InvocationContext, integration: CompiledIntegration) -> tuple[str, Template | None]:
    """The request template for the request's Content-Type (MIME type only; absent = JSON).

    passthroughBehavior when none matches: WHEN_NO_MATCH passes the body through; WHEN_NO_TEMPLATES
    only when no template is defined at all; NEVER never (415 Unsupported Media Type).
    """
    header = ctx.request.headers.get("content-type")
    mime = header.split(";", 1)[0].strip().lower() if header else JSON
    templates = integration.request_templates
    template = templates.get(mime)
    if template is None:
        for content_type, candidate in templates.items():
            if content_type.lower() == mime:
                return content_type, candidate
        behaviour = integration.passthrough_behavior.upper()
        if behaviour == "NEVER" or (behaviour == "WHEN_NO_TEMPLATES" and templates):
            raise UNSUPPORTED_MEDIA_TYPE(log=f"Request Content-Type {mime} has no mapping template")
        return header or JSON, None
    return mime, template


def passes_through(template: Template | None) -> bool:
    """No template, or an empty one: AWS passes the payload through unchanged.

    (The compile step may hand a stand-in for a template that did not compile; it has no
    ``is_empty`` and must be rendered, which fails the request as AWS does.)
    """
    return template is None or getattr(template, "is_empty", False)


def _convert_payload(ctx: InvocationContext, content_handling: str | None) -> bytes:
    """``contentHandling`` of the integration applied to the request body (digest §3.8)."""
    body = ctx.request.body
    if not content_handling or not body:
        return body
    binary = is_binary(ctx.request.headers.get("content-type"), ctx.deployment.binary_media_types)
    if content_handling == "CONVERT_TO_TEXT" and binary:
        return base64.b64encode(body)
    if content_handling == "CONVERT_TO_BINARY" and not binary:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise API_CONFIGURATION_ERROR(log="Unable to base64-decode the request body") from None
    return body


def _apply_overrides(ctx: InvocationContext, request: IntegrationRequest) -> None:
    """``$context.requestOverride.*`` from the request template: applied after the mappings."""
    override = ctx.request_override
    if not override:
        return
    for name, value in override.get("header", {}).items():
        request.headers.set(name, value)
    for name, value in override.get("querystring", {}).items():
        request.query = [(k, v) for k, v in request.query if k != name]
        request.query.append((name, value))
    request.path_parameters.update(override.get("path", {}))


def _fill_placeholders(uri: str, parameters: dict[str, str]) -> str:
    """``{name}`` in the URI's path and query from the integration's path parameters.

    Values are percent-encoded where the URI needs it, keeping escapes already present (path
    parameters arrive as the client sent them). A placeholder with no value is sent as written
    (percent-encoded braces), which is what the backend sees on AWS when a mapping is missing.
    """
    if "{" not in uri:
        return uri
    path, mark, query = uri.partition("?")

    def fill(text: str, safe: str) -> str:
        def replace(match: re.Match[str]) -> str:
            value = parameters.get(match.group(1))
            return quote(match.group(0) if value is None else value, safe=safe)

        return _PLACEHOLDER.sub(replace, text)

    return fill(path, _PATH_SAFE) + mark + fill(query, _QUERY_SAFE)
