"""HTTP (custom) integration, and the request sender HTTP_PROXY shares.

The integration request was fully built by the request-mapping stage (method, URL, headers, body);
this module only sends it through the pooled client and translates the client's failures at this
one boundary:

* an endpoint that cannot be reached (refused connection, unknown host, TLS failure, malformed
  URI) is a 500 ``{"message": "Internal server error"}`` (API_CONFIGURATION_ERROR): AWS logs these
  as "Execution failed due to configuration error: ..." and answers 500 (AWS knowledge center,
  "API Gateway 500 error with VPC link integrations": target not listening, certificate mismatch);
* a socket-level read timeout is INTEGRATION_TIMEOUT (504 "Endpoint request timed out"), the same
  answer as ``timeoutInMillis`` running out, which the integrate stage enforces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from yarl import URL

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, INTEGRATION_TIMEOUT
from apigate.integrations import http_client
from apigate.integrations.base import request_url

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationRequest, InvocationContext

# API Gateway sends no body with these verbs, whatever the mapping produced (digest §3.8).
NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def endpoint(request: IntegrationRequest) -> URL:
    """The endpoint URL, already percent-encoded; a URI that is not an absolute http(s) URL fails."""
    url = request_url(request)
    try:
        target = URL(url, encoded=True)
    except (ValueError, TypeError):
        raise API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {url}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {url}")
    return target


def _failure(exc: Exception, target: URL) -> Exception:
    where = f"{target.host}:{target.port}"
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return INTEGRATION_TIMEOUT(log="Execution failed due to a timeout error")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {target.host} could not be resolved")
    if isinstance(exc, (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError)):
        return API_CONFIGURATION_ERROR(log=f"SSL handshake with {where} failed: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return API_CONFIGURATION_ERROR(log=f"Connect to {where} failed: {exc.strerror or exc}")
    return API_CONFIGURATION_ERROR(log=f"Network error communicating with endpoint {where}: {exc}")


async def send(ctx: InvocationContext, request: IntegrationRequest) -> IntegrationResult:
    """Send the integration request as it is; the backend's response comes back untouched."""
    target = endpoint(request)
    method = request.http_method
    data = None if method in NO_BODY_METHODS else request.body
    integration = ctx.method.integration if ctx.method else None
    tls = (integration.raw.get("tlsConfig") or {}) if integration else {}
    ctx.trace(f"Sending request to {target}")
    try:
        async with http_client.session().request(
            method,
            target,
            headers=request.headers.items,
            data=data,
            allow_redirects=False,
            # tlsConfig.insecureSkipVerification: AWS's switch for backends with self-signed certificates.
            ssl=not tls.get("insecureSkipVerification"),
        ) as response:
            body = await response.read()
            headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers])
            return IntegrationResult(status=response.status, headers=headers, body=body)
    except (aiohttp.ClientError, ValueError) as exc:
        raise _failure(exc, target) from None


class HttpIntegration:
    """``HTTP``: the mapped request goes to the endpoint; integration responses shape the answer."""

    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        request = ctx.integration_request
        assert request is not None, "request mapping runs before the integration"
        return await send(ctx, request)
