"""HTTP_PROXY against a real backend: the client's request out, the backend's response back."""

from __future__ import annotations

import base64
import gzip
import json

from apigate.dataplane.context import InvocationContext
from apigate.dataplane.stages.integrate import integrate
from apigate.dataplane.stages.request_mapping import request_mapping
from apigate.dataplane.stages.response_mapping import response_mapping
from tests.integrations.conftest import Backend
from tests.integrations.contexts import API_ID, build_context, integration


async def run(ctx: InvocationContext) -> InvocationContext:
    await request_mapping(ctx)
    await integrate(ctx)
    await response_mapping(ctx)
    return ctx


def proxy(uri: str, method: str = "ANY", **fields: object) -> dict:  # type: ignore[type-arg]
    return integration("HTTP_PROXY", httpMethod=method, uri=uri, **fields)


async def test_client_request_is_forwarded(backend: Backend) -> None:
    doc = proxy(backend.url + "/base/{proxy}", requestParameters={
        "integration.request.header.foobar": "'mapped-value'",
        "integration.request.querystring.testVar": "stageVariables.v",
    })
    ctx = build_context(
        doc,
        verb="PATCH",
        resource_path="/{proxy+}",
        path="/a/b",
        query=[("testVar", "foobar"), ("q", "1 2")],
        headers=[
            ("Content-Type", "application/json"), ("Accept", "application/xml"), ("User-Agent", "test/1"),
            ("X-Multi", "1"), ("X-Multi", "2"),
        ],
        body=b'{"message": "hello world"}',
        stage_variables={"v": "bar"},
    )
    await run(ctx)
    seen = backend.last
    assert (seen["method"], seen["path"]) == ("PATCH", "/base/a/b")
    # The client's query string first, mapped parameters added (recorded: testVar "foobar,bar").
    assert seen["query"] == [("testVar", "foobar"), ("q", "1 2"), ("testVar", "bar")]
    headers = seen["headers"]
    assert ("User-Agent", "test/1") in headers and ("Accept", "application/xml") in headers
    assert [v for k, v in headers if k == "X-Multi"] == ["1", "2"]
    assert ("foobar", "mapped-value") in headers
    assert ("X-Amzn-Apigateway-Api-Id", API_ID) in headers
    assert seen["body"] == b'{"message": "hello world"}'
    assert ctx.response.status == 200
    assert json.loads(ctx.response.body)["method"] == "PATCH"


async def test_backend_status_and_body_pass_through(backend: Backend) -> None:
    # AWS-recorded test_http_integration_invoke_status_code_passthrough[HTTP_PROXY]: 400 stays 400.
    ctx = await run(build_context(proxy(backend.url + "/status/{proxy}"), resource_path="/{proxy+}",
                                  path="/400"))
    assert ctx.response.status == 400
    assert json.loads(ctx.response.body) == {"status": 400}


async def test_backend_headers_are_remapped(backend: Backend) -> None:
    ctx = await run(build_context(proxy(backend.url + "/cookie")))
    headers = dict(ctx.response.headers.items)
    assert headers["x-amzn-Remapped-Server"].startswith("Python/")
    assert "x-amzn-Remapped-Date" in headers
    assert headers["x-amzn-Remapped-Content-Length"] == "10"
    assert headers["x-amzn-Remapped-WWW-Authenticate"] == 'Basic realm="x"'
    assert headers["Set-Cookie"].startswith("session=secret")
    assert not {"Server", "Date", "Content-Length", "WWW-Authenticate"} & set(headers)


async def test_redirects_are_returned_not_followed(backend: Backend) -> None:
    ctx = await run(build_context(proxy(backend.url + "/redirect")))
    assert ctx.response.status == 302
    assert ctx.response.headers.get("Location") == "/elsewhere"
    assert [seen["path"] for seen in backend.seen] == ["/redirect"]


async def test_compressed_bodies_pass_through_untouched(backend: Backend) -> None:
    ctx = await run(build_context(proxy(backend.url + "/gzip"), headers=[("Accept-Encoding", "gzip")]))
    assert ctx.response.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(ctx.response.body) == b'{"zipped": true}'


async def test_binary_request_body_is_forwarded_byte_for_byte(backend: Backend) -> None:
    payload = bytes(range(256))
    ctx = await run(build_context(proxy(backend.url + "/bin"), verb="POST", body=payload,
                                  headers=[("Content-Type", "application/octet-stream")]))
    assert backend.last["body"] == payload
    assert base64.b64decode(json.loads(ctx.response.body)["body"]) == payload


async def test_head_and_get_send_no_body(backend: Backend) -> None:
    await run(build_context(proxy(backend.url + "/x"), verb="GET", body=b"dropped"))
    assert backend.last["body"] == b""
    ctx = await run(build_context(proxy(backend.url + "/x"), verb="HEAD"))
    assert (backend.last["method"], ctx.response.body) == ("HEAD", b"")


async def test_query_values_are_re_encoded(backend: Backend) -> None:
    ctx = build_context(proxy(backend.url + "/q"), query=[("a", "100% sure"), ("b&c", "x=y"), ("e", "é")])
    await run(ctx)
    assert backend.last["query"] == [("a", "100% sure"), ("b&c", "x=y"), ("e", "é")]
