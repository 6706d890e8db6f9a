"""botocore clients answered by a gateway's own management API, in its process, without a socket.

The example installer runs in the gateway's start-up, before the port is open, yet must create its
API exactly as a user would: the same client code as the CLI, every request serialised by botocore,
parsed and validated by the management API's model-driven protocol, answered by the same handlers.
A ``before-send`` hook hands each prepared request to the ``ManagementApi`` ASGI app on the
gateway's event loop; the clients themselves run in a worker thread (botocore is synchronous).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from apigate.client.session import DEFAULT_REGION, Clients, connect

# Never contacted: the hook answers every request before botocore would open a connection.
INPROCESS_ENDPOINT = "http://apigate.inprocess"

# As long as the CLI waits for a gateway (its read timeout): a stuck loop fails the install, no hang.
_ANSWER_TIMEOUT_S = 120.0

Asgi = Any  # an ASGI app: (scope, receive, send) -> awaitable


class _Body(io.BytesIO):
    """The ``raw`` of an AWSResponse: botocore reads it with ``stream()``, or with ``read()`` when
    the output is a streaming blob (GetExport's document)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


async def _answer(app: Asgi, request: AWSPreparedRequest) -> tuple[int, list[tuple[str, str]], bytes]:
    url = urlsplit(request.url)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()  # a file-like payload
    headers = [(k.lower().encode("latin-1"), _bytes(v)) for k, v in request.headers.items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
        "scheme": "http", "path": url.path, "raw_path": url.path.encode("latin-1"),
        "query_string": url.query.encode("latin-1"), "headers": headers,
        "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
    }
    sent = False

    async def receive() -> MutableMapping[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, out_headers, chunks = 500, [], []

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status, out_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            out_headers = [(k.decode("latin-1"), v.decode("utf-8")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, out_headers, b"".join(chunks)


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def inprocess_clients(app: Asgi, loop: asyncio.AbstractEventLoop, region: str = DEFAULT_REGION) -> Clients:
    """Clients whose requests ``app`` answers on ``loop``. Call them from another thread than the
    loop's (``asyncio.to_thread``): each call waits for the loop to answer."""
    clients = connect(INPROCESS_ENDPOINT, region)

    def hand_over(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        future = asyncio.run_coroutine_threadsafe(_answer(app, request), loop)
        status, headers, body = future.result(_ANSWER_TIMEOUT_S)
        return AWSResponse(request.url, status, headers, _Body(body))

    for client in (clients.apigateway, clients.lambda_):
        client.meta.events.register("before-send", hand_over)
    return clients
