"""ASGI scope -> MethodRequest: header names as the client cased them, framing headers dropped."""

from __future__ import annotations

from apigate.dataplane.ingress import encode_headers, method_request, request_headers


def test_header_names_keep_their_case_and_framing_headers_go() -> None:
    raw = [
        (b"Host", b"abc.execute-api.localhost"), (b"X-Mixed", b"1"), (b"Content-Length", b"12"),
        (b"CONNECTION", b"keep-alive"), (b"x-mixed", b"2"), (b"Transfer-Encoding", b"chunked"),
    ]
    for _ in range(2):  # the second time from the remembered names
        headers, host, length = request_headers(raw, "1.1")
        assert headers.items == [("Host", "abc.execute-api.localhost"), ("X-Mixed", "1"), ("x-mixed", "2")]
        assert host == "abc.execute-api.localhost"
        assert length == -1  # Transfer-Encoding: the body must be read to be known


def test_declared_length_and_http2() -> None:
    assert request_headers([(b"content-length", b"12")], "1.1")[2] == 12
    assert request_headers([(b"content-length", b"x")], "1.1")[2] == -1
    assert request_headers([], "1.1")[2] == 0
    assert request_headers([], "2")[2] == -1  # HTTP/2: a body may come without Content-Length


def test_method_request_from_a_scope() -> None:
    headers, host, _ = request_headers([(b"host", b"h")], "1.1")
    scope = {"method": "get", "query_string": b"a=1&a=2&b=", "client": ("10.0.0.1", 1)}
    request = method_request(scope, "/p%20q", headers, host, "1.1")
    assert (request.http_method, request.path, request.raw_path) == ("GET", "/p q", "/p%20q")
    assert request.query == [("a", "1"), ("a", "2"), ("b", "")]
    assert (request.source_ip, request.protocol, request.domain_name) == ("10.0.0.1", "HTTP/1.1", "h")
    assert method_request({}, "/", headers, None, "2").protocol == "HTTP/2"


def test_encode_headers_falls_back_to_utf8() -> None:
    assert encode_headers([("A", "b")]) == [(b"A", b"b")]
    assert encode_headers([("A", "\u20ac")]) == [(b"A", "\u20ac".encode())]


def test_targets_are_remembered_per_host_and_path() -> None:
    from apigate.dataplane.ingress import TargetCache

    cache = TargetCache()
    for _ in range(2):
        assert cache.target("/dev/pets/1", "abc.execute-api.localhost:4566") == ("abc", "dev", "/pets/1")
        assert cache.target("/dev/pets/1", "other.example") is None
        assert cache.target("/restapis/abc/dev/_user_request_/x", None) == ("abc", "dev", "/x")
    for i in range(TargetCache.MAX + 5):
        cache.target(f"/dev/{i}", "abc.execute-api.localhost")
    assert len(cache._memo) <= TargetCache.MAX
