"""Export, then re-import: the API that comes back behaves the same and looks the same.

For every document of ``tests/fixtures/openapi``: import it (boto3, real gateway), deploy, call every
route; then export the stage with ``extensions=apigateway`` in each form (oas30 / swagger, JSON /
YAML), import the export as a new API (no warnings allowed), deploy it with the same stage
variables and call every route again. Statuses, bodies and headers must be the same once the API
ids and request ids are masked, and so must the management view (resources and methods with their
integrations, models, validators, authorizers, gateway responses, documentation), normalised by
``test_roundtrip_view.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from tests.e2e.backend import Backend, binary_payload
from tests.e2e.builders import invoke
from tests.e2e.harness import Gateway, HttpResponse
from tests.e2e.test_lambda import create, lambda_client
from tests.e2e.test_lambda_integrations import permit
from tests.e2e.test_openapi_import import ECHO, document
from tests.e2e.test_openapi_import import FIXTURES as FIXTURE_DIR
from tests.e2e.test_roundtrip_view import differences, management_view

STAGE = "live"
EXPORTS = [
    ("oas30", "application/json"),
    ("swagger", "application/yaml"),
    ("oas30", "application/yaml"),
    ("swagger", "application/json"),
]
JSON = {"Content-Type": "application/json"}
# Headers that differ between any two answers (or are the transport's, not the API's).
VOLATILE_HEADERS = {
    "date",
    "x-amzn-requestid",
    "x-amz-apigw-id",
    "x-amzn-trace-id",
    "connection",
    "content-length",
    "server",
    "x-amzn-remapped-date",
}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TRACE = re.compile(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}")


class Call(NamedTuple):
    method: str
    path: str
    headers: dict[str, str] = {}
    body: bytes | str | None = None


def _petstore() -> list[Call]:
    return [
        Call("GET", "/", {"Accept": "text/html"}),
        Call("GET", "/pets?type=dog&page=2&ignored=1"),
        Call("POST", "/pets", JSON, '{"type": "cat", "price": 12.5}'),
        Call("OPTIONS", "/pets"),
        Call("GET", "/pets/42"),
        Call("OPTIONS", "/pets/42"),
    ]


def _proxy_any() -> list[Call]:
    calls = [Call("PATCH", "/", {}, "x"), Call("GET", "/health"), Call("GET", "/nothing/here")]
    return calls + [
        Call(verb, "/a/b/c?q=1", {"X-Trace": "t-1"}) for verb in ("GET", "POST", "PUT", "DELETE", "HEAD")
    ]


def _orders() -> list[Call]:
    order = '{"customer": {"name": "Ada"}, "items": [{"sku": "x", "quantity": 1}]}'
    return [
        Call("POST", "/orders", JSON, order),
        Call("POST", "/orders", JSON, '{"customer": {}}'),  # fails the model: 400 BAD_REQUEST_BODY
        Call("GET", "/orders?limit=5&status=open"),
        Call("GET", "/orders"),  # no limit: 400 BAD_REQUEST_PARAMETERS
        Call("GET", "/orders/o-17", {"X-Customer": "Ada"}),
        Call("GET", "/orders/o-17"),
    ]


def _binary() -> list[Call]:
    png = binary_payload(300)
    return [
        Call("GET", "/files?size=512", {"Accept": "application/octet-stream"}),
        Call("PUT", "/images/cat.png", {"Content-Type": "image/png"}, png),
        Call(
            "POST",
            "/encoded",
            {"Content-Type": "application/octet-stream", "Accept": "application/json"},
            png,
        ),
    ]


def _gateway_responses() -> list[Call]:
    return [Call("GET", "/ok"), Call("GET", "/no/such/route"), Call("GET", "/broken")]


def _lambda_proxy() -> list[Call]:
    return [
        Call("GET", "/hello?name=ada"),
        Call("DELETE", "/items/a/b"),
        Call("POST", "/items/x", JSON, "{}"),
    ]


def _large() -> list[Call]:
    spec = json.loads(document("large.openapi.json"))
    return [
        Call(verb.upper(), path.replace("{id}", "x7"), JSON, "{}" if verb in ("post", "put") else None)
        for path, item in spec["paths"].items()
        for verb in item
        if verb != "parameters"
    ]


class Fixture(NamedTuple):
    calls: Callable[[], list[Call]]
    backend: bool = False  # HTTP integrations: the ``backend`` stage variable names the real backend
    function: bool = False  # AWS_PROXY to the ``fn`` stage variable's function


FIXTURES = {
    "petstore.swagger.json": Fixture(_petstore, backend=True),
    "proxy-any.openapi.json": Fixture(_proxy_any, backend=True),
    "orders-validated.openapi.yaml": Fixture(_orders),
    "binary.openapi.json": Fixture(_binary, backend=True),
    "gateway-responses.swagger.yaml": Fixture(_gateway_responses),
    "lambda-proxy.openapi.yaml": Fixture(_lambda_proxy, function=True),
    "large.openapi.json": Fixture(_large, backend=True),  # 240 operations
}


def test_every_fixture_has_a_round_trip() -> None:
    names = {p.name for p in FIXTURE_DIR.iterdir() if p.suffix in (".json", ".yaml")}
    assert names == set(FIXTURES)


# --- helpers -----------------------------------------------------------------------------------


def masked(text: str, api_id: str) -> str:
    return _TRACE.sub("<trace>", _UUID.sub("<uuid>", text.replace(api_id, "<api>")))


def answer(resp: HttpResponse, api_id: str) -> tuple[int, list[tuple[str, str]], str]:
    """A response with what may differ between two equal APIs masked."""
    headers = sorted(
        (k.lower(), masked(v, api_id)) for k, v in resp.headers if k.lower() not in VOLATILE_HEADERS
    )
    body = resp.body.decode("latin-1")
    return resp.status, headers, masked(body, api_id)


def call_all(gateway: Gateway, api_id: str, calls: list[Call]) -> list[Any]:
    answers = []
    for c in calls:
        resp = invoke(
            gateway, api_id, STAGE, c.path.lstrip("/"), method=c.method, headers=c.headers, body=c.body
        )
        answers.append((c.method, c.path, *answer(resp, api_id)))
    return answers


def exported(apigw: Any, api_id: str, export_type: str, accepts: str) -> bytes:
    result = apigw.get_export(
        restApiId=api_id,
        stageName=STAGE,
        exportType=export_type,
        accepts=accepts,
        parameters={"extensions": "apigateway"},
    )
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    return bytes(result["body"].read())


def deploy(apigw: Any, body: bytes, variables: dict[str, str], lam: Any | None) -> str:
    api = apigw.import_rest_api(body=body, failOnWarnings=True)
    assert "warnings" not in api, api["warnings"]
    if lam is not None:
        permit(lam, "roundtrip-echo", api["id"], sid=f"apigateway-{api['id']}")
    apigw.create_deployment(restApiId=api["id"], stageName=STAGE, variables=variables)
    return str(api["id"])


def swagger_view(view: dict[str, Any]) -> dict[str, Any]:
    """What Swagger 2.0 cannot say, taken out of a view: whether a response header is required (its
    header object has no ``required``; AWS's own Swagger export loses it too)."""
    out = json.loads(json.dumps(view))
    for methods in out["resources"].values():
        for method in methods.values():
            for response in (method.get("methodResponses") or {}).values():
                parameters = response.get("responseParameters") or {}
                response["responseParameters"] = dict.fromkeys(parameters, False)
    return out


# --- the round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FIXTURES))
def test_round_trip(gateway: Gateway, apigw: Any, backend: Backend, name: str) -> None:
    fixture = FIXTURES[name]
    variables = {"backend": backend.host} if fixture.backend else {}
    lam = None
    if fixture.function:
        lam = lambda_client(gateway)
        create(lam, "roundtrip-echo", ECHO)
        variables["fn"] = "roundtrip-echo"
    calls = fixture.calls()
    original = deploy(apigw, document(name), variables, lam)
    expected_answers = call_all(gateway, original, calls)
    expected_view = management_view(apigw, original)
    for export_type, accepts in EXPORTS:
        copy = deploy(apigw, exported(apigw, original, export_type, accepts), variables, lam)
        form = f"{export_type} as {accepts}"
        view, expected = management_view(apigw, copy), expected_view
        if export_type == "swagger":
            view, expected = swagger_view(view), swagger_view(expected_view)
        assert view == expected, f"{form}:\n" + "\n".join(differences(expected, view))
        answers = call_all(gateway, copy, calls)
        assert answers == expected_answers, f"{form}:\n" + "\n".join(differences(expected_answers, answers))
    # Its own export written over the original (PutRestApi overwrite) changes nothing either.
    body = exported(apigw, original, "oas30", "application/json")
    apigw.put_rest_api(restApiId=original, mode="overwrite", body=body, failOnWarnings=True)
    view = management_view(apigw, original)
    assert view == expected_view, "overwrite:\n" + "\n".join(differences(expected_view, view))


def test_round_trip_with_the_aws_cli(gateway: Gateway, apigw: Any, aws_cli: Any, tmp_path: Any) -> None:
    """``aws apigateway get-export … FILE`` then ``import-rest-api --body fileb://FILE``, as the AWS
    documentation shows it (the parameter quoted as ``extensions='apigateway'``)."""
    original = deploy(apigw, document("gateway-responses.swagger.yaml"), {}, None)
    out = tmp_path / "exported.yaml"
    result = aws_cli(
        "apigateway",
        "get-export",
        "--rest-api-id",
        original,
        "--stage-name",
        STAGE,
        "--export-type",
        "swagger",
        "--parameters",
        "extensions='apigateway'",
        "--accepts",
        "application/yaml",
        str(out),
    )
    assert result["contentDisposition"].endswith('.yaml"')
    assert out.read_text().startswith("swagger: '2.0'\n")
    copy = aws_cli("apigateway", "import-rest-api", "--fail-on-warnings", "--body", f"fileb://{out}")
    assert management_view(apigw, copy["id"]) == management_view(apigw, original)
