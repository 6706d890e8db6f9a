"""CreateRestApi / GetRestApi(s) / UpdateRestApi / DeleteRestApi through the real protocol.

Shapes, defaults and messages are compared with responses recorded from AWS
(test_apigateway_api.snapshot.json, ``TestApiGatewayApiRestApi``).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from apigate.config import Settings
from apigate.control.common import API_KINDS, parse_policy
from apigate.control.models import EMPTY_SCHEMA, ERROR_SCHEMA
from apigate.control.registry import HANDLERS, ControlContext
from apigate.store.sqlite import SqliteStore
from tests.support.client import ACCOUNT_ID, REGION, GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
T = "TestApiGatewayApiRestApi::"


def rec(test: str, key: str) -> dict:
    return recorded(API, T + test, key)


def context(store: SqliteStore, region: str = REGION) -> ControlContext:
    settings = Settings(state_dir=None, region=REGION, account_id=ACCOUNT_ID, port=0)
    return ControlContext(
        store=store, settings=settings, region=region, account_id=ACCOUNT_ID, request_id="r", services=None
    )


async def handler(ctx: ControlContext, operation: str, **params: Any) -> dict[str, Any] | None:
    """Call a handler directly (no protocol layer), as ``apigate.examples`` does."""
    return await HANDLERS[("apigateway", operation)](ctx, params)


# --- create ------------------------------------------------------------------------------------


async def test_create_defaults_match_aws(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="only-name")
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(api), rec("test_create_rest_api_with_optional_params", "create-only-name"))
    assert re.fullmatch(r"[a-z0-9]{10}", api["id"])
    assert re.fullmatch(r"[a-z0-9]{10}", api["rootResourceId"])
    got = await client.call("GetRestApi", restApiId=api["id"])
    assert ours(got) == ours(api)


async def test_created_date_is_epoch_seconds_on_the_wire(client: GatewayClient) -> None:
    before = int(time.time())
    response = await client.request("POST", "/restapis", body=b'{"name": "n"}')
    body = json.loads(response.body)
    assert response.status == 201
    assert isinstance(body["createdDate"], int) and before <= body["createdDate"] <= time.time() + 1


async def test_root_resource_and_default_models_are_created(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n")
    resources = await client.call("GetResources", restApiId=api["id"])
    assert resources["items"] == [{"id": api["rootResourceId"], "path": "/"}]
    async with client.services.store.transaction() as tx:
        models = {doc["name"]: doc for _, doc in await tx.list("model", f"{api['id']}/")}
    assert set(models) == {"Empty", "Error"}
    assert models["Empty"]["schema"] == EMPTY_SCHEMA
    assert models["Error"]["schema"] == ERROR_SCHEMA
    assert models["Empty"]["description"] == "This is a default empty schema model"
    assert models["Error"]["description"] == "This is a default error schema model"
    assert json.loads(ERROR_SCHEMA)["properties"] == {"message": {"type": "string"}}
    assert all(m["contentType"] == "application/json" and len(m["id"]) == 6 for m in models.values())


async def test_create_with_optional_members(client: GatewayClient) -> None:
    versioned = await client.call("CreateRestApi", name="v", version="v1")
    assert_matches(ours(versioned), rec("test_create_rest_api_with_optional_params", "create-with-version"))
    empty_binary = await client.call("CreateRestApi", name="b", binaryMediaTypes=[])
    assert "binaryMediaTypes" not in empty_binary
    binary = await client.call("CreateRestApi", name="b", binaryMediaTypes=["image/png"])
    assert_matches(
        ours(binary), rec("test_create_rest_api_with_binary_media_types", "create-with-binary-media")
    )
    tagged = await client.call(
        "CreateRestApi", name="t", description="this is my api", tags={"MY_TAG1": "MY_VALUE1"}
    )
    assert_matches(ours(tagged), rec("test_create_rest_api_with_tags", "create-rest-api-w-tags"))
    got = await client.call("GetRestApi", restApiId=tagged["id"])
    assert_matches(ours(got), rec("test_create_rest_api_with_tags", "get-rest-api-w-tags"))
    compressed = await client.call("CreateRestApi", name="c", minimumCompressionSize=0)
    assert compressed["minimumCompressionSize"] == 0


async def test_create_validation_errors(client: GatewayClient) -> None:
    t = "test_create_rest_api_with_optional_params"
    err = await error_of(client.call("CreateRestApi", name="n", description=""))
    assert_recorded_error(err, rec(t, "create-empty-desc"))
    err = await error_of(client.call("CreateRestApi", name="n", minimumCompressionSize=-1))
    assert_recorded_error(err, rec(t, "string-compression-size"))
    t = "test_create_rest_api_with_endpoint_configuration"
    cases = {
        "create-with-empty-types": {"types": []},
        "create-with-two-types": {"types": ["EDGE", "REGIONAL"]},
        "create-with-invalid-types": {"types": ["wrong"]},
        "create-with-invalid-ip-address-type": {"types": ["EDGE"], "ipAddressType": "wrong"},
        "create-with-invalid-ip-address-type-and-types": {"types": ["wrong"], "ipAddressType": "wrong"},
    }
    for key, config in cases.items():
        err = await error_of(client.call("CreateRestApi", name="n", endpointConfiguration=config))
        assert_recorded_error(err, rec(t, key))
    err = await error_of(
        client.call(
            "CreateRestApi", name="n", endpointConfiguration={"types": ["PRIVATE"], "ipAddressType": "ipv4"}
        )
    )
    assert_recorded_error(
        err, rec("test_create_rest_api_private_type", "create-with-private-type-and-ipv4-ip-address-type")
    )
    err = await error_of(
        client.call(
            "CreateRestApi",
            name="n",
            description="",
            endpointConfiguration={"types": ["PRIVATE"], "ipAddressType": "ipv4"},
        )
    )
    assert err.message == "Description cannot be an empty string"
    async with client.services.store.transaction() as tx:
        assert await tx.list("restapi") == []  # no failed create left anything behind


async def test_endpoint_configuration_defaults(client: GatewayClient) -> None:
    t = "test_create_rest_api_verify_defaults"
    cases = {
        "create-with-edge-default": {"types": ["EDGE"]},
        "create-with-regional-default": {"types": ["REGIONAL"]},
        "create-with-private-default": {"types": ["PRIVATE"]},
    }
    for key, config in cases.items():
        api = await client.call("CreateRestApi", name="n", endpointConfiguration=config)
        expected = rec(t, key)
        assert api["endpointConfiguration"] == expected["endpointConfiguration"]
    dual = await client.call(
        "CreateRestApi", name="n", endpointConfiguration={"types": ["EDGE"], "ipAddressType": "dualstack"}
    )
    assert dual["endpointConfiguration"] == {"types": ["EDGE"], "ipAddressType": "dualstack"}


async def test_policy_is_stored_escaped_with_full_arns(client: GatewayClient) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": ["execute-api:/*"],
            }
        ],
    }
    api = await client.call("CreateRestApi", name="p", policy=json.dumps(policy))
    assert '\\"Version\\"' in api["policy"]
    document = parse_policy(api["policy"])
    assert document is not None
    assert document["Statement"][0]["Resource"] == f"arn:aws:execute-api:us-east-1:{ACCOUNT_ID}:{api['id']}/*"
    err = await error_of(client.call("CreateRestApi", name="p", policy="{not json"))
    assert err.status == 400


async def test_clone_from_copies_the_resource_tree(client: GatewayClient) -> None:
    source = await client.call("CreateRestApi", name="src")
    pets = await client.call(
        "CreateResource", restApiId=source["id"], parentId=source["rootResourceId"], pathPart="pets"
    )
    await client.call(
        "PutMethod", restApiId=source["id"], resourceId=pets["id"], httpMethod="GET", authorizationType="NONE"
    )
    clone = await client.call("CreateRestApi", name="clone", cloneFrom=source["id"])
    resources = await client.call("GetResources", restApiId=clone["id"])
    assert [r["path"] for r in resources["items"]] == ["/", "/pets"]
    assert resources["items"][1]["resourceMethods"] == {"GET": {}}
    assert clone["rootResourceId"] == resources["items"][0]["id"]
    err = await error_of(client.call("CreateRestApi", name="clone", cloneFrom="missing000"))
    assert err.status == 404


# --- read / list / delete ----------------------------------------------------------------------


async def test_list_and_delete(client: GatewayClient) -> None:
    t = "test_list_and_delete_apis"
    first = await client.call("CreateRestApi", name="one", description="this is my api")
    second = await client.call("CreateRestApi", name="two", description="this is my api2")
    assert_matches(ours(first), rec(t, "create-rest-api-1"))
    listed = await client.call("GetRestApis")
    listed["items"].sort(key=lambda a: a["name"])
    items = [ours(i) for i in listed["items"]]
    assert_matches({"items": items}, rec(t, "get-rest-api-before-delete"))
    deleted = await client.call("DeleteRestApi", restApiId=first["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    after = await client.call("GetRestApis")
    assert [a["id"] for a in after["items"]] == [second["id"]]
    err = await error_of(client.call("GetRestApi", restApiId=first["id"]))
    assert (err.status, err.code) == (404, "NotFoundException")
    assert err.message == f"Invalid API identifier specified {ACCOUNT_ID}:{first['id']}"
    err = await error_of(client.call("DeleteRestApi", restApiId=first["id"]))
    assert err.status == 404


async def test_ids_are_case_sensitive(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n")
    err = await error_of(client.call("GetRestApi", restApiId=api["id"].upper()))
    record = recorded(API, T + "test_get_api_case_insensitive", "get-api-upper-case")
    assert_recorded_error(err, record, **{"upper-id": api["id"].upper()})


async def test_delete_removes_every_document_of_the_api(client: GatewayClient) -> None:
    keep = await client.call("CreateRestApi", name="keep")
    doomed = await client.call("CreateRestApi", name="doomed")
    async with client.services.store.transaction() as tx:
        for kind in API_KINDS:
            await tx.put(kind, f"{doomed['id']}/extra", {"x": 1})
            await tx.put(kind, f"{keep['id']}/extra", {"x": 1})
    await client.call("DeleteRestApi", restApiId=doomed["id"])
    async with client.services.store.transaction() as tx:
        assert await tx.get("restapi", doomed["id"]) is None
        for kind in API_KINDS:
            assert await tx.list(kind, f"{doomed['id']}/") == []
            assert await tx.list(kind, f"{keep['id']}/") != []


async def test_get_rest_apis_pages_and_filters_by_region(client: GatewayClient) -> None:
    created = [await client.call("CreateRestApi", name=f"api{i}") for i in range(3)]
    other = await handler(
        context(client.services.store, region="eu-west-1"), "CreateRestApi", name="elsewhere"
    )
    assert other is not None
    first = await client.call("GetRestApis", limit=2)
    assert len(first["items"]) == 2 and first["position"]
    second = await client.call("GetRestApis", limit=2, position=first["position"])
    assert "position" not in second
    seen = [a["id"] for a in first["items"] + second["items"]]
    assert sorted(seen) == sorted(a["id"] for a in created)
    err = await error_of(client.call("GetRestApi", restApiId=other["id"]))
    assert err.status == 404


async def test_handlers_work_without_the_protocol_layer() -> None:
    store = SqliteStore(None)
    try:
        ctx = context(store)
        api = await handler(ctx, "CreateRestApi", name="direct")
        assert api is not None and "_region" not in api
        got = await handler(ctx, "GetRestApi", restApiId=api["id"])
        assert got == api
    finally:
        await store.close()


# --- update ------------------------------------------------------------------------------------


async def _update(client: GatewayClient, api_id: str, *ops: dict) -> dict:
    return await client.call("UpdateRestApi", restApiId=api_id, patchOperations=list(ops))


async def test_update_binary_media_types_add_replace_remove(client: GatewayClient) -> None:
    t = "test_update_rest_api_operation_add_remove"
    api = await client.call("CreateRestApi", name="n", description="this is my api")
    added = await _update(
        client,
        api["id"],
        {"op": "add", "path": "/binaryMediaTypes/image~1png"},
        {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
    )
    assert_matches(ours(added), rec(t, "update-rest-api-add"))
    replaced = await _update(
        client, api["id"], {"op": "replace", "path": "/binaryMediaTypes/image~1png", "value": "image/gif"}
    )
    assert_matches(ours(replaced), rec(t, "update-rest-api-replace"))
    removed = await _update(
        client,
        api["id"],
        {"op": "remove", "path": "/binaryMediaTypes/image~1gif"},
        {"op": "remove", "path": "/description"},
    )
    assert_matches(ours(removed), rec(t, "update-rest-api-remove"))


async def test_update_binary_media_types_behaviour(client: GatewayClient) -> None:
    t = "test_update_rest_api_behaviour"
    api = await client.call("CreateRestApi", name="n", description="this is my api")
    dashed = await _update(
        client, api["id"], {"op": "add", "path": "/binaryMediaTypes/-", "value": "image/png"}
    )
    assert_matches(ours(dashed), rec(t, "update-rest-api-array"))
    for op, key in (("add", "add"), ("replace", "replace"), ("remove", "remove")):
        err = await error_of(
            _update(client, api["id"], {"op": op, "path": "/binaryMediaTypes", "value": "image/gif"})
        )
        assert_recorded_error(err, rec(t, f"update-rest-api-{key}-base-path"))


async def test_update_compression(client: GatewayClient) -> None:
    t = "test_update_rest_api_compression"
    api = await client.call("CreateRestApi", name="n", description="this is my api")
    path = "/minimumCompressionSize"
    assert_matches(
        ours(await _update(client, api["id"], {"op": "replace", "path": path, "value": "10"})),
        rec(t, "enable-compression"),
    )
    assert_matches(
        ours(await _update(client, api["id"], {"op": "replace", "path": path, "value": ""})),
        rec(t, "disable-compression"),
    )
    assert_matches(
        ours(await _update(client, api["id"], {"op": "replace", "path": path, "value": "0"})),
        rec(t, "set-compression-zero"),
    )
    for value, key in (("-1", "set-negative-compression"), ("test", "set-string-compression")):
        err = await error_of(_update(client, api["id"], {"op": "replace", "path": path, "value": value}))
        assert_recorded_error(err, rec(t, key))
    err = await error_of(_update(client, api["id"], {"op": "add", "path": path, "value": "10"}))
    assert_recorded_error(err, rec(t, "unsupported-operation"))
    assert (await client.call("GetRestApi", restApiId=api["id"]))["minimumCompressionSize"] == 0


async def test_update_unknown_api(client: GatewayClient) -> None:
    err = await error_of(
        _update(client, "api_id", {"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"})
    )
    assert_recorded_error(err, rec("test_update_rest_api_invalid_api_id", "not-found-update-rest-api"))


async def test_update_endpoint_configuration(client: GatewayClient) -> None:
    t = "test_update_rest_api_ip_address_type"
    api = await client.call("CreateRestApi", name="n")
    private = await _update(
        client, api["id"], {"op": "replace", "path": "/endpointConfiguration/types/EDGE", "value": "PRIVATE"}
    )
    assert_matches(ours(private), rec(t, "update-rest-api-replace-type"))
    ip_path = "/endpointConfiguration/ipAddressType"
    err = await error_of(_update(client, api["id"], {"op": "replace", "path": ip_path, "value": "ipv4"}))
    assert_recorded_error(err, rec(t, "update-rest-api-replace-to-ipv4-within-private-type"))
    err = await error_of(_update(client, api["id"], {"op": "replace", "path": ip_path, "value": "wrong"}))
    assert_recorded_error(err, rec(t, "update-rest-api-wrong-ipAddressType"))
    err = await error_of(
        _update(
            client, api["id"], {"op": "replace", "path": "/endpointConfiguration/types/PRIVATE", "value": "x"}
        )
    )
    assert_recorded_error(err, rec(t, "update-rest-api-wrong-type"))
    err = await error_of(_update(client, api["id"], {"op": "add", "path": ip_path, "value": "dualstack"}))
    assert_recorded_error(err, rec(t, "update-rest-api-invalid-operation-on-ipAddressType"))
    err = await error_of(
        _update(
            client, api["id"], {"op": "copy", "path": "/endpointConfiguration/types/PRIVATE", "from": "/name"}
        )
    )
    assert_recorded_error(err, rec(t, "update-rest-api-invalid-operation-on-type"))
    regional = await _update(
        client,
        api["id"],
        {"op": "replace", "path": "/endpointConfiguration/types/PRIVATE", "value": "REGIONAL"},
        {"op": "replace", "path": ip_path, "value": "ipv4"},
        {"op": "add", "path": "/endpointConfiguration/vpcEndpointIds", "value": "vpce-1"},
    )
    assert regional["endpointConfiguration"] == {
        "types": ["REGIONAL"],
        "ipAddressType": "ipv4",
        "vpcEndpointIds": ["vpce-1"],
    }


async def test_update_wrong_ops_are_validation_errors(client: GatewayClient) -> None:
    t = "test_update_rest_api_concatenation_of_errors"
    api = await client.call("CreateRestApi", name="n")
    err = await error_of(
        _update(
            client,
            api["id"],
            {"op": "wrong", "path": "/endpointConfiguration/ipAddressType", "value": "ipv4"},
            {"op": "wrong", "path": "/endpointConfiguration/ipAddressType", "value": "dualstack"},
        )
    )
    assert_recorded_error(err, rec(t, "update-rest-api-wrong-operations-on-ipAddressType"))


async def test_update_scalars_and_all_or_nothing(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n", description="d")
    updated = await _update(
        client,
        api["id"],
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"},
        {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "true"},
    )
    assert (updated["name"], updated["apiKeySource"], updated["disableExecuteApiEndpoint"]) == (
        "renamed",
        "AUTHORIZER",
        True,
    )
    assert updated["tags"] == {}
    err = await error_of(
        _update(
            client,
            api["id"],
            {"op": "replace", "path": "/name", "value": "again"},
            {"op": "replace", "path": "/nope", "value": "x"},
        )
    )
    assert (err.status, err.message) == (400, "Invalid patch path /nope")
    assert (await client.call("GetRestApi", restApiId=api["id"]))["name"] == "renamed"
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Resource": "execute-api:/prod/GET/*"}]})
    with_policy = await _update(client, api["id"], {"op": "replace", "path": "/policy", "value": policy})
    document = parse_policy(with_policy["policy"])
    assert document == {
        "Statement": [
            {
                "Effect": "Allow",
                "Resource": f"arn:aws:execute-api:us-east-1:{ACCOUNT_ID}:{api['id']}/prod/GET/*",
            }
        ]
    }
