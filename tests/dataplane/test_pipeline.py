"""pipeline.run: stage order, GatewayError rendering, unexpected exceptions, finalize always."""

from __future__ import annotations

import logging

import orjson
import pytest

from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.context import InvocationContext
from apigate.dataplane.errors import THROTTLED
from apigate.dataplane.pipeline import default_stages, run
from apigate.dataplane.stages.finalize import finalize, http_date
from apigate.dataplane.stages.route import route
from tests.dataplane.conftest import MakeContext
from tests.dataplane.factories import StaticTemplate, resource, snapshot, static_mock


def deployment_with(*resources: dict) -> object:
    return compile_deployment("abcdef1234", "dep1", snapshot(*resources), compile_template=StaticTemplate)


async def test_stages_run_in_order_then_finalize(make_context: MakeContext) -> None:
    seen: list[str] = []

    async def first(ctx: InvocationContext) -> None:
        seen.append("first")

    async def second(ctx: InvocationContext) -> None:
        seen.append("second")
        ctx.response.body = b'{"done": 1}'

    ctx = make_context()
    await run(ctx, (first, second))
    assert seen == ["first", "second"]
    assert ctx.response.headers.get("x-amzn-RequestId") == ctx.request_id
    assert ctx.response.headers.get("Content-Length") == "11"


async def test_gateway_error_stops_the_pipeline_and_is_rendered(make_context: MakeContext) -> None:
    seen: list[str] = []

    async def throttle(ctx: InvocationContext) -> None:
        raise THROTTLED()

    async def never(ctx: InvocationContext) -> None:
        seen.append("never")

    ctx = make_context()
    await run(ctx, (throttle, never))
    assert seen == []
    assert ctx.response.status == 429
    assert ctx.response.body == b'{"message":"Too Many Requests"}'
    assert ctx.response.headers.get("x-amzn-ErrorType") == "TooManyRequestsException"
    assert ctx.response.headers.get("x-amz-apigw-id") == ctx.extended_request_id  # finalize ran


async def test_unexpected_exception_is_logged_and_answered_500_without_traceback(
    make_context: MakeContext, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(ctx: InvocationContext) -> None:
        raise KeyError("secret-internal-detail")

    ctx = make_context()
    with caplog.at_level(logging.ERROR, logger="apigate.dataplane.pipeline"):
        await run(ctx, (broken,))
    assert ctx.response.status == 500
    assert orjson.loads(ctx.response.body) == {"message": "Internal server error"}
    assert b"secret-internal-detail" not in ctx.response.body
    assert ctx.response.headers.get("x-amzn-ErrorType") == "InternalServerErrorException"
    assert any(r.exc_info and "secret-internal-detail" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_broken_customised_gateway_response_falls_back_to_the_built_in(
    make_context: MakeContext, caplog: pytest.LogCaptureFixture
) -> None:
    snap = snapshot(
        gatewayResponses={
            "THROTTLED": {
                "responseType": "THROTTLED",
                "statusCode": "not-a-number",
                "responseParameters": {"gatewayresponse.header.x": 42},
                "responseTemplates": ["not", "a", "map"],
            }
        }
    )
    ctx = make_context(compile_deployment("abcdef1234", "dep1", snap, compile_template=StaticTemplate))

    async def throttle(ctx: InvocationContext) -> None:
        raise THROTTLED()

    with caplog.at_level(logging.ERROR, logger="apigate.dataplane.pipeline"):
        await run(ctx, (throttle,))
    assert ctx.response.status == 429
    assert ctx.response.body == b'{"message":"Too Many Requests"}'
    assert ctx.response.headers.get("x-amzn-ErrorType") == "TooManyRequestsException"
    assert any("rendering the gateway response THROTTLED failed" in r.getMessage() for r in caplog.records)


async def test_route_stage_unknown_path_is_missing_authentication_token(make_context: MakeContext) -> None:
    ctx = make_context(deployment_with(resource("/pets", "GET")), path="/dogs")  # type: ignore[arg-type]
    await run(ctx, (route, static_mock))
    assert ctx.response.status == 403
    assert ctx.response.body == b'{"message":"Missing Authentication Token"}'
    assert ctx.method is None


async def test_route_stage_writes_resource_method_and_parameters(make_context: MakeContext) -> None:
    dep = deployment_with(resource("/pets/{id}", "GET", rid="pet"))
    ctx = make_context(dep, path="/pets/9")  # type: ignore[arg-type]
    await run(ctx, (route, static_mock))
    assert ctx.resource is not None and ctx.resource.id == "pet"
    assert ctx.method is not None and ctx.method.http_method == "GET"
    assert ctx.path_parameters == {"id": "9"}
    assert (ctx.response.status, orjson.loads(ctx.response.body)) == (
        200,
        {"resource": "/pets/{id}", "verb": "GET"},
    )


async def test_finalize_sets_common_headers_once(make_context: MakeContext) -> None:
    ctx = make_context()
    ctx.response.body = b"hello"
    ctx.response.headers.add("content-length", "999")
    ctx.response.headers.add("Date", "yesterday")
    ctx.response.headers.add("X-Custom", "kept")
    await finalize(ctx)
    names = [name.lower() for name, _ in ctx.response.headers.items]
    for name in ("x-amzn-requestid", "x-amz-apigw-id", "content-length", "date", "content-type"):
        assert names.count(name) == 1, name
    assert ctx.response.headers.get("Content-Length") == "5"
    assert ctx.response.headers.get("Content-Type") == "application/json"
    assert ctx.response.headers.get("Date") == "Tue, 14 Nov 2023 22:13:20 GMT"  # from the request time
    assert ctx.response.headers.get("X-Custom") == "kept"


async def test_finalize_keeps_a_content_type_set_by_the_response(make_context: MakeContext) -> None:
    ctx = make_context()
    ctx.response.headers.add("content-type", "text/plain")
    await finalize(ctx)
    assert ctx.response.headers.get_all("Content-Type") == ["text/plain"]


def test_http_date() -> None:
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http_date(1_700_000_000) == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"


def test_default_stages_order() -> None:
    try:
        stages = default_stages()
    except ImportError:
        pytest.skip("the transform piece's stages are not written yet")
    assert [s.__name__ for s in stages] == ["route", "request_mapping", "integrate", "response_mapping"]
