"""Handlers: Create/Get/Update/DeleteRequestValidator and GetRequestValidators.

Stored as kind ``requestvalidator`` under ``{restApiId}/{requestValidatorId}``. The error wording is
AWS's, recorded: CreateRequestValidator on an unknown API is a 400 ``Invalid REST API identifier
specified``; Get/Update/Delete on an unknown API or validator both answer 404 ``Invalid Request
Validator identifier specified``; GetRequestValidators on an unknown API names the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from apigate.control.common import KIND_REQUEST_VALIDATOR, public
from apigate.control.errors import BadRequestException
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

MSG_NOT_FOUND = "Invalid Request Validator identifier specified"
MSG_BLANK_NAME = "Request Validator name cannot be blank"


async def get_validator(
    tx: Transaction, ctx: ControlContext, rest_api_id: str, validator_id: str
) -> dict[str, Any]:
    return await get_child(tx, ctx, KIND_REQUEST_VALIDATOR, rest_api_id, validator_id, MSG_NOT_FOUND)


@operation("apigateway", "CreateRequestValidator")
async def create_request_validator(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    if params.get("name") == "":
        raise BadRequestException(MSG_BLANK_NAME)
    async with ctx.store.transaction() as tx:
        if not await api_exists(tx, ctx, rest_api_id):
            raise BadRequestException("Invalid REST API identifier specified")
        doc: dict[str, Any] = {"id": await new_child_id(tx, KIND_REQUEST_VALIDATOR, rest_api_id)}
        if params.get("name") is not None:
            doc["name"] = params["name"]
        doc["validateRequestBody"] = bool(params.get("validateRequestBody"))
        doc["validateRequestParameters"] = bool(params.get("validateRequestParameters"))
        await put_child(tx, KIND_REQUEST_VALIDATOR, rest_api_id, stamp(doc))
    return public(doc)


@operation("apigateway", "GetRequestValidator")
async def get_request_validator(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, validator_id = params["restApiId"], params["requestValidatorId"]
    return await read_child(ctx, KIND_REQUEST_VALIDATOR, rest_api_id, validator_id, MSG_NOT_FOUND)


@operation("apigateway", "GetRequestValidators")
async def get_request_validators(ctx: ControlContext, params: Params) -> Output:
    return page_of(await read_children(ctx, KIND_REQUEST_VALIDATOR, params["restApiId"]), params)


# Recorded: "Must be one of: [/name, /validateRequestParameters, /validateRequestBody]" (this order);
# ``replace /validateRequestBody`` without a value turns it off.
UPDATE_SPEC = PatchSpec(
    {
        "/name": Rule("replace"),
        "/validateRequestParameters": Rule("replace", type=bool),
        "/validateRequestBody": Rule("replace", type=bool),
    },
    style="paths",
)


@operation("apigateway", "UpdateRequestValidator")
async def update_request_validator(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateRequestValidatorInput")
    async with ctx.store.transaction() as tx:
        old = await get_validator(tx, ctx, rest_api_id, params["requestValidatorId"])
        new = apply_patch(old, operations, UPDATE_SPEC)
        if not new.get("name") and "name" in common.touched_fields(operations):
            raise BadRequestException(MSG_BLANK_NAME)
        for flag in ("validateRequestBody", "validateRequestParameters"):
            new[flag] = bool(new.get(flag))
        await put_child(tx, KIND_REQUEST_VALIDATOR, rest_api_id, new)
    return public(new)


@operation("apigateway", "DeleteRequestValidator")
async def delete_request_validator(ctx: ControlContext, params: Params) -> Output:
    """A validator a method still uses is not deleted: AWS answers a ConflictException, as it does
    for authorizers and models (its message starts ``Cannot delete Request Validator``)."""
    rest_api_id, validator_id = params["restApiId"], params["requestValidatorId"]
    async with ctx.store.transaction() as tx:
        doc = await get_validator(tx, ctx, rest_api_id, validator_id)
        what = f"Request Validator '{doc.get('name', validator_id)}'"
        await refuse_if_used(tx, rest_api_id, "requestValidatorId", validator_id, what)
        await tx.delete(KIND_REQUEST_VALIDATOR, f"{rest_api_id}/{validator_id}")
    return None
