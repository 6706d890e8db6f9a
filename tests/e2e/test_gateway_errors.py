"""Gateway-generated errors on the data plane: routing misses (403 Missing Authentication Token),
integration timeouts (504), unreachable backends, and the request ids every answer carries."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.backend import Backend
from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import URL_FORMS, Gateway, HttpResponse, UrlForm, free_port
from tests.support.recorded import needs_recorded, recorded

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MISSING_TOKEN = {"message": "Missing Authentication Token"}


@pytest.fixture
def api(apigw: Any, backend: Backend) -> Api:
    api = create_api(apigw, "errors-e2e")
    api.mock("/exists", "GET", responses=[{
        "statusCode": "200", "responseTemplates": {"application/json": '{"message": "exists"}'},
    }])
    api.http("/slow", "GET", type="HTTP_PROXY", uri=f"{backend.url}/slow", timeoutInMillis=50)
    api.http("/slow-mapped", "GET", type="HTTP", uri=f"{backend.url}/slow", timeoutInMillis=50,
             requestParameters={"integration.request.querystring.ms": "'3000'"},
             responses=[{"statusCode": "200"}])
    api.http("/down", "GET", type="HTTP_PROXY", uri=f"http://127.0.0.1:{free_port()}/nothing-listens")
    api.deploy("test")
    return api


def assert_missing_token(resp: HttpResponse) -> None:
    assert resp.status == 403, resp
    assert resp.json() == MISSING_TOKEN
    assert resp.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"


@pytest.mark.parametrize("form", URL_FORMS)
def test_unknown_path_method_and_stage(gateway: Gateway, api: Api, form: UrlForm) -> None:
    assert invoke(gateway, api.id, "test", "exists", form=form).status == 200
    assert_missing_token(invoke(gateway, api.id, "test", "does/not/exist", form=form))
    assert_missing_token(invoke(gateway, api.id, "test", "exists", method="POST", form=form, body="{}"))
    assert_missing_token(invoke(gateway, api.id, "nostage", "exists", form=form))


@needs_recorded
def test_routing_not_found_parity(gateway: Gateway, api: Api) -> None:
    expected = recorded("test_apigateway_common", "test_routing_not_found")
    ok = invoke(gateway, api.id, "test", "exists")
    missing = invoke(gateway, api.id, "test", "nope")
    wrong = invoke(gateway, api.id, "test", "exists", method="DELETE")
    assert ok.json()["message"] == expected["working-route"]["message"]
    for resp, key in ((missing, "not-found"), (wrong, "wrong-method")):
        assert {"content": resp.json(), "errorType": resp.header("x-amzn-ErrorType")} == expected[key]


@pytest.mark.parametrize("path", ["slow?ms=3000", "slow-mapped"])
def test_integration_timeout(gateway: Gateway, api: Api, path: str) -> None:
    resp = invoke(gateway, api.id, "test", path)
    assert resp.status == 504, resp
    assert resp.json() == {"message": "Endpoint request timed out"}
    assert resp.header("x-amzn-ErrorType") == "InternalServerErrorException"


def test_unreachable_backend(gateway: Gateway, api: Api) -> None:
    resp = invoke(gateway, api.id, "test", "down")
    # AWS logs an unreachable endpoint as "Execution failed due to configuration error" and answers
    # 500 Internal server error (AWS knowledge center, "API Gateway 500 error with VPC link").
    assert resp.status == 500, resp
    assert resp.json() == {"message": "Internal server error"}
    assert resp.header("x-amzn-ErrorType") == "InternalServerErrorException"
    # ... and the gateway keeps serving.
    assert invoke(gateway, api.id, "test", "exists").status == 200


def test_every_answer_has_a_request_id(gateway: Gateway, api: Api) -> None:
    answers = [
        invoke(gateway, api.id, "test", "exists"),
        invoke(gateway, api.id, "test", "slow?ms=0"),  # a proxied answer of the backend
        invoke(gateway, api.id, "test", "nope"),
        invoke(gateway, api.id, "nostage", "exists"),
        invoke(gateway, api.id, "test", "slow?ms=3000"),
        invoke(gateway, api.id, "test", "down"),
        invoke(gateway, api.id, "test", "exists", form="host"),
    ]
    assert answers[1].status == 200, answers[1]
    ids = [resp.header("x-amzn-RequestId") or "" for resp in answers]
    assert all(UUID_RE.match(i) for i in ids), answers
    assert len(set(ids)) == len(ids)


def test_every_answer_has_an_extended_request_id(gateway: Gateway, api: Api) -> None:
    # AWS also sends x-amz-apigw-id (16 characters ending in "=") on successes and errors alike.
    for resp in (invoke(gateway, api.id, "test", "exists"), invoke(gateway, api.id, "test", "nope")):
        value = resp.header("x-amz-apigw-id") or ""
        assert len(value) == 16 and value.endswith("="), resp
