"""Handlers: Integration (Put/Get/Update/Delete) and IntegrationResponse (Put/Get/Update/Delete).

The Integration lives in its Method (``methodIntegration``), integration responses inside it
(``integrationResponses[statusCode]``); every write is one read-modify-write of the Resource
document in one transaction, validated (``integration_rules``) before anything is stored.
"""

from __future__ import annotations

from typing import Any

from apigate.control import common
from apigate.control.common import (
    find_integration,
    find_response,
    get_resource,
    load_method,
    put_resource,
    raise_validation,
    store_entry,
)
from apigate.control.integration_rules import (
    MAX_TIMEOUT_MS,
    check_integration,
    check_integration_response,
    front_end_violations,
)
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

# PutIntegration members copied as given (others get defaults or are derived).
_OPTIONAL_MEMBERS = (
    "connectionId",
    "credentials",
    "requestParameters",
    "requestTemplates",
    "contentHandling",
    "tlsConfig",
    "responseTransferMode",
    "integrationTarget",
)


def new_integration(params: Params, resource_id: str) -> dict[str, Any]:
    """PutIntegration's document with AWS's defaults: WHEN_NO_MATCH, 29000 ms, the resource id as
    cache namespace, no cache key parameters, INTERNET for HTTP types. A MOCK keeps no ``uri``.
    Like AWS, a second PutIntegration replaces the whole integration, its responses included."""
    kind = params["type"]
    timeout = params.get("timeoutInMillis")
    integration: dict[str, Any] = {
        "type": kind,
        "passthroughBehavior": params.get("passthroughBehavior") or "WHEN_NO_MATCH",
        "timeoutInMillis": MAX_TIMEOUT_MS if timeout is None else timeout,
        "cacheNamespace": params.get("cacheNamespace") or resource_id,
        "cacheKeyParameters": list(params.get("cacheKeyParameters") or []),
    }
    if params.get("integrationHttpMethod"):
        integration["httpMethod"] = params["integrationHttpMethod"]
    if params.get("uri") and kind != "MOCK":
        integration["uri"] = params["uri"]
    if params.get("connectionType"):
        integration["connectionType"] = params["connectionType"]
    elif kind in ("HTTP", "HTTP_PROXY"):
        integration["connectionType"] = "INTERNET"
    for member in _OPTIONAL_MEMBERS:
        if params.get(member) is not None:
            integration[member] = params[member]
    return integration


@operation("apigateway", "PutIntegration")
async def put_integration(ctx: ControlContext, params: Params) -> Output:
    raise_validation(front_end_violations(params, "putIntegrationInput"))
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        integration = new_integration(params, resource["id"])
        method["methodIntegration"] = check_integration(integration, method)
        await put_resource(tx, params["restApiId"], resource)
    return integration


@operation("apigateway", "GetIntegration")
async def get_integration(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        _, method = await load_method(tx, ctx, params)
    return find_integration(method)


INTEGRATION_SPEC = PatchSpec(
    {
        "/type": Rule("replace", nullable=False),
        "/httpMethod": Rule("replace"),
        "/uri": Rule("replace"),
        "/connectionType": Rule("replace"),
        "/connectionId": Rule("replace"),
        "/credentials": Rule("replace"),
        "/passthroughBehavior": Rule("replace", nullable=False),
        "/contentHandling": Rule("replace"),
        "/timeoutInMillis": Rule("replace", type=int, nullable=False),
        "/cacheNamespace": Rule("replace"),
        "/integrationTarget": Rule("replace"),
        "/responseTransferMode": Rule("replace"),
        "/tlsConfig/insecureSkipVerification": Rule("replace", type=bool),
        "/requestParameters/{name}": Rule("add", "replace", "remove", container="map"),
        "/requestTemplates/{contentType}": Rule("add", "replace", "remove", container="map"),
        "/cacheKeyParameters/{name}": Rule("add", "remove", container="set"),
    },
    style="plain",
)


@operation("apigateway", "UpdateIntegration")
async def update_integration(ctx: ControlContext, params: Params) -> Output:
    operations = common.patch_operations(params, "updateIntegrationInput")
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        new = apply_patch(find_integration(method), operations, INTEGRATION_SPEC)
        for member in ("httpMethod", "uri", "connectionId", "credentials", "contentHandling"):
            if new.get(member) == "":
                new.pop(member)
        common.prune_emptied(new, operations, "requestParameters", "requestTemplates")
        method["methodIntegration"] = check_integration(new, method)
        await put_resource(tx, params["restApiId"], resource)
    return new


@operation("apigateway", "DeleteIntegration")
async def delete_integration(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        find_integration(method)
        method.pop("methodIntegration")
        await put_resource(tx, params["restApiId"], resource)
    return None


# --- IntegrationResponse -----------------------------------------------------------------------


@operation("apigateway", "PutIntegrationResponse")
async def put_integration_response(ctx: ControlContext, params: Params) -> Output:
    """Creates or overwrites the response for ``statusCode`` (201 both times, as AWS)."""
    status_code = params["statusCode"]
    handling = {"contentHandling": params.get("contentHandling")}
    raise_validation(
        common.status_code_violations(status_code)
        + front_end_violations(handling, "putIntegrationResponseInput")
    )
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        integration = find_integration(method)
        response: dict[str, Any] = {"statusCode": status_code}
        for member in ("selectionPattern", "responseParameters", "responseTemplates", "contentHandling"):
            if params.get(member) is not None:
                response[member] = params[member]
        check_integration_response(response, method)
        store_entry(integration, "integrationResponses", status_code, response)
        await put_resource(tx, params["restApiId"], resource)
    return response


@operation("apigateway", "GetIntegrationResponse")
async def get_integration_response(ctx: ControlContext, params: Params) -> Output:
    raise_validation(common.status_code_violations(params["statusCode"]))
    async with ctx.store.transaction() as tx:
        _, method = await load_method(tx, ctx, params)
    return find_response(find_integration(method), "integrationResponses", params["statusCode"])


RESPONSE_SPEC = PatchSpec(
    {
        "/selectionPattern": Rule("replace"),
        "/contentHandling": Rule("replace"),
        "/responseParameters/{name}": Rule("add", "replace", "remove", container="map"),
        "/responseTemplates/{contentType}": Rule("add", "replace", "remove", container="map"),
    },
    style="plain",
)


@operation("apigateway", "UpdateIntegrationResponse")
async def update_integration_response(ctx: ControlContext, params: Params) -> Output:
    status_code = params["statusCode"]
    operations = common.patch_operations(
        params, "updateIntegrationResponseInput", common.status_code_violations(status_code)
    )
    async with ctx.store.transaction() as tx:
        resource, method = await load_method(tx, ctx, params)
        integration = find_integration(method)
        current = find_response(integration, "integrationResponses", status_code)
        new = apply_patch(current, operations, RESPONSE_SPEC)
        if new.get("contentHandling") == "":
            new.pop("contentHandling")
        common.prune_emptied(new, operations, "responseParameters", "responseTemplates")
        check_integration_response(new, method)
        store_entry(integration, "integrationResponses", status_code, new)
        await put_resource(tx, params["restApiId"], resource)
    return new


@operation("apigateway", "DeleteIntegrationResponse")
async def delete_integration_response(ctx: ControlContext, params: Params) -> Output:
    status_code = params["statusCode"]
    raise_validation(common.status_code_violations(status_code))
    async with ctx.store.transaction() as tx:
        resource = await get_resource(tx, ctx, params["restApiId"], params["resourceId"])
        # AWS answers a missing method here with the Integration message, not the Method one.
        method = (resource.get("resourceMethods") or {}).get(str(params["httpMethod"]).upper()) or {}
        integration = find_integration(method)
        find_response(integration, "integrationResponses", status_code)
        store_entry(integration, "integrationResponses", status_code, None)
        await put_resource(tx, params["restApiId"], resource)
    return None
