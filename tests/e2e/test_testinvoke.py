"""TestInvokeMethod through boto3, compared with AWS's recorded answers (execution log included)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.builders import Api, create_api
from tests.support.recorded import assert_parity, needs_recorded, recorded

pytestmark = needs_recorded

_TIMESTAMP = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} :", re.M)
_REQUEST_ID = re.compile(r"<request-id-\d+>|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def log_lines(log: str) -> dict[str, str]:
    """An execution log as the recordings keep it: ``lineNN`` keys, timestamps and ids masked."""
    masked = _REQUEST_ID.sub("<request-id>", _TIMESTAMP.sub("DDD MMM dd hh:mm:ss UTC yyyy :", log))
    return {f"line{i:02d}": line for i, line in enumerate(masked.split("\n"))}


def shaped(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "body": json.loads(response["body"]), "latency": "<latency>",
            "log": log_lines(response["log"])}


def recorded_shaped(key: str) -> dict[str, Any]:
    doc = recorded("test_apigateway_api", "test_invoke_test_method", key)
    if "log" in doc:
        doc = {**doc, "log": {k: _REQUEST_ID.sub("<request-id>", v) for k, v in doc["log"].items()}}
    return doc  # type: ignore[no-any-return]


@pytest.fixture
def pets_api(apigw: Any) -> Api:
    api = create_api(apigw, "test-invoke")
    pets_template = '{"pets": "all the pets"}'
    pet_template = '{"petId": "$input.params(\'petId\')"}'
    api.mock("/pets", "GET", responses=[{"statusCode": "200",
                                         "responseTemplates": {"application/json": pets_template}}])
    for verb in ("GET", "POST"):
        api.mock("/pets/{petId}", verb, responses=[{"statusCode": "200",
                                                    "responseTemplates": {"application/json": pet_template}}])
    return api


@pytest.mark.parametrize(
    ("key", "path", "verb", "extra"),
    [
        ("test-invoke-method-get-pets", "/pets", "GET", {}),
        ("test-invoke-method-get-pets-bad-path", "/pets", "GET", {"pathWithQueryString": "/random/test"}),
        ("test-invoke-method-get-pets-id", "/pets/{petId}", "GET", {"pathWithQueryString": "/pets/123"}),
        ("test-invoke-method-get-pets-id-no-path", "/pets/{petId}", "GET", {}),
        ("test-invoke-method-get-pets-id-bad-path", "/pets/{petId}", "GET",
         {"pathWithQueryString": "/random/test"}),
        ("test-invoke-method-get-with-qs", "/pets/{petId}", "GET",
         {"pathWithQueryString": "/pets/123?foo=bar"}),
        ("test-invoke-method-post-with-body", "/pets/{petId}", "POST",
         {"pathWithQueryString": "/pets/123", "body": '{"foo": "bar"}'}),
    ],
)
def test_invoke_method_parity(apigw: Any, pets_api: Api, key: str, path: str, verb: str,
                              extra: dict[str, str]) -> None:
    ours = apigw.test_invoke_method(restApiId=pets_api.id, resourceId=pets_api.resource(path),
                                    httpMethod=verb, **extra)
    assert_parity(shaped(ours), recorded_shaped(key))


def test_invoke_missing_method(apigw: Any, pets_api: Api) -> None:
    with pytest.raises(ClientError) as excinfo:
        apigw.test_invoke_method(restApiId=pets_api.id, resourceId=pets_api.resource("/pets"),
                                 httpMethod="DELETE")
    assert_parity(excinfo.value.response, recorded_shaped("resource-method-not-found"))
