"""Helpers for the documents an API owns by id (authorizers, request validators, documentation parts).

They are stored under ``{restApiId}/{id}`` with a 6-character id like AWS's and listed in creation
order (``_seq``, an internal field that ``public()`` drops), which is the order AWS lists them in.
``read_child`` and ``read_children`` are the bodies of their Get and list handlers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control.common import KIND_RESOURCE, KIND_RESTAPI, get_rest_api, public
from apigate.control.errors import ConflictException, NotFoundException
from apigate.control.paging import paginate

if TYPE_CHECKING:
    from apigate.control.registry import ControlContext, Params
    from apigate.store.base import Transaction


async def api_exists(tx: Transaction, ctx: ControlContext, rest_api_id: str) -> bool:
    """Whether the RestApi exists in the caller's region."""
    api = await tx.get(KIND_RESTAPI, rest_api_id)
    return api is not None and api.get("_region", ctx.region) == ctx.region


async def get_child(
    tx: Transaction, ctx: ControlContext, kind: str, rest_api_id: str, child_id: str, not_found: str
) -> dict[str, Any]:
    """The ``{restApiId}/{child_id}`` document. Unlike Stage or Deployment lookups, AWS answers an
    unknown API here with the child's own 404 (recorded for RequestValidator and DocumentationPart)."""
    doc = await tx.get(kind, f"{rest_api_id}/{child_id}")
    if doc is None or not await api_exists(tx, ctx, rest_api_id):
        raise NotFoundException(not_found)
    return doc


async def read_child(
    ctx: ControlContext, kind: str, rest_api_id: str, child_id: str, not_found: str
) -> dict[str, Any]:
    """What Get{Child} answers: the public form of the child (``get_child``'s 404s)."""
    async with ctx.store.transaction() as tx:
        doc = await get_child(tx, ctx, kind, rest_api_id, child_id, not_found)
    return public(doc)


async def put_child(tx: Transaction, kind: str, rest_api_id: str, doc: dict[str, Any]) -> None:
    """Store ``doc`` under ``{restApiId}/{doc['id']}``."""
    await tx.put(kind, f"{rest_api_id}/{doc['id']}", doc)


async def new_child_id(tx: Transaction, kind: str, rest_api_id: str) -> str:
    """A 6-character id not yet used by a ``kind`` document of the API."""
    while True:
        child_id = ids.short_id(6)
        if await tx.get(kind, f"{rest_api_id}/{child_id}") is None:
            return child_id


def stamp(doc: dict[str, Any]) -> dict[str, Any]:
    """Record the creation order of a new document (nanoseconds: unique enough, and sortable)."""
    doc["_seq"] = time.time_ns()
    return doc


async def children(tx: Transaction, kind: str, rest_api_id: str) -> list[dict[str, Any]]:
    """The API's ``kind`` documents in creation order."""
    docs = [doc for _, doc in await tx.list(kind, f"{rest_api_id}/")]
    docs.sort(key=lambda d: (d.get("_seq", 0), d.get("id", "")))
    return docs


async def read_children(ctx: ControlContext, kind: str, rest_api_id: str) -> list[dict[str, Any]]:
    """What a list handler pages: the API's ``kind`` documents in creation order. Unlike Get{Child},
    a list answers an unknown API naming it (``Invalid API identifier specified``, recorded)."""
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        return await children(tx, kind, rest_api_id)


def page_of(docs: list[dict[str, Any]], params: Params) -> dict[str, Any]:
    """One page (``position``/``limit``) of ``docs`` in their public form."""
    return paginate([public(d) for d in docs], params.get("position"), params.get("limit"))


async def method_using(tx: Transaction, rest_api_id: str, member: str, value: str) -> str | None:
    """The first method whose ``member`` (authorizerId, requestValidatorId) is ``value``, named as
    AWS names it in its ConflictException: ``GET//test`` (the verb, ``/``, the resource path)."""
    for _, resource in await tx.list(KIND_RESOURCE, f"{rest_api_id}/"):
        for verb, method in sorted((resource.get("resourceMethods") or {}).items()):
            if method.get(member) == value:
                return f"{verb}/{resource.get('path', '/')}"
    return None


async def refuse_if_used(tx: Transaction, rest_api_id: str, member: str, child_id: str, what: str) -> None:
    """AWS's ConflictException when a method still names the child in ``member``: ``Cannot delete
    {what}, is referenced in method: GET//test`` (``what``: ``authorizer 'name'``)."""
    used_by = await method_using(tx, rest_api_id, member, child_id)
    if used_by is not None:
        raise ConflictException(f"Cannot delete {what}, is referenced in method: {used_by}")
