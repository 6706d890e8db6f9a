"""A minimal in-process ASGI driver for tests: one HTTP request, or a lifespan run.

No HTTP library is involved, so a test sees exactly the messages the app sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from apigate.app import ASGIApp, Message


@dataclass
class AsgiResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    messages: list[Message] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        key = name.lower().encode()
        for k, v in self.headers:
            if k.lower() == key:
                return v.decode()
        return None

    def json(self) -> Any:
        return orjson.loads(self.body)


def http_scope(
    method: str,
    path: str,
    *,
    headers: Iterable[tuple[str, str]] = (),
    query: str = "",
    host: str = "127.0.0.1:4566",
) -> dict[str, Any]:
    raw_headers = [(b"host", host.encode())] if host else []
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "server": ("127.0.0.1", "4566"),  # granian gives the port as a str
        "client": ("127.0.0.1", "50000"),
    }


async def request(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    host: str = "127.0.0.1:4566",
    query: str = "",
) -> AsgiResponse:
    scope = http_scope(method, path, headers=headers, host=host, query=query)
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        await asyncio.Event().wait()  # a client that keeps the connection open
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return AsgiResponse(start["status"], list(start.get("headers", [])), body_out, sent)


class Lifespan:
    """Drives an app's lifespan: ``await lifespan.startup()`` ... ``await lifespan.shutdown()``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._outbox: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _send(self, message: Message) -> None:
        await self._outbox.put(message)

    async def startup(self) -> Message:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        self._task = asyncio.create_task(self.app(scope, self._inbox.get, self._send))
        await self._inbox.put({"type": "lifespan.startup"})
        return await asyncio.wait_for(self._outbox.get(), 10)

    async def shutdown(self) -> Message:
        await self._inbox.put({"type": "lifespan.shutdown"})
        reply = await asyncio.wait_for(self._outbox.get(), 10)
        assert self._task is not None
        await asyncio.wait_for(self._task, 10)
        return reply
