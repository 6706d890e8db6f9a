"""HTTP_PROXY: the client's request goes to the endpoint and the backend's response comes back.

What differs from ``HTTP`` is decided elsewhere: the request-mapping stage forwards the client's
method, headers, query string and body (plus parameter mappings), and the response-mapping stage
returns the backend's status, headers (with AWS's ``x-amzn-Remapped-*`` renaming) and body instead
of selecting an integration response. Sending is the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.integrations.http import send

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationResult, InvocationContext


class HttpProxyIntegration:
    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        request = ctx.integration_request
        assert request is not None, "request mapping runs before the integration"
        return await send(ctx, request)
