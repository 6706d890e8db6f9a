"""DocumentationPart (CRUD, filters, ImportDocumentationParts) and DocumentationVersion operations.

Compared with AWS's recordings (test_apigateway_api.snapshot.json ``TestApiGatewayApiDocumentationPart``,
test_apigateway_common.snapshot.json ``TestDocumentations``). The recordings show ``properties``
parsed from its JSON string; ``parsed()`` does the same to ours.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.control.conftest import new_api
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
CLASS = "TestApiGatewayApiDocumentationPart"
MSG_NOT_FOUND = "Invalid Documentation part identifier specified"


def rec(test: str, key: str) -> Any:
    return recorded(API, f"{CLASS}::{test}", key)


def parsed(response: dict[str, Any]) -> dict[str, Any]:
    """``ours(response)`` with every ``properties`` string parsed, as the recordings show them."""

    def one(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "properties": json.loads(doc["properties"])} if "properties" in doc else doc

    out = one(ours(response))
    if "items" in out:
        out["items"] = [one(item) for item in out["items"]]
    return out


async def create(client: GatewayClient, api_id: str, location: dict[str, Any], **properties: Any) -> dict:
    return await client.call(
        "CreateDocumentationPart", restApiId=api_id, location=location, properties=json.dumps(properties)
    )


async def test_documentation_part_lifecycle_as_recorded(client: GatewayClient) -> None:
    t = "test_documentation_part_lifecycle"
    api_id, _ = await new_api(client)
    created = await create(client, api_id, {"type": "API"}, description="Sample API description")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(parsed(created), rec(t, "create-documentation-part"))
    ids = {"restApiId": api_id, "documentationPartId": created["id"]}
    assert_matches(parsed(await client.call("GetDocumentationPart", **ids)), rec(t, "get-documentation-part"))
    listed = await client.call("GetDocumentationParts", restApiId=api_id)
    assert_matches(parsed(listed), rec(t, "get-documentation-parts"))
    properties = json.dumps({"description": "Updated Sample API description"})
    updated = await client.call(
        "UpdateDocumentationPart",
        **ids,
        patchOperations=[{"op": "replace", "path": "/properties", "value": properties}],
    )
    assert_matches(parsed(updated), rec(t, "update-documentation-part"))
    got = await client.call("GetDocumentationPart", **ids)
    assert_matches(parsed(got), rec(t, "get-documentation-part-after-update"))
    deleted = await client.call("DeleteDocumentationPart", **ids)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202


async def test_errors_as_recorded(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    part = await create(client, api_id, {"type": "API"}, description="d")
    ids = {"restApiId": api_id, "documentationPartId": part["id"]}
    add = [{"op": "add", "path": "/properties", "value": "{}"}]
    bad_path = [{"op": "replace", "path": "/invalidPath", "value": "{}"}]
    cases = [
        (
            "test_doc_parts_crud_no_api",
            "wrong-rest-api-id-create-doc-part",
            client.call(
                "CreateDocumentationPart",
                restApiId="test-fake-rest-id",
                location={"type": "API"},
                properties="{}",
            ),
        ),
        (
            "test_doc_parts_crud_no_api",
            "wrong-rest-api-id-get-doc-parts",
            client.call("GetDocumentationParts", restApiId="test-fake-rest-id"),
        ),
        (
            "test_invalid_get_documentation_part",
            "get-documentation-part-invalid-api-id",
            client.call("GetDocumentationPart", restApiId="api_id", documentationPartId=part["id"]),
        ),
        (
            "test_invalid_get_documentation_part",
            "get-documentation-part-invalid-doc-id",
            client.call("GetDocumentationPart", restApiId=api_id, documentationPartId="nope00"),
        ),
        (
            "test_invalid_get_documentation_parts",
            "get-inavlid-documentation-parts",
            client.call("GetDocumentationParts", restApiId="api_id"),
        ),
        (
            "test_invalid_update_documentation_part",
            "update-documentation-part-invalid-api-id",
            client.call(
                "UpdateDocumentationPart",
                restApiId="api_id",
                documentationPartId=part["id"],
                patchOperations=[],
            ),
        ),
        (
            "test_invalid_update_documentation_part",
            "update-documentation-part-invalid-add-operation",
            client.call("UpdateDocumentationPart", **ids, patchOperations=add),
        ),
        (
            "test_invalid_update_documentation_part",
            "update-documentation-part-invalid-path",
            client.call("UpdateDocumentationPart", **ids, patchOperations=bad_path),
        ),
        (
            "test_invalid_create_documentation_part_operations",
            "create_documentation_part_invalid_api_id",
            client.call(
                "CreateDocumentationPart", restApiId="api_id", location={"type": "API"}, properties="{}"
            ),
        ),
        (
            "test_invalid_create_documentation_part_operations",
            "create_documentation_part_invalid_location_type",
            client.call(
                "CreateDocumentationPart", restApiId=api_id, location={"type": "INVALID"}, properties="{}"
            ),
        ),
        (
            "test_invalid_delete_documentation_part",
            "delete_documentation_part_wrong_api_id",
            client.call("DeleteDocumentationPart", restApiId="api_id", documentationPartId=part["id"]),
        ),
    ]
    for test, key, call in cases:
        assert_recorded_error(await error_of(call), rec(test, key))
    t = "test_invalid_delete_documentation_part"
    assert (await client.call("DeleteDocumentationPart", **ids))["ResponseMetadata"]["HTTPStatusCode"] == 202
    err = await error_of(client.call("DeleteDocumentationPart", **ids))
    assert_recorded_error(err, rec(t, "delete_already_deleted_documentation_part"))


async def test_one_part_per_location(client: GatewayClient) -> None:
    """A location is unique with AWS's defaults filled in (path "/", method "*")."""
    api_id, _ = await new_api(client)
    await create(client, api_id, {"type": "METHOD", "path": "/pets", "method": "get"}, summary="list")
    await create(client, api_id, {"type": "RESOURCE"}, description="root")
    for location in (
        {"type": "METHOD", "path": "/pets", "method": "GET"},
        {"type": "RESOURCE", "path": "/"},
    ):
        err = await error_of(create(client, api_id, location, x=1))
        assert (err.code, err.status) == ("ConflictException", 409)
    await create(client, api_id, {"type": "METHOD", "path": "/pets", "method": "POST"}, summary="add")
    assert len((await client.call("GetDocumentationParts", restApiId=api_id))["items"]) == 3


@pytest.mark.parametrize(
    ("location", "properties", "message"),
    [
        ({"type": "API", "path": "/"}, "{}", "Invalid location: 'path' is not applicable to type API"),
        (
            {"type": "RESOURCE", "name": "x"},
            "{}",
            "Invalid location: 'name' is not applicable to type RESOURCE",
        ),
        ({"type": "MODEL"}, "{}", "Invalid location: 'name' is required for type MODEL"),
        ({"type": "API"}, "not json", "Invalid properties specified: must be a JSON object"),
        ({"type": "API"}, "[1]", "Invalid properties specified: must be a JSON object"),
    ],
)
async def test_create_validation(
    client: GatewayClient, location: dict, properties: str, message: str
) -> None:
    api_id, _ = await new_api(client)
    err = await error_of(
        client.call("CreateDocumentationPart", restApiId=api_id, location=location, properties=properties)
    )
    assert (err.code, err.message) == ("BadRequestException", message)
    assert (await client.call("GetDocumentationParts", restApiId=api_id))["items"] == []


async def test_filters_and_paging(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    parts = [
        await create(client, api_id, {"type": "API"}, description="api"),
        await create(client, api_id, {"type": "MODEL", "name": "Pet"}, title="Pet"),
        await create(client, api_id, {"type": "MODEL", "name": "PetList"}, title="Pets"),
        await create(client, api_id, {"type": "METHOD", "path": "/pets", "method": "GET"}, summary="x"),
        await create(client, api_id, {"type": "QUERY_PARAMETER", "path": "/pets", "name": "limit"}),
    ]

    async def ids(**query: Any) -> list[str]:
        return [
            p["id"] for p in (await client.call("GetDocumentationParts", restApiId=api_id, **query))["items"]
        ]

    every = [p["id"] for p in parts]
    assert await ids() == every
    assert await ids(type="MODEL") == every[1:3]
    assert await ids(nameQuery="PetL") == every[2:3]
    assert await ids(path="/pets") == every[3:]
    assert await ids(locationStatus="DOCUMENTED") == every[:4]
    assert await ids(locationStatus="UNDOCUMENTED") == every[4:]
    first = await client.call("GetDocumentationParts", restApiId=api_id, limit=2)
    second = await client.call("GetDocumentationParts", restApiId=api_id, limit=2, position=first["position"])
    assert [p["id"] for p in first["items"] + second["items"]] == every[:4]


IMPORT_FILE = {
    "swagger": "2.0",
    "info": {"title": "doc", "version": "1"},
    "paths": {},
    "x-amazon-apigateway-documentation": {
        "version": "1",
        "documentationParts": [
            {
                "location": {"type": "API"},
                "properties": {
                    "description": "API description",
                    "info": {"description": "API info description 4", "version": "API info version 3"},
                },
            },
            {
                "location": {"type": "METHOD", "path": "/", "method": "GET"},
                "properties": {"description": "Method description."},
            },
            {"location": {"type": "MODEL", "name": "Pet"}, "properties": {"title": "Pet Schema"}},
            {
                "location": {"type": "RESPONSE", "path": "/", "method": "GET", "statusCode": "200"},
                "properties": {"description": "200 response"},
            },
        ],
    },
}


async def test_import_overwrite_as_recorded(client: GatewayClient) -> None:
    t = "test_import_documentation_parts"
    api_id, _ = await new_api(client)
    old = await create(client, api_id, {"type": "API"}, description="old")
    body = json.dumps(IMPORT_FILE).encode()
    imported = await client.call("ImportDocumentationParts", restApiId=api_id, mode="overwrite", body=body)
    assert old["id"] not in imported["ids"]
    listed = await client.call("GetDocumentationParts", restApiId=api_id)
    assert [p["id"] for p in listed["items"]] == imported["ids"]
    assert_matches(parsed(listed), rec(t, "get-documentations-parts-after-import"), {"<name:1>": "Pet"})
    assert_matches(ours(imported), rec(t, "import-documentation-parts"))


async def test_import_merge_keeps_ids_and_adds(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    api_part = await create(client, api_id, {"type": "API"}, description="old")
    other = await create(client, api_id, {"type": "RESOURCE", "path": "/x"}, description="kept")
    yaml_body = (
        b"openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n"
        b"x-amazon-apigateway-documentation:\n  documentationParts:\n"
        b"  - location: {type: API}\n    properties: {description: new}\n"
        b"  - location: {type: MODEL, name: Pet}\n    properties: {title: Pet}\n"
    )
    imported = await client.call("ImportDocumentationParts", restApiId=api_id, body=yaml_body)
    assert imported["ids"][0] == api_part["id"] and len(imported["ids"]) == 2
    got = await client.call("GetDocumentationPart", restApiId=api_id, documentationPartId=api_part["id"])
    assert json.loads(got["properties"]) == {"description": "new"}
    listed = await client.call("GetDocumentationParts", restApiId=api_id)
    assert [p["id"] for p in listed["items"]] == [api_part["id"], other["id"], imported["ids"][1]]


async def test_import_warnings_and_bad_files(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    document = json.loads(json.dumps(IMPORT_FILE))
    document["x-amazon-apigateway-documentation"]["documentationParts"].append(
        {"location": {"type": "MODEL"}, "properties": {}}
    )
    body = json.dumps(document).encode()
    err = await error_of(
        client.call("ImportDocumentationParts", restApiId=api_id, body=body, failOnWarnings=True)
    )
    assert err.code == "BadRequestException" and "documentationParts[4]" in err.message
    assert (await client.call("GetDocumentationParts", restApiId=api_id))["items"] == []
    imported = await client.call("ImportDocumentationParts", restApiId=api_id, body=body)
    assert len(imported["ids"]) == 4 and len(imported["warnings"]) == 1
    t = "test_import_documentation_parts_bad_file"
    for key, bad in (
        ("import-documentation-parts-bad-yaml-file", b"foo: [bar"),
        ("import-documentation-parts-bad-json-file", b'{"swagger": '),
    ):
        err = await error_of(client.call("ImportDocumentationParts", restApiId=api_id, body=bad))
        assert_recorded_error(err, rec(t, key))


# --- DocumentationVersion ----------------------------------------------------------------------


async def test_documentation_parts_and_versions_as_recorded(client: GatewayClient) -> None:
    t = "TestDocumentations::test_documentation_parts_and_versions"

    def expected(key: str) -> Any:
        return recorded("test_apigateway_common", t, key)

    api_id, _ = await new_api(client)
    part = await create(client, api_id, {"type": "API"}, foo="bar")
    assert_matches(parsed(part), expected("create-part-response"))
    listed = await client.call("GetDocumentationParts", restApiId=api_id)
    assert_matches(parsed(listed), expected("get-parts-response"))
    version = await client.call("CreateDocumentationVersion", restApiId=api_id, documentationVersion="v123")
    assert version["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(version), expected("create-version-response"))
    ids = {"restApiId": api_id, "documentationVersion": "v123"}
    updated = await client.call(
        "UpdateDocumentationVersion",
        **ids,
        patchOperations=[{"op": "replace", "path": "/description", "value": "doc version new"}],
    )
    assert_matches(ours(updated), expected("update-version-response"))
    assert_matches(
        ours(await client.call("GetDocumentationVersion", **ids)), expected("get-version-response")
    )


async def test_versions_lifecycle(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    await client.call(
        "PutMethod", restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    await client.call("PutIntegration", restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    await client.call("CreateDeployment", restApiId=api_id, stageName="prod")
    created = await client.call(
        "CreateDocumentationVersion",
        restApiId=api_id,
        documentationVersion="1.0",
        stageName="prod",
        description="first",
    )
    assert created["description"] == "first"
    stage = await client.call("GetStage", restApiId=api_id, stageName="prod")
    assert stage["documentationVersion"] == "1.0"
    await client.call("CreateDocumentationVersion", restApiId=api_id, documentationVersion="2.0")
    err = await error_of(
        client.call("CreateDocumentationVersion", restApiId=api_id, documentationVersion="2.0")
    )
    assert (err.code, err.status) == ("ConflictException", 409)
    err = await error_of(
        client.call(
            "CreateDocumentationVersion", restApiId=api_id, documentationVersion="3.0", stageName="nope"
        )
    )
    assert err.code == "BadRequestException"
    first = await client.call("GetDocumentationVersions", restApiId=api_id, limit=1)
    second = await client.call(
        "GetDocumentationVersions", restApiId=api_id, limit=1, position=first["position"]
    )
    assert [v["version"] for v in first["items"] + second["items"]] == ["1.0", "2.0"]
    ids = {"restApiId": api_id, "documentationVersion": "1.0"}
    assert (await client.call("DeleteDocumentationVersion", **ids))["ResponseMetadata"][
        "HTTPStatusCode"
    ] == 202
    err = await error_of(client.call("GetDocumentationVersion", **ids))
    assert (err.code, err.message) == (
        "NotFoundException",
        "Invalid Documentation version identifier specified",
    )
    err = await error_of(client.call("GetDocumentationVersions", restApiId="nope"))
    assert err.code == "NotFoundException"


async def test_delete_rest_api_removes_documentation(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, {"type": "API"}, description="d")
    await client.call("CreateDocumentationVersion", restApiId=api_id, documentationVersion="1")
    await client.call("DeleteRestApi", restApiId=api_id)
    async with client.services.store.transaction() as tx:
        for kind in ("documentationpart", "documentationversion"):
            assert await tx.list(kind, f"{api_id}/") == []
