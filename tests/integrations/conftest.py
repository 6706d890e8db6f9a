"""A real HTTP backend (aiohttp server on a free loopback port) and the pooled client's cleanup."""

from __future__ import annotations

import asyncio
import base64
import gzip
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from apigate.integrations import http_client


@dataclass
class Backend:
    url: str
    seen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last(self) -> dict[str, Any]:
        return self.seen[-1]


async def _record(request: web.Request, backend: Backend) -> dict[str, Any]:
    body = await request.read()
    seen = {
        "method": request.method,
        "raw_path": request.raw_path,
        "path": request.path,
        "query": list(request.query.items()),
        "headers": list(request.headers.items()),
        "body": body,
    }
    backend.seen.append(seen)
    return seen


def _app(backend: Backend) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        seen = await _record(request, backend)
        payload = {**seen, "body": base64.b64encode(seen["body"]).decode()}
        return web.json_response(payload, headers={"X-Backend": "echo"})

    async def status(request: web.Request) -> web.Response:
        await _record(request, backend)
        code = int(request.match_info["code"])
        return web.json_response({"status": code}, status=code)

    async def slow(request: web.Request) -> web.Response:
        await _record(request, backend)
        await asyncio.sleep(5)
        return web.Response(text="too late")

    async def redirect(request: web.Request) -> web.Response:
        await _record(request, backend)
        return web.Response(status=302, headers={"Location": "/elsewhere"})

    async def gzipped(request: web.Request) -> web.Response:
        await _record(request, backend)
        return web.Response(body=gzip.compress(b'{"zipped": true}'),
                            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})

    async def cookie(request: web.Request) -> web.Response:
        await _record(request, backend)
        response = web.Response(text="cookie set", headers={"WWW-Authenticate": 'Basic realm="x"'})
        response.set_cookie("session", "secret")
        return response

    app = web.Application()
    app.router.add_route("*", "/status/{code}", status)
    app.router.add_route("*", "/slow", slow)
    app.router.add_route("*", "/redirect", redirect)
    app.router.add_route("*", "/gzip", gzipped)
    app.router.add_route("*", "/cookie", cookie)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    """An echo backend: answers JSON describing the request it received (body base64-encoded)."""
    holder = Backend(url="")
    runner = web.AppRunner(_app(holder), shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    holder.url = f"http://127.0.0.1:{port}"
    try:
        yield holder
    finally:
        await runner.cleanup()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
async def _close_pooled_client() -> AsyncIterator[None]:
    yield
    await http_client.close()
