"""Handlers: Put/Get/Update/DeleteGatewayResponse and GetGatewayResponses.

Only customised responses are stored (kind ``gatewayresponse``, key ``{restApiId}/{responseType}``),
in the shape GetGatewayResponse returns them (``defaultResponse: false``, defaults filled in), which is
also what deployments freeze and the data plane renders (``dataplane/gateway_responses.py``).

Every other type is AWS's built-in default, computed on read. As recorded from AWS, an uncustomised
type of a class (4xx/5xx) shows a customised DEFAULT_4XX/DEFAULT_5XX's status code, parameters and
templates, still with ``defaultResponse: true``; a customised type keeps its own default status code
when none was given (AUTHORIZER_FAILURE stays 500 under a DEFAULT_5XX of 599).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigate.control import common
from apigate.control.common import KIND_GATEWAY_RESPONSE, get_rest_api, raise_validation
from apigate.control.errors import NotFoundException
from apigate.control.paging import paginate
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

DEFAULT_TEMPLATES = {"application/json": '{"message":$context.error.messageString}'}
# Every response type with its built-in status code, in GetGatewayResponses' (alphabetical) order.
# DEFAULT_4XX / DEFAULT_5XX have none: they only lend theirs to the types of their class.
DEFAULT_STATUS: dict[str, str | None] = {
    "ACCESS_DENIED": "403",
    "API_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_CONFIGURATION_ERROR": "500",
    "AUTHORIZER_FAILURE": "500",
    "BAD_REQUEST_BODY": "400",
    "BAD_REQUEST_PARAMETERS": "400",
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "EXPIRED_TOKEN": "403",
    "INTEGRATION_FAILURE": "504",
    "INTEGRATION_TIMEOUT": "504",
    "INVALID_API_KEY": "403",
    "INVALID_SIGNATURE": "403",
    "MISSING_AUTHENTICATION_TOKEN": "403",
    "QUOTA_EXCEEDED": "429",
    "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404",
    "THROTTLED": "429",
    "UNAUTHORIZED": "401",
    "UNSUPPORTED_MEDIA_TYPE": "415",
    "WAF_FILTERED": "403",
}
RESPONSE_TYPES: tuple[str, ...] = tuple(DEFAULT_STATUS)
MSG_NOT_DEFINED = "Gateway response type not defined on api"


def _class_default(response_type: str) -> str | None:
    """The DEFAULT_4XX / DEFAULT_5XX that stands in for ``response_type`` (None for those two)."""
    status = DEFAULT_STATUS[response_type]
    if status is None:
        return None
    return "DEFAULT_5XX" if status.startswith("5") else "DEFAULT_4XX"


def built_in(response_type: str) -> dict[str, Any]:
    """AWS's default GatewayResponse of ``response_type``."""
    doc: dict[str, Any] = {
        "responseType": response_type,
        "defaultResponse": True,
        "responseParameters": {},
        "responseTemplates": dict(DEFAULT_TEMPLATES),
    }
    if DEFAULT_STATUS[response_type] is not None:
        doc["statusCode"] = DEFAULT_STATUS[response_type]
    return doc


def effective(response_type: str, customised: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What GetGatewayResponse shows for ``response_type`` given the API's customised responses."""
    own = customised.get(response_type)
    if own is not None:
        return dict(own)
    doc = built_in(response_type)
    parent = customised.get(_class_default(response_type) or "")
    if parent is not None:
        # The class default lends its configuration; the type stays a "default" response.
        for member in ("responseParameters", "responseTemplates", "statusCode"):
            if member in parent:
                doc[member] = parent[member]
    return doc


def _customised_response(response_type: str, params: Params) -> dict[str, Any]:
    """PutGatewayResponse's document: the members given, the type's defaults for the others."""
    doc = built_in(response_type)
    doc["defaultResponse"] = False
    if params.get("statusCode"):
        doc["statusCode"] = params["statusCode"]
    if params.get("responseParameters") is not None:
        doc["responseParameters"] = dict(params["responseParameters"])
    if params.get("responseTemplates") is not None:
        doc["responseTemplates"] = dict(params["responseTemplates"])
    return doc


def _key(rest_api_id: str, response_type: str) -> str:
    return f"{rest_api_id}/{response_type}"


async def customised_responses(
    tx: Transaction, ctx: ControlContext, rest_api_id: str
) -> dict[str, dict[str, Any]]:
    """The API's customised responses by type (AWS's NotFoundException if the API is unknown)."""
    await get_rest_api(tx, ctx, rest_api_id)
    return {
        doc["responseType"]: doc
        for _, doc in await tx.list(KIND_GATEWAY_RESPONSE, f"{rest_api_id}/")
        if "responseType" in doc
    }


@operation("apigateway", "PutGatewayResponse")
async def put_gateway_response(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, response_type = params["restApiId"], params["responseType"]
    doc = _customised_response(response_type, params)
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        await tx.put(KIND_GATEWAY_RESPONSE, _key(rest_api_id, response_type), doc)
    return doc


@operation("apigateway", "GetGatewayResponse")
async def get_gateway_response(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        customised = await customised_responses(tx, ctx, rest_api_id)
    return effective(params["responseType"], customised)


@operation("apigateway", "GetGatewayResponses")
async def get_gateway_responses(ctx: ControlContext, params: Params) -> Output:
    """Every response type, customised or not (AWS lists all 21)."""
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        customised = await customised_responses(tx, ctx, rest_api_id)
    items = [effective(response_type, customised) for response_type in RESPONSE_TYPES]
    return paginate(items, params.get("position"), params.get("limit"))


# Recorded: add/remove of /statusCode answer "Invalid patch path /statusCode"; a null template or
# parameter "Invalid null or empty value in responseTemplates"; replacing an absent parameter 404.
UPDATE_SPEC = PatchSpec(
    {
        "/statusCode": Rule("replace", nullable=False, op_message="Invalid patch path /statusCode"),
        "/responseParameters/{name}": Rule(
            "add", "replace", "remove", container="map", nullable=False,
            not_found="Invalid parameter name specified",
        ),
        "/responseTemplates/{contentType}": Rule(
            "add", "replace", "remove", container="map", nullable=False,
            not_found="Invalid parameter name specified",
        ),
    },
    style="plain",
)


@operation("apigateway", "UpdateGatewayResponse")
async def update_gateway_response(ctx: ControlContext, params: Params) -> Output:
    """Patches what GetGatewayResponse shows; a default response becomes customised (recorded)."""
    rest_api_id, response_type = params["restApiId"], params["responseType"]
    operations = common.patch_operations(params, "updateGatewayResponseInput")
    async with ctx.store.transaction() as tx:
        current = effective(response_type, await customised_responses(tx, ctx, rest_api_id))
        new = apply_patch(current, operations, UPDATE_SPEC)
        raise_validation(common.status_code_violations(new["statusCode"]) if "statusCode" in new else [])
        new["defaultResponse"] = False
        await tx.put(KIND_GATEWAY_RESPONSE, _key(rest_api_id, response_type), new)
    return new


@operation("apigateway", "DeleteGatewayResponse")
async def delete_gateway_response(ctx: ControlContext, params: Params) -> Output:
    """Back to the built-in default; deleting a response that is not customised is a 404 (recorded)."""
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        if not await tx.delete(KIND_GATEWAY_RESPONSE, _key(rest_api_id, params["responseType"])):
            raise NotFoundException(MSG_NOT_DEFINED)
    return None
