"""Helpers of the import tests: import a document, read back what AWS's recordings show."""

from __future__ import annotations

import json
from typing import Any

from apigate.control.common import KIND_MODEL, public
from tests.support.client import ApiError, GatewayClient
from tests.support.recorded import ours

_TEMPLATES = ("requestTemplates", "responseTemplates")


def body_of(doc: dict[str, Any] | str | bytes) -> bytes:
    if isinstance(doc, bytes):
        return doc
    return (doc if isinstance(doc, str) else json.dumps(doc)).encode()


async def import_doc(
    client: GatewayClient, doc: dict[str, Any] | str | bytes, **params: Any
) -> dict[str, Any]:
    return await client.call("ImportRestApi", body=body_of(doc), **params)


async def put_doc(
    client: GatewayClient, api_id: str, doc: dict[str, Any] | str | bytes, **params: Any
) -> dict[str, Any]:
    return await client.call("PutRestApi", restApiId=api_id, body=body_of(doc), **params)


def as_recorded(value: Any, key: str | None = None) -> Any:
    """Our answer in the recordings' form: LocalStack's snapshots hold templates and model schemas
    that are JSON parsed into objects (``{"statusCode": 200}``); other templates stay text."""
    if isinstance(value, dict):
        if key in _TEMPLATES:
            return {k: _parsed(v) for k, v in value.items()}
        return {k: as_recorded(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [as_recorded(v) for v in value]
    if key == "schema" and isinstance(value, str):
        return json.loads(value)
    return value


def _parsed(text: Any) -> Any:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text
    return value if isinstance(value, dict | list) else text


def _error(error: ApiError) -> dict[str, Any]:
    return {"Error": {"Code": error.code, "Message": error.message}, "message": error.message}


async def resources(client: GatewayClient, api_id: str) -> dict[str, Any]:
    """GetResources sorted by path, as the recorded tests list them."""
    listed = ours(await client.call("GetResources", restApiId=api_id, limit=500))
    listed["items"] = sorted(listed["items"], key=lambda r: r["path"])
    return listed


async def methods_snapshot(client: GatewayClient, api_id: str, prefix: str = "") -> dict[str, Any]:
    """What the recorded tests read for every method: the Method, its 200 MethodResponse, the
    Integration and its 200 IntegrationResponse (or the error), keyed as they key them."""
    snapshot: dict[str, Any] = {}
    for resource in (await resources(client, api_id))["items"]:
        path = resource["path"][1:] if resource["path"] != "/" else "root"
        for verb in resource.get("resourceMethods", {}):
            ids = {"restApiId": api_id, "resourceId": resource["id"], "httpMethod": verb}
            for name, operation, extra in (
                ("method", "GetMethod", {}),
                ("method-response", "GetMethodResponse", {"statusCode": "200"}),
                ("integration", "GetIntegration", {}),
                ("integration-response", "GetIntegrationResponse", {"statusCode": "200"}),
            ):
                key = f"{prefix}{name}-{path}-{verb.lower()}"
                try:
                    snapshot[key] = as_recorded(ours(await client.call(operation, **ids, **extra)))
                except ApiError as error:
                    snapshot[key] = _error(error)
    return snapshot


async def models(client: GatewayClient, api_id: str) -> dict[str, Any]:
    """The API's Models sorted by name (read from the store: GetModels belongs to a later issue)."""
    async with client.services.store.transaction() as tx:
        docs = [public(doc) for _, doc in await tx.list(KIND_MODEL, f"{api_id}/")]
    return {"items": as_recorded(sorted(docs, key=lambda d: d["name"]))}


def recorded_methods(recording: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The per-method entries of a recording (``method-pets-get``, ``integration-response-...``)."""
    starts = (f"{prefix}method-", f"{prefix}integration-")
    return {k: v for k, v in recording.items() if k.startswith(starts)}
