"""A minimal in-process ASGI driver for tests: one HTTP request, or a lifespan run.

No HTTP library is involved, so a test sees exactly the messages the app sent. ``path`` is sent as
the scope's ``raw_path`` (still percent-encoded, as granian and uvicorn do) and, decoded, as ``path``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import orjson
from botocore.awsrequest import HeadersDict

from apigate.app import ASGIApp, Message

DEFAULT_HOST = "127.0.0.1:4566"


@dataclass
class AsgiResponse:
    """What the app sent: ``headers`` is case-insensitive (the last value of a repeated header wins;
    ``raw_headers`` keeps them all, as sent)."""

    status: int
    raw_headers: list[tuple[bytes, bytes]]
    body: bytes
    messages: list[Message] = field(default_factory=list)
    headers: HeadersDict = field(init=False)

    def __post_init__(self) -> None:
        # latin-1, like an HTTP client reading the header bytes off the wire.
        self.headers = HeadersDict({k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers})

    def json(self) -> Any:
        return orjson.loads(self.body)


def http_scope(
    method: str,
    path: str,
    *,
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    query: str = "",
    host: str | None = DEFAULT_HOST,
) -> dict[str, Any]:
    """An HTTP scope for ``path`` (percent-encoded); ``host=None`` sends no Host header."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    raw_headers = [(b"host", host.encode())] if host else []
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in items]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
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
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    body: bytes | list[bytes] = b"",
    host: str | None = DEFAULT_HOST,
    query: str = "",
) -> AsgiResponse:
    """One request through ``app``; a list ``body`` is delivered in several ``http.request`` messages."""
    scope = http_scope(method, path, headers=headers, host=host, query=query)
    chunks = body if isinstance(body, list) else [body]
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
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
