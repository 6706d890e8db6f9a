"""Every document of ``tests/fixtures/openapi`` imported with boto3 into the real gateway, deployed,
and every one of its routes called over HTTP: MOCKs answer their templates, HTTP and HTTP_PROXY
integrations reach the real backend (its host comes from the ``backend`` stage variable, as the
documents say ``http://${stageVariables.backend}/...``), AWS_PROXY reaches a real function.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.backend import Backend, binary_payload
from tests.e2e.builders import invoke
from tests.e2e.harness import Gateway, HttpResponse
from tests.e2e.test_lambda import create, lambda_client
from tests.e2e.test_lambda_integrations import permit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openapi"
STAGE = "live"


def document(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def imported(apigw: Any, name: str, backend: Backend | None = None, **params: Any) -> str:
    """Import ``name`` (no warnings allowed) and deploy it to ``STAGE``; the API id."""
    api = apigw.import_rest_api(body=document(name), failOnWarnings=True, **params)
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert "warnings" not in api
    variables = {"backend": backend.host} if backend is not None else {}
    apigw.create_deployment(restApiId=api["id"], stageName=STAGE, variables=variables)
    return str(api["id"])


def call(gateway: Gateway, api_id: str, path: str, method: str = "GET", **kwargs: Any) -> HttpResponse:
    return invoke(gateway, api_id, STAGE, path.lstrip("/"), method=method, **kwargs)


def test_petstore(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    api_id = imported(apigw, "petstore.swagger.json", backend)

    home = call(gateway, api_id, "/", headers={"Accept": "text/html"})
    assert home.status == 200, home
    assert home.header("Content-Type") == "text/html"
    assert f"stage {STAGE}" in home.text

    listed = call(gateway, api_id, "/pets?type=dog&page=2&ignored=1")
    assert listed.status == 200, listed
    assert listed.header("Access-Control-Allow-Origin") == "*"
    seen = listed.json()
    assert (seen["method"], seen["path"]) == ("GET", "/echo/pets")
    assert sorted(seen["query"]) == [["page", "2"], ["type", "dog"]]

    created = call(gateway, api_id, "/pets", "POST", headers={"Content-Type": "application/json"},
                   body='{"type": "cat", "price": 12.5}')
    assert created.status == 200, created
    sent = created.json()
    assert (sent["method"], json.loads(sent["body"])) == ("POST", {"type": "cat", "price": 12.5})

    one = call(gateway, api_id, "/pets/42")
    assert one.status == 200 and one.json()["path"] == "/echo/pets/42", one

    for path, methods in (("/pets", "GET,POST,OPTIONS"), ("/pets/42", "GET,OPTIONS")):
        preflight = call(gateway, api_id, path, "OPTIONS")
        assert preflight.status == 200, preflight
        assert preflight.header("Access-Control-Allow-Methods") == methods


def test_greedy_proxy_and_any(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    api_id = imported(apigw, "proxy-any.openapi.json", backend)
    root = call(gateway, api_id, "/", "PATCH", body="x")
    assert root.status == 200, root
    assert (root.json()["method"], root.json()["path"]) == ("PATCH", "/echo/root")
    for verb in ("GET", "POST", "PUT", "DELETE", "HEAD"):
        resp = call(gateway, api_id, "/a/b/c?q=1", verb, headers={"X-Trace": "t-1"})
        assert resp.status == 200, (verb, resp)
        if verb != "HEAD":
            seen = resp.json()
            assert (seen["method"], seen["path"], seen["query_string"]) == (verb, "/echo/a/b/c", "q=1")
            assert seen["headers"]["x-forwarded-trace"] == "t-1"
    health = call(gateway, api_id, "/health")
    assert health.status == 200 and health.json() == {"status": "ok", "stage": STAGE}, health


@pytest.mark.parametrize(("mode", "prefix"), [("ignore", ""), ("prepend", "/v1"), ("split", "")])
def test_base_path_modes(gateway: Gateway, apigw: Any, backend: Backend, mode: str, prefix: str) -> None:
    """The document's base path is the server's ``basePath`` variable, ``/v1``."""
    api_id = imported(apigw, "proxy-any.openapi.json", backend, parameters={"basepath": mode})
    health = call(gateway, api_id, f"{prefix}/health")
    assert health.status == 200 and health.json()["status"] == "ok", health
    greedy = call(gateway, api_id, f"{prefix}/any/thing")
    assert greedy.status == 200 and greedy.json()["path"] == "/echo/any/thing", greedy
    if prefix:  # nothing is left outside the base path
        assert call(gateway, api_id, "/health").status == 403


def test_orders_with_models_and_validators(gateway: Gateway, apigw: Any) -> None:
    api_id = imported(apigw, "orders-validated.openapi.yaml")
    validators = {v["name"]: v for v in apigw.get_request_validators(restApiId=api_id)["items"]}
    assert set(validators) == {"all", "params-only"}

    created = call(gateway, api_id, "/orders", "POST", headers={"Content-Type": "application/json"},
                   body=json.dumps({"customer": {"name": "Ada"}, "items": [{"sku": "x", "quantity": 1}]}))
    assert created.status == 201, created
    assert created.json()["created"] is True

    listed = call(gateway, api_id, "/orders?limit=5&status=open")
    assert listed.status == 200 and listed.json() == {"limit": "5", "orders": []}, listed

    one = call(gateway, api_id, "/orders/o-17", headers={"X-Customer": "Ada"})
    assert one.status == 200 and one.json() == {"orderId": "o-17", "customer": "Ada"}, one
    assert one.header("X-Request-Id")


def test_binary_media_types(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    api_id = imported(apigw, "binary.openapi.json", backend)
    assert apigw.get_rest_api(restApiId=api_id)["binaryMediaTypes"] == ["application/octet-stream", "image/*"]

    files = call(gateway, api_id, "/files?size=512", headers={"Accept": "application/octet-stream"})
    assert files.status == 200, files
    assert files.body == binary_payload(512)

    png = binary_payload(300)
    put = call(gateway, api_id, "/images/cat.png", "PUT", headers={"Content-Type": "image/png"}, body=png)
    assert put.status == 200, put
    assert (put.json()["path"], base64.b64decode(put.json()["body_base64"])) == ("/echo/images/cat.png", png)

    encoded = call(gateway, api_id, "/encoded", "POST", body=png,
                   headers={"Content-Type": "application/octet-stream", "Accept": "application/json"})
    assert encoded.status == 200 and encoded.json() == {"converted": True}, encoded


def test_gateway_responses(gateway: Gateway, apigw: Any) -> None:
    api_id = imported(apigw, "gateway-responses.swagger.yaml")
    ok = call(gateway, api_id, "/ok")
    assert ok.status == 200 and ok.json() == {"ok": True}, ok

    missing = call(gateway, api_id, "/no/such/route")
    assert missing.status == 404, missing
    assert missing.header("X-Error-Kind") == "missing-route"
    assert missing.header("Access-Control-Allow-Origin") is None  # its own response, not DEFAULT_4XX's
    assert missing.json()["error"] == "no route"

    broken = call(gateway, api_id, "/broken")
    assert broken.status == 503, broken
    assert broken.header("Retry-After") == "30"
    assert broken.json()["error"] == "unavailable"


ECHO = (
    "import json\n"
    "def handler(event, context):\n"
    "    seen = {k: event[k] for k in ('httpMethod', 'resource', 'path', 'pathParameters',\n"
    "                                  'queryStringParameters', 'stageVariables')}\n"
    "    return {'statusCode': 200, 'body': json.dumps(seen)}\n"
)


def test_lambda_proxy_with_a_stage_variable(gateway: Gateway, apigw: Any) -> None:
    lam = lambda_client(gateway)
    create(lam, "imported-echo", ECHO)
    api = apigw.import_rest_api(body=document("lambda-proxy.openapi.yaml"), failOnWarnings=True)
    api_id = api["id"]
    assert api["version"] == "2024-01-15"
    assert f"{api_id}/*" in api["policy"]
    assert [a["name"] for a in apigw.get_authorizers(restApiId=api_id)["items"]] == ["tokens"]
    permit(lam, "imported-echo", api_id)
    apigw.create_deployment(restApiId=api_id, stageName=STAGE, variables={"fn": "imported-echo"})

    hello = call(gateway, api_id, "/hello?name=ada")
    assert hello.status == 200, hello
    seen = hello.json()
    assert (seen["httpMethod"], seen["resource"], seen["queryStringParameters"]) == (
        "GET", "/hello", {"name": "ada"})
    assert seen["stageVariables"] == {"fn": "imported-echo"}

    item = call(gateway, api_id, "/items/a/b", "DELETE")
    assert item.status == 200, item
    assert (item.json()["resource"], item.json()["pathParameters"]) == ("/items/{proxy+}", {"proxy": "a/b"})


def test_large_document_every_route(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    api_id = imported(apigw, "large.openapi.json", backend)
    spec = json.loads(document("large.openapi.json"))
    calls = 0
    for path, item in spec["paths"].items():
        for verb in (v for v in item if v != "parameters"):
            concrete = path.replace("{id}", "x7")
            resp = call(gateway, api_id, concrete, verb.upper(), headers={"Content-Type": "application/json"},
                        body="{}" if verb in ("post", "put") else None)
            integration = item[verb]["x-amazon-apigateway-integration"]
            if integration["type"] == "http":
                assert resp.status == 200 and resp.json()["path"] == f"/echo{path}", resp
            else:
                expected = {"route": f"{verb.upper()} {path}"} | ({"id": "x7"} if "{id}" in path else {})
                assert resp.json() == expected, (verb, path, resp)
            calls += 1
    assert calls == 240


def test_put_rest_api_on_a_deployed_api(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    """Overwrite replaces what the next deployment serves; the stage, its variables and the earlier
    deployment stay (a rollback serves the old document again); merge adds to the definition."""
    api_id = imported(apigw, "petstore.swagger.json", backend)
    first = apigw.get_stage(restApiId=api_id, stageName=STAGE)["deploymentId"]
    put = apigw.put_rest_api(restApiId=api_id, mode="overwrite", body=document("proxy-any.openapi.json"))
    assert (put["id"], put["name"]) == (api_id, "Greedy proxy")
    assert call(gateway, api_id, "/health").status == 403  # not deployed yet: the pet store still serves
    apigw.create_deployment(restApiId=api_id, stageName=STAGE)
    assert call(gateway, api_id, "/health").json()["status"] == "ok"
    assert call(gateway, api_id, "/pets").json()["path"] == "/echo/pets"  # now the greedy proxy's

    apigw.put_rest_api(restApiId=api_id, mode="merge", body=document("gateway-responses.swagger.yaml"))
    apigw.create_deployment(restApiId=api_id, stageName=STAGE)
    assert call(gateway, api_id, "/ok").json() == {"ok": True}
    assert call(gateway, api_id, "/health").json()["status"] == "ok"

    apigw.update_stage(restApiId=api_id, stageName=STAGE,
                       patchOperations=[{"op": "replace", "path": "/deploymentId", "value": first}])
    assert "Pet Store" in call(gateway, api_id, "/", headers={"Accept": "text/html"}).text


def test_stage_variables_in_an_imported_uri(gateway: Gateway, apigw: Any, backend: Backend) -> None:
    """Recorded (test_import_with_stage_variables): an HTTP_PROXY URI made of stage variables calls
    what the stage names; on a stage without them the call fails with AWS's 500."""
    uri = "http://${stageVariables.TestHost}/${stageVariables.testPath}?${stageVariables.querystring}"
    doc = {"openapi": "3.0.1", "info": {"title": "example", "version": "1.0"}, "paths": {"/path1": {"get": {
        "responses": {"200": {"description": "OK"}},
        "x-amazon-apigateway-integration": {"type": "HTTP_PROXY", "httpMethod": "POST", "uri": uri,
                                            "payloadFormatVersion": "1.0"},
    }}}}
    api_id = apigw.import_rest_api(body=json.dumps(doc), failOnWarnings=True)["id"]
    deployment = apigw.create_deployment(restApiId=api_id)["id"]
    apigw.create_stage(restApiId=api_id, stageName="v1", deploymentId=deployment, variables={
        "TestHost": backend.host, "testPath": "test-path", "querystring": "qs_key=qs_value"})
    apigw.create_stage(restApiId=api_id, stageName="v2", deploymentId=deployment)

    ok = invoke(gateway, api_id, "v1", "path1")
    assert ok.status == 200, ok
    seen = ok.json()
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/test-path", [["qs_key", "qs_value"]])
    failed = invoke(gateway, api_id, "v2", "path1")
    assert (failed.status, failed.json()) == (500, {"message": "Internal server error"}), failed
