"""A gateway in this process for the CLI's tests: the commands' botocore clients are answered by its
management API on an event loop in a background thread (``apigate.client.inprocess``), no socket."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from apigate.client.inprocess import inprocess_clients
from apigate.client.session import Clients
from apigate.commands import common
from apigate.config import Settings
from apigate.server import build_app
from tests.support.asgi import Lifespan


@pytest.fixture(autouse=True)
def _no_apigate_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("APIGATE_"):
            monkeypatch.delenv(key)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture
def clients(loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clients]:
    """Clients of an in-memory gateway; every command run in the test talks to it."""
    app = build_app(Settings(state_dir=None))
    lifespan = Lifespan(app)
    asyncio.run_coroutine_threadsafe(lifespan.startup(), loop).result(30)
    made = inprocess_clients(app.services.management, loop)
    endpoints: list[str] = []

    def connect(endpoint: str, region: str) -> Clients:
        endpoints.append(endpoint)
        return replace(made, endpoint=endpoint, region=region)

    monkeypatch.setattr(common, "connect", connect)
    try:
        yield made
    finally:
        asyncio.run_coroutine_threadsafe(lifespan.shutdown(), loop).result(30)


def mock_api(clients: Clients, name: str, path: str = "items") -> dict[str, Any]:
    """A deployable REST API: GET /{path} answered by a MOCK integration."""
    apigw = clients.apigateway
    api = apigw.create_rest_api(name=name)
    resource = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart=path)
    apigw.put_method(restApiId=api["id"], resourceId=resource["id"], httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=resource["id"], httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    return dict(api)
