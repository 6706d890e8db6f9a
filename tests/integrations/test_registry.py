"""The integration registry and the not-yet-supported AWS types."""

from __future__ import annotations

import pytest

from apigate.dataplane.context import Headers, IntegrationResult, InvocationContext
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.stages.integrate import integrate
from apigate.dataplane.stages.request_mapping import request_mapping
from apigate.integrations import registry
from apigate.integrations.http import HttpIntegration
from apigate.integrations.http_proxy import HttpProxyIntegration
from apigate.integrations.mock import MockIntegration
from tests.integrations.contexts import build_context, integration


def test_types_resolve_to_their_integration() -> None:
    assert isinstance(registry.get("MOCK"), MockIntegration)
    assert isinstance(registry.get("HTTP"), HttpIntegration)
    assert isinstance(registry.get("HTTP_PROXY"), HttpProxyIntegration)


def test_unknown_type_is_a_configuration_error() -> None:
    with pytest.raises(API_CONFIGURATION_ERROR):
        registry.get("FTP")


@pytest.mark.parametrize("kind", ["AWS", "AWS_PROXY"])
async def test_aws_types_answer_a_clear_configuration_error(kind: str) -> None:
    function = "arn:aws:lambda:us-east-1:123456789012:function:f"
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    doc = integration(kind, httpMethod="POST", uri=uri, requestTemplates={"application/json": "{}"})
    ctx = build_context(doc)
    await request_mapping(ctx)
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await integrate(ctx)
    assert caught.value.status == 500
    assert f"Integration type {kind} is not supported" in (caught.value.log or "")


async def test_register_installs_an_integration() -> None:
    class Teapot:
        async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
            return IntegrationResult(418, Headers(), b"short and stout")

    previous = registry.get("AWS")
    registry.register("AWS", Teapot())
    try:
        doc = integration("AWS", httpMethod="POST", uri="arn:aws:apigateway:us-east-1:s3:path/b")
        ctx = build_context(doc)
        await request_mapping(ctx)
        await integrate(ctx)
        assert ctx.integration_result is not None and ctx.integration_result.status == 418
    finally:
        registry.register("AWS", previous)
