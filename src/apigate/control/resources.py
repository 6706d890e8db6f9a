"""Handlers: Resource (CreateResource, GetResource, GetResources, UpdateResource, DeleteResource).

A Resource document holds its methods in full (``resourceMethods``: Method shapes with
``methodIntegration`` and ``methodResponses``); the tree is kept through ``parentId`` and every
resource stores its computed ``path``, recomputed for a whole subtree when a resource is renamed or
moved.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control import common
from apigate.control.common import KIND_RESOURCE, get_resource, get_rest_api, list_resources, put_resource
from apigate.control.errors import BadRequestException, ConflictException
from apigate.control.paging import paginate
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

# A path variable ``{name}`` or greedy ``{name+}``, or a literal segment (RFC 3986 pchar minus the
# braces, which only delimit variables).
_VARIABLE_RE = re.compile(r"\{[A-Za-z0-9._-]+\+?\}")
_LITERAL_RE = re.compile(r"[A-Za-z0-9._~:@!$&'()*+,;=%-]+")
_PATH_PART_MESSAGE = (
    "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end "
    "and an optional plus sign before the closing brace."
)


def is_variable(path_part: str | None) -> bool:
    return path_part is not None and path_part.startswith("{") and path_part.endswith("}")


def is_greedy(path_part: str | None) -> bool:
    return path_part is not None and path_part.startswith("{") and path_part.endswith("+}")


def check_path_part(path_part: str) -> None:
    if not (_VARIABLE_RE.fullmatch(path_part) or _LITERAL_RE.fullmatch(path_part)):
        raise BadRequestException(_PATH_PART_MESSAGE)


def check_placement(parent: dict[str, Any], siblings: list[dict[str, Any]], path_part: str) -> None:
    """AWS's tree rules, in AWS's order: no child under a greedy variable, unique names among
    siblings (409), at most one variable path part among siblings."""
    if is_greedy(parent.get("pathPart")):
        raise BadRequestException(
            f"Cannot create a child of a resource with a greedy path variable: {parent['pathPart']}"
        )
    if any(s.get("pathPart") == path_part for s in siblings):
        raise ConflictException(f"Another resource with the same parent already has this name: {path_part}")
    if is_variable(path_part):
        other = next((s for s in siblings if is_variable(s.get("pathPart"))), None)
        if other is not None:
            raise BadRequestException(
                f"A sibling ({other['pathPart']}) of this resource already has a variable path part "
                "-- only one is allowed"
            )


def child_path(parent_path: str, path_part: str) -> str:
    return parent_path.rstrip("/") + "/" + path_part


def resource_view(resource: dict[str, Any], embed: Any = None) -> dict[str, Any]:
    """The wire form: with ``embed=methods`` the full Method shapes, otherwise AWS's stubs
    (``"resourceMethods": {"GET": {}}``); no ``resourceMethods`` member for a resource without
    methods."""
    view = common.public(resource)
    methods = view.pop("resourceMethods", None) or {}
    if methods:
        if _embeds_methods(embed):
            view["resourceMethods"] = copy.deepcopy(methods)
        else:
            view["resourceMethods"] = {verb: {} for verb in methods}
    return view


def _embeds_methods(embed: Any) -> bool:
    if isinstance(embed, str):
        embed = embed.split(",")
    return "methods" in [str(e).strip() for e in (embed or [])]


def descendants(resources: list[dict[str, Any]], resource_id: str) -> list[dict[str, Any]]:
    """Every resource below ``resource_id`` (parents before children)."""
    children: dict[str, list[dict[str, Any]]] = {}
    for r in resources:
        children.setdefault(r.get("parentId") or "", []).append(r)
    found: list[dict[str, Any]] = []
    queue = [resource_id]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child["id"])
    return found


async def _unique_resource_id(tx: Transaction, rest_api_id: str) -> str:
    while True:
        resource_id = ids.short_id(6)
        if await tx.get(KIND_RESOURCE, f"{rest_api_id}/{resource_id}") is None:
            return resource_id


@operation("apigateway", "CreateResource")
async def create_resource(ctx: ControlContext, params: Params) -> Output:
    api_id, path_part = params["restApiId"], params["pathPart"]
    async with ctx.store.transaction() as tx:
        parent = await get_resource(tx, ctx, api_id, params["parentId"])
        check_path_part(path_part)
        siblings = [r for r in await list_resources(tx, api_id) if r.get("parentId") == parent["id"]]
        check_placement(parent, siblings, path_part)
        resource = {
            "id": await _unique_resource_id(tx, api_id),
            "parentId": parent["id"],
            "pathPart": path_part,
            "path": child_path(parent["path"], path_part),
        }
        await put_resource(tx, api_id, resource)
    return resource_view(resource)


@operation("apigateway", "GetResource")
async def get_resource_handler(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, params["restApiId"], params["resourceId"])
    return resource_view(resource, params.get("embed"))


@operation("apigateway", "GetResources")
async def get_resources(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, api_id)
        resources = await list_resources(tx, api_id)
    resources.sort(key=lambda r: (r.get("path", ""), r["id"]))
    embed = params.get("embed")
    return paginate([resource_view(r, embed) for r in resources], params.get("position"), params.get("limit"))


UPDATE_SPEC = PatchSpec(
    {
        "/parentId": Rule("replace", nullable=False),
        "/pathPart": Rule("replace", nullable=False),
    },
    style="paths",
)


@operation("apigateway", "UpdateResource")
async def update_resource(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateResourceInput")
    async with ctx.store.transaction() as tx:
        old = await get_resource(tx, ctx, api_id, params["resourceId"])
        new = apply_patch(old, operations, UPDATE_SPEC)
        if "parentId" not in old:
            for member in ("pathPart", "parentId"):
                if member in new:
                    raise BadRequestException(f"Root resource cannot update its {member}.")
            return resource_view(old)
        resources = await list_resources(tx, api_id)
        await _check_move(tx, ctx, api_id, old, new, resources)
        for changed in _repath(new, resources):
            await put_resource(tx, api_id, changed)
    return resource_view(new)


async def _check_move(
    tx: Transaction,
    ctx: ControlContext,
    api_id: str,
    old: dict[str, Any],
    new: dict[str, Any],
    resources: list[dict[str, Any]],
) -> None:
    """Validate a rename and/or move before anything is written."""
    check_path_part(new["pathPart"])
    parent = await get_resource(tx, ctx, api_id, new["parentId"])
    below = descendants(resources, old["id"])
    if parent["id"] == old["id"] or any(r["id"] == parent["id"] for r in below):
        raise BadRequestException("Resources cannot be cyclical.")
    siblings = [r for r in resources if r.get("parentId") == parent["id"] and r["id"] != old["id"]]
    check_placement(parent, siblings, new["pathPart"])
    if is_greedy(new["pathPart"]) and below:
        raise BadRequestException(
            f"Cannot create a child of a resource with a greedy path variable: {new['pathPart']}"
        )
    new["path"] = child_path(parent["path"], new["pathPart"])


def _repath(moved: dict[str, Any], resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``moved`` and every descendant with its path recomputed from ``moved``'s new path."""
    by_id = {r["id"]: r for r in resources}
    by_id[moved["id"]] = moved
    changed = [moved]
    for child in descendants(list(by_id.values()), moved["id"]):
        path = child_path(by_id[child["parentId"]]["path"], child["pathPart"])
        if path != child.get("path"):
            child = {**child, "path": path}
            by_id[child["id"]] = child
            changed.append(child)
    return changed


@operation("apigateway", "DeleteResource")
async def delete_resource(ctx: ControlContext, params: Params) -> Output:
    """Deletes the resource, its methods and its whole subtree (AWS does not refuse a resource
    that still has children)."""
    api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, api_id, params["resourceId"])
        if "parentId" not in resource:
            raise BadRequestException("Root resource cannot be deleted.")
        for doomed in [resource, *descendants(await list_resources(tx, api_id), resource["id"])]:
            await tx.delete(KIND_RESOURCE, f"{api_id}/{doomed['id']}")
    return None
