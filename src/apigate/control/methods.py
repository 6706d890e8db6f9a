"""Handlers: Method (Put/Get/Update/DeleteMethod) and MethodResponse (Put/Get/Update/Delete).

Methods live inside their Resource document (``resourceMethods[VERB]``), method responses inside
their Method (``methodResponses[statusCode]``), so every change is one read-modify-write of one
Resource document inside one transaction.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from apigate.control import common
from apigate.control.common import (
    KIND_AUTHORIZER,
    KIND_REQUEST_VALIDATOR,
    find_method,
    find_response,
    get_resource,
    load_method,
    put_resource,
    raise_validation,
    store_entry,
)
from apigate.control.errors import BadRequestException, ConflictException
from apigate.control.models import get_model
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS", "JWT")
# Authorization types that name an authorizer of the API (authorizerId is ignored for the others).
_WITH_AUTHORIZER = ("CUSTOM", "COGNITO_USER_POOLS", "JWT")
_AUTHORIZER_MESSAGE = (
    "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
    "requires a valid authorizer."
)
_REQUEST_PARAMETER_RE = re.compile(
    r"method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)"
)
_RESPONSE_PARAMETER_RE = re.compile(r"method\.response\.header\.(.+)")
# "Parameter names must be unique across querystring, header and path": multi-value forms are the
# same parameter as their single-value location.
_LOCATION_FAMILY = {"multivaluequerystring": "querystring", "multivalueheader": "header"}


# --- validation shared by Put and Update -------------------------------------------------------


def _authorization_type(value: str) -> str:
    upper = (value or "").upper()  # AWS accepts authorizationType="none"
    if upper not in AUTHORIZATION_TYPES:
        raise BadRequestException(
            "Invalid authorization type specified. Valid options are " + ",".join(AUTHORIZATION_TYPES)
        )
    return upper


def check_request_parameters(parameters: dict[str, Any] | None) -> None:
    families: dict[str, str] = {}
    for key in parameters or {}:
        match = _REQUEST_PARAMETER_RE.fullmatch(str(key))
        if match is None:
            raise common.mapping_error(key)
        location, name = match.groups()
        family = _LOCATION_FAMILY.get(location, location)
        if families.setdefault(name, family) != family:
            raise BadRequestException("Parameter names must be unique across querystring, header and path")


def check_response_parameters(parameters: dict[str, Any] | None) -> None:
    for key in parameters or {}:
        if _RESPONSE_PARAMETER_RE.fullmatch(str(key)) is None:
            raise common.mapping_error(key)


async def check_models(tx: Transaction, api_id: str, models: dict[str, Any] | None) -> None:
    for name in (models or {}).values():
        if name is not None and await get_model(tx, api_id, str(name)) is None:
            raise BadRequestException(f"Invalid model identifier specified: {name}")


async def _check_method(tx: Transaction, api_id: str, method: dict[str, Any]) -> dict[str, Any]:
    """Validate a complete Method document against the API (authorizer, validator, models)."""
    method["authorizationType"] = _authorization_type(method.get("authorizationType", ""))
    if method["authorizationType"] in _WITH_AUTHORIZER:
        authorizer_id = method.get("authorizerId")
        if not authorizer_id or await tx.get(KIND_AUTHORIZER, f"{api_id}/{authorizer_id}") is None:
            raise BadRequestException(_AUTHORIZER_MESSAGE)
    else:
        method.pop("authorizerId", None)  # AWS ignores an authorizerId of a NONE/AWS_IAM method
    validator_id = method.get("requestValidatorId")
    if validator_id == "" or validator_id is None:
        method.pop("requestValidatorId", None)
    elif await tx.get(KIND_REQUEST_VALIDATOR, f"{api_id}/{validator_id}") is None:
        raise BadRequestException("Invalid Request Validator identifier specified")
    await check_models(tx, api_id, method.get("requestModels"))
    check_request_parameters(method.get("requestParameters"))
    return method


# --- Method ------------------------------------------------------------------------------------


def new_method(verb: str, params: Params) -> dict[str, Any]:
    method: dict[str, Any] = {
        "httpMethod": verb,
        "authorizationType": params.get("authorizationType"),
        "apiKeyRequired": bool(params.get("apiKeyRequired") or False),
    }
    for member in ("authorizerId", "operationName", "requestValidatorId"):
        if params.get(member):
            method[member] = params[member]
    for member in ("requestParameters", "requestModels"):
        if params.get(member) is not None:
            method[member] = dict(params[member])
    if params.get("authorizationScopes"):
        method["authorizationScopes"] = list(params["authorizationScopes"])
    return method


@operation("apigateway", "PutMethod")
async def put_method(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, api_id, params["resourceId"])
        verb = common.check_http_method(params["httpMethod"])
        method = await _check_method(tx, api_id, new_method(verb, params))
        if verb in (resource.get("resourceMethods") or {}):
            raise ConflictException("Method already exists for this resource")
        store_entry(resource, "resourceMethods", verb, method)
        await put_resource(tx, api_id, resource)
    return method


@operation("apigateway", "GetMethod")
async def get_method(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, params["restApiId"], params["resourceId"])
    return find_method(resource, params["httpMethod"])


METHOD_SPEC = PatchSpec(
    {
        "/authorizationType": Rule("replace", nullable=False),
        "/authorizerId": Rule("replace"),
        "/apiKeyRequired": Rule("replace", type=bool),
        "/operationName": Rule("replace"),
        "/requestValidatorId": Rule("replace"),
        "/requestParameters/{name}": Rule("add", "replace", "remove", type=bool, container="map"),
        "/requestModels/{contentType}": Rule("add", "replace", "remove", container="map"),
        "/authorizationScopes": Rule("add", "remove", container="set"),
        "/methodResponses/{statusCode}": Rule("remove", container="map"),
    },
    style="plain",
)


@operation("apigateway", "UpdateMethod")
async def update_method(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateMethodInput")
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, api_id, params["resourceId"])
        old = find_method(resource, params["httpMethod"])
        new = apply_patch(old, operations, METHOD_SPEC)
        if not new.get("operationName"):
            new.pop("operationName", None)
        common.prune_emptied(new, operations, "requestParameters", "requestModels", "authorizationScopes")
        if new.get("methodResponses") == {}:
            new.pop("methodResponses")
        await _check_method(tx, api_id, new)
        store_entry(resource, "resourceMethods", old["httpMethod"], new)
        await put_resource(tx, api_id, resource)
    return new


@operation("apigateway", "DeleteMethod")
async def delete_method(ctx: ControlContext, params: Params) -> Output:
    api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, api_id, params["resourceId"])
        method = find_method(resource, params["httpMethod"])
        store_entry(resource, "resourceMethods", method["httpMethod"], None)
        await put_resource(tx, api_id, resource)
    return None


# --- MethodResponse ----------------------------------------------------------------------------


async def _store_response(
    tx: Transaction,
    api_id: str,
    resource: dict[str, Any],
    method: dict[str, Any],
    status_code: str,
    response: dict[str, Any],
) -> None:
    """Check a MethodResponse against the API (parameters, models), then store it in its Method."""
    check_response_parameters(response.get("responseParameters"))
    await check_models(tx, api_id, response.get("responseModels"))
    store_entry(method, "methodResponses", status_code, response)
    await put_resource(tx, api_id, resource)


@operation("apigateway", "PutMethodResponse")
async def put_method_response(ctx: ControlContext, params: Params) -> Output:
    api_id, status_code = params["restApiId"], params["statusCode"]
    raise_validation(common.status_code_violations(status_code))
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        response: dict[str, Any] = {"statusCode": status_code}
        for member in ("responseParameters", "responseModels"):
            if params.get(member) is not None:
                response[member] = dict(params[member])
        await _store_response(tx, api_id, resource, method, status_code, response)
    return response


@operation("apigateway", "GetMethodResponse")
async def get_method_response(ctx: ControlContext, params: Params) -> Output:
    raise_validation(common.status_code_violations(params["statusCode"]))
    async with ctx.store.transaction() as tx:
        _, method = await load_method(tx, ctx, params)
    return find_response(method, "methodResponses", params["statusCode"])


METHOD_RESPONSE_SPEC = PatchSpec(
    {
        "/responseParameters/{name}": Rule(
            "add", "replace", "remove", type=bool, container="map",
            not_found="Invalid parameter name specified",
        ),
        "/responseModels/{contentType}": Rule(
            "add", "replace", "remove", container="map", not_found="Content-Type specified was not found"
        ),
    },
    style="plain",
)


@operation("apigateway", "UpdateMethodResponse")
async def update_method_response(ctx: ControlContext, params: Params) -> Output:
    """Answers 201, not 200 (the model's responseCode, as AWS)."""
    api_id, status_code = params["restApiId"], params["statusCode"]
    operations = common.patch_operations(
        params, "updateMethodResponseInput", common.status_code_violations(status_code)
    )
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        current = find_response(method, "methodResponses", status_code)
        new = apply_patch(current, operations, METHOD_RESPONSE_SPEC)
        common.prune_emptied(new, operations, "responseParameters", "responseModels")
        await _store_response(tx, api_id, resource, method, status_code, new)
    return new


@operation("apigateway", "DeleteMethodResponse")
async def delete_method_response(ctx: ControlContext, params: Params) -> Output:
    api_id, status_code = params["restApiId"], params["statusCode"]
    raise_validation(common.status_code_violations(status_code))
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        find_response(method, "methodResponses", status_code)
        store_entry(method, "methodResponses", status_code, None)
        await put_resource(tx, api_id, resource)
    return None
