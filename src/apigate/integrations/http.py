"""HTTP (custom) integration, and the request sender HTTP_PROXY shares.

The integration request was fully built by the request-mapping stage (method, URL, headers, body);
this module only sends it through the pooled client (``http_client.py``) and translates the
client's failures at this one boundary:

* an endpoint that cannot be reached (refused connection, unknown host, TLS failure, malformed
  URI) is a 500 ``{"message": "Internal server error"}`` (API_CONFIGURATION_ERROR): AWS logs these
  as "Execution failed due to configuration error: ..." and answers 500 (AWS knowledge center,
  "API Gateway 500 error with VPC link integrations": target not listening, certificate mismatch);
* an answer that is not HTTP, or a connection dropped mid-answer, is the same 500 ("Network error
  communicating with endpoint");
* ``timeoutInMillis`` running out is INTEGRATION_TIMEOUT (504 "Endpoint request timed out"), which
  the integrate stage enforces around the whole exchange.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yarl import URL

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.integrations import http_client
from apigate.integrations.base import request_url

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationRequest, InvocationContext

# API Gateway sends no body with these verbs, whatever the mapping produced (digest §3.8).
NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Endpoint URL text -> parsed URL. A URI without placeholders or query parameters is the same text on
# every request, and parsing it (yarl) costs ~2 us; URL objects are immutable, so they are shared.
_urls: dict[str, URL] = {}
_MAX_URLS = 1024
_MAX_URL_LENGTH = 512


def endpoint(request: IntegrationRequest) -> URL:
    """The endpoint URL, already percent-encoded; a URI that is not an absolute http(s) URL fails."""
    url = request_url(request)
    target = _urls.get(url)
    if target is not None:
        return target
    try:
        target = URL(url, encoded=True)
    except (ValueError, TypeError):
        raise API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {url}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {url}")
    if len(url) <= _MAX_URL_LENGTH:  # long ones (big query strings) are parsed every time
        if len(_urls) >= _MAX_URLS:
            _urls.clear()
        _urls[url] = target
    return target


def _failure(exc: Exception, target: URL) -> Exception:
    where = f"{target.host}:{target.port}"
    if isinstance(exc, http_client.NameNotResolved):
        return API_CONFIGURATION_ERROR(log=f"Invalid endpoint address: {target.host} could not be resolved")
    if isinstance(exc, http_client.TlsFailed):
        return API_CONFIGURATION_ERROR(log=f"SSL handshake with {where} failed: {exc}")
    if isinstance(exc, http_client.ConnectFailed):
        return API_CONFIGURATION_ERROR(log=f"Connect to {where} failed: {exc}")
    return API_CONFIGURATION_ERROR(log=f"Network error communicating with endpoint {where}: {exc}")


async def send(ctx: InvocationContext, request: IntegrationRequest) -> IntegrationResult:
    """Send the integration request as it is; the backend's response comes back untouched."""
    target = endpoint(request)
    method = request.http_method
    integration = ctx.method.integration if ctx.method else None
    tls = integration.raw.get("tlsConfig") if integration else None
    if ctx.test_invoke:
        ctx.trace(f"Sending request to {target}")
    try:
        status, raw_headers, body = await http_client.pool().request(
            method,
            target,
            request.headers.items,
            None if method in NO_BODY_METHODS else request.body,
            # tlsConfig.insecureSkipVerification: AWS's switch for backends with self-signed certificates.
            verify=not (tls and tls.get("insecureSkipVerification")),
        )
    except (http_client.UpstreamError, ValueError) as exc:
        raise _failure(exc, target) from None
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers])
    return IntegrationResult(status, headers, body)


class HttpIntegration:
    """``HTTP``: the mapped request goes to the endpoint; integration responses shape the answer."""

    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        request = ctx.integration_request
        assert request is not None, "request mapping runs before the integration"
        return await send(ctx, request)
