"""Put/Get/Update/DeleteGatewayResponse and GetGatewayResponses through the real protocol.

Compared with AWS's recordings (test_apigateway_api.snapshot.json ``TestApiGatewayGatewayResponse``).
"""

from __future__ import annotations

from typing import Any

from tests.control.conftest import mock_api, new_api
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
CLASS = "TestApiGatewayGatewayResponse"
TEMPLATE = (
    '{\n     "message": $context.error.messageString,\n     "type":  "$context.error.responseType",\n'
    '     "stage":  "$context.stage",\n     "resourcePath":  "$context.resourcePath",\n'
    '     "stageVariables.a":  "$stageVariables.a",\n     "statusCode": "\'404\'"\n}'
)
PARAMETERS = {
    "gatewayresponse.header.Access-Control-Allow-Origin": "'a.b.c'",
    "gatewayresponse.header.x-request-header": "method.request.header.Accept",
    "gatewayresponse.header.x-request-path": "method.request.path.petId",
    "gatewayresponse.header.x-request-query": "method.request.querystring.q",
}


def rec(test: str, key: str) -> Any:
    return recorded(API, f"{CLASS}::{test}", key)


async def get(client: GatewayClient, **ids: str) -> dict[str, Any]:
    return ours(await client.call("GetGatewayResponse", **ids))


async def get_all(client: GatewayClient, api_id: str) -> dict[str, Any]:
    return ours(await client.call("GetGatewayResponses", restApiId=api_id))


async def test_gateway_response_crud_as_recorded(client: GatewayClient) -> None:
    t = "test_gateway_response_crud"
    api_id, _ = await new_api(client)
    ids = {"restApiId": api_id, "responseType": "MISSING_AUTHENTICATION_TOKEN"}
    assert_matches(await get(client, **ids), rec(t, "get-gateway-response-default"))
    put = await client.call(
        "PutGatewayResponse", **ids, statusCode="404", responseParameters=PARAMETERS,
        responseTemplates={"application/json": TEMPLATE},
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(put), rec(t, "put-gateway-response"))
    assert_matches(await get_all(client, api_id), rec(t, "get-gateway-responses"))
    assert_matches(await get(client, **ids), rec(t, "get-gateway-response"))
    deleted = await client.call("DeleteGatewayResponse", **ids)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_matches(await get(client, **ids), rec(t, "get-deleted-gw-response"))


async def test_gateway_response_put_as_recorded(client: GatewayClient) -> None:
    """Defaults fill what a Put leaves out; a customised DEFAULT_5XX lends its configuration to every
    uncustomised 5xx type, but not to a customised one (AUTHORIZER_FAILURE keeps 500)."""
    t = "test_gateway_response_put"
    api_id, _ = await new_api(client)
    missing = {"restApiId": api_id, "responseType": "MISSING_AUTHENTICATION_TOKEN"}
    templates = {"application/json": TEMPLATE}
    header = {"gatewayresponse.header.x-request-header": "method.request.header.Accept"}
    puts = [
        ("put-gateway-response-all-value", {**missing, "statusCode": "404", "responseParameters": PARAMETERS,
                                            "responseTemplates": templates}),
        ("put-gateway-response-status-only", {**missing, "statusCode": "404"}),
        ("put-gateway-response-response-parameters-only", {**missing, "responseParameters": header}),
        ("put-gateway-response-response-templates-only", {**missing, "responseTemplates": templates}),
        ("put-gateway-response-default-5xx", {"restApiId": api_id, "responseType": "DEFAULT_5XX",
                                              "statusCode": "599", "responseParameters": header,
                                              "responseTemplates": templates}),
        ("put-gateway-response-default-ignored", {
            "restApiId": api_id, "responseType": "AUTHORIZER_FAILURE",
            "responseParameters": {"gatewayresponse.header.foo": "'bar'"},
        }),
    ]
    for key, params in puts:
        assert_matches(ours(await client.call("PutGatewayResponse", **params)), rec(t, key))
    assert_matches(await get_all(client, api_id), rec(t, "get-gateway-responses"))


async def test_update_gateway_response_as_recorded(client: GatewayClient) -> None:
    t = "test_update_gateway_response"
    api_id, _ = await new_api(client)
    ids = {"restApiId": api_id, "responseType": "DEFAULT_4XX"}

    async def update(*operations: dict[str, Any]) -> dict[str, Any]:
        return await client.call("UpdateGatewayResponse", **ids, patchOperations=list(operations))

    # Updating a type that is not customised customises it.
    assert_matches(ours(await update({"op": "replace", "path": "/statusCode", "value": "444"})),
                   rec(t, "update-gateway-response-not-set"))
    assert_matches(await get(client, **ids), rec(t, "default-get-gateway-response"))
    await client.call("PutGatewayResponse", **ids, statusCode="404", responseParameters=PARAMETERS)
    updated = await update(
        {"op": "replace", "path": "/statusCode", "value": "444"},
        {"op": "replace", "path": "/responseParameters/gatewayresponse.header.Access-Control-Allow-Origin",
         "value": "'example.com'"},
        {"op": "add", "path": "/responseTemplates/application~1xml", "value": "<x/>"},
    )
    assert updated["statusCode"] == "444"
    assert updated["responseParameters"][next(iter(PARAMETERS))] == "'example.com'"
    assert updated["responseTemplates"]["application/xml"] == "<x/>"
    assert await get(client, **ids) == ours(updated)
    errors = [
        ("update-gateway-add-status-code", {"op": "add", "path": "/statusCode", "value": "444"}),
        ("update-gateway-remove-status-code", {"op": "remove", "path": "/statusCode"}),
        ("update-gateway-replace-invalid-parameter",
         {"op": "replace", "path": "/responseParameters/gatewayresponse.header.nope", "value": "'x'"}),
        ("update-gateway-no-path", {"op": "replace", "value": "x"}),
        ("update-gateway-wrong-op", {"op": "wrong-op", "path": "/statusCode", "value": "x"}),
        ("update-gateway-wrong-path", {"op": "replace", "path": "/wrongPath", "value": "x"}),
        ("update-gateway-replace-invalid-parameter-0-none",
         {"op": "replace", "path": "/responseTemplates/application~1json"}),
        ("update-gateway-replace-invalid-parameter-1-none",
         {"op": "replace", "path": "/responseParameters/gatewayresponse.header.x-request-path"}),
    ]
    before = await client.call("GetGatewayResponse", **ids)
    for key, operation in errors:
        assert_recorded_error(await error_of(update(operation)), rec(t, key))
    assert await get(client, **ids) == ours(before)  # no state changed


async def test_gateway_response_validation_as_recorded(client: GatewayClient) -> None:
    t = "test_gateway_response_validation"
    api_id, _ = await new_api(client)
    fake = {"restApiId": "fake-api-id", "responseType": "DEFAULT_4XX"}
    calls = [
        ("get-gateway-responses-no-api", client.call("GetGatewayResponses", restApiId="fake-api-id")),
        ("get-gateway-response-no-api", client.call("GetGatewayResponse", **fake)),
        ("delete-gateway-response-no-api", client.call("DeleteGatewayResponse", **fake)),
        ("update-gateway-response-no-api", client.call("UpdateGatewayResponse", **fake, patchOperations=[])),
        ("delete-gateway-response-not-set",
         client.call("DeleteGatewayResponse", restApiId=api_id, responseType="DEFAULT_4XX")),
    ]
    wrong = {"restApiId": api_id, "responseType": "FAKE_RESPONSE_TYPE"}
    calls += [
        ("get-gateway-response-wrong-response-type", client.call("GetGatewayResponse", **wrong)),
        ("delete-gateway-response-wrong-response-type", client.call("DeleteGatewayResponse", **wrong)),
        ("update-gateway-response-wrong-response-type",
         client.call("UpdateGatewayResponse", **wrong, patchOperations=[])),
        ("put-gateway-response-wrong-response-type", client.call("PutGatewayResponse", **wrong)),
    ]
    for key, call in calls:
        assert_recorded_error(await error_of(call), rec(t, key))


async def test_gateway_responses_paging(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    first = await client.call("GetGatewayResponses", restApiId=api_id, limit=20)
    assert len(first["items"]) == 20 and "position" in first
    rest = await client.call("GetGatewayResponses", restApiId=api_id, limit=20, position=first["position"])
    assert [i["responseType"] for i in rest["items"]] == ["WAF_FILTERED"] and "position" not in rest


async def test_put_replaces_the_whole_customisation(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    ids = {"restApiId": api_id, "responseType": "THROTTLED"}
    await client.call("PutGatewayResponse", **ids, statusCode="503", responseParameters=PARAMETERS)
    again = await client.call("PutGatewayResponse", **ids, responseTemplates={"text/plain": "slow down"})
    assert (again["statusCode"], again["responseParameters"], again["responseTemplates"]) == (
        "429", {}, {"text/plain": "slow down"}
    )


async def test_customised_responses_are_deployed_and_served(client: GatewayClient) -> None:
    """The deployment freezes the customisation: the data plane serves it, later edits wait for the
    next deployment, and DeleteGatewayResponse + redeploy restores AWS's default."""
    ids = await mock_api(client)
    api_id = ids["apiId"]
    missing = {"restApiId": api_id, "responseType": "MISSING_AUTHENTICATION_TOKEN"}
    await client.call(
        "PutGatewayResponse", **missing, statusCode="404",
        responseParameters={"gatewayresponse.header.x-kind": "'custom'"},
        responseTemplates={"application/json": '{"error": "$context.error.responseType"}'},
    )
    await client.call("CreateDeployment", restApiId=api_id, stageName="test")
    served = await client.invoke(api_id, "test", "/nowhere")
    assert (served.status, served.json(), served.headers.get("x-kind")) == (
        404, {"error": "MISSING_AUTHENTICATION_TOKEN"}, "custom"
    )
    await client.call("DeleteGatewayResponse", **missing)
    assert (await client.invoke(api_id, "test", "/nowhere")).status == 404  # not deployed yet
    await client.call("CreateDeployment", restApiId=api_id, stageName="test")
    served = await client.invoke(api_id, "test", "/nowhere")
    assert (served.status, served.json()) == (403, {"message": "Missing Authentication Token"})


async def test_delete_rest_api_deletes_gateway_responses(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await client.call("PutGatewayResponse", restApiId=api_id, responseType="DEFAULT_4XX", statusCode="418")
    await client.call("DeleteRestApi", restApiId=api_id)
    async with client.services.store.transaction() as tx:
        assert await tx.list("gatewayresponse", f"{api_id}/") == []
