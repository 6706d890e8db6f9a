"""One in-process gateway with both management APIs and its data plane, for Lambda integration tests.

Functions are created with the real ``lambda`` API (their code runs in real worker processes), APIs
with the real ``apigateway`` API, and requests go through the real data plane (ASGI, no sockets):
what a test sees is what a client of a deployed stage sees.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.awslambda.control.conftest import LambdaClient, arn, zipped
from tests.support.asgi import AsgiResponse, request
from tests.support.client import ACCOUNT_ID, REGION, AwsClient

APIGW = "apigateway.amazonaws.com"
ECHO_EVENT = (
    "import json\n"
    "def handler(event, context):\n"
    "    return {'statusCode': 200, 'body': json.dumps(event), 'isBase64Encoded': False}\n"
)
# Returns the proxy answer the client put in the request body (the recorded AWS test's function).
FROM_BODY = (
    "import json, base64\n"
    "def handler(event, context):\n"
    "    body = event['body']\n"
    "    if event.get('isBase64Encoded'):\n"
    "        body = base64.b64decode(body)\n"
    "    return json.loads(body)\n"
)


def invocation_uri(function_arn: str, region: str = REGION) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


class World:
    """``lam`` (Lambda API), ``apigw`` (API Gateway API) and ``call`` (the data plane) on one gateway."""

    def __init__(self, lam: LambdaClient) -> None:
        self.lam = lam
        self.apigw = AwsClient(lam.app, service="apigateway", region=REGION)
        self.services = lam.services
        self.api_id = ""
        self.root_id = ""
        self.resources: dict[str, str] = {}

    async def function(self, name: str, source: str, **params: Any) -> str:
        """A python3.12 function answering with ``source``'s ``handler``; its ARN."""
        created = await self.lam.create(name, source=source, **params)
        return str(created["FunctionArn"])

    async def permit(self, name: str, source_arn: str | None = None, sid: str = "apigw") -> None:
        """AddPermission for API Gateway (``source_arn``: defaults to any method of the API)."""
        await self.lam.call(
            "AddPermission",
            FunctionName=name,
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal=APIGW,
            SourceArn=source_arn or f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{self.api_id}/*",
        )

    async def api(self, **params: Any) -> str:
        created = await self.apigw.call("CreateRestApi", name="lambda-tests", **params)
        self.api_id, self.root_id = created["id"], created["rootResourceId"]
        self.resources = {"/": self.root_id}
        return self.api_id

    async def resource(self, path: str) -> str:
        if path in self.resources:
            return self.resources[path]
        parent, _, part = path.rstrip("/").rpartition("/")
        parent_id = await self.resource(parent or "/")
        created = await self.apigw.call(
            "CreateResource", restApiId=self.api_id, parentId=parent_id, pathPart=part
        )
        self.resources[path] = created["id"]
        return str(created["id"])

    async def method(self, path: str, verb: str, kind: str, function_arn: str, **integration: Any) -> str:
        """``verb path`` integrated (``kind`` AWS or AWS_PROXY) with ``function_arn`` (the URI's ARN)."""
        resource_id = await self.resource(path)
        ids = {"restApiId": self.api_id, "resourceId": resource_id, "httpMethod": verb}
        await self.apigw.call("PutMethod", **ids, authorizationType="NONE")
        integration.setdefault("integrationHttpMethod", "POST")
        await self.apigw.call(
            "PutIntegration", **ids, type=kind, uri=invocation_uri(function_arn), **integration
        )
        return resource_id

    async def responses(self, path: str, verb: str, *responses: dict[str, Any]) -> None:
        """Method and integration responses (PutIntegrationResponse arguments, ``statusCode`` first)."""
        ids = {"restApiId": self.api_id, "resourceId": self.resources[path], "httpMethod": verb}
        for response in responses:
            await self.apigw.call("PutMethodResponse", **ids, statusCode=response["statusCode"])
            await self.apigw.call("PutIntegrationResponse", **ids, **response)

    async def deploy(self, stage: str = "test", **params: Any) -> None:
        await self.apigw.call("CreateDeployment", restApiId=self.api_id, stageName=stage, **params)

    async def call(
        self,
        verb: str,
        path: str,
        *,
        stage: str = "test",
        body: bytes | str = b"",
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> AsgiResponse:
        """A request to the deployed stage (host form: ``{apiId}.execute-api.localhost``)."""
        data = body.encode() if isinstance(body, str) else body
        sent = dict(headers or {})
        if data:
            sent.setdefault("Content-Length", str(len(data)))
        return await request(
            self.lam.app,
            verb,
            f"/{stage}{path}",
            headers=sent,
            body=data,
            query=query,
            host=f"{self.api_id}.execute-api.localhost:4566",
        )

    async def test_invoke(self, path: str, verb: str, **params: Any) -> dict[str, Any]:
        return await self.apigw.call(
            "TestInvokeMethod",
            restApiId=self.api_id,
            resourceId=self.resources[path],
            httpMethod=verb,
            **params,
        )


def event_of(response: AsgiResponse) -> dict[str, Any]:
    """The event an ECHO_EVENT function received."""
    assert response.status == 200, (response.status, response.body)
    return json.loads(response.body)  # type: ignore[no-any-return]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    lam = LambdaClient()
    await lam.lifespan.startup()
    try:
        yield World(lam)
    finally:
        await lam.lifespan.shutdown()


__all__ = [
    "APIGW",
    "ECHO_EVENT",
    "FROM_BODY",
    "World",
    "arn",
    "event_of",
    "invocation_uri",
    "world",
    "zipped",
]
