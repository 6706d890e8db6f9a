"""The top-level router: which face answers which request, and the lifespan protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from apigate.app import GatewayApp, Message, Receive, Scope, Send, is_execute_api_host, is_user_request_path
from apigate.config import Settings
from apigate.server import Services
from apigate.store.sqlite import SqliteStore
from tests.support.asgi import Lifespan, request


class Face:
    """A stand-in face that answers with its own name, so a test sees who got the request."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scopes.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": self.name.encode()})


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    store = SqliteStore(None)
    yield Services(
        settings=Settings(state_dir=None), store=store, dataplane=Face("dataplane"),  # type: ignore[arg-type]
        management=Face("management"),  # type: ignore[arg-type]
    )
    await store.close()


@pytest.fixture
def app(services: Services) -> GatewayApp:
    return GatewayApp(services, admin=Face("admin"))


@pytest.mark.parametrize(
    ("method", "path", "host", "face"),
    [
        ("GET", "/_apigate/health", "127.0.0.1:4566", "admin"),
        ("POST", "/_apigate/reset", "localhost", "admin"),
        ("GET", "/_apigate", "localhost", "admin"),
        ("GET", "/_apigate/health", "abc123.execute-api.localhost:4566", "admin"),
        ("GET", "/_apigatex", "localhost", "management"),
        ("GET", "/dev/pets", "abc123.execute-api.localhost:4566", "dataplane"),
        ("GET", "/dev/pets", "abc123.execute-api.us-east-1.amazonaws.com", "dataplane"),
        ("GET", "/dev", "ABC123.Execute-Api.localhost", "dataplane"),
        ("GET", "/dev", "abc123.execute-api:4566", "dataplane"),
        ("GET", "/dev", "abc123.execute-api", "dataplane"),
        ("GET", "/restapis", "execute-api.localhost:4566", "management"),
        ("GET", "/restapis", "abc.execute-apix.localhost", "management"),
        ("GET", "/restapis", "abc.xexecute-api.localhost", "management"),
        ("GET", "/restapis", "localhost:4566", "management"),
        ("GET", "/restapis/abc123/dev/_user_request_/pets/1", "localhost:4566", "dataplane"),
        ("POST", "/restapis/abc123/dev/_user_request_/", "localhost:4566", "dataplane"),
        ("GET", "/restapis/abc123/dev/_user_request_", "localhost:4566", "dataplane"),
        ("GET", "/restapis/abc123/dev/_user_request_x/pets", "localhost:4566", "management"),
        ("GET", "/restapis/abc123/stages/dev", "localhost:4566", "management"),
        ("GET", "/restapis/abc123/resources/r1/methods/GET", "localhost:4566", "management"),
        ("GET", "/restapis//dev/_user_request_/x", "localhost:4566", "management"),
        ("POST", "/restapis", "", "management"),
        ("GET", "/", "localhost", "management"),
    ],
)
async def test_routes_each_request_to_one_face(app: GatewayApp, method: str, path: str, host: str,
                                               face: str) -> None:
    response = await request(app, method, path, host=host)
    assert response.body.decode() == face


async def test_the_face_receives_the_scope_untouched(app: GatewayApp, services: Services) -> None:
    await request(app, "GET", "/restapis/a/dev/_user_request_/x", query="q=1",
                  headers=[("x-custom", "1")])
    scope = services.dataplane.scopes[-1]  # type: ignore[attr-defined]
    assert scope["path"] == "/restapis/a/dev/_user_request_/x"
    assert scope["query_string"] == b"q=1"
    assert (b"x-custom", b"1") in scope["headers"]


def test_execute_api_host_recognition() -> None:
    assert is_execute_api_host(b"a.execute-api.localhost")
    assert not is_execute_api_host(b".execute-api.localhost")
    assert not is_execute_api_host(b"localhost")
    assert not is_execute_api_host(b"")
    assert is_user_request_path("/restapis/a/b/_user_request_")
    assert not is_user_request_path("/restapis/a/b")


async def test_websocket_is_refused(app: GatewayApp) -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": "websocket", "path": "/", "headers": []}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1008}]


async def test_lifespan_runs_hooks_in_order(services: Services) -> None:
    calls: list[str] = []

    async def startup() -> None:
        calls.append("startup")

    async def shutdown() -> None:
        calls.append("shutdown")

    lifespan = Lifespan(GatewayApp(services, admin=Face("admin"), startup=startup, shutdown=shutdown))
    assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
    assert calls == ["startup"]
    assert (await lifespan.shutdown())["type"] == "lifespan.shutdown.complete"
    assert calls == ["startup", "shutdown"]


async def test_failed_startup_is_reported_not_raised(services: Services) -> None:
    async def startup() -> None:
        raise OSError("disk on fire")

    app: Any = GatewayApp(services, admin=Face("admin"), startup=startup)
    reply = await Lifespan(app).startup()
    assert reply["type"] == "lifespan.startup.failed"
    assert "disk on fire" in reply["message"]
