"""Admin endpoints and the request ids every answer carries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.builders import create_api
from tests.e2e.harness import Gateway

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_health_answers(gateway: Gateway) -> None:
    resp = gateway.request("GET", "/_apigate/health")
    assert resp.status == 200, resp
    assert resp.body  # a small status document, not an empty page


def test_reset_empties_the_configuration(gateway: Gateway, apigw: Any) -> None:
    create_api(apigw, "to-be-reset")
    assert len(apigw.get_rest_apis()["items"]) == 1
    gateway.reset()
    assert apigw.get_rest_apis()["items"] == []


def test_management_answers_carry_a_request_id(gateway: Gateway, apigw: Any) -> None:
    ok = apigw.get_rest_apis()
    first = ok["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid", "")
    assert UUID_RE.match(first), ok["ResponseMetadata"]

    with pytest.raises(ClientError) as excinfo:
        apigw.get_rest_api(restApiId="doesnotexist")
    error_headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert UUID_RE.match(error_headers.get("x-amzn-requestid", "")), error_headers
    assert error_headers["x-amzn-requestid"] != first


def test_unknown_management_path_is_an_aws_shaped_error(gateway: Gateway) -> None:
    resp = gateway.request("GET", "/no/such/operation")
    assert 400 <= resp.status < 500, resp
    assert resp.header("x-amzn-ErrorType"), resp
    assert "message" in resp.json()
    assert UUID_RE.match(resp.header("x-amzn-RequestId") or ""), resp
