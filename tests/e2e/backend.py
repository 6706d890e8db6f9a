"""A real HTTP backend for HTTP / HTTP_PROXY integrations: an aiohttp server on its own loop and thread.

Endpoints (every other path echoes):

- ``/echo...`` (any method, any sub-path): JSON describing the request it received — ``method``,
  ``path`` (decoded), ``raw_path`` (as sent, still percent-encoded), ``query_string``, ``query`` (list
  of ``[name, value]`` in order, repeats kept), ``headers`` (lower-cased name → values joined by
  ``,``), ``raw_headers`` (list of ``[name, value]`` as sent), ``body`` (text) and ``body_base64``.
- ``/status/{code}``: answers ``code`` with ``{"status": code, "message": ...}`` and
  ``X-Backend-Status: {code}``.
- ``/slow?ms=N``: sleeps N milliseconds, then answers 200 ``{"slept_ms": N}``.
- ``/headers``: answers with its own ``Server`` and ``Date`` plus custom headers (``X-Custom-Header``,
  two ``X-Multi`` lines); every ``h=Name:Value`` query parameter adds one more response header.
- ``/binary?size=N``: N bytes (default 1024) of ``0x00..0xff`` repeated, ``application/octet-stream``.

Every request is also appended to ``Backend.received`` so tests can see what a non-proxy integration
sent even when a response template hides it.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import threading
from collections import deque
from typing import Any

from aiohttp import web

BACKEND_SERVER = "apigate-test-backend/1.0"
FIXED_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


def describe(request: web.Request, body: bytes) -> dict[str, Any]:
    raw_path, _, query_string = request.raw_path.partition("?")
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    return {
        "method": request.method,
        "path": request.path,
        "raw_path": raw_path,
        "query_string": query_string,
        "query": [[k, v] for k, v in request.query.items()],
        "headers": headers,
        "raw_headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.raw_headers],
        "body": body.decode("utf-8", errors="replace"),
        "body_base64": base64.b64encode(body).decode(),
    }


class Backend:
    """Start with ``start()``; ``url`` is ``http://127.0.0.1:{port}``; ``stop()`` closes it."""

    def __init__(self) -> None:
        self.received: deque[dict[str, Any]] = deque(maxlen=200)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="e2e-backend", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Backend:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def last(self) -> dict[str, Any]:
        return self.received[-1]

    async def _start(self) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/status/{code:\\d{3}}", self._status)
        app.router.add_route("*", "/slow", self._slow)
        app.router.add_route("*", "/headers", self._headers)
        app.router.add_route("*", "/binary", self._binary)
        app.router.add_route("*", "/{tail:.*}", self._echo)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _record(self, request: web.Request) -> dict[str, Any]:
        info = describe(request, await request.read())
        self.received.append(info)
        return info

    async def _echo(self, request: web.Request) -> web.Response:
        return web.json_response(await self._record(request))

    async def _status(self, request: web.Request) -> web.Response:
        await self._record(request)
        code = int(request.match_info["code"])
        payload = {"status": code, "message": f"backend answered {code}"}
        if code in (204, 304):
            return web.Response(status=code, headers={"X-Backend-Status": str(code)})
        return web.json_response(payload, status=code, headers={"X-Backend-Status": str(code)})

    async def _slow(self, request: web.Request) -> web.Response:
        await self._record(request)
        ms = int(request.query.get("ms", "1000"))
        await asyncio.sleep(ms / 1000)
        return web.json_response({"slept_ms": ms})

    async def _headers(self, request: web.Request) -> web.Response:
        await self._record(request)
        resp = web.json_response({"headers": True})
        resp.headers["Server"] = BACKEND_SERVER
        resp.headers["Date"] = FIXED_DATE
        resp.headers["X-Custom-Header"] = "custom-value"
        resp.headers.add("X-Multi", "one")
        resp.headers.add("X-Multi", "two")
        for spec in request.query.getall("h", []):
            name, _, value = spec.partition(":")
            resp.headers.add(name.strip(), value.strip())
        return resp

    async def _binary(self, request: web.Request) -> web.Response:
        await self._record(request)
        size = int(request.query.get("size", "1024"))
        return web.Response(body=binary_payload(size), content_type="application/octet-stream")


def binary_payload(size: int = 1024) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]
