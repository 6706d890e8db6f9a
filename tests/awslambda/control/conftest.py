"""The ``lambda`` management API in process: botocore's own client serialisation and parsing over
the whole gateway app (its lifespan run, so the real runtime starts and stops with it).

``lam.call("CreateFunction", ...)`` returns what boto3 returns; an error raises ``ApiError`` (code,
message, status). ``create`` makes a python3.12 function from handler source in one call.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import pytest

from apigate.config import Settings
from apigate.server import build_app
from tests.support.asgi import Lifespan
from tests.support.client import ACCOUNT_ID, REGION, ApiError, AwsClient

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/lambda-role"
ECHO = "def handler(event, context):\n    return {'event': event, 'version': context.function_version}\n"


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def arn(name: str, qualifier: str | None = None) -> str:
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


class LambdaClient(AwsClient):
    """An AwsClient of service ``lambda`` on a fresh gateway (in memory unless ``state_dir`` is given)."""

    def __init__(self, **settings: Any) -> None:
        values: dict[str, Any] = {"state_dir": None, "region": REGION, "account_id": ACCOUNT_ID, "port": 0}
        app = build_app(Settings(**(values | settings)))
        super().__init__(app, service="lambda", region=REGION)
        self.services = app.services
        self.lifespan = Lifespan(app)

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """``AwsClient.call``; an ApiError also carries ``wire``, the JSON error body as sent (its
        modelled members, such as TooManyRequestsException's ``Reason``)."""
        try:
            return await super().call(operation, **params)
        except ApiError as error:
            # No await since the response arrived: ``last`` is still this call's, even under gather().
            assert self.last is not None
            error.wire = json.loads(self.last.body or b"{}")  # type: ignore[attr-defined]
            raise

    async def create(self, name: str = "fn", source: str = ECHO, **params: Any) -> dict[str, Any]:
        """CreateFunction of a python3.12 ``app.handler`` whose ``app.py`` is ``source``."""
        params.setdefault("Runtime", "python3.12")
        params.setdefault("Handler", "app.handler")
        params.setdefault("Role", ROLE)
        params.setdefault("Code", {"ZipFile": zipped({"app.py": source})})
        params = {k: v for k, v in params.items() if v is not None}  # None: leave the member out
        return await self.call("CreateFunction", FunctionName=name, **params)

    async def invoke(self, name: str, payload: Any = None, **params: Any) -> dict[str, Any]:
        """Invoke with a JSON ``payload``; the answer's ``Payload`` is read (bytes) and parsed
        into ``Result`` when it is JSON."""
        body = json.dumps({} if payload is None else payload).encode()
        result = await self.call("Invoke", FunctionName=name, Payload=body, **params)
        raw = result.get("Payload", b"")
        raw = raw.read() if hasattr(raw, "read") else raw
        result["Payload"] = raw.encode() if isinstance(raw, str) else raw
        if result["Payload"]:
            result["Result"] = json.loads(result["Payload"])
        return result

    async def invoke_json(self, name: str, payload: Any = None, **params: Any) -> Any:
        return (await self.invoke(name, payload, **params))["Result"]


@pytest.fixture
async def lam() -> AsyncIterator[LambdaClient]:
    client = LambdaClient()
    await client.lifespan.startup()
    try:
        yield client
    finally:
        await client.lifespan.shutdown()
