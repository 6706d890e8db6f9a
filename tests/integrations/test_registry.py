"""The integration registry, and AWS types that do not name a Lambda function."""

from __future__ import annotations

import pytest

from apigate.dataplane.context import Headers, IntegrationResult, InvocationContext
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.stages.integrate import integrate
from apigate.dataplane.stages.request_mapping import request_mapping
from apigate.integrations import registry
from apigate.integrations.http import HttpIntegration
from apigate.integrations.http_proxy import HttpProxyIntegration
from apigate.integrations.lambda_custom import LambdaCustomIntegration
from apigate.integrations.lambda_proxy import LambdaProxyIntegration
from apigate.integrations.mock import MockIntegration
from tests.integrations.contexts import build_context, integration


def test_types_resolve_to_their_integration() -> None:
    assert isinstance(registry.get("MOCK"), MockIntegration)
    assert isinstance(registry.get("HTTP"), HttpIntegration)
    assert isinstance(registry.get("HTTP_PROXY"), HttpProxyIntegration)
    assert isinstance(registry.get("AWS"), LambdaCustomIntegration)
    assert isinstance(registry.get("AWS_PROXY"), LambdaProxyIntegration)


def test_unknown_type_is_a_configuration_error() -> None:
    with pytest.raises(API_CONFIGURATION_ERROR):
        registry.get("FTP")


@pytest.mark.parametrize(
    ("kind", "uri"),
    [
        ("AWS", "arn:aws:apigateway:us-east-1:s3:path/bucket/key"),
        ("AWS_PROXY", "arn:aws:apigateway:us-east-1:firehose:action/PutRecord"),
    ],
)
async def test_other_aws_services_answer_a_clear_configuration_error(kind: str, uri: str) -> None:
    doc = integration(kind, httpMethod="POST", uri=uri, requestTemplates={"application/json": "{}"})
    ctx = build_context(doc)
    await request_mapping(ctx)
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await integrate(ctx)
    assert caught.value.status == 500
    assert f"{uri} are not supported yet" in (caught.value.log or "")


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
