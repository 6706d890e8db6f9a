"""Builders for deployment snapshots (the shape ``control/snapshot.py`` stores) and an ASGI driver."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from apigate.dataplane.context import InvocationContext

_ids = itertools.count(1)


def method(verb: str, integration: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"httpMethod": verb, "authorizationType": "NONE", "apiKeyRequired": False, **extra}
    if integration is not None:
        doc["methodIntegration"] = integration
    return doc


def mock_integration(body: str = '{"ok": true}', status: str = "200", **responses: Any) -> dict[str, Any]:
    """A MOCK integration whose default integration response renders ``body``."""
    integration_responses = {status: {"statusCode": status, "responseTemplates": {"application/json": body}}}
    integration_responses.update(responses)
    return {
        "type": "MOCK",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000,
        "integrationResponses": integration_responses,
    }


def resource(path: str, *verbs: str, rid: str | None = None, **methods: dict[str, Any]) -> dict[str, Any]:
    """A Resource doc; ``verbs`` get a MOCK method answering ``{"resource": path, "verb": verb}``."""
    resource_methods = {
        verb: method(verb, mock_integration(f'{{"resource": "{path}", "verb": "{verb}"}}')) for verb in verbs
    }
    resource_methods.update(methods)
    part = path.rstrip("/").rsplit("/", 1)[-1]
    doc: dict[str, Any] = {"id": rid or f"r{next(_ids)}", "path": path, "resourceMethods": resource_methods}
    if path != "/":
        doc["pathPart"] = part
    return doc


def snapshot(*resources: dict[str, Any], api_id: str = "abcdef1234", **extra: Any) -> dict[str, Any]:
    return {
        "restApi": {"id": api_id, "name": "test-api", "rootResourceId": "root"},
        "resources": list(resources),
        "models": [],
        "requestValidators": [],
        "authorizers": [],
        "gatewayResponses": {},
        **extra,
    }


class StaticTemplate:
    """Stands in for a compiled VTL template: renders its source unchanged."""

    def __init__(self, source: str) -> None:
        self.source = source

    def render(self, ctx: InvocationContext, body: bytes | str, *, response: bool = False) -> str:
        return self.source


async def static_mock(ctx: InvocationContext) -> None:
    """Stands in for request mapping + MOCK integration + response mapping: the default response."""
    assert ctx.method is not None and ctx.method.integration is not None
    chosen = ctx.method.integration.default_response
    assert chosen is not None
    ctx.response.status = int(chosen.status_code)
    template = chosen.response_templates.get("application/json")
    ctx.response.body = template.render(ctx, b"", response=True).encode() if template else b""


@dataclass
class AsgiResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    sent: list[dict[str, Any]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_names(self) -> list[str]:
        return [key for key, _ in self.headers]


async def call_asgi(
    app: Any,
    method: str,
    path: str,
    *,
    host: str = "localhost:4566",
    headers: list[tuple[str, str]] | None = None,
    query: str = "",
    chunks: list[bytes] | None = None,
) -> AsgiResponse:
    """Drive an ASGI app the way granian does (``raw_path`` and ``query_string`` as raw bytes)."""
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks or [b""]) - 1}
        for i, chunk in enumerate(chunks or [b""])
    ]
    received: list[int] = []

    async def receive() -> dict[str, Any]:
        received.append(1)
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw_headers = [(b"host", host.encode())] + [(k.lower().encode(), v.encode()) for k, v in headers or []]
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": raw_headers,
        "client": ("10.1.2.3", 5555),
        "server": ("127.0.0.1", "4566"),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    decoded = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
    response = AsgiResponse(start["status"], decoded, body, sent)
    response.sent.append({"received": len(received)})
    return response
