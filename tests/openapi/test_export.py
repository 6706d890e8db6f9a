"""GetExport through the management API: errors, headers, JSON/YAML, the extension sets, and that
what is exported is the stage's deployment (not the API being edited)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml

from tests.control.conftest import MOCK_REQUEST
from tests.support.client import REGION, GatewayClient, error_of

LAMBDA_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:{REGION}:000000000000:function:auth/invocations"
)
X = "x-amazon-apigateway-"


def body_of(result: dict[str, Any]) -> str:
    body = result["body"]
    return body if isinstance(body, str) else bytes(body).decode()


async def export(client: GatewayClient, api_id: str, export_type: str = "oas30", **kwargs: Any) -> Any:
    result = await client.call(
        "GetExport", restApiId=api_id, stageName="dev", exportType=export_type, **kwargs
    )
    return json.loads(body_of(result))


async def build(client: GatewayClient, **api: Any) -> dict[str, str]:
    """An API with a MOCK GET /items (API key, validator, CUSTOM authorizer), AWS_IAM POST /items
    and a customised gateway response, deployed to ``dev``."""
    created = await client.call("CreateRestApi", name="shop", **api)
    api_id, root = created["id"], created["rootResourceId"]
    items = await client.call("CreateResource", restApiId=api_id, parentId=root, pathPart="items")
    authorizer = await client.call(
        "CreateAuthorizer",
        restApiId=api_id,
        name="tok",
        type="TOKEN",
        authorizerUri=LAMBDA_URI,
        identitySource="method.request.header.X-Token",
        authorizerResultTtlInSeconds=60,
    )
    validator = await client.call(
        "CreateRequestValidator", restApiId=api_id, name="params", validateRequestParameters=True
    )
    get = {"restApiId": api_id, "resourceId": items["id"], "httpMethod": "GET"}
    await client.call(
        "PutMethod",
        **get,
        authorizationType="CUSTOM",
        authorizerId=authorizer["id"],
        apiKeyRequired=True,
        requestValidatorId=validator["id"],
        requestParameters={"method.request.querystring.q": True},
    )
    await client.call("PutMethodResponse", **get, statusCode="200")
    await client.call(
        "PutIntegration", **get, type="MOCK", requestTemplates=MOCK_REQUEST, timeoutInMillis=5000
    )
    await client.call(
        "PutIntegrationResponse",
        **get,
        statusCode="200",
        responseTemplates={"application/json": '{"ok": true}'},
    )
    post = {**get, "httpMethod": "POST"}
    await client.call("PutMethod", **post, authorizationType="AWS_IAM")
    await client.call("PutIntegration", **post, type="MOCK", requestTemplates=MOCK_REQUEST)
    await client.call("PutGatewayResponse", restApiId=api_id, responseType="DEFAULT_4XX", statusCode="418")
    await client.call("CreateDeployment", restApiId=api_id, stageName="dev")
    return {"apiId": api_id, "itemsId": items["id"], "authorizerId": authorizer["id"]}


def extension_keys(value: Any) -> set[str]:
    """Every ``x-amazon-apigateway-*`` key anywhere in ``value``."""
    if isinstance(value, dict):
        own = {k for k in value if k.startswith(X)}
        return own.union(*(extension_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(extension_keys(v) for v in value))
    return set()


# --- errors ------------------------------------------------------------------------------------


async def test_unknown_api_stage_and_export_type(client: GatewayClient) -> None:
    ids = await build(client)
    for api_id, stage in (("nope123456", "dev"), (ids["apiId"], "prod")):
        error = await error_of(
            client.call("GetExport", restApiId=api_id, stageName=stage, exportType="oas30")
        )
        assert (error.status, error.code, error.message) == (
            404,
            "NotFoundException",
            "Invalid stage identifier specified",
        )
    error = await error_of(client.call("GetExport", restApiId=ids["apiId"], stageName="dev", exportType="a"))
    assert (error.status, error.code, error.message) == (
        400,
        "BadRequestException",
        "No API exporter for type 'a'",
    )


# --- the answer --------------------------------------------------------------------------------


async def test_headers_name_the_file_by_version_or_deployment_date(client: GatewayClient) -> None:
    ids = await build(client, version="2.1")
    result = await client.call("GetExport", restApiId=ids["apiId"], stageName="dev", exportType="swagger")
    assert result["contentType"] == "application/octet-stream"
    assert result["contentDisposition"] == 'attachment; filename="swagger_2.1.json"'
    other = await build(client)
    deployment = (await client.call("GetDeployments", restApiId=other["apiId"]))["items"][0]
    result = await client.call("GetExport", restApiId=other["apiId"], stageName="dev", exportType="oas30")
    version = json.loads(body_of(result))["info"]["version"]
    assert result["contentDisposition"] == f'attachment; filename="oas30_{version}.json"'
    assert version == deployment["createdDate"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("export_type", ["oas30", "swagger"])
async def test_yaml_on_accept(client: GatewayClient, export_type: str) -> None:
    ids = await build(client, version="1")
    as_json = await export(client, ids["apiId"], export_type, parameters={"extensions": "apigateway"})
    result = await client.call(
        "GetExport",
        restApiId=ids["apiId"],
        stageName="dev",
        exportType=export_type,
        parameters={"extensions": "apigateway"},
        accepts="application/yaml",
    )
    assert result["contentDisposition"] == f'attachment; filename="{export_type}_1.yaml"'
    text = body_of(result)
    assert not text.lstrip().startswith("{")
    assert yaml.safe_load(text) == as_json


async def test_exports_the_stage_deployment_not_the_current_api(client: GatewayClient) -> None:
    ids = await build(client)
    extra = await client.call(
        "CreateResource", restApiId=ids["apiId"], parentId=ids["itemsId"], pathPart="new"
    )
    put = {"restApiId": ids["apiId"], "resourceId": extra["id"], "httpMethod": "GET"}
    await client.call("PutMethod", **put, authorizationType="NONE")
    await client.call("PutIntegration", **put, type="MOCK", requestTemplates=MOCK_REQUEST)
    assert "/items/new" not in (await export(client, ids["apiId"]))["paths"]
    await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev")
    assert "/items/new" in (await export(client, ids["apiId"]))["paths"]


# --- extension sets ----------------------------------------------------------------------------


@pytest.mark.parametrize("export_type", ["oas30", "swagger"])
async def test_plain_export_has_no_gateway_extensions(client: GatewayClient, export_type: str) -> None:
    ids = await build(client)
    doc = await export(client, ids["apiId"], export_type)
    assert extension_keys(doc) == {f"{X}authtype"}  # only sigv4's own scheme says what it is
    operation = doc["paths"]["/items"]["get"]
    assert operation["security"] == [{"tok": []}, {"api_key": []}]
    assert doc["paths"]["/items"]["post"]["security"] == [{"sigv4": []}]
    schemes = doc["securityDefinitions"] if export_type == "swagger" else doc["components"]["securitySchemes"]
    assert schemes == {
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", f"{X}authtype": "awsSigv4"},
        "tok": {"type": "apiKey", "name": "X-Token", "in": "header"},
    }


async def test_integrations_set(client: GatewayClient) -> None:
    ids = await build(client)
    doc = await export(client, ids["apiId"], parameters={"extensions": "integrations"})
    assert extension_keys(doc) == {f"{X}authtype", f"{X}integration"}
    assert doc["paths"]["/items"]["get"][f"{X}integration"] == {
        "type": "mock",
        "responses": {
            "default": {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}}
        },
        "requestTemplates": MOCK_REQUEST,
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": 5000,
    }


async def test_authorizers_set(client: GatewayClient) -> None:
    ids = await build(client)
    doc = await export(client, ids["apiId"], parameters={"extensions": "authorizers"})
    assert extension_keys(doc) == {f"{X}authtype", f"{X}authorizer"}
    assert doc["components"]["securitySchemes"]["tok"] == {
        "type": "apiKey",
        "name": "X-Token",
        "in": "header",
        f"{X}authtype": "custom",
        f"{X}authorizer": {
            "type": "token",
            "authorizerUri": LAMBDA_URI,
            "identitySource": "method.request.header.X-Token",
            "authorizerResultTtlInSeconds": 60,
        },
    }


async def test_sets_combine_with_commas(client: GatewayClient) -> None:
    ids = await build(client)
    doc = await export(client, ids["apiId"], "swagger", parameters={"extensions": "integrations,authorizers"})
    assert extension_keys(doc) == {f"{X}authtype", f"{X}authorizer", f"{X}integration"}


async def test_apigateway_set(client: GatewayClient) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*",
            },
        ],
    }
    ids = await build(
        client,
        binaryMediaTypes=["image/png"],
        apiKeySource="AUTHORIZER",
        minimumCompressionSize=1024,
        policy=json.dumps(policy),
    )
    doc = await export(client, ids["apiId"], parameters={"extensions": "apigateway"})
    assert doc[f"{X}binary-media-types"] == ["image/png"]
    assert doc[f"{X}api-key-source"] == "AUTHORIZER"
    assert doc[f"{X}minimum-compression-size"] == 1024
    assert doc[f"{X}policy"] == policy  # the API's own ARNs back in the shorthand form
    assert doc[f"{X}gateway-responses"] == {
        "DEFAULT_4XX": {
            "statusCode": "418",
            "responseTemplates": {"application/json": '{"message":$context.error.messageString}'},
        },
    }
    assert doc[f"{X}request-validators"] == {
        "params": {"validateRequestBody": False, "validateRequestParameters": True},
    }
    get = doc["paths"]["/items"]["get"]
    assert get[f"{X}request-validator"] == "params"
    assert f"{X}integration" in get
    assert f"{X}authorizer" in doc["components"]["securitySchemes"]["tok"]
    assert f"{X}endpoint-configuration" not in doc  # EDGE, nothing to say


async def test_documentation_of_the_stage_version(client: GatewayClient) -> None:
    ids = await build(client)
    api_id = ids["apiId"]
    await client.call(
        "CreateDocumentationPart",
        restApiId=api_id,
        location={"type": "API"},
        properties='{"description": "v1 docs"}',
    )
    doc = await export(client, api_id, parameters={"extensions": "apigateway"})
    assert doc[f"{X}documentation"] == {
        "documentationParts": [{"location": {"type": "API"}, "properties": {"description": "v1 docs"}}],
    }
    await client.call(
        "CreateDocumentationVersion", restApiId=api_id, documentationVersion="1.0", stageName="dev"
    )
    part = (await client.call("GetDocumentationParts", restApiId=api_id))["items"][0]
    await client.call(
        "UpdateDocumentationPart",
        restApiId=api_id,
        documentationPartId=part["id"],
        patchOperations=[
            {"op": "replace", "path": "/properties", "value": '{"description": "v2 docs"}'},
        ],
    )
    documentation = (await export(client, api_id, parameters={"extensions": "apigateway"}))[
        f"{X}documentation"
    ]
    assert documentation["version"] == "1.0"
    assert documentation["documentationParts"][0]["properties"] == {"description": "v1 docs"}


async def test_any_method_and_multi_value_parameters(client: GatewayClient) -> None:
    created = await client.call("CreateRestApi", name="proxy")
    api_id = created["id"]
    proxy = await client.call(
        "CreateResource", restApiId=api_id, parentId=created["rootResourceId"], pathPart="{proxy+}"
    )
    any_ = {"restApiId": api_id, "resourceId": proxy["id"], "httpMethod": "ANY"}
    await client.call(
        "PutMethod",
        **any_,
        authorizationType="NONE",
        requestParameters={
            "method.request.path.proxy": True,
            "method.request.multivaluequerystring.tag": False,
        },
    )
    await client.call(
        "PutIntegration",
        **any_,
        type="HTTP_PROXY",
        integrationHttpMethod="ANY",
        uri="http://example.com/{proxy}",
        cacheKeyParameters=["method.request.path.proxy"],
        requestParameters={"integration.request.path.proxy": "method.request.path.proxy"},
    )
    await client.call("CreateDeployment", restApiId=api_id, stageName="dev")
    swagger = await export(client, api_id, "swagger", parameters={"extensions": "integrations"})
    operation = swagger["paths"]["/{proxy+}"][f"{X}any-method"]
    assert operation["parameters"] == [
        {"name": "proxy", "in": "path", "required": True, "type": "string"},
        {"name": "tag", "in": "query", "required": False, "type": "array", "items": {"type": "string"}},
    ]
    assert operation[f"{X}integration"] == {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": "http://example.com/{proxy}",
        "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"},
        "passthroughBehavior": "when_no_match",
        "cacheKeyParameters": ["method.request.path.proxy"],
    }
    oas = await export(client, api_id, "oas30")
    assert oas["paths"]["/{proxy+}"][f"{X}any-method"]["parameters"][1] == {
        "name": "tag",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
    }
