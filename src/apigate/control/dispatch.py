"""The management-API ASGI app: recognise the service and operation, run its handler, answer like AWS.

Services are told apart by the first segment of the path, taken from their models: apigateway's
are ``restapis``, ``apikeys``, ``usageplans``, ``tags``, ...; apigatewayv2's all start with ``v2``;
lambda's with a date (``2015-03-31``). Registering another service is one more name in
``ManagementApi(services, service_names=(...))``; two services claiming one first segment is an
error at start-up rather than a silent mis-route.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import orjson

import apigate.control.operations  # noqa: F401  (imports every handler module: fills HANDLERS)
from apigate import ids
from apigate.control.errors import (
    BadRequestException,
    InternalFailure,
    NotImplementedOperation,
    ServiceError,
    UnknownOperation,
)
from apigate.control.protocol import JSON, Response, ServiceProtocol, load_protocol, split_path
from apigate.control.registry import HANDLERS, ControlContext
from apigate.control.sigv4 import region_of

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

DEFAULT_SERVICES = ("apigateway",)
# The largest management request AWS takes: CreateFunction / UpdateFunctionCode with a 50 MB zip,
# base64 in JSON (~67 MB). Anything beyond is refused before parsing; each operation applies its own
# smaller quota afterwards (ImportRestApi 6 MB, Invoke 6 MB, ...).
MAX_BODY_BYTES = 72 * 1024 * 1024


class ManagementApi:
    """ASGI callable for every management (control-plane) request."""

    def __init__(
        self,
        services: Any,
        service_names: tuple[str, ...] = DEFAULT_SERVICES,
        protocols: tuple[ServiceProtocol, ...] = (),
    ) -> None:
        self.services = services
        self.protocols: dict[str | None, ServiceProtocol] = {}
        for protocol in (*(load_protocol(name) for name in service_names), *protocols):
            for first in protocol.first_segments:
                other = self.protocols.setdefault(first, protocol)
                if other is not protocol:
                    raise ValueError(f"{protocol.service} and {other.service} both route /{first}/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan and websockets belong to the top-level app
        request_id = ids.request_id()
        try:
            response = await self.handle(scope, receive, request_id)
        except ServiceError as error:
            response = error_response(error, request_id)
        except Exception:
            logger.exception("management request %s %s failed", scope.get("method"), scope.get("path"))
            response = error_response(InternalFailure(), request_id)
        await send_response(send, response)

    async def handle(self, scope: Scope, receive: Receive, request_id: str) -> Response:
        method: str = scope["method"]
        raw = scope.get("raw_path")
        raw_path = raw.decode("latin-1") if raw else scope["path"]
        parts = split_path(raw_path.partition("?")[0])
        query = parse_query(scope.get("query_string") or b"")
        protocol = self.protocols.get(parts[0] if parts else "") or self.protocols.get(None)
        if protocol is None:
            raise UnknownOperation(f"No operation matches {method} {raw_path}")
        operation, labels = protocol.resolve(method, parts, query)
        handler = HANDLERS.get((protocol.service, operation.name))
        if handler is None:
            raise NotImplementedOperation(protocol.service, operation.name)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        body = await read_body(receive)
        params = operation.parse(labels, query, headers, body)
        settings = self.services.settings
        ctx = ControlContext(
            store=self.services.store,
            settings=settings,
            region=region_of(headers, settings.region),
            account_id=settings.account_id,
            request_id=request_id,
            services=self.services,
        )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s -> %s.%s", method, raw_path, protocol.service, operation.name)
        result = await handler(ctx, params)
        return operation.serialise(result, request_id)


def parse_query(query_string: bytes | str) -> dict[str, list[str]]:
    """Every value of every key, in order (``tagKeys=a&tagKeys=b``); blank values kept."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    query: dict[str, list[str]] = {}
    if text:
        for key, value in parse_qsl(text, keep_blank_values=True):
            query.setdefault(key, []).append(value)
    return query


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequestException(f"Request body is larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def error_response(error: ServiceError, request_id: str) -> Response:
    """AWS's error wire form: status, ``x-amzn-ErrorType``, and ``{"message": ...}``."""
    headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error.code), ("Content-Type", JSON)]
    return Response(error.status, headers, orjson.dumps(error.body()))


async def send_response(send: Send, response: Response) -> None:
    # Header values are ASCII in practice; UTF-8 keeps a non-Latin-1 value (a Content-Disposition
    # file name) from failing the whole response.
    headers = [(k.lower().encode("latin-1"), v.encode("utf-8")) for k, v in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
