"""An in-process apigateway client: botocore's own serializer and parser around the real gateway app.

Requests are serialised exactly as boto3 would send them (``rest-json``, percent-encoded URI labels,
query lists), handed to the whole ASGI app that ``apigate.server.build_app`` builds (management
protocol, handlers, SQLite store in memory, data plane), and the response is parsed by botocore's
``rest-json`` parser, so a test sees what a boto3 caller sees, without sockets or threads.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlencode

import botocore.parsers
import botocore.serialize
import botocore.session
from botocore.awsrequest import HeadersDict

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.config import Settings
from apigate.server import build_app

_MODEL = botocore.session.get_session().get_service_model("apigateway")
_SERIALIZER = botocore.serialize.create_serializer("rest-json", include_validation=True)
_PARSER = botocore.parsers.create_parser("rest-json")
REGION = "us-east-1"
ACCOUNT_ID = "000000000000"


class ApiError(Exception):
    """An AWS-shaped error answer: ``code`` (x-amzn-ErrorType), ``message`` and HTTP ``status``."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class Response:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = HeadersDict({k.decode("latin-1"): v.decode("latin-1") for k, v in headers})
        self.body = body


class WireClient:
    """``await client.call("CreateRestApi", name="x")`` -> the parsed output (``ResponseMetadata`` too)."""

    def __init__(self) -> None:
        self.app = build_app(Settings(state_dir=None, region=REGION, account_id=ACCOUNT_ID, port=0))
        self.services = self.app.services

    async def close(self) -> None:
        await self.services.store.close()

    async def request(
        self,
        method: str,
        raw_path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Response:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(raw_path),
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "server": ("127.0.0.1", 4566),
            "client": ("127.0.0.1", 50000),
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, response_headers, chunks = 0, [], []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status, response_headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return Response(status, response_headers, b"".join(chunks))

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        op_model = _MODEL.operation_model(operation)
        req = _SERIALIZER.serialize_to_request(params, op_model)
        body = req["body"] if isinstance(req["body"], bytes) else req["body"].encode()
        headers = {"Accept": "application/json", "Host": "localhost", **req["headers"]}
        query = urlencode(req["query_string"], doseq=True)
        response = await self.request(req["method"], req["url_path"], query, headers, body)
        parsed = _PARSER.parse(
            {"status_code": response.status, "headers": response.headers, "body": response.body},
            op_model.output_shape,
        )
        if response.status >= 300:
            error = parsed.get("Error", {})
            raise ApiError(error.get("Code", ""), error.get("Message", ""), response.status)
        parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = response.status
        return parsed

    async def mock_api(
        self, template: str = '{"message": "v1"}', path_part: str | None = None
    ) -> dict[str, str]:
        """A REST API whose GET method (on ``/`` or ``/{path_part}``) is a MOCK answering ``template``."""
        api = await self.call("CreateRestApi", name="test-api")
        resource_id = api["rootResourceId"]
        if path_part:
            resource_id = (
                await self.call(
                    "CreateResource", restApiId=api["id"], parentId=resource_id, pathPart=path_part
                )
            )["id"]
        ids = {"apiId": api["id"], "resourceId": resource_id, "rootId": api["rootResourceId"]}
        await self.call(
            "PutMethod",
            restApiId=ids["apiId"],
            resourceId=resource_id,
            httpMethod="GET",
            authorizationType="NONE",
        )
        await self.call(
            "PutMethodResponse",
            restApiId=ids["apiId"],
            resourceId=resource_id,
            httpMethod="GET",
            statusCode="200",
        )
        await self.call(
            "PutIntegration",
            restApiId=ids["apiId"],
            resourceId=resource_id,
            httpMethod="GET",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        await self.set_response(ids, template)
        return ids

    async def set_response(self, ids: dict[str, str], template: str) -> None:
        await self.call(
            "PutIntegrationResponse",
            restApiId=ids["apiId"],
            resourceId=ids["resourceId"],
            httpMethod="GET",
            statusCode="200",
            selectionPattern="",
            responseTemplates={"application/json": template},
        )

    async def invoke(self, api_id: str, stage: str, path: str = "/") -> Response:
        """A data-plane GET through the path form ``/restapis/{id}/{stage}/_user_request_{path}``."""
        return await self.request("GET", f"/restapis/{api_id}/{stage}/_user_request_{path}")
