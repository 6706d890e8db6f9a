"""Create/Get/Update/DeleteModel, GetModels and GetModelTemplate through the real protocol.

Compared with AWS's recordings where they exist: ``TestApiGatewayApiModels`` and
``test_put_method_model`` (test_apigateway_api), the models with ``$ref`` of test_apigateway_common,
and GetModels after importing circular models (test_apigateway_import). The recordings hold schemas
parsed into objects (LocalStack's snapshots do that), so ours are parsed before comparing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.control.registry import HANDLERS
from apigate.vtl import compile_template
from tests.control.conftest import new_api
from tests.integrations.contexts import build_context, integration
from tests.openapi import documents as docs
from tests.openapi.support import import_doc
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
JSON = "application/json"
INVALID = (
    "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified"
)
EMPTY = "Model schema must have at least 1 property or array items defined"
CALC_SCHEMA = {
    "title": "Calc output",
    "type": "object",
    "properties": {
        "a": {"type": "number"},
        "b": {"type": "number"},
        "op": {"description": "operation of +, -, * or /", "type": "string"},
        "c": {"type": "number"},
    },
    "required": ["a", "b", "op"],
}


MODELS = "https://apigateway.amazonaws.com/restapis"


def rec(test: str, key: str) -> Any:
    return recorded(API, f"TestApiGatewayApiModels::{test}", key)


def parsed(response: dict[str, Any]) -> dict[str, Any]:
    """``ours`` with every ``schema`` parsed, as the recordings hold them."""
    out = ours(response)
    for model in [out, *out.get("items", [])]:
        if isinstance(model.get("schema"), str):
            model["schema"] = json.loads(model["schema"])
    return out


def ref(api_id: str, name: str) -> dict[str, str]:
    return {"$ref": f"{MODELS}/{api_id}/models/{name}"}


async def create(client: GatewayClient, api_id: str, name: str, schema: Any, **more: Any) -> dict[str, Any]:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    content_type = more.pop("contentType", JSON)
    return await client.call(
        "CreateModel", restApiId=api_id, name=name, contentType=content_type, schema=text, **more
    )


async def names(client: GatewayClient, api_id: str) -> list[str]:
    return [m["name"] for m in (await client.call("GetModels", restApiId=api_id))["items"]]


def test_every_model_operation_has_a_handler() -> None:
    ops = {"CreateModel", "GetModel", "GetModels", "UpdateModel", "DeleteModel", "GetModelTemplate"}
    assert ops <= {name for service, name in HANDLERS if service == "apigateway"}


# --- recorded scenarios ------------------------------------------------------------------------


async def test_model_lifecycle_as_recorded(client: GatewayClient) -> None:
    t = "test_model_lifecycle"
    api_id, _ = await new_api(client)
    created = await create(client, api_id, "CalcOutput", CALC_SCHEMA, description="Calc output model")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    bindings: dict[str, Any] = {}
    assert_matches(parsed(created), rec(t, "create-model"), bindings)
    assert_matches(parsed(await client.call("GetModels", restApiId=api_id)), rec(t, "get-models"), bindings)
    got = await client.call("GetModel", restApiId=api_id, modelName="CalcOutput")
    assert_matches(parsed(got), rec(t, "get-model"), bindings)
    deleted = await client.call("DeleteModel", restApiId=api_id, modelName="CalcOutput")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert await names(client, api_id) == ["Empty", "Error"]


async def test_model_validation_as_recorded(client: GatewayClient) -> None:
    t = "test_model_validation"
    api_id, _ = await new_api(client)
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    cases = [
        ("create-model-wrong-id", create(client, "abcde0", "MySchema", schema)),
        ("get-models-wrong-id", client.call("GetModels", restApiId="abcde0")),
        ("get-model-wrong-id", client.call("GetModel", restApiId=api_id, modelName="MySchema")),
        ("del-model-wrong-id", client.call("DeleteModel", restApiId=api_id, modelName="MySchema")),
    ]
    for key, call in cases:
        assert_recorded_error(await error_of(call), rec(t, key))
    await create(client, api_id, "MySchema", schema)
    cases = [
        ("create-model-already-exists", create(client, api_id, "MySchema", schema)),
        ("create-model-empty-name", create(client, api_id, "", schema)),
        ("create-model-empty-schema", create(client, api_id, "MyEmptySchema", {})),
        ("create-model-no-schema-json", client.call(
            "CreateModel", restApiId=api_id, name="MyEmptySchema", contentType=JSON)),
        ("create-model-no-schema-xml", client.call(
            "CreateModel", restApiId=api_id, name="MyEmptySchema", contentType="application/xml")),
    ]
    for key, call in cases:
        assert_recorded_error(await error_of(call), rec(t, key))
    assert await names(client, api_id) == ["Empty", "Error", "MySchema"]


async def test_update_model_as_recorded(client: GatewayClient) -> None:
    t = "test_update_model"
    api_id, _ = await new_api(client)
    err = await error_of(client.call(
        "UpdateModel", restApiId=api_id, modelName="mySchema",
        patchOperations=[{"op": "replace", "path": "/schema", "value": "{}"}]))
    assert_recorded_error(err, rec(t, "update-model-wrong-id"))
    bindings: dict[str, Any] = {}
    created = await create(client, api_id, "mySchema", {"title": "mySchema", "type": "object"})
    assert_matches(parsed(created), rec(t, "create-model"), bindings)
    updated = await client.call(
        "UpdateModel", restApiId=api_id, modelName="mySchema",
        patchOperations=[{"op": "replace", "path": "/schema",
                          "value": json.dumps({"title": "Updated schema", "type": "object"})}])
    assert_matches(parsed(updated), rec(t, "update-model"), bindings)
    for key, op in [
        ("update-model-invalid-op", {"op": "add", "path": "/wrong-path", "value": "x"}),
        ("update-model-invalid-path", {"op": "replace", "path": "/name", "value": "x"}),
        ("update-model-empty-schema", {"op": "replace", "path": "/schema", "value": "{}"}),
    ]:
        err = await error_of(client.call(
            "UpdateModel", restApiId=api_id, modelName="mySchema", patchOperations=[op]))
        assert_recorded_error(err, rec(t, key))
    after = await client.call("GetModel", restApiId=api_id, modelName="mySchema")
    assert_matches(parsed(after), rec(t, "update-model"), bindings)  # the refused patches changed nothing


async def test_delete_model_used_by_methods_as_recorded(client: GatewayClient) -> None:
    record = recorded(API, "TestApiGatewayApiMethod::test_put_method_model")
    api_id, root = await new_api(client)
    name, two = "MyModel", "MyModelTwo"
    bindings: dict[str, Any] = {}
    assert_matches(parsed(await create(client, api_id, name, {"title": name, "type": "object"})),
                   record["create-model"], bindings)
    assert_matches(parsed(await create(client, api_id, two, {"title": two, "type": "object"})),
                   record["create-model-2"], bindings)
    on_root = {"restApiId": api_id, "resourceId": root, "httpMethod": "ANY"}
    put = await client.call("PutMethod", **on_root, authorizationType="NONE", requestModels={JSON: name})
    assert_matches(ours(put), record["put-method-request-models"], bindings)

    async def refused(model: str, key: str) -> None:
        err = await error_of(client.call("DeleteModel", restApiId=api_id, modelName=model))
        assert_recorded_error(err, record[key], **{"name:1": name})

    async def deleted(model: str) -> None:
        answer = await client.call("DeleteModel", restApiId=api_id, modelName=model)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202

    await refused(name, "delete-model-used")
    swap = [{"op": "replace", "path": "/requestModels/application~1json", "value": two}]
    updated = await client.call("UpdateMethod", **on_root, patchOperations=swap)
    assert_matches(ours(updated), record["update-method-model"], bindings)
    await deleted(name)
    await refused(two, "delete-model-used-2")
    test = await client.call("CreateResource", restApiId=api_id, parentId=root, pathPart="test")
    on_test = {**on_root, "resourceId": test["id"]}
    put = await client.call("PutMethod", **on_test, authorizationType="NONE", requestModels={JSON: two})
    assert_matches(ours(put), record["put-method-2-request-models"], bindings)
    await refused(two, "delete-model-used-by-2-method")
    drop = [{"op": "remove", "path": "/requestModels/application~1json"}]
    updated = await client.call("UpdateMethod", **on_test, patchOperations=drop)
    assert_matches(ours(updated), record["update-method-model-2"], bindings)
    await refused(two, "delete-model-used-by-method-1")
    await client.call("DeleteMethod", **on_root)
    await deleted(two)


@pytest.mark.parametrize("one_of", [False, True])
async def test_models_with_refs_as_recorded(client: GatewayClient, one_of: bool) -> None:
    test = "test_api_gateway_request_validator_with_ref_" + ("one_ofmodels" if one_of else "models")
    record = recorded("test_apigateway_common", f"TestApiGatewayCommon::{test}", "get-models-with-ref")
    api_id, _ = await new_api(client)
    if one_of:
        await create(client, api_id, "StatusModel", {
            "type": "object",
            "properties": {"Status": {"type": "string"}, "Order": {"type": "integer"}},
            "required": ["Status", "Order"],
        })
        await create(client, api_id, "TestModel", {
            "type": "object",
            "properties": {"status": {"oneOf": [{"type": "null"}, ref(api_id, "StatusModel")]}},
            "required": ["status"],
        })
    else:
        await create(client, api_id, "testSchema", {
            "$schema": "http://json-schema.org/draft-04/schema#",
            "title": "testSchema",
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        })
        await create(client, api_id, "testSchemaList", {"type": "array", "items": ref(api_id, "testSchema")})
    assert_matches(parsed(await client.call("GetModels", restApiId=api_id)), record)


async def test_get_models_of_an_import_with_circular_models_as_recorded(client: GatewayClient) -> None:
    test = "TestApiGatewayImportRestApi::test_import_with_circular_models"
    record = recorded("test_apigateway_import", test, "get-models")
    api = await import_doc(client, docs.circular_models(False), failOnWarnings=True)
    found = parsed(await client.call("GetModels", restApiId=api["id"]))
    for model in found["items"]:  # the recording sorts ``required``
        model["schema"].get("required", []).sort()
    assert_matches(found, record, {"<rest-id:1>": api["id"]})


# --- CreateModel -------------------------------------------------------------------------------


async def test_create_model_members(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    text = '{"type": "object",\n "properties": {"a": {"type": "string"}}}'
    created = await create(client, api_id, "Pet", text, description="a pet")
    assert set(created) - {"ResponseMetadata"} == {"id", "name", "description", "schema", "contentType"}
    assert len(created["id"]) == 6 and created["schema"] == text  # the schema text is kept as given
    got = await client.call("GetModel", restApiId=api_id, modelName="Pet")
    assert ours(got) == ours(created)
    other, _ = await new_api(client)
    assert await names(client, other) == ["Empty", "Error"]  # models belong to their API


@pytest.mark.parametrize(
    ("name", "message"),
    [("pet-model", "Model name must be alphanumeric"), ("pet model", "Model name must be alphanumeric"),
     ("pét", "Model name must be alphanumeric"), ("", "Model name must be non-empty")],
)
async def test_create_model_names(client: GatewayClient, name: str, message: str) -> None:
    api_id, _ = await new_api(client)
    err = await error_of(create(client, api_id, name, {"type": "string"}))
    assert (err.code, err.status, err.message) == ("BadRequestException", 400, message)
    assert await names(client, api_id) == ["Empty", "Error"]


@pytest.mark.parametrize(
    ("schema", "detail"),
    [
        ("not json", "]"),
        ("[1, 2]", "]"),
        ('"text"', "]"),
        ({"type": "objekt"}, "]"),
        ({"type": "object", "required": []}, "]"),  # draft-04: required has at least one name
        ({"type": "object", "properties": {"a": {"minLength": -1}}}, "]"),
        ({"$id": "urn:x", "type": "object"}, '. Unsupported keyword(s): ["$id"]]'),
        ({"type": "array", "items": {"const": 1, "if": {}}}, '. Unsupported keyword(s): ["const","if"]]'),
        ({"type": "object", "properties": {"a": {"$ref": "#/definitions/a"}}, "definitions": {"a": {}}},
         ", Model reference must be in canonical form]"),
        ({"type": "array", "items": {"$ref": "https://example.com/models/Pet"}},
         ", Model reference must be in canonical form]"),
        ({"type": "array", "items": {"$ref": f"{MODELS}/{{api}}/models/Nope"}},
         ", Invalid model identifier specified: Nope]"),
        ({"type": "array", "items": {"$ref": f"{MODELS}/other/models/Error"}},
         ", Invalid model identifier specified: Error]"),
    ],
)
async def test_create_model_invalid_schemas(client: GatewayClient, schema: Any, detail: str) -> None:
    api_id, _ = await new_api(client)
    text = schema if isinstance(schema, str) else json.dumps(schema).replace("{api}", api_id)
    err = await error_of(create(client, api_id, "Bad", text))
    assert (err.code, err.status, err.message) == ("BadRequestException", 400, INVALID + detail)
    assert await names(client, api_id) == ["Empty", "Error"]


@pytest.mark.parametrize("schema", ["", "   ", " { } "])
async def test_create_model_empty_schemas(client: GatewayClient, schema: str) -> None:
    api_id, _ = await new_api(client)
    err = await error_of(create(client, api_id, "Bad", schema))
    assert (err.code, err.message) == ("BadRequestException", EMPTY)


async def test_create_model_accepts(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    # Annotations of later drafts pass; a property *named* like a later keyword is no keyword.
    await create(client, api_id, "Loose", {"type": "object", "examples": [{}], "properties": {"const": {}}})
    await create(client, api_id, "Tree", {"type": "object", "properties": {"kids": {
        "type": "array", "items": ref(api_id, "Tree")}}})  # may reference itself
    await create(client, api_id, "Note", "<note><to/></note>", contentType="application/xml")  # free text
    await create(client, api_id, "Vendor", {"type": "string"}, contentType="application/vnd.api+json")
    assert await names(client, api_id) == ["Empty", "Error", "Loose", "Note", "Tree", "Vendor"]
    err = await error_of(create(client, api_id, "Other", "nope", contentType="application/problem+json"))
    assert err.message == INVALID + "]"


async def test_create_model_conflicts_and_content_type(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    err = await error_of(create(client, api_id, "Empty", {"type": "object"}))
    assert (err.code, err.status, err.message) == (
        "ConflictException", 409, "Model name already exists for this REST API")
    err = await error_of(create(client, api_id, "Empty", "not json"))
    assert err.code == "BadRequestException"  # the schema is judged before the name is
    err = await error_of(create(client, api_id, "Pet", {"type": "object"}, contentType=""))
    assert (err.code, err.status) == ("BadRequestException", 400)
    assert await names(client, api_id) == ["Empty", "Error"]


# --- GetModel(s) -------------------------------------------------------------------------------


async def test_get_models_order_and_paging(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    for name in ("Zebra", "Apple", "apple", "Mango"):
        await create(client, api_id, name, {"type": "string"})
    assert await names(client, api_id) == ["Apple", "Empty", "Error", "Mango", "Zebra", "apple"]
    seen, position = [], None
    while True:
        page = await client.call(
            "GetModels", restApiId=api_id, limit=4, **({"position": position} if position else {}))
        seen += [m["name"] for m in page["items"]]
        position = page.get("position")
        if not position:
            break
    assert seen == ["Apple", "Empty", "Error", "Mango", "Zebra", "apple"]
    err = await error_of(client.call("GetModels", restApiId=api_id, position="bogus"))
    assert err.code == "BadRequestException"


async def test_unknown_api_or_model(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    calls = {
        "GetModel": {},
        "DeleteModel": {},
        "GetModelTemplate": {},
        "UpdateModel": {"patchOperations": [{"op": "replace", "path": "/description", "value": "d"}]},
    }
    for operation, more in calls.items():
        err = await error_of(client.call(operation, restApiId="nope", modelName="Empty", **more))
        assert (err.code, err.status) == ("NotFoundException", 404)
        assert err.message.startswith("Invalid API identifier specified ")
        err = await error_of(client.call(operation, restApiId=api_id, modelName="Nope", **more))
        assert (err.code, err.message) == ("NotFoundException", "Invalid model name specified: Nope")
    err = await error_of(client.call("GetModel", restApiId=api_id, modelName="empty"))
    assert err.code == "NotFoundException"  # names are case-sensitive


async def test_flatten(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    pet = {"$schema": "http://json-schema.org/draft-04/schema#", "title": "Pet", "type": "object",
           "properties": {"id": {"type": "integer"}}}
    await create(client, api_id, "Pet", pet)
    pets_text = json.dumps({"type": "array", "items": ref(api_id, "Pet")})
    await create(client, api_id, "Pets", pets_text)
    plain = await client.call("GetModel", restApiId=api_id, modelName="Pets")
    assert plain["schema"] == pets_text
    unflattened = await client.call("GetModel", restApiId=api_id, modelName="Pets", flatten=False)
    assert unflattened["schema"] == pets_text
    flat = await client.call("GetModel", restApiId=api_id, modelName="Pets", flatten=True)
    inlined = {k: v for k, v in pet.items() if k != "$schema"}
    assert json.loads(flat["schema"]) == {"type": "array", "items": inlined}
    # A model without references is answered as stored.
    pet_flat = await client.call("GetModel", restApiId=api_id, modelName="Pet", flatten=True)
    assert pet_flat["schema"] == json.dumps(pet)


async def flattened(client: GatewayClient, api_id: str, name: str) -> Any:
    answer = await client.call("GetModel", restApiId=api_id, modelName=name, flatten=True)
    return json.loads(answer["schema"])


async def test_flatten_circular_models(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Person", {"type": "object", "properties": {"name": {"type": "string"}}})
    await create(client, api_id, "House", {"type": "object", "properties": {
        "contains": {"type": "array", "items": ref(api_id, "Person")}}})
    person = {"type": "object", "properties": {"name": {"type": "string"}, "house": ref(api_id, "House"),
                                               "self": ref(api_id, "Person")}}
    await client.call("UpdateModel", restApiId=api_id, modelName="Person", patchOperations=[
        {"op": "replace", "path": "/schema", "value": json.dumps(person)}])
    flat = await flattened(client, api_id, "Person")
    assert flat == {"type": "object", "properties": {
        "name": {"type": "string"},
        "house": {"type": "object", "properties": {"contains": {"type": "array", "items": {"$ref": "#"}}}},
        "self": {"$ref": "#"},
    }}
    await create(client, api_id, "Street", {"type": "array", "items": ref(api_id, "House")})
    flat = await flattened(client, api_id, "Street")
    house = {"type": "object", "properties": {"contains": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"},
                                         "house": {"$ref": "#/definitions/House"},
                                         "self": {"$ref": "#/definitions/Person"}}}}}}
    person_def = {"type": "object", "properties": {
        "name": {"type": "string"},
        "house": {"type": "object", "properties": {"contains": {"type": "array", "items": {
            "$ref": "#/definitions/Person"}}}},
        "self": {"$ref": "#/definitions/Person"},
    }}
    house_def = {"type": "object", "properties": {"contains": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"},
                                         "house": {"$ref": "#/definitions/House"},
                                         "self": {"$ref": "#/definitions/Person"}}}}}}
    assert flat["items"] == house
    assert flat["definitions"] == {"House": house_def, "Person": person_def}


# --- UpdateModel -------------------------------------------------------------------------------


async def test_update_model_description_and_schema(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Pet", {"type": "string"})
    ids = {"restApiId": api_id, "modelName": "Pet"}
    updated = await client.call("UpdateModel", **ids, patchOperations=[
        {"op": "replace", "path": "/description", "value": "a pet"},
        {"op": "replace", "path": "/schema", "value": json.dumps({"items": ref(api_id, "Error")})},
    ])
    assert updated["description"] == "a pet" and "Error" in updated["schema"]
    clear = [{"op": "replace", "path": "/description"}]
    cleared = await client.call("UpdateModel", **ids, patchOperations=clear)
    assert "description" not in cleared
    assert cleared["schema"] == updated["schema"] and cleared["id"] == updated["id"]


async def test_update_model_refusals_change_nothing(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    created = await create(client, api_id, "Pet", {"type": "string"}, description="d")
    ids = {"restApiId": api_id, "modelName": "Pet"}
    for ops, code, message in [
        ([{"op": "replace", "path": "/description", "value": "new"},
          {"op": "replace", "path": "/schema", "value": "not json"}], "BadRequestException", INVALID + "]"),
        ([{"op": "replace", "path": "/schema"}], "BadRequestException", EMPTY),
        ([{"op": "replace", "path": "/schema", "value": json.dumps({"items": ref(api_id, "Nope")})}],
         "BadRequestException", INVALID + ", Invalid model identifier specified: Nope]"),
        ([{"op": "remove", "path": "/description"}], "BadRequestException",
         "Invalid patch path  '/description' specified for op 'remove'. Please choose supported operations"),
        ([{"op": "replace", "path": "/contentType", "value": "text/plain"}], "BadRequestException",
         "Invalid patch path  '/contentType' specified for op 'replace'. "
         "Must be one of: [/description, /schema]"),
        ([{"op": "bogus", "path": "/description", "value": "x"}], "ValidationException", None),
    ]:
        err = await error_of(client.call("UpdateModel", **ids, patchOperations=ops))
        assert err.code == code and (message is None or err.message == message), err.message
    assert ours(await client.call("GetModel", **ids)) == ours(created)


async def test_update_model_keeps_self_references_and_checks_content_type(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Note", "<note/>", contentType="application/xml")
    ids = {"restApiId": api_id, "modelName": "Note"}
    updated = await client.call("UpdateModel", **ids, patchOperations=[
        {"op": "replace", "path": "/schema", "value": "<note><body/></note>"}])
    assert updated["schema"] == "<note><body/></note>"
    await create(client, api_id, "Tree", {"type": "object"})
    tree = json.dumps({"type": "array", "items": ref(api_id, "Tree")})
    updated = await client.call("UpdateModel", restApiId=api_id, modelName="Tree", patchOperations=[
        {"op": "replace", "path": "/schema", "value": tree}])
    assert updated["schema"] == tree


# --- DeleteModel -------------------------------------------------------------------------------


async def test_delete_model_used_by_a_method_response(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    await create(client, api_id, "Pet", {"type": "object"})
    pets = await client.call("CreateResource", restApiId=api_id, parentId=root, pathPart="pets")
    method = {"restApiId": api_id, "resourceId": pets["id"], "httpMethod": "GET"}
    await client.call("PutMethod", **method, authorizationType="NONE")
    await client.call("PutMethodResponse", **method, statusCode="200", responseModels={JSON: "Pet"})
    err = await error_of(client.call("DeleteModel", restApiId=api_id, modelName="Pet"))
    assert (err.code, err.status, err.message) == (
        "ConflictException", 409,
        "Cannot delete model 'Pet', is referenced in method response: /pets/GET/200")
    await client.call("DeleteMethodResponse", **method, statusCode="200")
    await client.call("DeleteModel", restApiId=api_id, modelName="Pet")
    assert await names(client, api_id) == ["Empty", "Error"]


async def test_delete_model_referenced_by_another_model(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Pet", {"type": "object", "properties": {"kin": ref(api_id, "Pet")}})
    await create(client, api_id, "Pets", {"type": "array", "items": ref(api_id, "Pet")})
    err = await error_of(client.call("DeleteModel", restApiId=api_id, modelName="Pet"))
    assert (err.code, err.message) == (
        "ConflictException", "Cannot delete model 'Pet', is referenced in model: Pets")
    await client.call("DeleteModel", restApiId=api_id, modelName="Pets")
    await client.call("DeleteModel", restApiId=api_id, modelName="Pet")  # its own reference does not hold it
    await client.call("DeleteModel", restApiId=api_id, modelName="Empty")  # the defaults are ordinary models
    assert await names(client, api_id) == ["Error"]


# --- GetModelTemplate --------------------------------------------------------------------------


async def template_of(client: GatewayClient, api_id: str, name: str, schema: Any) -> str:
    await create(client, api_id, name, schema)
    answer = await client.call("GetModelTemplate", restApiId=api_id, modelName=name)
    assert set(answer) == {"value", "ResponseMetadata"}
    return str(answer["value"])


def render(template: str, payload: Any) -> Any:
    """The template rendered by our VTL engine with ``payload`` as the body, parsed as JSON."""
    return json.loads(compile_template(template).render(build_context(integration()), json.dumps(payload)))


async def test_template_of_an_object(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    value = await template_of(client, api_id, "CalcOutput", CALC_SCHEMA)
    assert value == (
        "#set($inputRoot = $input.path('$'))\n"
        "{\n"
        '  "a" : $inputRoot.a,\n'
        '  "b" : $inputRoot.b,\n'
        '  "op" : "$inputRoot.op",\n'
        '  "c" : $inputRoot.c\n'
        "}"
    )
    assert render(value, {"a": 1, "b": 2.5, "op": "+", "c": 3}) == {"a": 1, "b": 2.5, "op": "+", "c": 3}


async def test_template_of_nested_arrays_and_objects(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Tag", {"type": "object", "properties": {"key": {"type": "string"}}})
    schema = {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"},
        "first-name": {"type": ["string", "null"]},
        "owner": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        "tags": {"type": "array", "items": ref(api_id, "Tag")},
        "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
    }}}
    value = await template_of(client, api_id, "Pets", schema)
    assert value == (
        "#set($inputRoot = $input.path('$'))\n"
        "[\n"
        "#foreach($elem in $inputRoot)\n"
        "  {\n"
        '    "id" : $elem.id,\n'
        '    "first-name" : "$elem.get(\'first-name\')",\n'
        '    "owner" : {\n'
        '      "ok" : $elem.owner.ok\n'
        "    },\n"
        '    "tags" : [\n'
        "#foreach($elem1 in $elem.tags)\n"
        "      {\n"
        '        "key" : "$elem1.key"\n'
        "      }#if($foreach.hasNext),#end\n"
        "#end\n"
        "    ],\n"
        '    "matrix" : [\n'
        "#foreach($elem1 in $elem.matrix)\n"
        "      [\n"
        "#foreach($elem2 in $elem1)\n"
        "        $elem2#if($foreach.hasNext),#end\n"
        "#end\n"
        "      ]#if($foreach.hasNext),#end\n"
        "#end\n"
        "    ]\n"
        "  }#if($foreach.hasNext),#end\n"
        "#end\n"
        "]"
    )
    payload = [
        {"id": 1, "first-name": "Rex", "owner": {"ok": True}, "tags": [{"key": "a"}, {"key": "b"}],
         "matrix": [[1, 2], [3]]},
        {"id": 2, "first-name": "Tom", "owner": {"ok": False}, "tags": [], "matrix": []},
    ]
    assert render(value, payload) == payload


async def test_template_of_primitives_compositions_and_cycles(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    assert await template_of(client, api_id, "Name", {"type": "string"}) == (
        "#set($inputRoot = $input.path('$'))\n\"$inputRoot\"")
    assert await template_of(client, api_id, "Count", {"type": "integer"}) == (
        "#set($inputRoot = $input.path('$'))\n$inputRoot")
    assert (await client.call("GetModelTemplate", restApiId=api_id, modelName="Empty"))["value"] == (
        "#set($inputRoot = $input.path('$'))\n{}")
    error = (await client.call("GetModelTemplate", restApiId=api_id, modelName="Error"))["value"]
    assert render(error, {"message": "boom"}) == {"message": "boom"}
    composed = await template_of(client, api_id, "Composed", {"allOf": [
        ref(api_id, "Error"), {"properties": {"code": {"type": "integer"}}}],
        "properties": {"status": {"oneOf": [{"type": "null"}, ref(api_id, "Name")]}}})
    assert render(composed, {"status": "ok", "message": "m", "code": 7}) == {
        "status": "ok", "message": "m", "code": 7}
    node = await template_of(client, api_id, "Node", {"type": "object", "properties": {
        "name": {"type": "string"}, "next": ref(api_id, "Node")}})
    assert '"next" : {}' in node
    assert render(node, {"name": "a", "next": {"name": "b"}}) == {"name": "a", "next": {}}


async def test_template_of_a_non_json_model(client: GatewayClient) -> None:
    api_id, _ = await new_api(client)
    await create(client, api_id, "Note", "<note/>", contentType="application/xml")
    err = await error_of(client.call("GetModelTemplate", restApiId=api_id, modelName="Note"))
    assert (err.code, err.status) == ("BadRequestException", 400)
