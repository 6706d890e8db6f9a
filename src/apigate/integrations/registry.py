"""Integration types -> their implementation: the one place a new integration type is registered."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.integrations.http import HttpIntegration
from apigate.integrations.http_proxy import HttpProxyIntegration
from apigate.integrations.mock import MockIntegration

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationResult, InvocationContext
    from apigate.integrations.base import Integration

log = logging.getLogger(__name__)


class NotYetSupported:
    """AWS and AWS_PROXY until the Lambda and AWS-service integrations arrive: a clear 500."""

    def __init__(self, integration_type: str) -> None:
        self.integration_type = integration_type

    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        message = f"Integration type {self.integration_type} is not supported by this gateway yet"
        log.warning("%s (restApiId %s, request %s)", message, ctx.api_id, ctx.request_id)
        raise API_CONFIGURATION_ERROR(log=message)


_INTEGRATIONS: dict[str, Integration] = {
    "MOCK": MockIntegration(),
    "HTTP": HttpIntegration(),
    "HTTP_PROXY": HttpProxyIntegration(),
    "AWS": NotYetSupported("AWS"),
    "AWS_PROXY": NotYetSupported("AWS_PROXY"),
}
# The implementation or None, without a Python call around the lookup (the integrate stage's path).
find = _INTEGRATIONS.get


def get(integration_type: str) -> Integration:
    """The integration for ``integration_type``; an unknown type is an API configuration error."""
    found = find(integration_type)
    if found is None:
        raise API_CONFIGURATION_ERROR(log=f"Unknown integration type {integration_type}")
    return found


def register(integration_type: str, integration: Integration) -> None:
    """Install (or replace) the implementation of an integration type."""
    _INTEGRATIONS[integration_type] = integration
