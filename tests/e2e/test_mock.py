"""MOCK integrations end to end: request template → status, integration responses by selectionPattern,
response templates and response parameters, through both invoke URL forms."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import URL_FORMS, Gateway, UrlForm, http_request
from tests.support.recorded import needs_recorded, recorded

# The request template picks the integration "status" from the query string, as MOCK integrations
# do: API Gateway reads `statusCode` from the rendered request template.
STATUS_FROM_QUERY = '{"statusCode": $input.params(\'code\')}'


@pytest.fixture
def mock_api(apigw: Any) -> Api:
    api = create_api(apigw, "mock-e2e")
    api.mock(
        "/items/{id}", "GET",
        request_template=STATUS_FROM_QUERY,
        method_kwargs={"requestParameters": {"method.request.path.id": True}},
        responses=[
            {   # the default response: no selectionPattern
                "statusCode": "200",
                "responseTemplates": {
                    "application/json": '{"id": "$input.params(\'id\')", "stage": "$context.stage", '
                                        '"method": "$context.httpMethod", "path": "$context.resourcePath"}'
                },
                "responseParameters": {"method.response.header.X-Static": "'static-value'"},
            },
            {
                "statusCode": "404", "selectionPattern": "4\\d{2}",
                "responseTemplates": {"application/json": '{"error": "not found: $input.params(\'id\')"}'},
            },
            {
                "statusCode": "500", "selectionPattern": "5\\d{2}",
                "responseTemplates": {"application/json": '{"error": "server"}'},
            },
        ],
    )
    api.deploy("test")
    return api


@pytest.mark.parametrize("form", URL_FORMS)
def test_default_integration_response(gateway: Gateway, mock_api: Api, form: UrlForm) -> None:
    resp = invoke(gateway, mock_api.id, "test", "items/42?code=200", form=form)
    assert resp.status == 200, resp
    assert resp.json() == {"id": "42", "stage": "test", "method": "GET", "path": "/items/{id}"}
    assert resp.header("X-Static") == "static-value"
    assert resp.header("Content-Type", "").startswith("application/json")


@pytest.mark.parametrize("form", URL_FORMS)
def test_selection_pattern_picks_the_integration_response(gateway: Gateway, mock_api: Api,
                                                          form: UrlForm) -> None:
    not_found = invoke(gateway, mock_api.id, "test", "items/7?code=404", form=form)
    assert not_found.status == 404, not_found
    assert not_found.json() == {"error": "not found: 7"}
    assert not_found.header("X-Static") is None

    server = invoke(gateway, mock_api.id, "test", "items/7?code=503", form=form)
    assert server.status == 500, server
    assert server.json() == {"error": "server"}


@pytest.mark.parametrize("suffix", ["localhost", "us-east-1.amazonaws.com", "eu-west-1.localhost.example"])
def test_any_execute_api_host_works(gateway: Gateway, mock_api: Api, suffix: str) -> None:
    url = gateway.execute_url(mock_api.id, "test", "items/5?code=200", form="path")
    host = f"{mock_api.id}.execute-api.{suffix}:{gateway.port}"
    resp = http_request("GET", f"{gateway.url}/test/items/5?code=200", headers={"Host": host})
    assert resp.status == 200, resp
    assert resp.json()["id"] == "5"
    assert http_request("GET", url).json() == resp.json()


def test_unmatched_status_falls_back_to_the_default_response(gateway: Gateway, mock_api: Api) -> None:
    # 302 matches neither 4xx nor 5xx: the response without selectionPattern is used.
    resp = invoke(gateway, mock_api.id, "test", "items/9?code=302")
    assert resp.status == 200, resp
    assert resp.json()["id"] == "9"


def test_request_template_sees_the_body(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "mock-body")
    api.mock(
        "/echo", "POST",
        request_template='{"statusCode": $input.json(\'$.wanted\')}',
        responses=[
            {"statusCode": "200", "responseTemplates": {"application/json": '{"ok": true}'}},
            {"statusCode": "400", "selectionPattern": "400",
             "responseTemplates": {"application/json": '{"ok": false}'}},
        ],
    )
    api.deploy("v1")
    good = invoke(gateway, api.id, "v1", "echo", method="POST", body='{"wanted": 200}',
                  headers={"Content-Type": "application/json"})
    bad = invoke(gateway, api.id, "v1", "echo", method="POST", body='{"wanted": 400}',
                 headers={"Content-Type": "application/json"})
    assert (good.status, good.json()) == (200, {"ok": True}), good
    assert (bad.status, bad.json()) == (400, {"ok": False}), bad


@needs_recorded
@pytest.mark.parametrize("form", URL_FORMS)
def test_mock_integration_parity(gateway: Gateway, apigw: Any, form: UrlForm) -> None:
    """AWS answered ``{"echo": "foobar", "response": "mocked"}`` to a MOCK method echoing a parameter."""
    api = create_api(apigw, "mock-parity")
    api.mock(
        "/", "GET",
        responses=[{
            "statusCode": "200",
            "responseTemplates": {
                "application/json": '{"echo": "$input.params(\'echo\')", "response": "mocked"}'
            },
        }],
    )
    api.deploy("dev")
    resp = invoke(gateway, api.id, "dev", "?echo=foobar", form=form)
    assert resp.status == 200, resp
    assert resp.json() == recorded("test_apigateway_basic", "test_api_gateway_mock_integration",
                                   "mocked-response")


@needs_recorded
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_mock_response_parity(gateway: Gateway, apigw: Any, method: str) -> None:
    """AWS answered ``{"id": 42, "statusCode": 200}`` for a MOCK method on ``/{id}`` called with 42."""
    api = create_api(apigw, "mock-parity-2")
    api.mock(
        "/{id}", method,
        responses=[{
            "statusCode": "200",
            "responseTemplates": {
                "application/json": '{"statusCode": 200, "id": $input.params().path.id}'
            },
        }],
    )
    api.deploy("dev")
    expected = recorded("test_apigateway_basic",
                        f"test_mock_integration_response[WHEN_NO_MATCH-UrlType.PATH_BASED-{method}]",
                        "mock-response")
    for form in URL_FORMS:
        resp = invoke(gateway, api.id, "dev", "42", method=method, form=form,
                      headers={"Content-Type": "application/json"}, body="{}" if method == "POST" else None)
        assert resp.status == 200, resp
        assert resp.json() == expected
