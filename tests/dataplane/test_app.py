"""DataPlane driven as an ASGI app: URL forms, API/stage resolution, body limit, canary, headers."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from apigate.dataplane.app import DataPlane, match_execute_api
from apigate.dataplane.context import InvocationContext
from apigate.dataplane.stages.route import route
from apigate.store.sqlite import SqliteStore
from tests.dataplane.factories import call_asgi, method, mock_integration, resource, snapshot, static_mock

API = "abcdef1234"
HOST = f"{API}.execute-api.localhost:4566"
CHUNKED = [("transfer-encoding", "chunked")]


async def put(store: SqliteStore, kind: str, key: str, doc: dict[str, Any]) -> None:
    async with store.transaction() as tx:
        await tx.put(kind, key, doc)


async def deploy(store: SqliteStore, deployment_id: str, *resources: dict[str, Any], **extra: Any) -> None:
    await put(store, "snapshot", f"{API}/{deployment_id}", snapshot(*resources, **extra))
    await put(store, "deployment", f"{API}/{deployment_id}", {"id": deployment_id})


@pytest.fixture
async def api(store: SqliteStore) -> SqliteStore:
    await put(store, "restapi", API, {"id": API, "name": "pets", "_region": "eu-west-1"})
    await deploy(
        store,
        "dep1",
        resource("/", "GET"),
        resource("/pets", "GET", "HEAD"),
        resource("/pets/{id}", "GET"),
        resource("/echo", "ANY"),
    )
    await put(
        store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1", "variables": {"v": "1"}}
    )
    return store


class Recorder:
    """A last stage that keeps the context it saw (what earlier stages built)."""

    def __init__(self) -> None:
        self.contexts: list[InvocationContext] = []

    async def __call__(self, ctx: InvocationContext) -> None:
        self.contexts.append(ctx)

    @property
    def last(self) -> InvocationContext:
        return self.contexts[-1]


def dataplane(services: SimpleNamespace, *stages: Any, **kwargs: Any) -> DataPlane:
    return DataPlane(services, stages=stages or (route, static_mock), **kwargs)


async def test_host_form(api: SqliteStore, services: SimpleNamespace) -> None:
    response = await call_asgi(dataplane(services), "GET", "/dev/pets/7", host=HOST)
    assert response.status == 200
    assert orjson.loads(response.body) == {"resource": "/pets/{id}", "verb": "GET"}
    assert re.fullmatch(r"[0-9a-f-]{36}", response.header("x-amzn-RequestId") or "")
    assert re.fullmatch(r".{15}=", response.header("x-amz-apigw-id") or "")
    assert response.header("Content-Type") == "application/json"
    assert response.header("Content-Length") == str(len(response.body))
    assert response.header("Date") is not None


async def test_path_form_and_root(api: SqliteStore, services: SimpleNamespace) -> None:
    app = dataplane(services)
    for path in (f"/restapis/{API}/dev/_user_request_/pets", f"/restapis/{API}/dev/_user_request_/pets/"):
        assert orjson.loads((await call_asgi(app, "GET", path)).body) == {"resource": "/pets", "verb": "GET"}
    for path in (f"/restapis/{API}/dev/_user_request_", f"/restapis/{API}/dev/_user_request_/"):
        assert orjson.loads((await call_asgi(app, "GET", path)).body) == {"resource": "/", "verb": "GET"}
    for path in ("/dev", "/dev/", "//dev/"):
        assert orjson.loads((await call_asgi(app, "GET", path, host=HOST)).body) == {
            "resource": "/",
            "verb": "GET",
        }


async def test_unknown_api_is_404_naming_the_id(api: SqliteStore, services: SimpleNamespace) -> None:
    response = await call_asgi(
        dataplane(services), "GET", "/dev/pets", host="nosuchapi0.execute-api.localhost"
    )
    assert response.status == 404
    assert orjson.loads(response.body) == {
        "message": "The API id 'nosuchapi0' does not correspond to a deployed API Gateway API"
    }
    assert response.header("x-amzn-ErrorType") == "NotFoundException"
    assert response.header("x-amzn-RequestId") is not None


@pytest.mark.parametrize("path", ["/prod/pets", "/", ""])
async def test_unknown_stage_is_missing_authentication_token(
    api: SqliteStore, services: SimpleNamespace, path: str
) -> None:
    response = await call_asgi(dataplane(services), "GET", path or "/", host=HOST)
    assert response.status == 403
    assert response.body == b'{"message":"Missing Authentication Token"}'
    assert response.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"


async def test_unknown_route_and_wrong_method(api: SqliteStore, services: SimpleNamespace) -> None:
    app = dataplane(services)
    for verb, path in (("GET", "/dev/dogs"), ("POST", "/dev/pets"), ("HEAD", "/dev/pets/1")):
        response = await call_asgi(app, verb, path, host=HOST)
        assert response.status == 403, (verb, path)
        assert response.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"


async def test_customised_gateway_response_of_the_deployment_applies(
    store: SqliteStore, services: SimpleNamespace
) -> None:
    await put(store, "restapi", API, {"id": API})
    await deploy(
        store,
        "dep1",
        resource("/pets", "GET"),
        gatewayResponses={
            "MISSING_AUTHENTICATION_TOKEN": {
                "responseType": "MISSING_AUTHENTICATION_TOKEN",
                "statusCode": "404",
                "defaultResponse": False,
                "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
                "responseTemplates": {
                    "application/json": '{"msg": $context.error.messageString, "s": "$context.stage"}'
                },
            }
        },
    )
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1"})
    response = await call_asgi(dataplane(services), "GET", "/dev/nothing", host=HOST)
    assert response.status == 404
    assert orjson.loads(response.body) == {"msg": "Missing Authentication Token", "s": "dev"}
    assert response.header("Access-Control-Allow-Origin") == "*"


async def test_request_headers_query_and_body_reach_the_pipeline(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    recorder = Recorder()
    app = dataplane(services, route, recorder)
    await call_asgi(
        app,
        "POST",
        "/dev/echo/",
        host=HOST,
        query="a=1&a=2&b=x+y&c=%2B&empty=",
        headers=[
            ("Connection", "keep-alive"),
            ("Content-Length", "6"),
            ("Content-MD5", "x"),
            ("Expect", "100"),
            ("Max-Forwards", "3"),
            ("TE", "trailers"),
            ("Upgrade", "h2c"),
            ("X-Custom", "kept"),
            ("Transfer-Encoding", "chunked"),
            ("Trailer", "x"),
            ("Server", "s"),
            ("WWW-Authenticate", "w"),
            ("Proxy-Authenticate", "p"),
            ("User-Agent", "pytest"),
        ],
        chunks=[b"hel", b"lo!"],
    )
    ctx = recorder.last
    request = ctx.request
    assert request.http_method == "POST"
    assert (request.raw_path, request.path) == ("/echo/", "/echo/")
    assert request.query == [("a", "1"), ("a", "2"), ("b", "x y"), ("c", "+"), ("empty", "")]
    assert request.body == b"hello!"
    names = {name for name, _ in request.headers.items}
    assert names == {"host", "x-custom", "user-agent"}
    assert request.domain_name == HOST
    assert request.source_ip == "10.1.2.3"
    assert request.protocol == "HTTP/1.1"
    assert (ctx.api_id, ctx.stage_name, ctx.region, ctx.account_id) == (
        API,
        "dev",
        "eu-west-1",
        "123456789012",
    )
    assert ctx.stage_variables == {"v": "1"} and ctx.is_canary is False
    assert ctx.deployment.deployment_id == "dep1"


async def test_raw_path_is_kept_encoded_and_path_is_decoded(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    recorder = Recorder()
    app = dataplane(services, route, recorder)
    await call_asgi(app, "GET", "/dev/pets/a%2Fb%20c", host=HOST)
    ctx = recorder.last
    assert ctx.request.raw_path == "/pets/a%2Fb%20c"
    assert ctx.request.path == "/pets/a/b c"
    assert ctx.path_parameters == {"id": "a%2Fb%20c"}


async def test_injected_clock_sets_request_time_and_date(api: SqliteStore, services: SimpleNamespace) -> None:
    recorder = Recorder()
    app = dataplane(services, route, recorder, clock=lambda: 1_700_000_000.5)
    response = await call_asgi(app, "GET", "/dev/pets", host=HOST)
    assert recorder.last.request_time_epoch_ms == 1_700_000_000_500
    assert response.header("Date") == "Tue, 14 Nov 2023 22:13:20 GMT"


async def test_head_sends_no_body(api: SqliteStore, services: SimpleNamespace) -> None:
    response = await call_asgi(dataplane(services), "HEAD", "/dev/pets", host=HOST)
    assert response.status == 200
    assert response.body == b""
    assert int(response.header("Content-Length") or 0) > 0


async def test_declared_oversized_body_is_413_without_reading(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    app = dataplane(services, max_payload=10)
    response = await call_asgi(
        app, "POST", "/dev/echo", host=HOST, headers=[("content-length", "11")], chunks=[b"x" * 11]
    )
    assert response.status == 413
    assert response.body == b'{"message":"Request Too Long"}'
    assert response.header("x-amzn-ErrorType") == "RequestTooLargeException"
    assert response.sent[-1] == {"received": 0}


async def test_streamed_oversized_body_stops_reading_at_the_limit(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    app = dataplane(services, max_payload=10)
    response = await call_asgi(
        app, "POST", "/dev/echo", host=HOST, headers=CHUNKED, chunks=[b"x" * 6, b"x" * 6, b"x" * 6, b"x"]
    )
    assert response.status == 413
    assert response.sent[-1] == {"received": 2}
    ok = await call_asgi(app, "POST", "/dev/echo", host=HOST, headers=CHUNKED, chunks=[b"x" * 5, b"x" * 5])
    assert ok.status == 200


async def test_a_request_without_body_headers_is_not_read(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    # HTTP/1.1 without Content-Length or Transfer-Encoding has no body: receive() is never awaited.
    recorder = Recorder()
    app = dataplane(services, route, recorder)
    response = await call_asgi(app, "POST", "/dev/echo", host=HOST, chunks=[b"ignored"])
    assert response.sent[-1] == {"received": 0}
    assert recorder.last.request.body == b""
    zero = await call_asgi(app, "POST", "/dev/echo", host=HOST, headers=[("content-length", "0")])
    assert zero.sent[-1] == {"received": 0}


async def test_http2_bodies_are_read_without_content_length(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    recorder = Recorder()
    app = dataplane(services, route, recorder)
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": b"h2 body", "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "2",
        "method": "POST",
        "path": "/dev/echo",
        "raw_path": b"/dev/echo",
        "query_string": b"",
        "headers": [(b"host", HOST.encode())],
    }
    await app(scope, receive, send)
    assert recorder.last.request.body == b"h2 body"


async def test_client_disconnect_while_reading_sends_nothing(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/dev/echo",
        "raw_path": b"/dev/echo",
        "query_string": b"",
        "headers": [(b"host", HOST.encode()), (b"content-length", b"5")],
    }
    await dataplane(services)(scope, receive, send)
    assert sent == []


async def test_disabled_execute_api_endpoint_is_forbidden(
    store: SqliteStore, services: SimpleNamespace
) -> None:
    await put(store, "restapi", API, {"id": API, "disableExecuteApiEndpoint": True})
    await deploy(store, "dep1", resource("/", "GET"))
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1"})
    response = await call_asgi(dataplane(services), "GET", "/dev", host=HOST)
    assert response.status == 403
    assert response.body == b'{"message":"Forbidden"}'
    assert response.header("x-amzn-ErrorType") == "ForbiddenException"


async def test_stage_without_snapshot_is_500(store: SqliteStore, services: SimpleNamespace) -> None:
    await put(store, "restapi", API, {"id": API})
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "gone"})
    response = await call_asgi(dataplane(services), "GET", "/dev", host=HOST)
    assert response.status == 500
    assert response.body == b'{"message": "Internal server error"}'


async def test_rollback_and_redeploy_take_effect_on_the_next_request(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    app = dataplane(services)
    assert (await call_asgi(app, "GET", "/dev/pets", host=HOST)).status == 200
    await deploy(api, "dep2", resource("/cats", "GET"))
    # Editing the API (a new resource) changes nothing live...
    await put(api, "resource", f"{API}/zz", {"id": "zz", "path": "/cats"})
    assert (await call_asgi(app, "GET", "/dev/cats", host=HOST)).status == 403
    # ...pointing the stage at the new deployment does.
    await put(api, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep2"})
    assert (await call_asgi(app, "GET", "/dev/cats", host=HOST)).status == 200
    assert (await call_asgi(app, "GET", "/dev/pets", host=HOST)).status == 403
    await put(api, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1"})  # rollback
    assert (await call_asgi(app, "GET", "/dev/pets", host=HOST)).status == 200


async def canary_stage(store: SqliteStore, percent: float) -> None:
    await deploy(
        store, "dep2", resource("/", rid="c", GET=method("GET", mock_integration('{"canary": true}')))
    )
    await put(
        store,
        "stage",
        f"{API}/dev",
        {
            "stageName": "dev",
            "deploymentId": "dep1",
            "variables": {"testVar": "default", "defaultVar": "d"},
            "canarySettings": {
                "percentTraffic": percent,
                "deploymentId": "dep2",
                "stageVariableOverrides": {"testVar": "canary", "noStageVar": "canary"},
            },
        },
    )


async def test_canary_selection_uses_the_injected_random_source(
    api: SqliteStore, services: SimpleNamespace
) -> None:
    await canary_stage(api, 50.0)
    draws = iter([0.49, 0.5, 0.0, 0.99])
    recorder = Recorder()
    app = dataplane(services, route, recorder, static_mock, random=lambda: next(draws))
    bodies = [(await call_asgi(app, "GET", "/dev", host=HOST)).body for _ in range(4)]
    assert bodies == [
        b'{"canary": true}',
        b'{"resource": "/", "verb": "GET"}',
        b'{"canary": true}',
        b'{"resource": "/", "verb": "GET"}',
    ]
    canary, base = recorder.contexts[0], recorder.contexts[1]
    assert canary.is_canary and canary.deployment.deployment_id == "dep2"
    # Recorded from AWS: overrides win, new names are added, the rest stays.
    assert canary.stage_variables == {"testVar": "canary", "defaultVar": "d", "noStageVar": "canary"}
    assert not base.is_canary and base.deployment.deployment_id == "dep1"
    assert base.stage_variables == {"testVar": "default", "defaultVar": "d"}


@pytest.mark.parametrize(("percent", "canary_expected"), [(0.0, False), (100.0, True)])
async def test_canary_zero_and_hundred_percent(
    api: SqliteStore, services: SimpleNamespace, percent: float, canary_expected: bool
) -> None:
    await canary_stage(api, percent)
    recorder = Recorder()
    app = dataplane(services, route, recorder, random=lambda: 0.999999)
    for _ in range(3):
        await call_asgi(app, "GET", "/dev", host=HOST)
    assert [c.is_canary for c in recorder.contexts] == [canary_expected] * 3


def test_match_execute_api() -> None:
    t = match_execute_api("/restapis/abc/dev/_user_request_/a/b%2Fc", "localhost:4566")
    assert t is not None and (t.api_id, t.stage, t.raw_path) == ("abc", "dev", "/a/b%2Fc")
    t = match_execute_api("/dev/x", "ABC.Execute-Api.us-east-1.amazonaws.com")
    assert t is not None and (t.api_id, t.stage, t.raw_path) == ("abc", "dev", "/x")
    t = match_execute_api("/dev", "abc.execute-api:4566")
    assert t is not None and (t.api_id, t.stage, t.raw_path) == ("abc", "dev", "/")
    assert match_execute_api("/restapis/abc/resources", "localhost") is None
    assert match_execute_api("/dev/x", "localhost:4566") is None
    assert match_execute_api("/dev/x", "execute-api.localhost") is None


MOCK_TEMPLATE = (
    '{"stage": "$context.stage", "id": "$input.params(\'id\')", "v": "$stageVariables.v", '
    '"rid": "$context.requestId"}'
)


async def test_mock_method_through_the_real_pipeline(store: SqliteStore, services: SimpleNamespace) -> None:
    await put(store, "restapi", API, {"id": API})
    integration = mock_integration(MOCK_TEMPLATE)
    integration["integrationResponses"]["200"]["responseParameters"] = {
        "method.response.header.X-Pet": "'yes'"
    }
    await deploy(
        store,
        "dep1",
        resource(
            "/pets/{id}",
            rid="pet",
            GET=method(
                "GET",
                integration,
                methodResponses={
                    "200": {"statusCode": "200", "responseParameters": {"method.response.header.X-Pet": True}}
                },
            ),
        ),
    )
    await put(
        store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1", "variables": {"v": "sv"}}
    )
    app = DataPlane(services)  # the default pipeline: route, request mapping, integrate, response mapping
    response = await call_asgi(app, "GET", "/dev/pets/42", host=HOST)
    assert response.status == 200
    body = orjson.loads(response.body)
    assert body == {"stage": "dev", "id": "42", "v": "sv", "rid": response.header("x-amzn-RequestId")}
    assert response.header("X-Pet") == "yes"
    assert response.header("Content-Type") == "application/json"
    assert response.header("Content-Length") == str(len(response.body))
    missing = await call_asgi(app, "GET", "/dev/dogs", host=HOST)
    assert (missing.status, missing.body) == (403, b'{"message":"Missing Authentication Token"}')


async def test_warm_requests_do_not_touch_the_store(api: SqliteStore, services: SimpleNamespace) -> None:
    app = dataplane(services)
    assert (await call_asgi(app, "GET", "/dev/pets", host=HOST)).status == 200
    await api.close()  # from now on any store access raises
    for _ in range(3):
        assert (await call_asgi(app, "GET", "/dev/pets", host=HOST)).status == 200
