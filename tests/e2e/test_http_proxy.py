"""HTTP_PROXY on ``/{proxy+}`` with ANY: method, path, query, headers and body go to the backend
untouched; status, headers (with AWS's ``x-amzn-Remapped-*`` renaming) and body come back."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.e2e.backend import BACKEND_SERVER, FIXED_DATE, Backend, binary_payload
from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import URL_FORMS, Gateway, UrlForm


@pytest.fixture
def proxy_api(apigw: Any, backend: Backend) -> Api:
    # binaryMediaTypes: AWS passes a binary response through only for media types declared binary.
    api = create_api(apigw, "proxy-e2e", binaryMediaTypes=["application/octet-stream"])
    api.http(
        "/{proxy+}", "ANY", type="HTTP_PROXY", uri=f"{backend.url}/{{proxy}}", integration_method="ANY",
        method_kwargs={"requestParameters": {"method.request.path.proxy": True}},
        requestParameters={"integration.request.path.proxy": "method.request.path.proxy"},
    )
    api.deploy("live")
    return api


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("form", URL_FORMS)
def test_request_is_forwarded(gateway: Gateway, proxy_api: Api, method: str, form: UrlForm) -> None:
    body = None if method in ("GET", "DELETE") else f'{{"verb": "{method}"}}'
    resp = invoke(
        gateway, proxy_api.id, "live", "echo/a/b?x=1&x=2&y=z", method=method, form=form, body=body,
        headers={"X-Custom": "custom-1", "Content-Type": "application/json"},
    )
    assert resp.status == 200, resp
    echo = resp.json()
    assert echo["method"] == method
    assert echo["path"] == "/echo/a/b"
    assert echo["query"] == [["x", "1"], ["x", "2"], ["y", "z"]]
    assert echo["headers"]["x-custom"] == "custom-1"
    assert echo["headers"]["x-amzn-apigateway-api-id"] == proxy_api.id
    assert echo["body"] == (body or "")


def test_encoded_path_and_query(gateway: Gateway, proxy_api: Api) -> None:
    echo = invoke(gateway, proxy_api.id, "live", "echo/a%20b/c?plus=1%2B1&space=%20x").json()
    assert echo["path"] == "/echo/a b/c"
    assert echo["query"] == [["plus", "1+1"], ["space", " x"]]


def test_repeated_request_headers_are_joined(gateway: Gateway, proxy_api: Api) -> None:
    echo = invoke(gateway, proxy_api.id, "live", "echo",
                  headers=[("X-Multi", "a"), ("X-Multi", "b")]).json()
    assert echo["headers"]["x-multi"].replace(" ", "") == "a,b"


def test_large_body_is_forwarded_intact(gateway: Gateway, proxy_api: Api) -> None:
    payload = ("0123456789abcdef" * 65536).encode()  # 1 MiB
    resp = invoke(gateway, proxy_api.id, "live", "echo/big", method="POST", body=payload,
                  headers={"Content-Type": "text/plain"})
    assert resp.status == 200, resp
    assert base64.b64decode(resp.json()["body_base64"]) == payload


@pytest.mark.parametrize("code", [201, 400, 404, 418, 500, 503])
def test_backend_status_and_headers_pass_through(gateway: Gateway, proxy_api: Api, code: int) -> None:
    # recorded: test_http_integration_invoke_status_code_passthrough[HTTP_PROXY] keeps the 400.
    resp = invoke(gateway, proxy_api.id, "live", f"status/{code}")
    assert resp.status == code, resp
    assert resp.header("X-Backend-Status") == str(code)
    assert resp.json() == {"status": code, "message": f"backend answered {code}"}
    # A backend error is the backend's answer, not a gateway error.
    assert resp.header("x-amzn-ErrorType") is None


def test_backend_headers_are_remapped(gateway: Gateway, proxy_api: Api) -> None:
    resp = invoke(gateway, proxy_api.id, "live", "headers?h=X-Extra:extra-value")
    assert resp.status == 200, resp
    assert resp.header("X-Custom-Header") == "custom-value"
    assert resp.header("X-Extra") == "extra-value"
    assert [v.strip() for value in resp.header_values("X-Multi") for v in value.split(",")] == ["one", "two"]
    # AWS renames the backend's Server, Date and Content-Length and sends its own.
    assert resp.header("x-amzn-Remapped-Server") == BACKEND_SERVER
    assert resp.header("x-amzn-Remapped-Date") == FIXED_DATE
    assert resp.header("x-amzn-Remapped-Content-Length") is not None
    assert resp.header("Server") != BACKEND_SERVER
    assert resp.header("Date") not in (None, FIXED_DATE)


def test_binary_response(gateway: Gateway, proxy_api: Api) -> None:
    resp = invoke(gateway, proxy_api.id, "live", "binary?size=4096",
                  headers={"Accept": "application/octet-stream"})
    assert resp.status == 200, resp
    assert resp.body == binary_payload(4096)


def test_binary_request(gateway: Gateway, proxy_api: Api) -> None:
    payload = binary_payload(2048)
    resp = invoke(gateway, proxy_api.id, "live", "echo/upload", method="POST", body=payload,
                  headers={"Content-Type": "application/octet-stream"})
    assert resp.status == 200, resp
    assert base64.b64decode(resp.json()["body_base64"]) == payload


def test_root_is_not_matched_by_a_greedy_proxy(gateway: Gateway, proxy_api: Api) -> None:
    # {proxy+} needs at least one segment: "/" has no method here, so AWS answers 403.
    resp = invoke(gateway, proxy_api.id, "live", "")
    assert resp.status == 403, resp
    assert resp.json() == {"message": "Missing Authentication Token"}
