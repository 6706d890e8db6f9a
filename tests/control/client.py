"""Drive an ASGI app in-process: raw HTTP calls, or whole operations through botocore's own code.

``BotoCaller`` serialises a call with botocore's rest-json serializer (exactly the request boto3 would
send), runs it through the ASGI app and parses the answer with botocore's parser, raising
``botocore.exceptions.ClientError`` like a boto3 client. No sockets, no server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import orjson
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ClientError
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from apigate.control.protocol import load_protocol

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{region}/apigateway/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0000"
)


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes
    header_list: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> Any:
        return orjson.loads(self.body)


async def asgi_call(
    app: Any,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | list[bytes] = b"",
    raw_path: bool = True,
) -> HttpResult:
    """One request: ``path`` is sent as ``raw_path`` (still percent-encoded), like granian/uvicorn do.

    A list ``body`` is delivered in several ``http.request`` messages.
    """
    chunks = body if isinstance(body, list) else [body]
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "server": ("127.0.0.1", "4566"),
    }
    if raw_path:
        scope["raw_path"] = path.encode()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    header_list = [(k.decode(), v.decode()) for k, v in start["headers"]]
    payload = b"".join(m.get("body", b"") for m in sent[1:])
    return HttpResult(start["status"], {k: v for k, v in header_list}, payload, header_list)


class BotoCaller:
    """Calls operations of ``service`` on an in-process ASGI app the way boto3 would."""

    def __init__(self, app: Any, service: str = "apigateway", region: str | None = None) -> None:
        self.app = app
        self.model: ServiceModel = load_protocol(service).model
        self.serializer = create_serializer("rest-json", include_validation=True)
        self.parser = create_parser("rest-json")
        self.region = region
        self.last: HttpResult | None = None

    async def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        op = self.model.operation_model(operation)
        request = self.serializer.serialize_to_request(params, op)
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request["headers"].items()}
        if self.region is not None:
            headers["Authorization"] = AUTH.format(region=self.region)
        query = urlencode(request["query_string"], doseq=True) if request["query_string"] else ""
        path, _, inline_query = request["url_path"].partition("?")
        query = "&".join(q for q in (inline_query, query) if q)
        body = request["body"]
        body = body.encode() if isinstance(body, str) else (body or b"")
        result = await asgi_call(self.app, request["method"], path, query=query, headers=headers, body=body)
        self.last = result
        response = {"status_code": result.status, "headers": HeadersDict(result.headers), "body": result.body}
        parsed = self.parser.parse(response, op.output_shape)
        if result.status >= 300:
            raise ClientError(parsed, operation)  # type: ignore[arg-type]
        return parsed
