"""A round trip of an API built by hand with what the fixtures don't use: every authorizer type,
API keys, IAM, multi-value parameters, selection patterns, content handling, timeouts, cache keys,
credentials, TLS settings, a resource policy, documentation parts, HEAD and ANY.

Exported with ``extensions=apigateway`` in every form and re-imported, the copy must have the
management view of the original (and answer its MOCK routes the same way).
"""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.backend import Backend
from tests.e2e.builders import create_api
from tests.e2e.harness import Gateway
from tests.e2e.test_roundtrip import EXPORTS, STAGE, Call, call_all, deploy, exported, swagger_view
from tests.e2e.test_roundtrip_view import differences, management_view

REGION = "us-east-1"
ACCOUNT = "000000000000"
AUTHORIZER_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:auth/invocations"
)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/apigateway"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*/DELETE/items/*",
        },
    ],
}


def authorizers(apigw: Any, api_id: str) -> dict[str, str]:
    token = apigw.create_authorizer(
        restApiId=api_id,
        name="tok",
        type="TOKEN",
        authorizerUri=AUTHORIZER_URI,
        authorizerCredentials=ROLE,
        identitySource="method.request.header.X-Token",
        identityValidationExpression="^Bearer .+$",
        authorizerResultTtlInSeconds=60,
    )
    request = apigw.create_authorizer(
        restApiId=api_id,
        name="req",
        type="REQUEST",
        authorizerUri=AUTHORIZER_URI,
        identitySource="method.request.header.A, method.request.querystring.b",
        authorizerResultTtlInSeconds=0,
    )
    pool = apigw.create_authorizer(
        restApiId=api_id,
        name="pool",
        type="COGNITO_USER_POOLS",
        providerARNs=[f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_abc"],
        identitySource="method.request.header.Authorization",
    )
    return {"tok": token["id"], "req": request["id"], "pool": pool["id"]}


def build(apigw: Any) -> str:
    api = create_api(
        apigw,
        "kitchen",
        description="everything at once",
        version="3",
        binaryMediaTypes=["image/png"],
        minimumCompressionSize=0,
        apiKeySource="AUTHORIZER",
        policy=json.dumps(POLICY),
    )
    auth = authorizers(apigw, api.id)
    both = apigw.create_request_validator(
        restApiId=api.id, name="both", validateRequestBody=True, validateRequestParameters=True
    )["id"]
    apigw.create_request_validator(restApiId=api.id, name="unused", validateRequestBody=True)
    api.mock(
        "/items",
        "GET",
        method_kwargs={
            "authorizationType": "CUSTOM",
            "authorizerId": auth["tok"],
            "apiKeyRequired": True,
            "requestValidatorId": both,
            "operationName": "ListItems",
            "requestParameters": {"method.request.querystring.q": True, "method.request.header.X-H": False},
        },
        responses=[
            {
                "statusCode": "200",
                "responseParameters": {"method.response.header.X-A": "'a'"},
                "responseTemplates": {"application/json": '{"items": []}'},
            },
            {
                "statusCode": "404",
                "selectionPattern": ".*not found.*",
                "contentHandling": "CONVERT_TO_TEXT",
                "responseTemplates": {"application/json": '{"missing": true}'},
            },
        ],
    )
    apigw.update_method_response(
        restApiId=api.id,
        resourceId=api.resource("/items"),
        httpMethod="GET",
        statusCode="200",
        patchOperations=[
            {"op": "replace", "path": "/responseParameters/method.response.header.X-A", "value": "true"}
        ],
    )
    api.http(
        "/items",
        "POST",
        type="HTTP",
        uri="http://${stageVariables.backend}/echo/items",
        method_kwargs={
            "authorizationType": "COGNITO_USER_POOLS",
            "authorizerId": auth["pool"],
            "authorizationScopes": ["items/write"],
            "requestModels": {"application/json": "Error"},
            "requestParameters": {"method.request.header.X-Id": True},
        },
        timeoutInMillis=5000,
        cacheNamespace="items",
        cacheKeyParameters=["method.request.header.X-Id"],
        credentials=ROLE,
        contentHandling="CONVERT_TO_TEXT",
        passthroughBehavior="NEVER",
        requestParameters={"integration.request.header.X-Id": "method.request.header.X-Id"},
        tlsConfig={"insecureSkipVerification": True},
        responses=[{"statusCode": "201"}],
    )
    api.http(
        "/items/{id}",
        "DELETE",
        type="HTTP_PROXY",
        uri="http://${stageVariables.backend}/echo/{id}",
        method_kwargs={"authorizationType": "AWS_IAM", "requestParameters": {"method.request.path.id": True}},
        requestParameters={"integration.request.path.id": "method.request.path.id"},
    )
    # Path parameters declared: an import declares every path variable (AWS, recorded), so an
    # undeclared one would come back declared.
    api.mock(
        "/items/{id}",
        "HEAD",
        method_kwargs={
            "authorizationType": "CUSTOM",
            "authorizerId": auth["req"],
            "requestParameters": {"method.request.path.id": True},
        },
    )
    api.mock(
        "/{proxy+}",
        "ANY",
        method_kwargs={"requestParameters": {"method.request.path.proxy": True}},
        responses=[
            {"statusCode": "200", "responseTemplates": {"application/json": '{"any": "$context.httpMethod"}'}}
        ],
    )
    apigw.put_gateway_response(
        restApiId=api.id,
        responseType="DEFAULT_4XX",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        responseTemplates={"application/json": '{"error": $context.error.messageString}'},
    )
    apigw.put_gateway_response(
        restApiId=api.id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404"
    )
    apigw.create_documentation_part(
        restApiId=api.id, location={"type": "API"}, properties='{"description": "The kitchen"}'
    )
    apigw.create_documentation_part(
        restApiId=api.id,
        location={"type": "METHOD", "path": "/items", "method": "GET"},
        properties='{"summary": "List the items"}',
    )
    return api.id


def with_auth_types(view: dict[str, Any]) -> dict[str, Any]:
    """An authorizer without ``authType`` exports AWS's (``custom``, ``cognito_user_pools``) in
    ``x-amazon-apigateway-authtype``, which the import keeps: the copy names the type the original
    left implicit."""
    out = json.loads(json.dumps(view))
    for authorizer in out["authorizers"].values():
        authorizer.setdefault(
            "authType", "cognito_user_pools" if authorizer["type"] == "COGNITO_USER_POOLS" else "custom"
        )
    return out


def test_round_trip_of_an_api_built_by_hand(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    api_id = build(apigw)
    variables = {"backend": backend.host}
    apigw.create_deployment(restApiId=api_id, stageName=STAGE, variables=variables)
    calls = [Call("GET", "/anything/else"), Call("POST", "/x", {"Content-Type": "application/json"}, "{}")]
    expected_answers = call_all(gateway, api_id, calls)
    original = with_auth_types(management_view(apigw, api_id))
    for export_type, accepts in EXPORTS:
        copy = deploy(apigw, exported(apigw, api_id, export_type, accepts), variables, None)
        form = f"{export_type} as {accepts}"
        view, expected = management_view(apigw, copy), original
        if export_type == "swagger":
            view, expected = swagger_view(view), swagger_view(original)
        assert view == expected, f"{form}:\n" + "\n".join(differences(expected, view))
        answers = call_all(gateway, copy, calls)
        assert answers == expected_answers, f"{form}:\n" + "\n".join(differences(expected_answers, answers))


def test_multi_value_parameters_round_trip(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "multi", version="1")
    api.mock(
        "/tags",
        "GET",
        method_kwargs={
            "requestParameters": {
                "method.request.multivaluequerystring.tag": False,
                "method.request.multivalueheader.X-Tag": False,
            }
        },
    )
    api.deploy(STAGE)
    original = management_view(apigw, api.id)
    for export_type, accepts in EXPORTS:
        copy = deploy(apigw, exported(apigw, api.id, export_type, accepts), {}, None)
        view = management_view(apigw, copy)
        assert view == original, "\n".join(differences(original, view))
