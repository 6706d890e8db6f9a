"""The transform stages inside the real pipeline (route -> ... -> finalize), errors rendered as AWS does."""

from __future__ import annotations

import json

from apigate.dataplane.pipeline import run
from tests.integrations.conftest import Backend
from tests.integrations.contexts import REQUEST_ID, build_context, integration, response


async def test_http_integration_end_to_end(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=backend.url + "/status/{code}",
                      requestParameters={"integration.request.path.code": "method.request.path.id"},
                      integrationResponses={"200": response("200", responseTemplates={
                          "application/json": '{"got": $input.json(\'$.status\')}'})})
    ctx = build_context(doc, path="/pets/202")
    await run(ctx)
    assert (ctx.response.status, ctx.response.body) == (200, b'{"got": 202}')
    headers = dict(ctx.response.headers.items)
    assert headers["x-amzn-RequestId"] == REQUEST_ID
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(ctx.response.body))


async def test_integration_timeout_is_rendered_as_504(backend: Backend) -> None:
    doc = integration("HTTP_PROXY", httpMethod="GET", uri=backend.url + "/slow", timeoutInMillis=100)
    ctx = build_context(doc)
    await run(ctx)
    assert ctx.response.status == 504
    assert json.loads(ctx.response.body) == {"message": "Endpoint request timed out"}
    assert ctx.response.headers.get("x-amzn-ErrorType") == "InternalServerErrorException"


async def test_unsupported_media_type_is_rendered_as_415() -> None:
    doc = integration("MOCK", passthroughBehavior="NEVER",
                      requestTemplates={"application/json": '{"statusCode": 200}'},
                      integrationResponses={"200": response("200")})
    ctx = build_context(doc, verb="POST", headers=[("Content-Type", "text/xml")], body=b"<a/>")
    await run(ctx)
    assert ctx.response.status == 415
    assert json.loads(ctx.response.body) == {"message": "Unsupported Media Type"}


async def test_cdk_cors_preflight_mock() -> None:
    doc = integration(
        "MOCK",
        requestTemplates={"application/json": "{ statusCode: 200 }"},
        integrationResponses={"204": response("204", responseParameters={
            "method.response.header.Access-Control-Allow-Origin": "'*'",
            "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET'",
        })},
    )
    ctx = build_context(doc, verb="OPTIONS", method_responses=("204",))
    await run(ctx)
    assert ctx.response.status == 204
    assert ctx.response.headers.get("Access-Control-Allow-Origin") == "*"
    assert ctx.response.headers.get("Access-Control-Allow-Methods") == "OPTIONS,GET"
