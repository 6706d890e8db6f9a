"""The ``x-amazon-apigateway-*`` builders of the exporter, one by one (no gateway)."""

from __future__ import annotations

import json

from apigate.openapi import export_extensions as ext
from apigate.openapi.export import file_name, render, wants_yaml
from apigate.openapi.export_shared import Extensions, local_refs, model_schemas, security


def test_extensions_parameter() -> None:
    assert Extensions.parse(None) == Extensions()
    assert Extensions.parse("'apigateway'").integration  # the AWS CLI's documented quoting
    both = Extensions.parse("integrations, authorizers")
    assert (both.integration, both.authorizer, both.apigateway) == (True, True, False)
    assert Extensions.parse("postman, unknown") == Extensions(postman=True)


def test_integration_leaves_aws_defaults_out() -> None:
    source = {
        "type": "HTTP_PROXY",
        "httpMethod": "ANY",
        "uri": "http://h/{p}",
        "connectionType": "INTERNET",
        "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000,
        "cacheNamespace": "res1",
        "cacheKeyParameters": [],
        "requestParameters": {},
    }
    assert ext.integration(source, "res1") == {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": "http://h/{p}",
        "passthroughBehavior": "when_no_match",
    }


def test_integration_keeps_what_differs() -> None:
    source = {
        "type": "HTTP",
        "httpMethod": "GET",
        "uri": "http://h",
        "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.link}",
        "credentials": "arn:aws:iam::1:role/r",
        "passthroughBehavior": "NEVER",
        "timeoutInMillis": 500,
        "cacheNamespace": "shared",
        "cacheKeyParameters": ["method.request.path.id"],
        "contentHandling": "CONVERT_TO_TEXT",
        "tlsConfig": {"insecureSkipVerification": True},
    }
    out = ext.integration(source, "res1")
    assert out["connectionType"] == "VPC_LINK" and out["connectionId"] == "${stageVariables.link}"
    assert (out["passthroughBehavior"], out["timeoutInMillis"], out["cacheNamespace"]) == (
        "never",
        500,
        "shared",
    )
    assert out["cacheKeyParameters"] == ["method.request.path.id"]
    assert out["tlsConfig"] == {"insecureSkipVerification": True}


def test_integration_responses_are_keyed_by_selection_pattern() -> None:
    responses = {
        "200": {"statusCode": "200", "responseTemplates": {"application/json": "ok"}},
        "400": {"statusCode": "400", "selectionPattern": "4\\d{2}", "contentHandling": "CONVERT_TO_TEXT"},
        "500": {"statusCode": "500", "selectionPattern": ""},  # also the default: the first keeps it
    }
    assert ext.integration_responses(responses) == {
        "default": {"statusCode": "200", "responseTemplates": {"application/json": "ok"}},
        "4\\d{2}": {"statusCode": "400", "contentHandling": "CONVERT_TO_TEXT"},
    }


def test_policy_arns_of_the_api_become_shorthand() -> None:
    stored = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Resource": [
                        "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/pets",
                        "arn:aws:execute-api:us-east-1:000000000000:other/*",
                    ],
                },
                {"Effect": "Deny", "Resource": "arn:aws:execute-api:us-east-1:000000000000:abc123"},
            ]
        }
    ).replace('"', '\\"')
    statements = ext.policy(stored, "abc123")["Statement"]  # type: ignore[index]
    assert statements[0]["Resource"] == [
        "execute-api:/*/GET/pets",
        "arn:aws:execute-api:us-east-1:000000000000:other/*",
    ]
    assert statements[1]["Resource"] == "execute-api:/*"


def test_authorizer_schemes() -> None:
    request = {
        "name": "r",
        "type": "REQUEST",
        "identitySource": "method.request.header.A, context.b",
        "authorizerUri": "u",
        "authorizerResultTtlInSeconds": 0,
    }
    assert ext.security_scheme(request, with_extensions=True) == {
        "type": "apiKey",
        "name": "Unused",
        "in": "header",
        f"{ext.AUTHTYPE}": "custom",
        f"{ext.AUTHORIZER}": {
            "type": "request",
            "authorizerUri": "u",
            "identitySource": "method.request.header.A, context.b",
            "authorizerResultTtlInSeconds": 0,
        },
    }
    cognito = {
        "name": "c",
        "type": "COGNITO_USER_POOLS",
        "authType": "oauth2",
        "providerARNs": ["arn:p"],
        "identitySource": "method.request.header.Authorization",
    }
    scheme = ext.security_scheme(cognito, with_extensions=True)
    assert (scheme["name"], scheme[ext.AUTHTYPE]) == ("Authorization", "oauth2")
    assert ext.security_scheme(cognito, with_extensions=False) == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
    }


def test_security_requirements() -> None:
    authorizers = {"a1": {"id": "a1", "name": "pool"}}
    method = {
        "authorizationType": "COGNITO_USER_POOLS",
        "authorizerId": "a1",
        "authorizationScopes": ["s"],
        "apiKeyRequired": True,
    }
    assert security(method, authorizers) == [{"pool": ["s"]}, {"api_key": []}]
    assert security({"authorizationType": "AWS_IAM"}, authorizers) == [{"sigv4": []}]
    assert security({"authorizationType": "NONE"}, authorizers) == []


def test_model_refs_become_local_and_schema_goes() -> None:
    models = [
        {
            "name": "Pet",
            "schema": json.dumps(
                {
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "type": "object",
                    "properties": {
                        "kind": {"$ref": "https://apigateway.amazonaws.com/restapis/abc/models/Kind"},
                        "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                    },
                }
            ),
        }
    ]
    assert model_schemas(models, "#/components/schemas/") == {
        "Pet": {
            "type": "object",
            "properties": {
                "kind": {"$ref": "#/components/schemas/Kind"},
                "tags": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/Tag"},
                },  # not a model URL: as written
            },
        }
    }
    assert local_refs([{"$ref": "http://x/restapis/i/models/M"}], "#/d/") == [{"$ref": "#/d/M"}]


def test_api_level_extensions_leave_defaults_out() -> None:
    snapshot = {
        "restApi": {
            "id": "a",
            "apiKeySource": "HEADER",
            "endpointConfiguration": {"types": ["EDGE"]},
            "disableExecuteApiEndpoint": False,
        }
    }
    assert ext.api_extensions(snapshot, None, []) == {}
    snapshot["restApi"].update(disableExecuteApiEndpoint=True, minimumCompressionSize=0)
    snapshot["restApi"]["endpointConfiguration"]["vpcEndpointIds"] = ["vpce-1"]
    assert ext.api_extensions(snapshot, "v1", [{"location": {"type": "API"}, "properties": '{"a": 1}'}]) == {
        ext.MINIMUM_COMPRESSION_SIZE: 0,
        ext.ENDPOINT_CONFIGURATION: {"vpcEndpointIds": ["vpce-1"], "disableExecuteApiEndpoint": True},
        ext.DOCUMENTATION: {
            "version": "v1",
            "documentationParts": [{"location": {"type": "API"}, "properties": {"a": 1}}],
        },
    }


def test_rendering() -> None:
    doc = {
        "openapi": "3.0.1",
        "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "x": "line 1\nline 2 ünïcode",
    }
    assert json.loads(render(doc, as_yaml=False)) == doc
    text = render(doc, as_yaml=True).decode()
    assert text.startswith("openapi: 3.0.1\n") and "'200':" in text
    shared = {"type": "string"}
    assert "&" not in render({"a": shared, "b": shared}, as_yaml=True).decode()  # no anchors
    assert (wants_yaml("application/yaml"), wants_yaml("application/json"), wants_yaml(None)) == (
        True,
        False,
        False,
    )
    assert file_name("oas30", "1.0", as_yaml=True) == "oas30_1.0.yaml"
