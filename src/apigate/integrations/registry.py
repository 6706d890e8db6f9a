"""Integration types -> their implementation: the one place a new integration type is registered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.integrations.http import HttpIntegration
from apigate.integrations.http_proxy import HttpProxyIntegration
from apigate.integrations.lambda_custom import LambdaCustomIntegration
from apigate.integrations.lambda_proxy import LambdaProxyIntegration
from apigate.integrations.mock import MockIntegration

if TYPE_CHECKING:
    from apigate.integrations.base import Integration

_INTEGRATIONS: dict[str, Integration] = {
    "MOCK": MockIntegration(),
    "HTTP": HttpIntegration(),
    "HTTP_PROXY": HttpProxyIntegration(),
    # Lambda functions; other AWS services answer a clear "not supported yet" (500) for now.
    "AWS": LambdaCustomIntegration(),
    "AWS_PROXY": LambdaProxyIntegration(),
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
