"""Customised gateway responses (PutGatewayResponse through boto3) served by the real gateway after a
deployment: a specific type (MISSING_AUTHENTICATION_TOKEN) and a class default (DEFAULT_5XX)."""

from __future__ import annotations

from typing import Any

from tests.e2e.builders import create_api, invoke
from tests.e2e.harness import Gateway


def test_customised_gateway_responses_are_served(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "gateway-responses-e2e")
    api.mock("/exists", "GET", responses=[{
        "statusCode": "200", "responseTemplates": {"application/json": '{"message": "exists"}'},
    }])
    # A MOCK whose request template yields no status code: API_CONFIGURATION_ERROR, a 500.
    api.mock("/broken", "GET", request_template="not json")
    apigw.put_gateway_response(
        restApiId=api.id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
        responseParameters={
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.x-asked-for": "method.request.header.x-probe",
        },
        responseTemplates={
            "application/json": '{"missing": "$context.resourcePath", "stage": "$context.stage"}',
        },
    )
    apigw.put_gateway_response(
        restApiId=api.id, responseType="DEFAULT_5XX", statusCode="503",
        responseTemplates={"application/json": '{"oops": $context.error.messageString}'},
    )
    api.deploy("test")

    missing = invoke(gateway, api.id, "test", "nowhere", headers={"x-probe": "p1"})
    assert missing.status == 404, missing
    assert missing.json() == {"missing": "", "stage": "test"}
    assert missing.header("Access-Control-Allow-Origin") == "*"
    assert missing.header("x-asked-for") == "p1"
    assert missing.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"

    broken = invoke(gateway, api.id, "test", "broken")
    assert broken.status == 503, broken
    assert broken.json() == {"oops": "Internal server error"}

    assert invoke(gateway, api.id, "test", "exists").json() == {"message": "exists"}

    # Back to AWS's defaults once the customisations are deleted and the API redeployed.
    apigw.delete_gateway_response(restApiId=api.id, responseType="MISSING_AUTHENTICATION_TOKEN")
    apigw.delete_gateway_response(restApiId=api.id, responseType="DEFAULT_5XX")
    assert invoke(gateway, api.id, "test", "nowhere").status == 404  # still the deployed snapshot
    api.deploy("test")
    missing = invoke(gateway, api.id, "test", "nowhere")
    assert (missing.status, missing.json()) == (403, {"message": "Missing Authentication Token"})
    broken = invoke(gateway, api.id, "test", "broken")
    assert (broken.status, broken.json()) == (500, {"message": "Internal server error"})


def test_gateway_responses_listing_through_boto3(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "gateway-responses-list")
    apigw.update_gateway_response(
        restApiId=api.id, responseType="DEFAULT_4XX",
        patchOperations=[
            {"op": "add", "path": "/responseParameters/gatewayresponse.header.x-a", "value": "'b'"},
        ],
    )
    items = apigw.get_gateway_responses(restApiId=api.id)["items"]
    assert len(items) == 21
    by_type = {item["responseType"]: item for item in items}
    assert by_type["DEFAULT_4XX"]["defaultResponse"] is False
    # An uncustomised 4xx type shows the customised DEFAULT_4XX's parameters (as AWS lists them).
    assert by_type["THROTTLED"]["responseParameters"] == {"gatewayresponse.header.x-a": "'b'"}
    assert by_type["THROTTLED"]["defaultResponse"] is True
