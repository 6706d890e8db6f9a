"""The exporter against AWS's recorded exports (test_apigateway_extended: test_export_*_openapi).

The recordings imported two documents (a pet store with models and CORS mocks, and a two-route API
with binary media types), deployed them to ``local`` and exported them with and without
``extensions=apigateway``. Here the snapshot AWS's import made of each is written out (as recorded by
test_apigateway_import) and our export of it must equal AWS's, placeholders filled in.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from apigate.openapi.export import ExportSource, Extensions, build_document
from tests.support.recorded import recorded

API_ID = "abcde12345"
REGION = "us-east-1"
MODEL_URL = f"https://apigateway.amazonaws.com/restapis/{API_ID}/models/"
PETSTORE_URI = f"http://petstore.execute-api.{REGION}.amazonaws.com/petstore/pets"
MOCK_TEMPLATES = {"application/json": '{"statusCode": 200}'}
CORS = "method.response.header.Access-Control-Allow-"
HTML = recorded("test_apigateway_extended", "test_export_swagger_openapi[TEST_IMPORT_PETSTORE_SWAGGER]")[
    "get-export-with-extensions"
]["body"]["paths"]["/"]["get"]["x-amazon-apigateway-integration"]["responses"]["default"][
    "responseTemplates"
]["text/html"]


def method(verb: str, integration: dict[str, Any], responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A Method document as GetResources?embed=methods returns it (AWS's defaults filled in)."""
    integration = {
        "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000,
        "cacheKeyParameters": [],
        **integration,
    }
    return {
        "httpMethod": verb,
        "authorizationType": "NONE",
        "apiKeyRequired": False,
        **extra,
        "methodResponses": {"200": {"statusCode": "200", **responses}},
        "methodIntegration": integration,
    }


def http(verb: str, uri: str, **extra: Any) -> dict[str, Any]:
    response = {"statusCode": "200", "responseParameters": {f"{CORS}Origin": "'*'"}}
    return {
        "type": "HTTP",
        "httpMethod": verb,
        "uri": uri,
        "connectionType": "INTERNET",
        "integrationResponses": {"200": response},
        **extra,
    }


def cors_mock(methods: str) -> dict[str, Any]:
    parameters = {
        f"{CORS}Methods": f"'{methods}'",
        f"{CORS}Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key'",
        f"{CORS}Origin": "'*'",
    }
    return {
        "type": "MOCK",
        "requestTemplates": MOCK_TEMPLATES,
        "integrationResponses": {"200": {"statusCode": "200", "responseParameters": parameters}},
    }


def response(model: str | None, *headers: str) -> dict[str, Any]:
    out: dict[str, Any] = {"responseParameters": {f"{CORS}{h}": False for h in headers}}
    if model:
        out["responseModels"] = {"application/json": model}
    return out


def model(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(schema).replace("#/definitions/", MODEL_URL)
    return {"id": name.lower()[:6], "name": name, "contentType": "application/json", "schema": text}


def petstore() -> dict[str, Any]:
    root_get = method(
        "GET",
        {
            "type": "MOCK",
            "requestTemplates": MOCK_TEMPLATES,
            "integrationResponses": {
                "200": {
                    "statusCode": "200",
                    "responseParameters": {"method.response.header.Content-Type": "'text/html'"},
                    "responseTemplates": {"text/html": HTML},
                }
            },
        },
        {"responseParameters": {"method.response.header.Content-Type": False}},
    )
    pets = {
        "GET": method(
            "GET",
            http(
                "GET",
                PETSTORE_URI,
                requestParameters={
                    "integration.request.querystring.page": "method.request.querystring.page",
                    "integration.request.querystring.type": "method.request.querystring.type",
                },
            ),
            response("Pets", "Origin"),
            requestParameters={
                "method.request.querystring.type": False,
                "method.request.querystring.page": False,
            },
        ),
        "POST": method(
            "POST",
            http("POST", PETSTORE_URI),
            response("NewPetResponse", "Origin"),
            operationName="CreatePet",
            requestModels={"application/json": "NewPet"},
        ),
        "OPTIONS": method(
            "OPTIONS", cors_mock("POST,GET,OPTIONS"), response("Empty", "Origin", "Methods", "Headers")
        ),
    }
    path_param = {"method.request.path.petId": True}
    pet = {
        "GET": method(
            "GET",
            http(
                "GET",
                PETSTORE_URI + "/{petId}",
                requestParameters={
                    "integration.request.path.petId": "method.request.path.petId",
                },
            ),
            response("Pet", "Origin"),
            operationName="GetPet",
            requestParameters=path_param,
        ),
        "OPTIONS": method(
            "OPTIONS",
            cors_mock("GET,OPTIONS"),
            response("Empty", "Origin", "Methods", "Headers"),
            requestParameters=path_param,
        ),
    }
    pet_schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string"},
            "price": {"type": "number"},
        },
    }
    models = [
        model("Pets", {"type": "array", "items": {"$ref": "#/definitions/Pet"}}),
        model("Empty", {"type": "object"}),
        model(
            "NewPetResponse",
            {
                "type": "object",
                "properties": {
                    "pet": {"$ref": "#/definitions/Pet"},
                    "message": {"type": "string"},
                },
            },
        ),
        model("Pet", pet_schema),
        model(
            "NewPet",
            {
                "type": "object",
                "properties": {
                    "type": {"$ref": "#/definitions/PetType"},
                    "price": {"type": "number"},
                },
            },
        ),
        model("PetType", {"type": "string", "enum": ["dog", "cat", "fish", "bird", "gecko"]}),
    ]
    return {
        "restApi": {
            "id": API_ID,
            "name": "PetStore",
            "apiKeySource": "HEADER",
            "description": "Your first API with Amazon API Gateway. This is a sample API that integrates "
            "via HTTP with our demo Pet Store endpoints",
            "endpointConfiguration": {"types": ["EDGE"], "ipAddressType": "ipv4"},
        },
        "resources": [
            {"id": "r00t", "path": "/", "resourceMethods": {"GET": root_get}},
            {"id": "pets", "path": "/pets", "resourceMethods": pets},
            {"id": "petid", "path": "/pets/{petId}", "resourceMethods": pet},
        ],
        "models": models,
        "requestValidators": [],
        "authorizers": [],
        "gatewayResponses": {},
    }


def pets() -> dict[str, Any]:
    uri = "http://petstore-demo-endpoint.execute-api.com/petstore/pets"
    plain = {"responseParameters": {}}
    return {
        "restApi": {
            "id": API_ID,
            "name": "Simple PetStore (Swagger)",
            "version": "1.0.0",
            "apiKeySource": "HEADER",
            "binaryMediaTypes": ["image/png", "image/jpg"],
            "endpointConfiguration": {"types": ["EDGE"], "ipAddressType": "ipv4"},
        },
        "resources": [
            {"id": "r00t", "path": "/"},
            {
                "id": "pets",
                "path": "/pets",
                "resourceMethods": {
                    "GET": method(
                        "GET",
                        {
                            "type": "HTTP",
                            "httpMethod": "GET",
                            "uri": uri,
                            "connectionType": "INTERNET",
                            "integrationResponses": {"200": {"statusCode": "200"}},
                        },
                        plain,
                    )
                },
            },
            {
                "id": "petid",
                "path": "/pets/{petId}",
                "resourceMethods": {
                    "GET": method(
                        "GET",
                        {
                            "type": "HTTP",
                            "httpMethod": "GET",
                            "uri": uri + "/{id}",
                            "connectionType": "INTERNET",
                            "requestParameters": {"integration.request.path.id": "method.request.path.petId"},
                            "integrationResponses": {"200": {"statusCode": "200"}},
                        },
                        plain,
                        requestParameters={"method.request.path.petId": True},
                    )
                },
            },
        ],
        "models": [],
        "requestValidators": [],
        "authorizers": [],
        "gatewayResponses": {},
    }


CASES = {"TEST_IMPORT_PETSTORE_SWAGGER": petstore, "TEST_IMPORT_PETS": pets}


def expected(export_type: str, case: str, key: str) -> dict[str, Any]:
    test = f"test_export_{'swagger' if export_type == 'swagger' else 'oas30'}_openapi[{case}]"
    body = recorded("test_apigateway_extended", test)[key]["body"]
    text = json.dumps(body).replace("<api-id:1>", API_ID).replace("<region>", REGION)
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize("export_type", ["swagger", "oas30"])
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("key", ["get-export", "get-export-with-extensions"])
def test_export_matches_aws(export_type: str, case: str, key: str) -> None:
    source = ExportSource(snapshot=CASES[case](), stage_name="local", region=REGION, deployment_created=0)
    extensions = Extensions.parse("apigateway" if key.endswith("extensions") else None)
    ours = build_document(export_type, source, extensions)
    if ours["info"]["version"] == "1970-01-01T00:00:00Z":
        ours["info"]["version"] = "date"  # the recordings replaced the export date
    theirs = expected(export_type, case, key)
    assert ours == theirs
    # Key order as AWS writes it (top level; dict equality above ignores order).
    assert list(ours) == list(theirs)
