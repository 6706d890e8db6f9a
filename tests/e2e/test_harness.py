"""The fixtures themselves: the backend answers what the e2e tests rely on, the launcher reports failures."""

from __future__ import annotations

import base64
import socket
import time

import pytest

from tests.e2e.backend import BACKEND_SERVER, FIXED_DATE, Backend, binary_payload
from tests.e2e.harness import GatewayStartError, free_port, http_request, start_gateway


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_echo_reports_raw_path_query_headers_and_body(backend: Backend) -> None:
    resp = http_request(
        "POST", f"{backend.url}/echo/a%2Fb/c?x=1&x=2&y=%20z",
        headers=[("X-One", "1"), ("X-One", "2"), ("Content-Type", "text/plain")], body="héllo",
    )
    assert resp.status == 200
    info = resp.json()
    assert info["method"] == "POST"
    assert info["raw_path"] == "/echo/a%2Fb/c"
    assert info["path"] == "/echo/a/b/c"
    assert info["query_string"] == "x=1&x=2&y=%20z"
    assert info["query"] == [["x", "1"], ["x", "2"], ["y", " z"]]
    assert info["headers"]["x-one"] == "1,2"
    assert ["X-One", "2"] in info["raw_headers"]
    assert info["body"] == "héllo"
    assert base64.b64decode(info["body_base64"]) == "héllo".encode()
    assert backend.last()["raw_path"] == "/echo/a%2Fb/c"


def test_any_unknown_path_echoes(backend: Backend) -> None:
    info = http_request("DELETE", f"{backend.url}/some/where").json()
    assert (info["method"], info["path"]) == ("DELETE", "/some/where")


def test_status_endpoint(backend: Backend) -> None:
    resp = http_request("GET", f"{backend.url}/status/418")
    assert resp.status == 418
    assert resp.header("X-Backend-Status") == "418"
    assert resp.json() == {"status": 418, "message": "backend answered 418"}


def test_slow_endpoint_sleeps(backend: Backend) -> None:
    started = time.monotonic()
    resp = http_request("GET", f"{backend.url}/slow?ms=200")
    assert time.monotonic() - started >= 0.19
    assert resp.json() == {"slept_ms": 200}


def test_headers_endpoint(backend: Backend) -> None:
    resp = http_request("GET", f"{backend.url}/headers?h=X-Extra:%20v1")
    assert resp.header("Server") == BACKEND_SERVER
    assert resp.header("Date") == FIXED_DATE
    assert resp.header("X-Custom-Header") == "custom-value"
    assert resp.header_values("X-Multi") == ["one", "two"]
    assert resp.header("X-Extra") == "v1"


def test_binary_endpoint(backend: Backend) -> None:
    resp = http_request("GET", f"{backend.url}/binary?size=300")
    assert resp.header("Content-Type") == "application/octet-stream"
    assert resp.body == binary_payload(300)
    assert resp.body[255:258] == b"\xff\x00\x01"


def test_host_form_urls_are_sent_to_loopback_with_the_host_header(backend: Backend) -> None:
    resp = http_request("GET", f"http://abc123.execute-api.localhost:{backend.port}/stage/x")
    info = resp.json()
    assert info["headers"]["host"] == f"abc123.execute-api.localhost:{backend.port}"
    assert info["path"] == "/stage/x"


def test_gateway_start_failure_reports_stderr() -> None:
    with pytest.raises(GatewayStartError) as excinfo:
        start_gateway("--region", "not-a-region", timeout=30)
    message = str(excinfo.value)
    assert "--- stderr ---" in message
    assert "exited with" in message
