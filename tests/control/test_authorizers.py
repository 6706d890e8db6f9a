"""Create/Get/Update/DeleteAuthorizer and GetAuthorizers through the real protocol.

Compared with AWS's recordings where they exist (test_apigateway_api.snapshot.json
``TestApiGatewayApiAuthorizer``, test_apigateway_import.snapshot.json's GetAuthorizers item).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.control.conftest import new_api, new_method
from tests.support.client import ACCOUNT_ID, GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:auth/invocations"
)
IMPORT = "test_apigateway_import"
POOL = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT_ID}:userpool/us-east-1_abc"
TOKEN = {"name": "token", "type": "TOKEN", "authorizerUri": LAMBDA_URI,
         "identitySource": "method.request.header.Authorization"}


async def test_create_get_list_as_recorded(client: GatewayClient) -> None:
    """The shape of a REQUEST authorizer (recorded by GetAuthorizers after an import): TTL 300."""
    api_id, _ = await new_api(client)
    created = await client.call(
        "CreateAuthorizer", restApiId=api_id, name="custom-auth", type="REQUEST", authType="custom",
        authorizerUri=LAMBDA_URI, identitySource="method.request.header.Custom-Authorization",
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]{6}", created["id"])
    expected = recorded(IMPORT, "test_import_with_global_api_key_authorizer", "get-authorizers")
    bindings = {"<authorizer-uri:1>": LAMBDA_URI, "<name:2>": "custom-auth"}
    assert_matches(ours(await client.call("GetAuthorizers", restApiId=api_id)), expected, bindings)
    got = await client.call("GetAuthorizer", restApiId=api_id, authorizerId=created["id"])
    assert ours(got) == ours(created)


async def test_no_api_as_recorded(client: GatewayClient) -> None:
    t = "TestApiGatewayApiAuthorizer::test_authorizer_crud_no_api"
    err = await error_of(client.call("CreateAuthorizer", restApiId="test-fake-rest-id", **TOKEN))
    assert_recorded_error(err, recorded("test_apigateway_api", t, "wrong-rest-api-id-create-authorizer"))
    err = await error_of(client.call("GetAuthorizers", restApiId="test-fake-rest-id"))
    assert_recorded_error(err, recorded("test_apigateway_api", t, "wrong-rest-api-id-get-authorizers"))


async def test_not_found(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await client.call("CreateAuthorizer", restApiId=api_id, **TOKEN)
    for call in (
        client.call("GetAuthorizer", restApiId=api_id, authorizerId="nope00"),
        client.call("GetAuthorizer", restApiId="fake", authorizerId=created["id"]),
        client.call("DeleteAuthorizer", restApiId=api_id, authorizerId="nope00"),
        client.call("UpdateAuthorizer", restApiId=api_id, authorizerId="nope00", patchOperations=[]),
    ):
        err = await error_of(call)
        assert (err.code, err.message, err.status) == (
            "NotFoundException", "Invalid Authorizer identifier specified", 404
        )


async def test_cognito_and_token_defaults(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    cognito = await client.call(
        "CreateAuthorizer", restApiId=api_id, name="pool", type="COGNITO_USER_POOLS", providerARNs=[POOL],
        identitySource="method.request.header.Authorization", authorizerResultTtlInSeconds=0,
    )
    assert ours(cognito) == {
        "id": cognito["id"], "name": "pool", "type": "COGNITO_USER_POOLS", "providerARNs": [POOL],
        "identitySource": "method.request.header.Authorization", "authorizerResultTtlInSeconds": 0,
    }
    token = await client.call(
        "CreateAuthorizer", restApiId=api_id, **TOKEN, identityValidationExpression="^Bearer .+$",
        authorizerCredentials=f"arn:aws:iam::{ACCOUNT_ID}:role/invoke",
    )
    assert token["authorizerResultTtlInSeconds"] == 300
    assert token["identityValidationExpression"] == "^Bearer .+$"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": "TOKEN", "identitySource": "method.request.header.A"},
         "Authorizer URI is required for authorizers of type TOKEN"),
        ({"type": "TOKEN", "authorizerUri": LAMBDA_URI},
         "Identity source is required for authorizers of type TOKEN"),
        ({"type": "TOKEN", "authorizerUri": LAMBDA_URI, "identitySource": "method.request.querystring.key"},
         "Invalid token source expression: method.request.querystring.key. The source must be a method "
         "request header, matching 'method.request.header.[a-zA-Z0-9._-]+'."),
        ({"type": "REQUEST", "authorizerUri": LAMBDA_URI},
         "Identity source is required for REQUEST authorizers when caching is enabled"),
        ({"type": "REQUEST", "authorizerUri": LAMBDA_URI,
          "identitySource": "method.request.header.A, body.x"},
         "Invalid identity source expression: body.x"),
        ({"type": "COGNITO_USER_POOLS", "identitySource": "method.request.header.A"},
         "Provider ARNs are required for authorizers of type COGNITO_USER_POOLS"),
        ({**TOKEN, "authorizerResultTtlInSeconds": 3601},
         "Invalid authorizer result TTL: 3601. It must be between 0 and 3600 seconds"),
    ],
)
async def test_create_validation(client: GatewayClient, params: dict[str, Any], message: str) -> None:
    api_id, _ = await new_api(client)
    err = await error_of(client.call("CreateAuthorizer", restApiId=api_id, **{"name": "a", **params}))
    assert (err.code, err.message) == ("BadRequestException", message)
    assert (await client.call("GetAuthorizers", restApiId=api_id))["items"] == []


async def test_request_authorizer_without_caching_needs_no_identity_source(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await client.call(
        "CreateAuthorizer", restApiId=api_id, name="r", type="REQUEST", authorizerUri=LAMBDA_URI,
        authorizerResultTtlInSeconds=0,
    )
    assert "identitySource" not in created


async def test_update(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await client.call(
        "CreateAuthorizer", restApiId=api_id, name="pool", type="COGNITO_USER_POOLS", providerARNs=[POOL],
        identitySource="method.request.header.Authorization",
    )
    ids = {"restApiId": api_id, "authorizerId": created["id"]}
    other = POOL.replace("abc", "def")
    updated = await client.call("UpdateAuthorizer", **ids, patchOperations=[
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "60"},
        {"op": "add", "path": "/providerARNs", "value": other},
        {"op": "remove", "path": "/providerARNs", "value": POOL},
        {"op": "replace", "path": "/identityValidationExpression", "value": "client-id"},
    ])
    assert (updated["name"], updated["authorizerResultTtlInSeconds"], updated["providerARNs"]) == (
        "renamed", 60, [other]
    )
    assert ours(await client.call("GetAuthorizer", **ids)) == ours(updated)
    # A patch that leaves the authorizer invalid changes nothing.
    for operation, message in (
        ({"op": "remove", "path": "/providerARNs", "value": other},
         "Provider ARNs are required for authorizers of type COGNITO_USER_POOLS"),
        ({"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "x"},
         "Invalid authorizer result TTL: x"),
        ({"op": "replace", "path": "/nope", "value": "x"}, None),
    ):
        err = await error_of(client.call("UpdateAuthorizer", **ids, patchOperations=[operation]))
        assert err.code == "BadRequestException"
        if message:
            assert err.message == message
        else:
            assert err.message.startswith("Invalid patch path  '/nope' specified for op 'replace'")
    assert ours(await client.call("GetAuthorizer", **ids)) == ours(updated)


async def test_methods_need_an_authorizer_of_the_api(client: GatewayClient) -> None:
    """CUSTOM/COGNITO_USER_POOLS methods name an existing authorizer; one in use cannot be deleted."""
    ids = await new_method(client)
    api_id = ids["restApiId"]
    auth = await client.call("CreateAuthorizer", restApiId=api_id, **TOKEN)
    post = {**ids, "httpMethod": "POST"}
    err = await error_of(client.call("PutMethod", **post, authorizationType="CUSTOM", authorizerId="nope00"))
    assert err.message == (
        "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
        "requires a valid authorizer."
    )
    method = await client.call("PutMethod", **post, authorizationType="CUSTOM", authorizerId=auth["id"])
    assert method["authorizerId"] == auth["id"]
    aid = {"restApiId": api_id, "authorizerId": auth["id"]}
    err = await error_of(client.call("DeleteAuthorizer", **aid))
    assert (err.code, err.status, err.message) == (
        "ConflictException", 409, "Cannot delete authorizer 'token', is referenced in method: POST//"
    )
    await client.call("DeleteMethod", **post)
    deleted = await client.call("DeleteAuthorizer", **aid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (await client.call("GetAuthorizers", restApiId=api_id))["items"] == []


async def test_paging_and_delete_rest_api(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = [
        (await client.call("CreateAuthorizer", restApiId=api_id, **{**TOKEN, "name": f"a{i}"}))["id"]
        for i in range(3)
    ]
    first = await client.call("GetAuthorizers", restApiId=api_id, limit=2)
    rest = await client.call("GetAuthorizers", restApiId=api_id, limit=2, position=first["position"])
    assert [a["id"] for a in first["items"] + rest["items"]] == created
    await client.call("DeleteRestApi", restApiId=api_id)
    async with client.services.store.transaction() as tx:
        assert await tx.list("authorizer", f"{api_id}/") == []


async def test_test_invoke_authorizer_is_not_implemented(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    auth = await client.call("CreateAuthorizer", restApiId=api_id, **TOKEN)
    err = await error_of(client.call("TestInvokeAuthorizer", restApiId=api_id, authorizerId=auth["id"]))
    assert (err.status, err.code) == (501, "NotImplementedException")
