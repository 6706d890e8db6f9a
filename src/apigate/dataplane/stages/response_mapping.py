"""Method response: shape what the integration answered into what the client receives.

Non-proxy integrations (MOCK, HTTP, AWS), digest §2.5:

1. select the integration response: ``selectionPattern`` (a whole-string regex) is matched against
   the backend status code as a string (or a Lambda's ``errorMessage`` when the integration reports
   one); none matching selects the response without a pattern; no such default is a 500
   API_CONFIGURATION_ERROR. The selected status must be declared as a MethodResponse, else AWS fails
   with "Output mapping refers to an invalid method response" (500);
2. headers come only from ``responseParameters`` (the backend's own headers are not returned);
3. the body is the response template chosen by the request's ``Accept`` (first media type, then
   ``application/json``, then the first template), or the integration body passed through;
4. ``$context.responseOverride.status`` / ``.header.X`` (from the request or response template) win.

HTTP_PROXY returns the backend's status, headers and body. Headers API Gateway owns are renamed
``x-amzn-Remapped-{name}`` rather than passed through or dropped (AWS-recorded), for both kinds.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import TYPE_CHECKING, Any

from apigate.dataplane.context import Headers
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.execution_log import java_map
from apigate.dataplane.mapping import map_response
from apigate.dataplane.media import is_binary, trace_id
from apigate.dataplane.stages.request_mapping import JSON
from apigate.integrations.lambda_response import method_answer
from apigate.vtl.values import java_str

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledIntegration, CompiledIntegrationResponse
    from apigate.dataplane.context import IntegrationResult, InvocationContext
    from apigate.vtl import Template

log = logging.getLogger(__name__)

# Renamed on proxy responses (recorded HTTP_PROXY: Connection, Content-Length, Date, Server, and
# the backend's own x-amzn-RequestId; WWW-Authenticate as AWS documents for proxy responses).
_REMAPPED_PROXY = ("Connection", "Content-Length", "Date", "Server", "WWW-Authenticate", "x-amzn-RequestId")
# Renamed on mapped (non-proxy) method response headers (recorded for HTTP and AWS integrations).
_REMAPPED_MAPPED = (
    "Authorization", "Connection", "Content-Length", "Content-MD5", "Date", "Expect", "Host",
    "Max-Forwards", "Proxy-Authenticate", "Server", "Trailer", "Upgrade", "User-Agent", "WWW-Authenticate",
)
_REMAP_PROXY = {name.lower(): f"x-amzn-Remapped-{name}" for name in _REMAPPED_PROXY}
_REMAP_MAPPED = {name.lower(): f"x-amzn-Remapped-{name}" for name in _REMAPPED_MAPPED}
# Dropped outright: the gateway frames the body itself; HTTP_PROXY also loses the backend's Via.
_DROP_PROXY = frozenset({"transfer-encoding", "via", "keep-alive"})
_DROP_MAPPED = frozenset({"transfer-encoding"})


async def response_mapping(ctx: InvocationContext) -> None:
    method = ctx.method
    integration = method.integration if method is not None else None
    result = ctx.integration_result
    if integration is None or result is None:
        raise API_CONFIGURATION_ERROR(log="No integration response to map")
    # Written into the context's own response object: one allocation less on every request.
    response = ctx.response
    if integration.type == "AWS_PROXY" and integration.lambda_target is not None:
        # What the function returned is the answer, once its contract is checked (502 if broken).
        response.status, response.headers, response.body = _proxy_response(method_answer(ctx, result))
    elif integration.type in ("HTTP_PROXY", "AWS_PROXY"):
        response.status, response.headers, response.body = _proxy_response(result)
    else:
        response.status, response.headers, response.body = _mapped_response(ctx, integration, result)
    if ctx.test_invoke:
        ctx.trace(f"Method response body after transformations: {response.body.decode('utf-8', 'replace')}")
        ctx.trace(f"Method response headers: {java_map(dict(response.headers.items))}")


def _remap(items: list[tuple[str, str]], remap: dict[str, str], drop: frozenset[str]) -> tuple[Headers, bool]:
    """The headers renamed and filtered, and whether a Content-Type is among them."""
    kept: list[tuple[str, str]] = []
    has_content_type = False
    for name, value in items:
        lname = name.lower()
        if lname in drop:
            continue
        if lname == "content-type":
            has_content_type = True
        kept.append((remap.get(lname, name), value))
    return Headers(kept), has_content_type


def _proxy_response(result: IntegrationResult) -> tuple[int, Headers, bytes]:
    headers, has_content_type = _remap(result.headers.items, _REMAP_PROXY, _DROP_PROXY)
    if not has_content_type:
        # AWS: "When using proxy integration with a passthrough, API Gateway returns the default
        # Content-Type:application/json header if the content type of a payload is unspecified."
        headers.items.append(("Content-Type", JSON))
    return result.status, headers, result.body


def select_integration_response(
    integration: CompiledIntegration, selection_value: str
) -> CompiledIntegrationResponse:
    """The integration response for a backend status (or Lambda errorMessage), AWS's rules."""
    matches = [
        response for response in integration.integration_responses
        if response.selection_pattern is not None and response.selection_pattern.fullmatch(selection_value)
    ]
    if matches:
        # Several patterns matching: the one whose own status code is the backend's wins.
        return next((r for r in matches if r.status_code == selection_value), matches[0])
    if integration.default_response is None:
        raise API_CONFIGURATION_ERROR(
            log="No match for output mapping and no default output mapping configured. "
            f"Endpoint Response Status Code: {selection_value}"
        )
    return integration.default_response


def _mapped_response(
    ctx: InvocationContext, integration: CompiledIntegration, result: IntegrationResult
) -> tuple[int, Headers, bytes]:
    chosen = integration.default_response
    if integration.has_selection_patterns or chosen is None:
        selection_value = result.error_message if result.error_message is not None else str(result.status)
        chosen = select_integration_response(integration, selection_value)
    method = ctx.method
    if method is not None and chosen.status_code not in method.method_responses:
        raise API_CONFIGURATION_ERROR(
            log=f"Output mapping refers to an invalid method response: {chosen.status_code}"
        )
    parameters = chosen.response_parameters
    headers = Headers(map_response(ctx, parameters, result.headers, result.body) if parameters else [])
    content_type, template = chosen.only_template or _select_template(ctx, chosen.response_templates)
    if chosen.content_handling or ctx.deployment.binary_media_types:
        payload = _convert_body(ctx, result, chosen.content_handling)
    else:
        payload = result.body
    if template is not None and not getattr(template, "is_empty", False):  # else passes through
        body = template.render(ctx, payload, response=True).encode()
        if not headers.items or "content-type" not in headers:
            headers.items.append(("Content-Type", content_type))
    else:
        body = payload
    if integration.type != "MOCK" and "x-amzn-trace-id" not in headers:
        # Recorded: HTTP and AWS integration responses carry the request's X-Ray trace id (MOCK's do not).
        sent = ctx.integration_request.headers.get("x-amzn-trace-id") if ctx.integration_request else None
        headers.add("X-Amzn-Trace-Id", sent or trace_id(ctx))
    status = chosen.status if chosen.status is not None else int(chosen.status_code)
    if ctx.response_override:
        status, headers = _apply_overrides(ctx.response_override, status, headers)
    elif not parameters:
        # Only Content-Type and X-Amzn-Trace-Id can be set: neither is renamed nor dropped.
        return status, headers, body
    return status, _remap(headers.items, _REMAP_MAPPED, _DROP_MAPPED)[0], body


def _select_template(ctx: InvocationContext, templates: dict[str, Template]) -> tuple[str, Template | None]:
    """By the request's Accept (first media type), else application/json, else the first defined."""
    if not templates:
        return JSON, None
    if len(templates) == 1:  # whatever the Accept header says, the one template is the answer
        return next(iter(templates.items()))
    accept = ctx.request.headers.get("accept")
    if accept:
        wanted = accept.split(",", 1)[0].split(";", 1)[0].strip().lower()
        for content_type, template in templates.items():
            if content_type.lower() == wanted:
                return content_type, template
    if JSON in templates:
        return JSON, templates[JSON]
    return next(iter(templates.items()))


def _convert_body(ctx: InvocationContext, result: IntegrationResult, content_handling: str | None) -> bytes:
    """``contentHandling`` of the integration response and ``binaryMediaTypes`` (digest §3.8).

    The target is text unless the client's Accept is a binary media type (or CONVERT_TO_BINARY is
    set): a binary payload bound for text is base64-encoded; a text payload bound for binary is
    base64-decoded (the backend is expected to have sent base64), and failing that is a 500.
    """
    media_types = ctx.deployment.binary_media_types
    if not media_types and not content_handling:
        return result.body
    binary_payload = is_binary(result.headers.get("content-type"), media_types)
    binary_accept = is_binary(ctx.request.headers.get("accept"), media_types)
    to_binary = content_handling == "CONVERT_TO_BINARY" or (not content_handling and binary_accept)
    if not to_binary and binary_payload:
        return base64.b64encode(result.body)
    if to_binary and not binary_payload:
        try:
            return base64.b64decode(result.body, validate=True)
        except (binascii.Error, ValueError):
            raise API_CONFIGURATION_ERROR(log="Unable to base64-decode the integration response") from None
    return result.body


def _apply_overrides(override: dict[str, Any], status: int, headers: Headers) -> tuple[int, Headers]:
    """``$context.responseOverride``: a status of 100-599 (an int or its digits; else ignored, as
    AWS ignores it) and headers, replacing the mapped ones."""
    if not override:
        return status, headers
    wanted = override.get("status")
    if isinstance(wanted, str) and wanted.strip().isdigit():
        wanted = int(wanted)
    if isinstance(wanted, int) and not isinstance(wanted, bool) and 100 <= wanted <= 599:
        status = wanted
    elif wanted not in (None, ""):
        log.debug("ignoring responseOverride.status %r", wanted)
    for name, value in (override.get("header") or {}).items():
        headers.set(str(name), java_str(value))
    return status, headers
