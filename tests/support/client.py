"""An in-process AWS client: botocore's own serializer and parser around an ASGI app.

A call is serialised exactly as boto3 would send it (``rest-json``: percent-encoded URI labels,
query lists, header members), run through the app with ``tests.support.asgi`` and parsed by
botocore's ``rest-json`` parser, so a test sees what a boto3 caller sees, without sockets or threads.
An error answer raises ``ApiError``: botocore's own ``ClientError``, with the wire error at hand.

``GatewayClient`` is that client on the whole gateway app ``apigate.server.build_app`` builds
(management protocol, handlers, SQLite store in memory, data plane).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.app import ASGIApp
from apigate.config import Settings
from apigate.control.protocol import load_protocol
from apigate.server import build_app
from tests.support.asgi import AsgiResponse, request

REGION = "us-east-1"
ACCOUNT_ID = "000000000000"
# A SigV4 header naming only the credential scope: the gateway reads the region from it.
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{region}/apigateway/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0000"
)


class ApiError(ClientError):
    """What boto3 raises for an error answer, plus its wire form: ``code`` (x-amzn-ErrorType),
    ``message`` and HTTP ``status``."""

    def __init__(self, response: dict[str, Any], operation: str) -> None:
        super().__init__(response, operation)
        error = response.get("Error", {})
        self.code: str = error.get("Code", "")
        self.message: str = error.get("Message", "")
        self.status: int = response["ResponseMetadata"]["HTTPStatusCode"]


async def error_of(call: Awaitable[Any]) -> ApiError:
    """The ApiError ``call`` raises (the test fails if it raises none)."""
    with pytest.raises(ApiError) as info:
        await call
    return info.value


class AwsClient:
    """``await client.call("CreateRestApi", name="x")`` -> the parsed output (``ResponseMetadata`` too).

    ``region`` set: requests carry a SigV4 Authorization header scoped to it (otherwise the gateway's
    default region applies). ``last`` is the last raw response.
    """

    host = "localhost"

    def __init__(self, app: ASGIApp, service: str = "apigateway", region: str | None = None) -> None:
        self.app = app
        self.model = load_protocol(service).model
        self.serializer = create_serializer("rest-json", include_validation=True)
        self.parser = create_parser("rest-json")
        self.region = region
        self.last: AsgiResponse | None = None

    async def request(
        self,
        method: str,
        raw_path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> AsgiResponse:
        """One raw HTTP request (``raw_path`` still percent-encoded) through the app."""
        return await request(
            self.app, method, raw_path, query=query, headers=headers or {}, body=body, host=self.host
        )

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        op = self.model.operation_model(operation)
        req = self.serializer.serialize_to_request(params, op)
        headers = {"Accept": "application/json"}
        headers.update((k, v.decode() if isinstance(v, bytes) else v) for k, v in req["headers"].items())
        if self.region is not None:
            headers["Authorization"] = AUTH.format(region=self.region)
        # A requestUri may carry a fixed query itself (``/restapis?mode=import``).
        path, _, inline_query = req["url_path"].partition("?")
        query = urlencode(req["query_string"], doseq=True) if req["query_string"] else ""
        query = "&".join(q for q in (inline_query, query) if q)
        body = req["body"]
        body = body.encode() if isinstance(body, str) else (body or b"")
        response = self.last = await self.request(req["method"], path, query, headers, body)
        parsed = self.parser.parse(
            {"status_code": response.status, "headers": response.headers, "body": response.body},
            op.output_shape,
        )
        if response.status >= 300:
            raise ApiError(parsed, operation)
        return parsed


class GatewayClient(AwsClient):
    """An AwsClient on the whole gateway (``REGION``, ``ACCOUNT_ID``, an in-memory store)."""

    def __init__(self) -> None:
        app = build_app(Settings(state_dir=None, region=REGION, account_id=ACCOUNT_ID, port=0))
        super().__init__(app)
        self.services = app.services

    async def close(self) -> None:
        await self.services.lambdas.close()  # no function runs here, but its runtime is closed all the same
        await self.services.store.close()

    async def invoke(self, api_id: str, stage: str, path: str = "/") -> AsgiResponse:
        """A data-plane GET through the path form ``/restapis/{id}/{stage}/_user_request_{path}``."""
        return await self.request("GET", f"/restapis/{api_id}/{stage}/_user_request_{path}")
