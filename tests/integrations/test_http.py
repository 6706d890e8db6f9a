"""HTTP (custom) integrations against a real backend: request mapping -> integrate -> response mapping."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from apigate.dataplane.context import InvocationContext
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, INTEGRATION_TIMEOUT
from apigate.dataplane.stages.integrate import integrate
from apigate.dataplane.stages.request_mapping import request_mapping
from apigate.dataplane.stages.response_mapping import response_mapping
from tests.integrations.conftest import Backend
from tests.integrations.contexts import API_ID, build_context, integration, response


async def run(ctx: InvocationContext) -> InvocationContext:
    await request_mapping(ctx)
    await integrate(ctx)
    await response_mapping(ctx)
    return ctx


def echoed(ctx: InvocationContext) -> dict[str, Any]:
    assert ctx.integration_result is not None
    return json.loads(ctx.integration_result.body)


async def test_mapped_request_reaches_the_backend(backend: Backend) -> None:
    doc = integration(
        "HTTP",
        httpMethod="POST",
        uri=backend.url + "/pets/{petId}?fixed=1",
        requestParameters={
            "integration.request.path.petId": "method.request.path.id",
            "integration.request.querystring.tag": "method.request.multivaluequerystring.tag",
            "integration.request.header.X-Caller": "method.request.header.X-Client",
        },
        requestTemplates={
            "application/json": '{"pet": "$input.params(\'id\')", "name": $input.json(\'$.name\')}'
        },
        integrationResponses={"200": response("200", responseTemplates={
            "application/json": '{"backendSaw": "$input.path(\'$.method\')"}'})},
    )
    ctx = build_context(
        doc,
        verb="PUT",
        path="/pets/12",
        query=[("tag", "a b"), ("tag", "c&d"), ("other", "x")],
        headers=[("X-Client", "me"), ("Content-Type", "application/json"), ("X-Secret", "not forwarded")],
        body=b'{"name": "Rex"}',
    )
    await run(ctx)
    seen = backend.last
    assert seen["method"] == "POST"
    assert seen["path"] == "/pets/12"
    assert seen["query"] == [("fixed", "1"), ("tag", "a b,c&d")]
    headers = dict(seen["headers"])
    assert headers["X-Caller"] == "me"
    assert "X-Secret" not in headers
    assert headers["User-Agent"] == f"AmazonAPIGateway_{API_ID}"
    assert headers["Accept"] == "application/json"
    assert headers["X-Amzn-Apigateway-Api-Id"] == API_ID
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert "Accept-Encoding" not in headers  # no client-library defaults
    assert seen["body"] == b'{"pet": "12", "name": "Rex"}'
    assert (ctx.response.status, ctx.response.body) == (200, b'{"backendSaw": "POST"}')
    # The backend's own headers are not returned: the template's content type and the trace id sent.
    assert ctx.response.headers.items == [
        ("Content-Type", "application/json"), ("X-Amzn-Trace-Id", headers["X-Amzn-Trace-Id"]),
    ]


async def test_get_sends_no_body(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=backend.url + "/x",
                      requestTemplates={"application/json": '{"ignored": true}'},
                      integrationResponses={"200": response("200")})
    await run(build_context(doc, verb="POST", body=b"{}"))
    assert backend.last["method"] == "GET"
    assert backend.last["body"] == b""


@pytest.mark.parametrize(
    ("backend_status", "status"), [(200, 200), (201, 200), (404, 400), (418, 400), (502, 500)]
)
async def test_backend_status_selects_the_integration_response(
    backend: Backend, backend_status: int, status: int
) -> None:
    doc = integration(
        "HTTP", httpMethod="GET", uri=backend.url + "/status/{code}",
        requestParameters={"integration.request.path.code": "method.request.path.id"},
        integrationResponses={
            "200": response("200"),
            "400": response("400", selectionPattern=r"4\d{2}"),
            "500": response("500", selectionPattern=r"5\d{2}"),
        },
    )
    ctx = build_context(doc, path=f"/pets/{backend_status}", method_responses=("200", "400", "500"))
    await run(ctx)
    assert ctx.response.status == status
    assert json.loads(ctx.response.body) == {"status": backend_status}


async def test_timeout_in_millis_ends_with_504(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=backend.url + "/slow", timeoutInMillis=200,
                      integrationResponses={"200": response("200")})
    ctx = build_context(doc)
    await request_mapping(ctx)
    with pytest.raises(INTEGRATION_TIMEOUT) as caught:
        await integrate(ctx)
    assert (caught.value.status, caught.value.message) == (504, "Endpoint request timed out")
    assert ctx.integration_result is None
    assert ctx.integration_latency_ms >= 200


async def test_connection_refused_is_a_500(closed_port: int) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=f"http://127.0.0.1:{closed_port}/x",
                      integrationResponses={"200": response("200")})
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await run(build_context(doc))
    assert (caught.value.status, caught.value.message) == (500, "Internal server error")
    assert f"127.0.0.1:{closed_port}" in (caught.value.log or "")


async def test_unresolvable_host_is_a_500() -> None:
    # RFC 6761: names under .invalid never resolve.
    doc = integration("HTTP", httpMethod="GET", uri="http://no-such-backend.invalid/x", timeoutInMillis=10000,
                      integrationResponses={"200": response("200")})
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await run(build_context(doc))
    assert "Invalid endpoint address" in (caught.value.log or "")


@pytest.mark.parametrize("uri", ["ftp://backend/x", "not a url", "http:///no-host"])
async def test_invalid_endpoint_uri_is_a_500(uri: str) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=uri, integrationResponses={"200": response("200")})
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await run(build_context(doc))
    assert "Invalid endpoint address" in (caught.value.log or "")


async def test_response_parameters_from_backend_headers_and_body(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="POST", uri=backend.url + "/echo",
                      integrationResponses={"200": response("200", responseParameters={
                          "method.response.header.X-From-Backend": "integration.response.header.X-Backend",
                          "method.response.header.X-Method": "integration.response.body.method",
                          "method.response.header.Server": "integration.response.header.Server",
                      })})
    ctx = await run(build_context(doc))
    headers = dict(ctx.response.headers.items)
    assert headers["X-From-Backend"] == "echo"
    assert headers["X-Method"] == "POST"
    assert headers["x-amzn-Remapped-Server"].startswith("Python/")  # aiohttp's Server header, remapped
    assert base64.b64decode(echoed(ctx)["body"]) == b""


async def test_backend_cookies_are_not_kept_between_requests(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=backend.url + "/cookie",
                      integrationResponses={"200": response("200")})
    await run(build_context(doc))
    await run(build_context(doc))
    assert "Cookie" not in dict(backend.last["headers"])


async def test_test_invoke_log_of_an_http_call(backend: Backend) -> None:
    doc = integration("HTTP", httpMethod="GET", uri=backend.url + "/status/200",
                      integrationResponses={"200": response("200")})
    ctx = await run(build_context(doc, test_invoke=True))
    lines = [line.split(":", 1)[0] for line in ctx.log]
    assert lines == [
        "Endpoint request URI", "Endpoint request headers", "Endpoint request body after transformations",
        "Sending request to http", "Received response. Status", "Endpoint response headers",
        "Endpoint response body before transformations", "Method response body after transformations",
        "Method response headers",
    ]
    assert ctx.log[4].startswith("Received response. Status: 200, Integration latency: ")


def test_endpoint_urls_are_parsed_once_and_invalid_ones_always_fail() -> None:
    from apigate.dataplane.context import Headers, IntegrationRequest
    from apigate.integrations.http import endpoint

    def request(uri: str) -> IntegrationRequest:
        return IntegrationRequest("GET", uri, Headers([]), [], b"")

    first = endpoint(request("http://backend.example:8080/a%20b"))
    assert endpoint(request("http://backend.example:8080/a%20b")) is first
    assert (first.host, first.port, first.raw_path) == ("backend.example", 8080, "/a%20b")
    for _ in range(2):
        with pytest.raises(API_CONFIGURATION_ERROR):
            endpoint(request("ftp://backend/x"))
