"""Create/Get/Update/DeleteRequestValidator and GetRequestValidators through the real protocol.

Compared with AWS's recordings (test_apigateway_api.snapshot.json ``TestApiGatewayApiRequestValidator``).
"""

from __future__ import annotations

from typing import Any

from tests.control.conftest import new_api, new_method
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
CLASS = "TestApiGatewayApiRequestValidator"
MSG_INVALID = "Invalid Request Validator identifier specified"


def rec(test: str, key: str) -> Any:
    return recorded(API, f"{CLASS}::{test}", key)


async def test_request_validator_lifecycle_as_recorded(client: GatewayClient) -> None:
    t = "test_request_validator_lifecycle"
    api_id, _ = await new_api(client)
    created = await client.call("CreateRequestValidator", restApiId=api_id, name="my-validator")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    names = {"<name:2>": "my-validator"}
    assert_matches(ours(created), rec(t, "create-request-validator"), dict(names))
    ids = {"restApiId": api_id, "requestValidatorId": created["id"]}
    got = await client.call("GetRequestValidator", **ids)
    assert_matches(ours(got), rec(t, "get-request-validator"), dict(names))
    listed = await client.call("GetRequestValidators", restApiId=api_id)
    assert_matches(ours(listed), rec(t, "get-request-validators"), dict(names))
    with_value = await client.call(
        "UpdateRequestValidator", **ids,
        patchOperations=[{"op": "replace", "path": "/validateRequestBody", "value": "true"}],
    )
    assert_matches(ours(with_value), rec(t, "update-request-validator-with-value"), dict(names))
    without_value = await client.call(
        "UpdateRequestValidator", **ids, patchOperations=[{"op": "replace", "path": "/validateRequestBody"}]
    )
    assert_matches(ours(without_value), rec(t, "update-request-validator-without-value"), dict(names))
    after = await client.call("GetRequestValidator", **ids)
    assert_matches(ours(after), rec(t, "get-request-validators-after-update-operation"), dict(names))
    deleted = await client.call("DeleteRequestValidator", **ids)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    err = await error_of(client.call("GetRequestValidator", **ids))
    assert_recorded_error(err, rec(t, "get-deleted-request-validator"))
    listed = await client.call("GetRequestValidators", restApiId=api_id)
    assert_matches(ours(listed), rec(t, "get-request-validators-after-delete"))


async def test_invalid_ids_as_recorded(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await client.call("CreateRequestValidator", restApiId=api_id, name="v")
    cases = [
        (("test_invalid_get_request_validator", "get-request-validators-invalid-api-id"),
         client.call("GetRequestValidator", restApiId="api_id", requestValidatorId=created["id"])),
        (("test_invalid_get_request_validator", "get-request-validators-invalid-validator-id"),
         client.call("GetRequestValidator", restApiId=api_id, requestValidatorId="fake")),
        (("test_invalid_get_request_validators", "get-invalid-request-validators"),
         client.call("GetRequestValidators", restApiId="api_id")),
        (("test_invalid_delete_request_validator", "delete-request-validator-invalid-api-id"),
         client.call("DeleteRequestValidator", restApiId="api_id", requestValidatorId=created["id"])),
        (("test_invalid_delete_request_validator", "delete-request-validator-invalid-validator-id"),
         client.call("DeleteRequestValidator", restApiId=api_id, requestValidatorId="fake")),
        (("test_create_request_validator_invalid_api_id", "invalid-create-request-validator"),
         client.call("CreateRequestValidator", restApiId="api_id", name="v")),
        (("test_validators_crud_no_api", "wrong-rest-api-id-create-validator"),
         client.call("CreateRequestValidator", restApiId="test-fake-rest-id", name="v")),
        (("test_validators_crud_no_api", "wrong-rest-api-id-get-validators"),
         client.call("GetRequestValidators", restApiId="test-fake-rest-id")),
    ]
    for (test, key), call in cases:
        assert_recorded_error(await error_of(call), rec(test, key))


async def test_invalid_update_operations_as_recorded(client: GatewayClient) -> None:
    t = "test_invalid_update_request_validator_operations"
    api_id, _ = await new_api(client)
    created = await client.call("CreateRequestValidator", restApiId=api_id, name="v")
    ids = {"restApiId": api_id, "requestValidatorId": created["id"]}
    cases = [
        ("update-request-validator-invalid-add-operation",
         {"op": "add", "path": "/validateRequestBody", "value": "true"}),
        ("update-request-validator-invalid-remove-operation",
         {"op": "remove", "path": "/validateRequestBody"}),
        ("update-request-validator-invalid-path", {"op": "replace", "path": "/invalidPath", "value": "x"}),
        ("update-request-validator-empty-name-value", {"op": "replace", "path": "/name", "value": ""}),
    ]
    for key, operation in cases:
        err = await error_of(client.call("UpdateRequestValidator", **ids, patchOperations=[operation]))
        assert_recorded_error(err, rec(t, key))
    assert ours(await client.call("GetRequestValidator", **ids)) == ours(created)  # nothing changed


async def test_create_with_flags_and_rename(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await client.call(
        "CreateRequestValidator", restApiId=api_id, name="Validate body", validateRequestBody=True
    )
    assert (created["validateRequestBody"], created["validateRequestParameters"]) == (True, False)
    renamed = await client.call(
        "UpdateRequestValidator", restApiId=api_id, requestValidatorId=created["id"],
        patchOperations=[
            {"op": "replace", "path": "/name", "value": "all"},
            {"op": "replace", "path": "/validateRequestParameters", "value": "true"},
        ],
    )
    assert (renamed["name"], renamed["validateRequestBody"], renamed["validateRequestParameters"]) == (
        "all", True, True
    )
    err = await error_of(client.call("CreateRequestValidator", restApiId=api_id, name=""))
    assert (err.code, err.message) == ("BadRequestException", "Request Validator name cannot be blank")


async def test_paging_in_creation_order(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = [
        (await client.call("CreateRequestValidator", restApiId=api_id, name=f"v{i}"))["id"] for i in range(5)
    ]
    first = await client.call("GetRequestValidators", restApiId=api_id, limit=3)
    rest = await client.call("GetRequestValidators", restApiId=api_id, limit=3, position=first["position"])
    assert [v["id"] for v in first["items"] + rest["items"]] == created
    assert "position" not in rest


async def test_methods_refer_to_existing_validators(client: GatewayClient) -> None:
    """PutMethod/UpdateMethod accept only a validator of the API; one in use cannot be deleted."""
    ids = await new_method(client)
    api_id = ids["restApiId"]
    validator = await client.call("CreateRequestValidator", restApiId=api_id, name="body")
    err = await error_of(client.call(
        "UpdateMethod", **ids,
        patchOperations=[{"op": "replace", "path": "/requestValidatorId", "value": "nope00"}],
    ))
    assert (err.code, err.message) == ("BadRequestException", MSG_INVALID)
    method = await client.call(
        "UpdateMethod", **ids,
        patchOperations=[{"op": "replace", "path": "/requestValidatorId", "value": validator["id"]}],
    )
    assert method["requestValidatorId"] == validator["id"]
    vid = {"restApiId": api_id, "requestValidatorId": validator["id"]}
    err = await error_of(client.call("DeleteRequestValidator", **vid))
    assert (err.code, err.status) == ("ConflictException", 409)
    assert err.message == "Cannot delete Request Validator 'body', is referenced in method: GET//"
    await client.call(
        "UpdateMethod", **ids, patchOperations=[{"op": "replace", "path": "/requestValidatorId", "value": ""}]
    )
    await client.call("DeleteRequestValidator", **vid)


async def test_deployment_freezes_validators_and_delete_rest_api_removes_them(client: GatewayClient) -> None:
    ids = await new_method(client)
    api_id = ids["restApiId"]
    await client.call("PutIntegration", **ids, type="MOCK")
    validator = await client.call("CreateRequestValidator", restApiId=api_id, name="v")
    deployment = await client.call("CreateDeployment", restApiId=api_id)
    async with client.services.store.transaction() as tx:
        snapshot = await tx.get("snapshot", f"{api_id}/{deployment['id']}")
    assert snapshot is not None and [v["id"] for v in snapshot["requestValidators"]] == [validator["id"]]
    await client.call("DeleteRestApi", restApiId=api_id)
    async with client.services.store.transaction() as tx:
        assert await tx.list("requestvalidator", f"{api_id}/") == []
