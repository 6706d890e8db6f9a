"""ImportRestApi / PutRestApi behaviour beyond the recorded scenarios: the fixture documents, YAML
and JSON alike, errors and warnings (and that a failed import changes nothing), ``failonwarnings``,
merge and overwrite, parameters, and what each extension becomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apigate.control.registry import HANDLERS
from apigate.openapi.models import MODEL_URL
from tests.openapi.support import import_doc, methods_snapshot, models, put_doc, resources
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import normalise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openapi"
DOCUMENTS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".json", ".yaml"))
MOCK = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200"}}}


def oas3(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": paths, **extra}


def get(integration: dict[str, Any] | None = None, **operation: Any) -> dict[str, Any]:
    return {"get": {"responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": integration or MOCK, **operation}}


async def api_ids(client: GatewayClient) -> list[str]:
    return [api["id"] for api in (await client.call("GetRestApis"))["items"]]


async def state(client: GatewayClient, api_id: str) -> Any:
    """Everything an import may change, for before/after comparisons."""
    return {
        "api": await client.call("GetRestApi", restApiId=api_id),
        "resources": await resources(client, api_id),
        "methods": await methods_snapshot(client, api_id),
        "models": await models(client, api_id),
        "authorizers": await client.call("GetAuthorizers", restApiId=api_id),
        "validators": await client.call("GetRequestValidators", restApiId=api_id),
    }


def test_import_operations_have_handlers() -> None:
    assert {("apigateway", "ImportRestApi"), ("apigateway", "PutRestApi")} <= set(HANDLERS)


# --- the fixture documents -----------------------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_every_fixture_imports_without_warnings(client: GatewayClient, name: str) -> None:
    api = await import_doc(client, (FIXTURES / name).read_text(), failOnWarnings=True)
    assert "warnings" not in api
    listed = await resources(client, api["id"])
    assert any(r.get("resourceMethods") for r in listed["items"])


async def test_yaml_and_json_import_the_same_api(client: GatewayClient) -> None:
    text = (FIXTURES / "petstore.swagger.json").read_text()
    as_yaml = yaml.safe_dump(json.loads(text), sort_keys=False)
    one = await import_doc(client, text)
    two = await import_doc(client, as_yaml)
    assert normalise(await methods_snapshot(client, one["id"])) == normalise(
        await methods_snapshot(client, two["id"])
    )
    assert normalise(await models(client, one["id"]), ids=[one["id"]]) == normalise(
        await models(client, two["id"]), ids=[two["id"]]
    )


async def test_large_document(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "large.openapi.json").read_text(), failOnWarnings=True)
    listed = (await resources(client, api["id"]))["items"]
    assert sum(len(r.get("resourceMethods", {})) for r in listed) == 240
    assert len(listed) == 97  # the root, 48 collections and their items
    assert len((await models(client, api["id"]))["items"]) == 97


async def test_models_reference_each_other_by_url(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "orders-validated.openapi.yaml").read_text())
    found = {m["name"]: m for m in (await models(client, api["id"]))["items"]}
    assert set(found) == {"Error", "LineItem", "NewOrder", "Order", "Orders", "Customer"}
    order_url = MODEL_URL.format(api_id=api["id"], name="Order")
    assert found["Customer"]["schema"]["properties"]["orders"]["items"] == {"$ref": order_url}
    assert found["Order"]["description"] == "An order as stored"
    assert all(m["contentType"] == "application/json" for m in found.values())


async def test_request_validators_default_and_override(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "orders-validated.openapi.yaml").read_text())
    listed = await client.call("GetRequestValidators", restApiId=api["id"])
    validators = {v["name"]: v["id"] for v in listed["items"]}
    methods = await methods_snapshot(client, api["id"])
    assert methods["method-orders-post"]["requestValidatorId"] == validators["all"]
    assert methods["method-orders-get"]["requestValidatorId"] == validators["params-only"]
    assert methods["method-orders-get"]["requestParameters"] == {
        "method.request.querystring.limit": True, "method.request.querystring.status": False}
    assert methods["method-orders-post"]["requestModels"] == {"application/json": "NewOrder"}
    assert methods["method-orders/{orderId}-get"]["requestParameters"] == {
        "method.request.path.orderId": True, "method.request.header.X-Customer": True}
    assert methods["method-response-orders/{orderId}-get"]["responseParameters"] == {
        "method.response.header.X-Request-Id": True}


async def test_rest_api_extensions(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "lambda-proxy.openapi.yaml").read_text(),
                           parameters={"endpointConfigurationTypes": "REGIONAL"})
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert api["version"] == "2024-01-15" and api["apiKeySource"] == "HEADER"
    assert json.loads(api["policy"].replace('\\"', '"'))["Statement"][0]["Resource"] == (
        f"arn:aws:execute-api:us-east-1:000000000000:{api['id']}/*")
    binary = await import_doc(client, (FIXTURES / "binary.openapi.json").read_text())
    assert binary["binaryMediaTypes"] == ["application/octet-stream", "image/*"]
    assert binary["minimumCompressionSize"] == 1024


async def test_gateway_responses_and_documentation(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "gateway-responses.swagger.yaml").read_text())
    missing = await client.call("GetGatewayResponse", restApiId=api["id"],
                                responseType="MISSING_AUTHENTICATION_TOKEN")
    assert (missing["statusCode"], missing["defaultResponse"]) == ("404", False)
    assert missing["responseParameters"] == {"gatewayresponse.header.X-Error-Kind": "'missing-route'"}
    five = await client.call("GetGatewayResponse", restApiId=api["id"], responseType="DEFAULT_5XX")
    assert five["statusCode"] == "503"

    pets = (FIXTURES / "petstore.swagger.json").read_text()
    documented = await import_doc(client, pets)
    parts = (await client.call("GetDocumentationParts", restApiId=documented["id"]))["items"]
    assert [p["location"]["type"] for p in parts] == ["API", "METHOD", "MODEL"]
    assert json.loads(parts[1]["properties"]) == {"summary": "List pets"}
    ignored = await import_doc(client, pets, parameters={"ignore": "documentation"})
    assert (await client.call("GetDocumentationParts", restApiId=ignored["id"]))["items"] == []


async def test_security(client: GatewayClient) -> None:
    doc = oas3(
        {"/iam": get(security=[{"sigv4": []}]), "/key": get(security=[{"key": []}]),
         "/open": get(security=[]), "/default": get()},
        security=[{"tokens": []}],
        components={"securitySchemes": {
            "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                      "x-amazon-apigateway-authtype": "awsSigv4"},
            "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            "tokens": {"type": "apiKey", "name": "Auth", "in": "header", "x-amazon-apigateway-authorizer": {
                "type": "token", "authorizerUri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/"
                "functions/arn:aws:lambda:us-east-1:000000000000:function:a/invocations"}},
        }},
    )
    api = await import_doc(client, doc, failOnWarnings=True)
    authorizer = (await client.call("GetAuthorizers", restApiId=api["id"]))["items"][0]
    assert (authorizer["name"], authorizer["type"], authorizer["identitySource"]) == (
        "tokens", "TOKEN", "method.request.header.Auth")
    assert "authorizerResultTtlInSeconds" not in authorizer  # as recorded: no default TTL on import
    methods = await methods_snapshot(client, api["id"])
    assert methods["method-iam-get"]["authorizationType"] == "AWS_IAM"
    assert (methods["method-key-get"]["authorizationType"], methods["method-key-get"]["apiKeyRequired"]) == (
        "NONE", True)
    assert methods["method-open-get"]["authorizationType"] == "NONE"
    default = methods["method-default-get"]
    assert (default["authorizationType"], default["authorizerId"]) == ("CUSTOM", authorizer["id"])


# --- errors and warnings ---------------------------------------------------------------------------


BROKEN = oas3({
    "/fine": get(),
    "/bad": get({"type": "http", "httpMethod": "GET", "uri": "not a url"}),
    "/odd": get({**MOCK, "requestParameters": {"integration.request.header.x": 5}}),
})
ERRORS = (
    "Errors found during import:\n"
    "\tUnable to put integration on 'GET' for resource at path '/bad': "
    "Invalid HTTP endpoint specified for URI\n"
    "Additionally, these warnings were found:\n"
    "\tInvalid format for 'requestParameters'. Expected type string for property "
    "'integration.request.header.x' of resource '/odd' and method 'GET' but got '5'"
)


async def test_an_error_fails_the_import_and_creates_nothing(client: GatewayClient) -> None:
    error = await error_of(import_doc(client, BROKEN))
    assert (error.code, error.status, error.message) == ("BadRequestException", 400, ERRORS)
    assert await api_ids(client) == []


async def test_a_failed_put_changes_nothing(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "petstore.swagger.json").read_text())
    before = await state(client, api["id"])
    for mode in ("overwrite", "merge"):
        error = await error_of(put_doc(client, api["id"], BROKEN, mode=mode))
        assert error.message == ERRORS
        error = await error_of(put_doc(client, api["id"], b"{not json or yaml: [", mode=mode))
        assert error.message == "Invalid OpenAPI input."
    assert normalise(await state(client, api["id"])) == normalise(before)


async def test_fail_on_warnings(client: GatewayClient) -> None:
    doc = oas3({"/odd": get({**MOCK, "requestParameters": {"integration.request.header.x": True}}),
                "/model": {"post": {
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/No"}}}},
                    "responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": MOCK}}})
    warnings = [
        "Invalid format for 'requestParameters'. Expected type string for property "
        "'integration.request.header.x' of resource '/odd' and method 'GET' but got 'true'",
        "Unable to find model for reference '#/components/schemas/No' used by 'POST /model'",
    ]
    error = await error_of(import_doc(client, doc, failOnWarnings=True))
    assert error.message == "Warnings found during import:\n\t" + "\n\t".join(warnings)
    assert await api_ids(client) == []
    api = await import_doc(client, doc, failOnWarnings=False)
    assert api["warnings"] == warnings
    methods = await methods_snapshot(client, api["id"])
    assert "requestParameters" not in methods["integration-odd-get"]
    assert "requestModels" not in methods["method-model-post"]


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        ({"/a b": get()}, "Unable to create resource at path '/a b': Resource's path part only allow "),
        ({"/p/{a}": get(), "/p/{b}": get()},
         "Unable to create resource at path '/p/{b}': A sibling ({a}) of this resource already has"),
        ({"/g/{all+}/x": get()}, "Unable to create resource at path '/g/{all+}/x': Cannot create a child of"),
        ({"/m": get({**MOCK, "requestParameters": {"integration.request.path.x": "method.request.path.x"}})},
         "Unable to put integration on 'GET' for resource at path '/m': Invalid mapping expression"),
        ({"/t": get({"type": "HTTPS"})},
         "Unable to put integration on 'GET' for resource at path '/t': Invalid integration type specified"),
        ({"/r": get({**MOCK, "responses": {"default": {"statusCode": "200", "responseParameters": {
            "method.response.header.X": "'x'"}}}})},
         "Unable to put integration response on 'GET' for resource at path '/r': Invalid mapping expression"),
    ],
)
async def test_import_errors(client: GatewayClient, paths: dict[str, Any], message: str) -> None:
    error = await error_of(import_doc(client, oas3(paths)))
    assert error.message.startswith("Errors found during import:\n\t" + message), error.message
    assert await api_ids(client) == []


@pytest.mark.parametrize(
    "body",
    [b"", b"[1, 2]", b'{"info": {"title": "no version field"}}', b'{"swagger": "1.2"}', b"a: b: c",
     b"&a [*a, *a]"],
)
async def test_invalid_openapi_input(client: GatewayClient, body: bytes) -> None:
    error = await error_of(client.call("ImportRestApi", body=body))
    assert (error.code, error.message) == ("BadRequestException", "Invalid OpenAPI input.")


async def test_invalid_parameters(client: GatewayClient) -> None:
    doc = oas3({"/": get()})
    error = await error_of(import_doc(client, doc, parameters={"basepath": "sideways"}))
    assert error.message.startswith("Invalid basepath parameter: sideways")
    error = await error_of(import_doc(client, doc, parameters={"endpointConfigurationTypes": "GLOBAL"}))
    assert error.message == "Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE"
    error = await error_of(put_doc(client, "nope", doc))
    assert (error.code, error.message) == (
        "NotFoundException", "Invalid API identifier specified 000000000000:nope")
    assert await api_ids(client) == []


async def test_broken_references_are_warnings(client: GatewayClient) -> None:
    doc = oas3({"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Missing"}],
                               "responses": {"200": {"$ref": "other.yaml#/responses/Ok"}},
                               "x-amazon-apigateway-integration": MOCK}}},
               components={"schemas": {"A": {"type": "object", "properties": {"b": {"$ref": "#/nowhere"}}}}})
    api = await import_doc(client, doc)
    assert len(api["warnings"]) == 3
    model = (await models(client, api["id"]))["items"][0]
    assert model["schema"] == {"type": "object", "properties": {"b": {}}}


# --- PutRestApi ------------------------------------------------------------------------------------


async def test_put_merge_and_overwrite(client: GatewayClient) -> None:
    first = oas3({"/a": get(), "/b": get()}, components={"schemas": {"A": {"type": "object"}}})
    second = oas3({"/b": {"post": get()["get"]}, "/c": get()},
                  components={"schemas": {"C": {"type": "object"}}})
    for mode, expected in (
        ("merge", {"/": [], "/a": ["GET"], "/b": ["GET", "POST"], "/c": ["GET"]}),
        ("overwrite", {"/": [], "/b": ["POST"], "/c": ["GET"]}),
    ):
        api = await import_doc(client, first)
        await client.call("TagResource", resourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{api['id']}",
                          tags={"team": "x"})
        deployment = await client.call("CreateDeployment", restApiId=api["id"], stageName="s")
        ids_before = {r["path"]: r["id"] for r in (await resources(client, api["id"]))["items"]}
        put = await put_doc(client, api["id"], second, mode=mode)
        assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert (put["id"], put["rootResourceId"]) == (api["id"], api["rootResourceId"])
        assert put["tags"] == {"team": "x"}
        listed = (await resources(client, api["id"]))["items"]
        assert {r["path"]: sorted(r.get("resourceMethods", {})) for r in listed} == expected
        assert {r["path"]: r["id"] for r in listed}["/b"] == ids_before["/b"]  # a path keeps its id
        names = [m["name"] for m in (await models(client, api["id"]))["items"]]
        assert names == (["A", "C"] if mode == "merge" else ["C"])
        stage = await client.call("GetStage", restApiId=api["id"], stageName="s")
        assert stage["deploymentId"] == deployment["id"]


async def test_put_keeps_what_the_document_does_not_say(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="keep", description="old", apiKeySource="AUTHORIZER",
                            endpointConfiguration={"types": ["REGIONAL"]})
    merged = await put_doc(client, api["id"], {"swagger": "2.0", "info": {"version": "9"}, "paths": {}})
    assert (merged["name"], merged["description"], merged["version"], merged["apiKeySource"]) == (
        "keep", "old", "9", "AUTHORIZER")
    assert merged["endpointConfiguration"]["types"] == ["REGIONAL"]
    overwritten = await put_doc(client, api["id"], {"swagger": "2.0", "info": {"title": "new"}, "paths": {}},
                                mode="overwrite")
    assert (overwritten["name"], overwritten.get("description"), overwritten["apiKeySource"]) == (
        "new", None, "HEADER")
    assert overwritten["endpointConfiguration"]["types"] == ["REGIONAL"]


async def test_imported_api_deploys_and_answers(client: GatewayClient) -> None:
    api = await import_doc(client, (FIXTURES / "proxy-any.openapi.json").read_text())
    await client.call("CreateDeployment", restApiId=api["id"], stageName="s")
    resp = await client.invoke(api["id"], "s", "/health")
    assert (resp.status, json.loads(resp.body)) == (200, {"status": "ok", "stage": "s"})


async def test_document_level_warnings_and_errors(client: GatewayClient) -> None:
    doc = oas3({"/": get()}, **{
        "x-amazon-apigateway-gateway-responses": {"NOPE": {"statusCode": 400}},
        "x-amazon-apigateway-documentation": {"documentationParts": [{"location": {"type": "PLANET"}}]},
        "x-amazon-apigateway-request-validator": "missing",
    })
    error = await error_of(import_doc(client, doc, failOnWarnings=True))
    assert error.message.startswith("Warnings found during import:\n\t")
    api = await import_doc(client, doc)
    assert api["warnings"] == [
        "Request validator 'missing' used by 'GET /' is not defined",
        "Invalid gateway response type 'NOPE': ignored",
        'Unable to import documentation part 0: Invalid documentation part location: {"type": "PLANET"}',
    ]
    throttled = {"THROTTLED": {"statusCode": 99}}
    bad_status = oas3({"/": get()}, **{"x-amazon-apigateway-gateway-responses": throttled})
    error = await error_of(import_doc(client, bad_status))
    assert error.message == (
        "Errors found during import:\n"
        "\tUnable to put gateway response 'THROTTLED': Invalid status code specified: 99"
    )
    assert await api_ids(client) == [api["id"]]


async def test_array_parameters_are_multi_value(client: GatewayClient) -> None:
    # What AWS's exports write for multivaluequerystring / multivalueheader parameters.
    swagger = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": {
        "parameters": [
            {"name": "tag", "in": "query", "type": "array", "items": {"type": "string"}},
            {"name": "one", "in": "query", "type": "string", "required": True},
        ],
        "responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": MOCK}}}}
    document = oas3({"/x": get(parameters=[
        {"name": "X-Ids", "in": "header", "required": True,
         "schema": {"type": "array", "items": {"type": "string"}}},
    ])})
    for doc, expected in (
        (swagger, {"method.request.multivaluequerystring.tag": False,
                   "method.request.querystring.one": True}),
        (document, {"method.request.multivalueheader.X-Ids": True}),
    ):
        api = await import_doc(client, json.dumps(doc))
        assert (await methods_snapshot(client, api["id"]))["method-x-get"]["requestParameters"] == expected
