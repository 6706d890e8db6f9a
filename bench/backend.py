"""The benchmark's upstream: the smallest useful raw-ASGI app, served by granian.

It must never be the bottleneck of the HTTP_PROXY measurement, so it does no routing, no parsing
and no allocation beyond one constant response (measured ~34k req/s on one core). Run with
``granian --interface asgi bench.backend:app``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

BODY = b'{"message":"hello from the backend"}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
START = {"type": "http.response.start", "status": 200, "headers": HEADERS}
RESPONSE = {"type": "http.response.body", "body": BODY}

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    # The request body (if any) is left unread: the answer never depends on it.
    await send(START)
    await send(RESPONSE)
