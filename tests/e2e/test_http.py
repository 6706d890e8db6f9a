"""HTTP (non-proxy) integrations against a real backend: request/response templates, parameter
mapping (method.request.* → integration.request.*, static values, stage variables), integration
responses selected by the backend's status code, stage variables in the integration URI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.backend import Backend
from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import URL_FORMS, Gateway, UrlForm

REQUEST_TEMPLATE = (
    '{"petId": "$input.params(\'petId\')", "color": "$stageVariables.color", '
    '"stage": "$context.stage", "note": $input.json(\'$.note\')}'
)
# The backend echoes what it received; the response template reshapes that echo.
RESPONSE_TEMPLATE = """#set($echo = $input.path('$'))
{"backendMethod": "$echo.method", "backendPath": "$echo.path", "query": "$echo.query_string",
 "sent": $echo.body}"""


@pytest.fixture
def mapped_api(apigw: Any, backend: Backend) -> Api:
    api = create_api(apigw, "http-e2e")
    api.http(
        "/pets/{petId}", "POST", type="HTTP", uri=f"{backend.url}/echo/{{id}}", integration_method="PUT",
        method_kwargs={"requestParameters": {
            "method.request.path.petId": True,
            "method.request.querystring.search": False,
            "method.request.header.X-Client": False,
        }},
        requestParameters={
            "integration.request.path.id": "method.request.path.petId",
            "integration.request.querystring.q": "method.request.querystring.search",
            "integration.request.header.X-From-Client": "method.request.header.X-Client",
            "integration.request.header.X-Static": "'static-value'",
            "integration.request.header.X-Color": "stageVariables.color",
        },
        requestTemplates={"application/json": REQUEST_TEMPLATE},
        responses=[{"statusCode": "200", "responseTemplates": {"application/json": RESPONSE_TEMPLATE}}],
    )
    api.deploy("prod", variables={"color": "blue"})
    return api


@pytest.mark.parametrize("form", URL_FORMS)
def test_request_and_response_mapping(gateway: Gateway, backend: Backend, mapped_api: Api,
                                      form: UrlForm) -> None:
    resp = invoke(
        gateway, mapped_api.id, "prod", "pets/17?search=fluffy&ignored=1", method="POST", form=form,
        headers={"Content-Type": "application/json", "X-Client": "client-7", "X-Not-Mapped": "x"},
        body='{"note": "hello"}',
    )
    assert resp.status == 200, resp
    assert resp.json() == {
        "backendMethod": "PUT",
        "backendPath": "/echo/17",
        "query": "q=fluffy",
        "sent": {"petId": "17", "color": "blue", "stage": "prod", "note": "hello"},
    }
    seen = backend.last()
    assert seen["headers"]["x-from-client"] == "client-7"
    assert seen["headers"]["x-static"] == "static-value"
    assert seen["headers"]["x-color"] == "blue"
    # Non-proxy HTTP integrations send only mapped headers (plus AWS's own).
    assert "x-not-mapped" not in seen["headers"]
    # recorded: test_apigateway_header_remapping_http[HTTP] "no-param-integration" request headers.
    assert seen["headers"]["user-agent"] == f"AmazonAPIGateway_{mapped_api.id}"
    assert seen["headers"]["accept"] == "application/json"
    assert seen["headers"]["x-amzn-apigateway-api-id"] == mapped_api.id


@pytest.fixture
def status_api(apigw: Any, backend: Backend) -> Api:
    api = create_api(apigw, "http-status")
    api.http(
        "/status/{code}", "GET", type="HTTP", uri=f"{backend.url}/status/{{code}}",
        method_kwargs={"requestParameters": {"method.request.path.code": True}},
        requestParameters={"integration.request.path.code": "method.request.path.code"},
        responses=[
            {"statusCode": "200"},  # default: no selectionPattern, body passed through
            {
                "statusCode": "400", "selectionPattern": "4\\d{2}",
                "responseTemplates": {
                    "application/json": '{"kind": "client", "backend": $input.json(\'$.status\')}'
                },
                "responseParameters": {
                    "method.response.header.X-Backend": "integration.response.header.X-Backend-Status"
                },
            },
            {
                "statusCode": "502", "selectionPattern": "5\\d{2}",
                "responseTemplates": {"application/json": '{"kind": "server"}'},
            },
        ],
    )
    api.deploy("prod")
    return api


def test_integration_response_selected_by_status_regex(gateway: Gateway, status_api: Api) -> None:
    client = invoke(gateway, status_api.id, "prod", "status/404")
    assert client.status == 400, client
    assert client.json() == {"kind": "client", "backend": 404}
    assert client.header("X-Backend") == "404"

    server = invoke(gateway, status_api.id, "prod", "status/503")
    assert (server.status, server.json()) == (502, {"kind": "server"}), server


def test_unmatched_backend_status_uses_the_default_response(gateway: Gateway, status_api: Api) -> None:
    # AWS: a non-proxy HTTP integration whose status matches no selectionPattern answers with the
    # default integration response (200 here), body passed through (recorded:
    # test_http_integration_invoke_status_code_passthrough[HTTP] → "non-matching-response" is 200).
    resp = invoke(gateway, status_api.id, "prod", "status/201")
    assert resp.status == 200, resp
    assert resp.json() == {"status": 201, "message": "backend answered 201"}


@pytest.fixture
def stage_var_api(apigw: Any, backend: Backend) -> Api:
    api = create_api(apigw, "http-stage-vars")
    api.http(
        "/flavour", "GET", type="HTTP", integration_method="POST",
        uri="http://${stageVariables.backendHost}/echo/${stageVariables.flavour}",
        requestTemplates={"application/json": '{"flavour": "$stageVariables.flavour"}'},
        responses=[{"statusCode": "200"}],
    )
    deployment = api.deploy("one", variables={"backendHost": backend.host, "flavour": "vanilla"})
    api.client.create_stage(restApiId=api.id, stageName="two", deploymentId=deployment,
                            variables={"backendHost": backend.host, "flavour": "chocolate"})
    return api


def test_stage_variables_in_uri_and_templates(gateway: Gateway, stage_var_api: Api) -> None:
    one = invoke(gateway, stage_var_api.id, "one", "flavour").json()
    two = invoke(gateway, stage_var_api.id, "two", "flavour").json()
    assert (one["path"], json.loads(one["body"])) == ("/echo/vanilla", {"flavour": "vanilla"})
    assert (two["path"], json.loads(two["body"])) == ("/echo/chocolate", {"flavour": "chocolate"})


def test_stage_variables_are_live_without_redeploying(gateway: Gateway, apigw: Any,
                                                      stage_var_api: Api) -> None:
    apigw.update_stage(restApiId=stage_var_api.id, stageName="one", patchOperations=[
        {"op": "replace", "path": "/variables/flavour", "value": "mint"},
    ])
    after = invoke(gateway, stage_var_api.id, "one", "flavour").json()
    assert after["path"] == "/echo/mint"
    assert json.loads(after["body"]) == {"flavour": "mint"}
