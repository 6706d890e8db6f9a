"""Handlers: Create/Get/Update/DeleteAuthorizer and GetAuthorizers (TestInvokeAuthorizer stays 501).

Stored as kind ``authorizer`` under ``{restApiId}/{authorizerId}``; deployments freeze them. Running
them on requests belongs to the data plane (a later issue): here they are configuration only.

Recorded from AWS: CreateAuthorizer on an unknown API answers 409 ``Unable to complete operation due
to concurrent modification`` (sic), GetAuthorizers 404 naming the API. Known from AWS's answers seen
in the wild: TOKEN identity sources must be one request header (``Invalid token source expression``),
and an authorizer that a method uses cannot be deleted (409 ``Cannot delete authorizer 'x', is
referenced in method: GET//test``). The other messages below are not recorded.
"""

from __future__ import annotations

import re
from typing import Any

from apigate.control import common
from apigate.control.api_children import (
    api_exists,
    get_child,
    new_child_id,
    page_of,
    put_child,
    read_child,
    read_children,
    refuse_if_used,
    stamp,
)
from apigate.control.common import KIND_AUTHORIZER, public
from apigate.control.errors import BadRequestException, ConflictException
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.store.base import Transaction

MSG_NOT_FOUND = "Invalid Authorizer identifier specified"
MSG_NO_API = "Unable to complete operation due to concurrent modification. Please try again later."
DEFAULT_TTL = 300
MAX_TTL = 3600
# Body members of CreateAuthorizer copied as given.
_MEMBERS = (
    "name", "type", "providerARNs", "authType", "authorizerUri", "authorizerCredentials",
    "identitySource", "identityValidationExpression", "authorizerResultTtlInSeconds", "jwtConfiguration",
)
_HEADER_SOURCE = re.compile(r"method\.request\.header\.[a-zA-Z0-9._-]+")
_REQUEST_SOURCE = re.compile(
    r"(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)|stageVariables|context)"
    r"\.[a-zA-Z0-9._$-]+"
)


# --- validation (Create and, on the whole patched document, Update) ----------------------------


def _check_identity_source(doc: dict[str, Any]) -> None:
    kind, source = doc["type"], doc.get("identitySource")
    if kind in ("TOKEN", "COGNITO_USER_POOLS"):
        if not source:
            raise BadRequestException(f"Identity source is required for authorizers of type {kind}")
        if not _HEADER_SOURCE.fullmatch(source):
            raise BadRequestException(
                f"Invalid token source expression: {source}. The source must be a method request "
                "header, matching 'method.request.header.[a-zA-Z0-9._-]+'."
            )
    elif kind == "REQUEST":
        if not source:
            # The identity sources are the cache key: without any, results cannot be cached.
            if doc["authorizerResultTtlInSeconds"] > 0:
                raise BadRequestException(
                    "Identity source is required for REQUEST authorizers when caching is enabled"
                )
            return
        for part in (p.strip() for p in source.split(",")):
            if not _REQUEST_SOURCE.fullmatch(part):
                raise BadRequestException(f"Invalid identity source expression: {part}")


def check_authorizer(doc: dict[str, Any]) -> dict[str, Any]:
    """Validate a complete Authorizer document (defaults filled in) and return it."""
    if not doc.get("name"):
        raise BadRequestException("Authorizer name cannot be blank")
    ttl = doc.setdefault("authorizerResultTtlInSeconds", DEFAULT_TTL)
    if not isinstance(ttl, int) or not 0 <= ttl <= MAX_TTL:
        raise BadRequestException(
            f"Invalid authorizer result TTL: {ttl}. It must be between 0 and {MAX_TTL} seconds"
        )
    kind = doc["type"]
    if kind in ("TOKEN", "REQUEST") and not doc.get("authorizerUri"):
        raise BadRequestException(f"Authorizer URI is required for authorizers of type {kind}")
    if kind == "COGNITO_USER_POOLS" and not doc.get("providerARNs"):
        raise BadRequestException("Provider ARNs are required for authorizers of type COGNITO_USER_POOLS")
    _check_identity_source(doc)
    return doc


def _ttl(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BadRequestException(f"Invalid authorizer result TTL: {value}") from None


# --- handlers ----------------------------------------------------------------------------------


async def get_authorizer(
    tx: Transaction, ctx: ControlContext, rest_api_id: str, authorizer_id: str
) -> dict[str, Any]:
    """The Authorizer; an unknown API answers the same 404 as an unknown authorizer (assumed like
    AWS's RequestValidator and DocumentationPart lookups, which were recorded)."""
    return await get_child(tx, ctx, KIND_AUTHORIZER, rest_api_id, authorizer_id, MSG_NOT_FOUND)


@operation("apigateway", "CreateAuthorizer")
async def create_authorizer(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    doc = {m: params[m] for m in _MEMBERS if params.get(m) is not None}
    if not doc.get("providerARNs"):
        doc.pop("providerARNs", None)
    check_authorizer(doc)
    async with ctx.store.transaction() as tx:
        if not await api_exists(tx, ctx, rest_api_id):
            raise ConflictException(MSG_NO_API)
        doc["id"] = await new_child_id(tx, KIND_AUTHORIZER, rest_api_id)
        await put_child(tx, KIND_AUTHORIZER, rest_api_id, stamp(doc))
    return public(doc)


@operation("apigateway", "GetAuthorizer")
async def get_authorizer_handler(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, authorizer_id = params["restApiId"], params["authorizerId"]
    return await read_child(ctx, KIND_AUTHORIZER, rest_api_id, authorizer_id, MSG_NOT_FOUND)


@operation("apigateway", "GetAuthorizers")
async def get_authorizers(ctx: ControlContext, params: Params) -> Output:
    return page_of(await read_children(ctx, KIND_AUTHORIZER, params["restApiId"]), params)


UPDATE_SPEC = PatchSpec(
    {
        "/name": Rule("replace"),
        "/type": Rule("replace", nullable=False),
        "/authorizerUri": Rule("replace"),
        "/authorizerCredentials": Rule("replace"),
        "/identitySource": Rule("replace"),
        "/identityValidationExpression": Rule("replace"),
        "/authorizerResultTtlInSeconds": Rule("replace", type=_ttl),
        "/authType": Rule("replace"),
        # The ARN travels as the value: ``add /providerARNs value arn:...`` (AWS CLI's example).
        "/providerARNs": Rule("add", "remove", "replace", container="set"),
    },
    style="paths",
)


@operation("apigateway", "UpdateAuthorizer")
async def update_authorizer(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateAuthorizerInput")
    async with ctx.store.transaction() as tx:
        old = await get_authorizer(tx, ctx, rest_api_id, params["authorizerId"])
        new = apply_patch(old, operations, UPDATE_SPEC)
        if new["type"] not in ("TOKEN", "REQUEST", "COGNITO_USER_POOLS", "JWT"):
            raise BadRequestException(
                "Invalid authorizer type specified. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS"
            )
        for member in ("providerARNs", "identityValidationExpression", "authorizerCredentials"):
            if not new.get(member):
                new.pop(member, None)
        check_authorizer(new)
        await put_child(tx, KIND_AUTHORIZER, rest_api_id, new)
    return public(new)


@operation("apigateway", "DeleteAuthorizer")
async def delete_authorizer(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, authorizer_id = params["restApiId"], params["authorizerId"]
    async with ctx.store.transaction() as tx:
        doc = await get_authorizer(tx, ctx, rest_api_id, authorizer_id)
        what = f"authorizer '{doc.get('name', authorizer_id)}'"
        await refuse_if_used(tx, rest_api_id, "authorizerId", authorizer_id, what)
        await tx.delete(KIND_AUTHORIZER, f"{rest_api_id}/{authorizer_id}")
    return None
