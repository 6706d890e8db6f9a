"""Handlers: RestApi (CreateRestApi, GetRestApi, GetRestApis, UpdateRestApi, DeleteRestApi)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control import common
from apigate.control.common import (
    API_KINDS,
    KIND_RESOURCE,
    KIND_RESTAPI,
    enum_violation,
    get_rest_api,
    now,
    public,
    raise_validation,
)
from apigate.control.errors import BadRequestException
from apigate.control.models import put_default_models
from apigate.control.paging import paginate
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

log = logging.getLogger(__name__)

ENDPOINT_TYPES = ("PRIVATE", "EDGE", "REGIONAL")
IP_ADDRESS_TYPES = ("ipv4", "dualstack")
API_KEY_SOURCES = ("HEADER", "AUTHORIZER")
MAX_COMPRESSION_SIZE = 10485760
# Kinds copied by ``cloneFrom`` (same sub-ids under the new API, so references stay valid).
_CLONED_KINDS = (
    KIND_RESOURCE,
    common.KIND_MODEL,
    common.KIND_AUTHORIZER,
    common.KIND_REQUEST_VALIDATOR,
    common.KIND_GATEWAY_RESPONSE,
)


# --- validation --------------------------------------------------------------------------------


def _front_end_violations(params: Params) -> list[str]:
    """AWS's ValidationException checks of CreateRestApi (types first, then ipAddressType)."""
    errors: list[str] = []
    config = params.get("endpointConfiguration") or {}
    types = config.get("types")
    if types and any(t not in ENDPOINT_TYPES for t in types):
        errors.append(
            f"Value '[{', '.join(map(str, types))}]' at 'createRestApiInput.endpointConfiguration.types' "
            "failed to satisfy constraint: Member must satisfy constraint: "
            f"[Member must satisfy enum value set: [{', '.join(ENDPOINT_TYPES)}]]"
        )
    ip_type = config.get("ipAddressType")
    if ip_type is not None and ip_type not in IP_ADDRESS_TYPES:
        where = "createRestApiInput.endpointConfiguration.ipAddressType"
        errors.append(enum_violation(ip_type, where, IP_ADDRESS_TYPES))
    source = params.get("apiKeySource")
    if source is not None and source not in API_KEY_SOURCES:
        errors.append(enum_violation(source, "createRestApiInput.apiKeySource", API_KEY_SOURCES))
    return errors


def _compression_size(value: Any) -> int | None:
    """0..10485760 bytes, or None (= compression off); AWS's one message for anything else."""
    if value is None or value == "":
        return None
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = -1
    if not 0 <= size <= MAX_COMPRESSION_SIZE:
        raise BadRequestException(
            f"Invalid minimum compression size, must be between 0 and {MAX_COMPRESSION_SIZE}"
        )
    return size


def _endpoint_configuration(config: dict[str, Any] | None) -> dict[str, Any]:
    """Validated endpointConfiguration with AWS's defaults: EDGE, ipv4 (dualstack for PRIVATE)."""
    config = dict(config or {})
    types = config.get("types")
    if types is None:
        types = ["EDGE"]
    if not types:
        raise BadRequestException("REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.")
    if len(types) > 1:
        raise BadRequestException("Cannot create an api with multiple Endpoint Types.")
    config["types"] = list(types)
    if types[0] == "PRIVATE":
        if config.get("ipAddressType", "dualstack") != "dualstack":
            raise BadRequestException("Only dualstack ipAddressType is supported for Private APIs.")
        config["ipAddressType"] = "dualstack"
    else:
        config.setdefault("ipAddressType", "ipv4")
    if not config.get("vpcEndpointIds"):
        config.pop("vpcEndpointIds", None)
    return config


def normalise_policy(policy: str | None, region: str, account_id: str, api_id: str) -> str | None:
    """The resource policy as AWS stores it: shorthand ``execute-api:/stage/VERB/path`` resources
    rewritten to full ARNs, compact JSON, and every double quote backslash-escaped (AWS returns the
    policy JSON-escaped; Terraform and the CLI unescape it)."""
    if policy is None or policy == "":
        return None
    document = common.parse_policy(policy)
    if document is None:
        raise BadRequestException("Invalid policy document. Please check the policy syntax and try again.")
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict) and "Resource" in statement:
            statement["Resource"] = _expand_resources(statement["Resource"], region, account_id, api_id)
    return json.dumps(document, separators=(",", ":")).replace('"', '\\"')


def _expand_resources(resources: Any, region: str, account_id: str, api_id: str) -> Any:
    items = resources if isinstance(resources, list) else [resources]
    expanded = [
        f"arn:aws:execute-api:{region}:{account_id}:{api_id}{item[len('execute-api:'):]}"
        if isinstance(item, str) and item.startswith("execute-api:/")
        else item
        for item in items
    ]
    return expanded[0] if len(expanded) == 1 else expanded


# --- create ------------------------------------------------------------------------------------


def new_rest_api(ctx: ControlContext, params: Params, api_id: str, root_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": api_id,
        "name": params["name"],
        "createdDate": now(),
        "apiKeySource": params.get("apiKeySource") or "HEADER",
        "endpointConfiguration": _endpoint_configuration(params.get("endpointConfiguration")),
        "disableExecuteApiEndpoint": bool(params.get("disableExecuteApiEndpoint", False)),
        "rootResourceId": root_id,
        "_region": ctx.region,
    }
    for member in ("description", "version", "securityPolicy", "endpointAccessMode"):
        if params.get(member) is not None:
            doc[member] = params[member]
    if params.get("binaryMediaTypes"):
        doc["binaryMediaTypes"] = list(dict.fromkeys(params["binaryMediaTypes"]))
    size = _compression_size(params.get("minimumCompressionSize"))
    if size is not None:
        doc["minimumCompressionSize"] = size
    policy = normalise_policy(params.get("policy"), ctx.region, ctx.account_id, api_id)
    if policy is not None:
        doc["policy"] = policy
    if params.get("tags"):
        doc["tags"] = dict(params["tags"])
    return doc


async def unique_api_id(tx: Transaction) -> str:
    while True:
        api_id = ids.short_id(10)
        if await tx.get(KIND_RESTAPI, api_id) is None:
            return api_id


async def _clone_into(tx: Transaction, ctx: ControlContext, source_id: str, api: dict[str, Any]) -> None:
    """``cloneFrom``: copy the source API's resource tree, models, authorizers, validators and
    gateway responses; the clone keeps the source's root resource."""
    source = await get_rest_api(tx, ctx, source_id)
    api["rootResourceId"] = source["rootResourceId"]
    for kind in _CLONED_KINDS:
        for key, doc in await tx.list(kind, f"{source_id}/"):
            await tx.put(kind, f"{api['id']}/{key.split('/', 1)[1]}", doc)


@operation("apigateway", "CreateRestApi")
async def create_rest_api(ctx: ControlContext, params: Params) -> Output:
    raise_validation(_front_end_violations(params))
    if params.get("description") == "":
        raise BadRequestException("Description cannot be an empty string")
    async with ctx.store.transaction() as tx:
        api_id = await unique_api_id(tx)
        root_id = ids.short_id(10)
        doc = new_rest_api(ctx, params, api_id, root_id)
        if params.get("cloneFrom"):
            await _clone_into(tx, ctx, params["cloneFrom"], doc)
        else:
            await tx.put(KIND_RESOURCE, f"{api_id}/{root_id}", {"id": root_id, "path": "/"})
            await put_default_models(tx, api_id)
        await tx.put(KIND_RESTAPI, api_id, doc)
    return public(doc)


# --- read / delete -----------------------------------------------------------------------------


@operation("apigateway", "GetRestApi")
async def get_rest_api_handler(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        doc = await get_rest_api(tx, ctx, params["restApiId"])
    return public(doc)


@operation("apigateway", "GetRestApis")
async def get_rest_apis(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        docs = [doc for _, doc in await tx.list(KIND_RESTAPI)]
    mine = [public(d) for d in docs if d.get("_region", ctx.region) == ctx.region]
    mine.sort(key=lambda d: (d.get("createdDate", 0), d["id"]))
    return paginate(mine, params.get("position"), params.get("limit"))


@operation("apigateway", "DeleteRestApi")
async def delete_rest_api(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, api_id)
        await tx.delete(KIND_RESTAPI, api_id)
        for kind in API_KINDS:
            await tx.delete_prefix(kind, f"{api_id}/")
    return None


# --- update ------------------------------------------------------------------------------------


def _endpoint_type(value: str) -> str:
    if value not in ENDPOINT_TYPES:
        raise BadRequestException("Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE")
    return value


def _ip_address_type(value: str) -> str:
    if value not in IP_ADDRESS_TYPES:
        raise BadRequestException("ipAddressType must be either ipv4 or dualstack.")
    return value


def _api_key_source(value: str) -> str:
    if value not in API_KEY_SOURCES:
        raise BadRequestException("Invalid API Key Source specified. Valid options are HEADER,AUTHORIZER")
    return value


def _patch_endpoint_types(doc: dict[str, Any], op: dict[str, Any], keys: dict[str, str]) -> None:
    """``/endpointConfiguration/types/{type}``: replace swaps the named type for ``value``
    (``replace /endpointConfiguration/types/EDGE value REGIONAL``), add appends, remove drops."""
    config = doc.setdefault("endpointConfiguration", {})
    types = list(config.get("types") or [])
    named, value = keys["type"], op.get("value")
    if op["op"] in ("remove", "replace") and named in types:
        types.remove(named)
    if op["op"] in ("add", "replace"):
        new = _endpoint_type(value if value is not None else named)
        if new not in types:
            types.append(new)
    config["types"] = types
    if "PRIVATE" in types and op["op"] != "remove":
        # Switching to PRIVATE moves the API to dualstack, its only allowed ipAddressType; an
        # explicit ipAddressType op later in the same request is checked after the patch.
        config["ipAddressType"] = "dualstack"


def _patch_vpc_endpoint_ids(doc: dict[str, Any], op: dict[str, Any], keys: dict[str, str]) -> None:
    """``add|remove /endpointConfiguration/vpcEndpointIds`` with the id as value (Terraform's form),
    or ``remove /endpointConfiguration/vpcEndpointIds/{id}``."""
    config = doc.setdefault("endpointConfiguration", {})
    current = list(config.get("vpcEndpointIds") or [])
    element = keys.get("id") or op.get("value")
    if op["op"] == "replace" and "id" not in keys:
        current = []
    if op["op"] in ("remove", "replace") and element in current:
        current.remove(element)
    if op["op"] == "remove" and element is None:
        current = []
    if op["op"] in ("add", "replace") and op.get("value") and op["value"] not in current:
        current.append(op["value"])
    config["vpcEndpointIds"] = current


_TYPES_OP_MESSAGE = "Invalid patch operation specified. Must be 'add'|'remove'|'replace'"

UPDATE_SPEC = PatchSpec(
    {
        "/name": Rule("replace", nullable=False),
        "/description": Rule("add", "replace", "remove"),
        "/version": Rule("replace", "remove"),
        "/apiKeySource": Rule("replace", type=_api_key_source, nullable=False),
        "/minimumCompressionSize": Rule("replace", type=_compression_size),
        "/disableExecuteApiEndpoint": Rule("replace", type=bool),
        "/policy": Rule("replace", "remove"),
        "/securityPolicy": Rule("replace"),
        "/endpointAccessMode": Rule("replace"),
        # binaryMediaTypes is a list patched like a map: the type travels in the path (image~1png).
        "/binaryMediaTypes/{type}": Rule("add", "replace", "remove", container="set"),
        "/endpointConfiguration/types/{type}": Rule(
            "add", "replace", "remove", handler=_patch_endpoint_types, op_message=_TYPES_OP_MESSAGE
        ),
        "/endpointConfiguration/ipAddressType": Rule("replace", type=_ip_address_type, nullable=False),
        "/endpointConfiguration/vpcEndpointIds": Rule(
            "add", "replace", "remove", handler=_patch_vpc_endpoint_ids
        ),
        "/endpointConfiguration/vpcEndpointIds/{id}": Rule(
            "replace", "remove", handler=_patch_vpc_endpoint_ids
        ),
    },
    style="plain",
)


def _after_update(ctx: ControlContext, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Whole-document checks once every op applied (all or nothing)."""
    if not new.get("name"):
        raise BadRequestException("Name cannot be empty")
    if new.get("description") == "":
        new.pop("description")
    new["endpointConfiguration"] = _endpoint_configuration(new.get("endpointConfiguration"))
    if not new.get("binaryMediaTypes"):
        new.pop("binaryMediaTypes", None)
    if new.get("policy") != old.get("policy"):
        policy = normalise_policy(new.get("policy"), ctx.region, ctx.account_id, new["id"])
        if policy is None:
            new.pop("policy", None)
        else:
            new["policy"] = policy
    return new


@operation("apigateway", "UpdateRestApi")
async def update_rest_api(ctx: ControlContext, params: Params) -> Output:
    operations = common.patch_operations(params, "updateRestApiInput")
    async with ctx.store.transaction() as tx:
        old = await get_rest_api(tx, ctx, params["restApiId"])
        new = _after_update(ctx, old, apply_patch(old, operations, UPDATE_SPEC))
        await tx.put(KIND_RESTAPI, new["id"], new)
    result = public(new)
    # AWS answers UpdateRestApi with ``tags`` even when the API has none.
    result.setdefault("tags", {})
    return result
