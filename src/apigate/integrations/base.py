"""The contract every integration implements, and helpers they share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationRequest, IntegrationResult, InvocationContext

# Characters left as they are in a query-string name or value: RFC 3986 unreserved only. Values are
# decoded ones (the method request's query string is decoded), so "%" itself is encoded, as AWS
# documents ("REST API URL-encodes the percent character (%) before passing it to backend
# integrations").
_QUERY_SAFE = "-._~"


class Integration(Protocol):
    """An integration type: calls its backend for ``ctx.integration_request``.

    ``invoke`` returns the backend's status, headers and body (``IntegrationResult``); it ends the
    request by raising a ``GatewayError`` when AWS would (configuration errors, unreachable
    endpoints). The integration timeout is applied around ``invoke`` by the integrate stage.
    """

    async def invoke(self, ctx: InvocationContext) -> IntegrationResult: ...


def encode_query(pairs: list[tuple[str, str]]) -> str:
    """``a=1&b=x%20y`` from (name, value) pairs, repeated names kept in order."""
    return "&".join(f"{quote(k, safe=_QUERY_SAFE)}={quote(v, safe=_QUERY_SAFE)}" for k, v in pairs)


def request_url(request: IntegrationRequest) -> str:
    """The endpoint URL: the integration request's URI with its query-string parameters appended."""
    if not request.query:
        return request.uri
    separator = "&" if "?" in request.uri else "?"
    return f"{request.uri}{separator}{encode_query(request.query)}"
