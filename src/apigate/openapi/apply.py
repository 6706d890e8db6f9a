"""Read an API's documents for PutRestApi, and write an ``ImportPlan`` -- in the caller's transaction.

A plan holds the complete state of every kind it covers, so writing it is: drop the API's documents
of those kinds, put the plan's. Deployments, stages and tags are not touched. The caller's
transaction makes it all-or-nothing, and the store reports every change to the data plane's caches.
"""

from __future__ import annotations

from typing import Any

from apigate.control.common import (
    KIND_AUTHORIZER,
    KIND_DOCUMENTATION_PART,
    KIND_GATEWAY_RESPONSE,
    KIND_MODEL,
    KIND_REQUEST_VALIDATOR,
    KIND_RESOURCE,
    KIND_RESTAPI,
)
from apigate.openapi.importer import Existing, ImportPlan
from apigate.store.base import Transaction

# The kinds a plan replaces, with the member that keys each document under ``{restApiId}/``.
_KINDS = (
    (KIND_RESOURCE, "resources", "id"),
    (KIND_MODEL, "models", "name"),
    (KIND_AUTHORIZER, "authorizers", "id"),
    (KIND_REQUEST_VALIDATOR, "validators", "id"),
    (KIND_GATEWAY_RESPONSE, "gateway_responses", "responseType"),
    (KIND_DOCUMENTATION_PART, "documentation_parts", "id"),
)


async def read_existing(tx: Transaction, rest_api: dict[str, Any]) -> Existing:
    """The documents of ``rest_api`` a plan may replace."""
    found = Existing(rest_api=rest_api)
    for kind, member, _ in _KINDS:
        setattr(found, member, [doc for _, doc in await tx.list(kind, f"{rest_api['id']}/")])
    return found


async def write_plan(tx: Transaction, plan: ImportPlan, replace: bool) -> None:
    """Put every document of ``plan``; with ``replace``, the API's old documents go first."""
    api_id = plan.rest_api["id"]
    for kind, member, key in _KINDS:
        if replace:
            await tx.delete_prefix(kind, f"{api_id}/")
        for doc in getattr(plan, member):
            await tx.put(kind, f"{api_id}/{doc[key]}", doc)
    await tx.put(KIND_RESTAPI, api_id, plan.rest_api)
