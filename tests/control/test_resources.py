"""CreateResource / GetResource(s) / UpdateResource / DeleteResource through the real protocol.

Compared with AWS's recorded responses (test_apigateway_api.snapshot.json, ``TestApiGatewayApiResource``).
"""

from __future__ import annotations

import re

from tests.control.conftest import new_api
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
T = "TestApiGatewayApiResource::"


def rec(test: str, key: str) -> dict:
    return recorded(API, T + test, key)


async def _create(client: GatewayClient, api_id: str, parent_id: str, path_part: str) -> dict:
    return await client.call("CreateResource", restApiId=api_id, parentId=parent_id, pathPart=path_part)


async def _items(client: GatewayClient, api_id: str, **kw: object) -> list[dict]:
    listed = await client.call("GetResources", restApiId=api_id, **kw)
    return sorted(listed["items"], key=lambda r: r["path"])


async def _patch(client: GatewayClient, api_id: str, resource_id: str, *ops: dict) -> dict:
    return await client.call(
        "UpdateResource", restApiId=api_id, resourceId=resource_id, patchOperations=list(ops)
    )


async def test_resource_lifecycle(client: GatewayClient) -> None:
    t, bindings = "test_resource_lifecycle", {}
    api_id, root = await new_api(client)
    assert_matches({"items": await _items(client, api_id)}, rec(t, "rest-api-root-resource"), bindings)
    pets = await _create(client, api_id, root, "pets")
    assert pets["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]{6}", pets["id"])
    assert_matches(ours(pets), rec(t, "create-resource"), bindings)
    assert_matches(
        {"items": await _items(client, api_id)}, rec(t, "rest-api-resources-after-create"), bindings
    )
    sub = await _create(client, api_id, pets["id"], "subpets")
    assert_matches(ours(sub), rec(t, "create-subresource"), bindings)
    assert_matches(
        {"items": await _items(client, api_id)}, rec(t, "rest-api-resources-after-create-sub"), bindings
    )
    updated = await _patch(
        client, api_id, pets["id"], {"op": "replace", "path": "/pathPart", "value": "dogs"}
    )
    assert_matches(ours(updated), rec(t, "update-path-part"), bindings)
    got = await client.call("GetResource", restApiId=api_id, resourceId=pets["id"])
    assert_matches(ours(got), rec(t, "get-resp-after-update-path-part"), bindings)
    deleted = await client.call("DeleteResource", restApiId=api_id, resourceId=pets["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_matches(
        {"items": await _items(client, api_id)}, rec(t, "rest-api-resources-after-delete"), bindings
    )


async def test_update_resource_behaviour(client: GatewayClient) -> None:
    t = "test_update_resource_behaviour"
    api_id, root = await new_api(client)
    pets = await _create(client, api_id, root, "pets")
    rename = {"op": "replace", "path": "/pathPart", "value": "dogs"}
    err = await error_of(_patch(client, api_id, "fake-resource", rename))
    assert_recorded_error(err, rec(t, "nonexistent-resource"))
    err = await error_of(
        _patch(client, api_id, pets["id"], {"op": "replace", "path": "/invalid", "value": "dogs"})
    )
    assert_recorded_error(err, rec(t, "invalid-path-part"))
    err = await error_of(
        _patch(client, api_id, pets["id"], {"op": "replace", "path": "/parentId", "value": "fake-parent-id"})
    )
    assert_recorded_error(err, rec(t, "invalid-parent-id"))
    sub = await _create(client, api_id, pets["id"], "subpets")
    assert_matches(ours(sub), rec(t, "create-subresource"), {"<parent-id:1>": pets["id"]})
    child = await _create(client, api_id, sub["id"], "pets")
    assert child["path"] == "/pets/subpets/pets"
    err = await error_of(
        _patch(client, api_id, child["id"], {"op": "replace", "path": "/parentId", "value": root})
    )
    assert_recorded_error(err, rec(t, "existing-future-sibling-path"))
    await client.call("DeleteResource", restApiId=api_id, resourceId=child["id"])
    err = await error_of(
        _patch(client, api_id, pets["id"], {"op": "replace", "path": "/parentId", "value": sub["id"]})
    )
    assert_recorded_error(err, rec(t, "update-parent-id-to-subresource-id"))
    moved = await _patch(client, api_id, sub["id"], {"op": "replace", "path": "/parentId", "value": root})
    bindings = {"<id:1>": sub["id"], "<id:3>": root}
    assert_matches(ours(moved), rec(t, "update-parent-id-to-root-id"), bindings)
    err = await error_of(
        _patch(client, api_id, sub["id"], {"op": "replace", "path": "/pathPart", "value": "pets"})
    )
    assert_recorded_error(err, rec(t, "update-path-already-exists"))
    await client.call("DeleteResource", restApiId=api_id, resourceId=pets["id"])
    assert_matches({"items": await _items(client, api_id)}, rec(t, "resources-after-deletion"), bindings)
    err = await error_of(_patch(client, api_id, sub["id"], {"op": "remove", "path": "/pathPart"}))
    assert_recorded_error(err, rec(t, "remove-unsupported"))
    err = await error_of(_patch(client, api_id, sub["id"], {"op": "add", "path": "/pathPart", "value": "x"}))
    assert_recorded_error(err, rec(t, "add-unsupported"))


async def test_update_root_resource(client: GatewayClient) -> None:
    t = "test_update_resource_on_root"
    api_id, root = await new_api(client)
    other = await _create(client, api_id, root, "other")
    err = await error_of(_patch(client, api_id, root, {"op": "replace", "path": "/pathPart", "value": "x"}))
    assert_recorded_error(err, rec(t, "update-root-path-part"))
    err = await error_of(
        _patch(client, api_id, root, {"op": "replace", "path": "/parentId", "value": other["id"]})
    )
    assert_recorded_error(err, rec(t, "update-root-parent"))
    err = await error_of(client.call("DeleteResource", restApiId=api_id, resourceId=root))
    assert err.status == 400


async def test_delete_resource_deletes_the_subtree(client: GatewayClient) -> None:
    t = "test_delete_resource"
    api_id, root = await new_api(client)
    pets = await _create(client, api_id, root, "pets")
    sub = await _create(client, api_id, pets["id"], "subpets")
    await client.call(
        "PutMethod", restApiId=api_id, resourceId=sub["id"], httpMethod="GET", authorizationType="NONE"
    )
    deleted = await client.call("DeleteResource", restApiId=api_id, resourceId=pets["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert_matches({"items": await _items(client, api_id)}, rec(t, "get-resources"))
    err = await error_of(client.call("DeleteResource", restApiId=api_id, resourceId=sub["id"]))
    assert_recorded_error(err, rec(t, "delete-subresource"))
    async with client.services.store.transaction() as tx:
        assert [doc["id"] for _, doc in await tx.list("resource", f"{api_id}/")] == [root]


async def test_create_under_unknown_parent_or_api(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    err = await error_of(_create(client, api_id, "fake-resource-id", "subpets"))
    assert_recorded_error(err, rec("test_create_resource_parent_invalid", "wrong-resource-parent-id"))
    err = await error_of(_create(client, "fakeapi000", root, "subpets"))
    assert (err.status, err.message) == (404, "Invalid Resource identifier specified")
    err = await error_of(client.call("GetResources", restApiId="fakeapi000"))
    assert err.status == 404 and err.message.startswith("Invalid API identifier specified")


async def test_proxy_resources(client: GatewayClient) -> None:
    t = "test_create_proxy_resource"
    api_id, root = await new_api(client)
    bindings = {"<id:5>": root}
    base = await _create(client, api_id, root, "{proxy+}")
    assert_matches(ours(base), rec(t, "create-base-proxy-resource"), bindings)
    parent = await _create(client, api_id, root, "parent")
    bindings["<id:6>"] = parent["id"]
    proxy_child = await _create(client, api_id, parent["id"], "{proxy+}")
    assert_matches(ours(proxy_child), rec(t, "create-proxy-sibling-proxy-child-resource"), bindings)
    static_child = await _create(client, api_id, parent["id"], "child")
    assert_matches(ours(static_child), rec(t, "create-proxy-sibling-static-child-resource"), bindings)
    grand = await _create(client, api_id, static_child["id"], "{proxy+}")
    assert_matches(ours(grand), rec(t, "create-static-child-proxy-resource"), bindings)
    assert_matches({"items": await _items(client, api_id)}, rec(t, "all-resources"), bindings)
    await client.call("DeleteResource", restApiId=api_id, resourceId=proxy_child["id"])
    dynamic = await _create(client, api_id, parent["id"], "{child}")
    assert_matches(ours(dynamic), rec(t, "create-proxy-sibling-dynamic-child-resource"), bindings)
    dynamic_proxy = await _create(client, api_id, dynamic["id"], "{proxy+}")
    assert_matches(ours(dynamic_proxy), rec(t, "create-dynamic-child-proxy-resource"), bindings)
    assert_matches({"items": await _items(client, api_id)}, rec(t, "all-resources-2"), bindings)


async def test_proxy_resource_validation(client: GatewayClient) -> None:
    t = "test_create_proxy_resource_validation"
    api_id, root = await new_api(client)
    base = await _create(client, api_id, root, "{proxy+}")
    err = await error_of(_create(client, api_id, root, "{dynamic}"))
    assert_recorded_error(err, rec(t, "create-proxy-dynamic-sibling-resource"))
    err = await error_of(_create(client, api_id, base["id"], "child"))
    assert_recorded_error(err, rec(t, "create-proxy-static-child-resource"))
    err = await error_of(_create(client, api_id, base["id"], "{child}"))
    assert_recorded_error(err, rec(t, "create-proxy-dynamic-child-resource"))
    parent = await _create(client, api_id, root, "parent")
    greedy = await _create(client, api_id, parent["id"], "{child+}")
    assert_matches(ours(greedy), rec(t, "create-greedy-child-resource"), {"<parent-id:2>": parent["id"]})
    err = await error_of(_create(client, api_id, root, "parent"))
    assert (err.status, err.code) == (409, "ConflictException")


async def test_invalid_path_parts(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    for bad in ("a/b", "{unclosed", "sp ace", "{a}b"):
        err = await error_of(_create(client, api_id, root, bad))
        assert err.status == 400 and err.message.startswith("Resource's path part only allow")
    assert [r["path"] for r in await _items(client, api_id)] == ["/"]


async def test_rename_and_move_recompute_the_subtree_paths(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    a = await _create(client, api_id, root, "a")
    b = await _create(client, api_id, a["id"], "b")
    c = await _create(client, api_id, b["id"], "{c}")
    d = await _create(client, api_id, c["id"], "d")
    other = await _create(client, api_id, root, "other")
    await _patch(client, api_id, a["id"], {"op": "replace", "path": "/pathPart", "value": "z"})
    paths = {r["id"]: r["path"] for r in await _items(client, api_id)}
    assert (paths[b["id"]], paths[c["id"]], paths[d["id"]]) == ("/z/b", "/z/b/{c}", "/z/b/{c}/d")
    moved = await _patch(
        client,
        api_id,
        b["id"],
        {"op": "replace", "path": "/parentId", "value": other["id"]},
        {"op": "replace", "path": "/pathPart", "value": "bb"},
    )
    assert (moved["parentId"], moved["path"]) == (other["id"], "/other/bb")
    paths = {r["id"]: r["path"] for r in await _items(client, api_id)}
    assert (paths[c["id"]], paths[d["id"]]) == ("/other/bb/{c}", "/other/bb/{c}/d")
    err = await error_of(
        _patch(client, api_id, other["id"], {"op": "replace", "path": "/parentId", "value": d["id"]})
    )
    assert err.message == "Resources cannot be cyclical."
    err = await error_of(
        _patch(client, api_id, b["id"], {"op": "replace", "path": "/pathPart", "value": "{p+}"})
    )
    assert err.message == "Cannot create a child of a resource with a greedy path variable: {p+}"
    assert {r["id"]: r["path"] for r in await _items(client, api_id)} == paths


async def test_resource_methods_as_stubs_or_embedded(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    await client.call(
        "PutMethod", restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    await client.call(
        "PutIntegration",
        restApiId=api_id,
        resourceId=root,
        httpMethod="GET",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    plain = await _items(client, api_id)
    assert plain[0]["resourceMethods"] == {"GET": {}}
    embedded = await _items(client, api_id, embed=["methods"])
    method = embedded[0]["resourceMethods"]["GET"]
    assert method["authorizationType"] == "NONE"
    assert method["methodIntegration"]["type"] == "MOCK"
    one = await client.call("GetResource", restApiId=api_id, resourceId=root)
    assert one["resourceMethods"] == {"GET": {}}
    one = await client.call("GetResource", restApiId=api_id, resourceId=root, embed=["methods"])
    assert one["resourceMethods"]["GET"]["methodIntegration"]["cacheNamespace"] == root


async def test_get_resources_pages(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    for name in ("a", "b", "c"):
        await _create(client, api_id, root, name)
    first = await client.call("GetResources", restApiId=api_id, limit=3)
    assert [r["path"] for r in first["items"]] == ["/", "/a", "/b"]
    second = await client.call("GetResources", restApiId=api_id, limit=3, position=first["position"])
    assert [r["path"] for r in second["items"]] == ["/c"] and "position" not in second
