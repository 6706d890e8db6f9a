"""The frozen copy of a REST API that a deployment serves (interface 5: P4 writes, the data plane reads).

AWS freezes the whole API at CreateDeployment: later edits to resources, methods, integrations,
models, authorizers, validators or gateway responses are invisible to callers until the next
deployment. ``build_snapshot`` is that freeze. The result is a plain JSON document stored under kind
``snapshot`` and key ``{restApiId}/{deploymentId}`` and never written again, so the data plane may
compile it once per deployment id and cache the compiled form forever.

The same function serves TestInvokeMethod, which runs the *current, undeployed* API.
"""

from __future__ import annotations

from typing import Any

import orjson

from apigate.control.common import (
    KIND_AUTHORIZER,
    KIND_GATEWAY_RESPONSE,
    KIND_MODEL,
    KIND_REQUEST_VALIDATOR,
    KIND_RESOURCE,
    KIND_RESTAPI,
)
from apigate.store.base import Document, Transaction

# Authorizers, request validators and gateway responses are written by the handlers of later
# issues (keyed ``{restApiId}/{id}``; gateway responses by ``responseType``): listing a kind nobody
# has written yet simply yields nothing, and the snapshot carries them as soon as they exist.


def _frozen(value: Any) -> Any:
    """A deep copy that shares nothing with the store's documents (and proves it is pure JSON)."""
    return orjson.loads(orjson.dumps(value))


async def _children(tx: Transaction, kind: str, rest_api_id: str) -> list[Document]:
    return [doc for _, doc in await tx.list(kind, f"{rest_api_id}/")]


async def build_snapshot(tx: Transaction, rest_api_id: str) -> dict[str, Any]:
    """Everything the data plane needs to serve ``rest_api_id``, deep-copied.

    ``resources`` are in path order and carry full Method shapes (``methodIntegration``,
    ``methodResponses``), exactly as ``GetResources?embed=methods`` returns them.
    Raises ``LookupError`` if the API does not exist: callers check it first with AWS's error.
    """
    rest_api = await tx.get(KIND_RESTAPI, rest_api_id)
    if rest_api is None:
        raise LookupError(f"no REST API {rest_api_id!r} to snapshot")
    resources = sorted(await _children(tx, KIND_RESOURCE, rest_api_id), key=lambda r: r.get("path", ""))
    gateway_responses = {
        doc["responseType"]: doc
        for doc in await _children(tx, KIND_GATEWAY_RESPONSE, rest_api_id)
        if "responseType" in doc
    }
    snapshot = {
        "restApi": rest_api,
        "resources": resources,
        "models": await _children(tx, KIND_MODEL, rest_api_id),
        "requestValidators": await _children(tx, KIND_REQUEST_VALIDATOR, rest_api_id),
        "authorizers": await _children(tx, KIND_AUTHORIZER, rest_api_id),
        "gatewayResponses": gateway_responses,
    }
    return _frozen(snapshot)


def iter_methods(snapshot: dict[str, Any]) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """Every (resource, httpMethod, Method) of a snapshot, in path order."""
    return [
        (resource, verb, method)
        for resource in snapshot["resources"]
        for verb, method in sorted((resource.get("resourceMethods") or {}).items())
    ]


def api_summary(snapshot: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """GetDeployment's ``apiSummary``: ``{path: {httpMethod: {authorizationType, apiKeyRequired}}}``."""
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for resource, verb, method in iter_methods(snapshot):
        summary.setdefault(resource.get("path", "/"), {})[verb] = {
            "authorizationType": method.get("authorizationType", "NONE"),
            "apiKeyRequired": bool(method.get("apiKeyRequired", False)),
        }
    return summary
