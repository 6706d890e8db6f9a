"""The pooled upstream HTTP/1.1 client: the bytes it sends, and what it makes of what comes back.

Requests are compared byte for byte with what aiohttp's client (the gateway's previous client, with
the settings the gateway used) sends; responses are parsed from canned bytes written by a raw
socket server, split into small pieces to exercise the incremental parser.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from apigate.integrations import http_client
from apigate.integrations.http_client import encode_request


class RawServer:
    """A loopback server that records each request's bytes and answers with canned responses."""

    def __init__(self, responses: list[bytes], *, close_after: bool = False, chunk: int = 7) -> None:
        self.responses = responses
        self.requests: list[bytes] = []
        self.connections = 0
        self.close_after = close_after
        self.chunk = chunk
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    def url(self, path: str = "/x") -> URL:
        return URL(f"http://127.0.0.1:{self.port}{path}", encoded=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.responses:
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                response = self.responses.pop(0)
                for i in range(0, len(response), self.chunk):  # small writes: an incremental parse
                    writer.write(response[i:i + self.chunk])
                    await writer.drain()
                if self.close_after:
                    break
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head + (await reader.readexactly(length) if length else b"")


@pytest.fixture(autouse=True)
async def _fresh_pool() -> AsyncIterator[None]:
    await http_client.close()
    yield
    await http_client.close()


async def fetch(url: URL, method: str = "GET", headers: list[tuple[str, str]] | None = None,
                body: bytes | None = None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return await http_client.pool().request(method, url, headers or [], body)


# --- what is sent ---------------------------------------------------------------------------------

REQUESTS: list[tuple[str, str, list[tuple[str, str]], bytes | None]] = [
    ("GET", "/p%20q?a=1&b=%2F", [("X-A", "1"), ("User-Agent", "AmazonAPIGateway_x")], None),
    ("GET", "/x", [("host", "other.example"), ("X-B", "2")], None),
    ("GET", "/x", [("Host", "h1"), ("X", "y"), ("HOST", "h2")], None),
    ("POST", "/", [("Content-Type", "application/json")], b'{"a": 1}'),
    ("DELETE", "", [], b""),
    ("PUT", "/x", [("Content-Length", "1")], b"x"),
    ("PATCH", "/é", [("X-Multi", "1"), ("X-Multi", "2"), ("X-Tab", "a\tb")], b"\x00\xff"),
    ("OPTIONS", "/x", [("X-Unicode", "caf\u00e9")], None),
]


async def _aiohttp_sends(server: RawServer, method: str, url: URL, headers: list[tuple[str, str]],
                         body: bytes | None) -> bytes:
    session = aiohttp.ClientSession(
        auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
        skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
    )
    async with session, session.request(method, url, headers=headers, data=body, allow_redirects=False) as r:
        await r.read()
    return server.requests[-1]


@pytest.mark.parametrize(("method", "path", "headers", "body"), REQUESTS)
async def test_requests_are_the_bytes_aiohttp_sent(
    method: str, path: str, headers: list[tuple[str, str]], body: bytes | None
) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    async with RawServer([ok, ok]) as server:
        url = URL(f"http://127.0.0.1:{server.port}{path}")
        expected = await _aiohttp_sends(server, method, url, headers, body)
        await fetch(url, method, headers, body)
        assert server.requests[-1] == expected
        assert encode_request(method, url, headers, body) == expected


async def test_credentials_in_the_uri_become_basic_authorization() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    async with RawServer([ok, ok]) as server:
        url = URL(f"http://us%20er:p%3Aw@127.0.0.1:{server.port}/x")
        headers = [("X", "1")]
        expected = await _aiohttp_sends(server, "GET", url, headers, None)
        assert encode_request("GET", url, headers, None) == expected
        assert b"Authorization: Basic dXMgZXI6cDp3\r\n" in expected
    with pytest.raises(ValueError):  # and, as with aiohttp, not together with an Authorization header
        encode_request("GET", url, [("Authorization", "Bearer x")], None)


def test_host_names_the_port_only_when_it_is_not_the_default() -> None:
    assert encode_request("GET", URL("http://h.example/"), [], None).split(b"\r\n")[1] == b"Host: h.example"
    assert encode_request("GET", URL("https://h.example:8443/"), [], None).split(b"\r\n")[1] == (
        b"Host: h.example:8443")
    assert encode_request("GET", URL("http://[::1]:8080/"), [], None).split(b"\r\n")[1] == b"Host: [::1]:8080"


@pytest.mark.parametrize("value", ["a\r\nInjected: yes", "a\nb", "a\x00b", "a\x7fb"])
def test_control_characters_in_headers_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        encode_request("GET", URL("http://h/"), [("X", value)], None)
    with pytest.raises(ValueError):
        encode_request("GET", URL("http://h/"), [(value, "x")], None)


# --- what is read ---------------------------------------------------------------------------------

async def test_content_length_body_and_keep_alive() -> None:
    response = (b"HTTP/1.1 201 Created\r\nContent-Type:  text/plain \r\nX-Dup: 1\r\nx-dup: 2\r\n"
                b"Content-Length: 5\r\n\r\nhello")
    async with RawServer([response, response], chunk=3) as server:
        first = await fetch(server.url())
        second = await fetch(server.url())
    assert first == second == (201, [(b"Content-Type", b"text/plain"), (b"X-Dup", b"1"), (b"x-dup", b"2"),
                                     (b"Content-Length", b"5")], b"hello")
    assert server.connections == 1  # reused


async def test_chunked_body_with_extensions_and_trailers() -> None:
    response = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5;ext=1\r\nhello\r\n1A\r\n" + b"a" * 26 + b"\r\n0\r\nX-Trailer: t\r\n\r\n")
    async with RawServer([response, response], chunk=1) as server:
        status, headers, body = await fetch(server.url())
        assert (status, body) == (200, b"hello" + b"a" * 26)
        assert headers == [(b"Transfer-Encoding", b"chunked")]
        await fetch(server.url())
    assert server.connections == 1


async def test_a_body_without_length_lasts_until_the_connection_closes() -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
    async with RawServer([response], close_after=True) as server:
        assert (await fetch(server.url()))[2] == b"all of it"
    async with RawServer([response, response], close_after=True) as server:
        await fetch(server.url())
        await fetch(server.url())
        assert server.connections == 2


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304)])
async def test_no_body_for_head_204_and_304(method: str, status: int) -> None:
    response = f"HTTP/1.1 {status} X\r\nContent-Length: 10\r\n\r\n".encode()
    async with RawServer([response, response]) as server:
        assert await fetch(server.url(), method) == (status, [(b"Content-Length", b"10")], b"")
        await fetch(server.url(), method)
    assert server.connections == 1


async def test_interim_responses_are_skipped() -> None:
    response = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    async with RawServer([response]) as server:
        assert await fetch(server.url()) == (200, [(b"Content-Length", b"2")], b"ok")


@pytest.mark.parametrize("head", [
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
])
async def test_connections_the_server_closes_are_not_reused(head: bytes) -> None:
    async with RawServer([head], close_after=True) as first, RawServer([head]) as _:
        await fetch(first.url())
        pool = http_client.pool()
        assert not any(pool._idle.values())


async def test_http_1_0_keep_alive_is_reused() -> None:
    response = b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"
    async with RawServer([response, response]) as server:
        await fetch(server.url())
        await fetch(server.url())
    assert server.connections == 1


@pytest.mark.parametrize("response", [
    b"HTTP/2 200\r\n\r\n",
    b"garbage\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    # both framings: ambiguous, a request-smuggling vector (RFC 9112 6.3), refused by llhttp
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
])
async def test_malformed_or_truncated_responses_fail(response: bytes) -> None:
    async with RawServer([response], close_after=True) as server:
        with pytest.raises(http_client.UpstreamError):
            await fetch(server.url(), "POST", body=b"")


async def test_a_connection_closed_while_idle_is_replaced_for_idempotent_methods() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    async with RawServer([ok], close_after=True) as server:
        await fetch(server.url())
        # The pooled connection is about to be closed by the server: make the client believe it is
        # still open, as it would during the race between the server's close and the next request.
        pool = http_client.pool()
        await asyncio.sleep(0.05)
        for idle in pool._idle.values():
            for connection in idle:
                connection.closed = False
        server.responses.append(ok)
        assert (await fetch(server.url()))[2] == b"ok"
        assert server.connections == 2


async def test_post_is_not_retried_after_a_lost_connection() -> None:
    async with RawServer([b""], close_after=True) as server:
        with pytest.raises(http_client.UpstreamError, match="Server disconnected"):
            await fetch(server.url(), "POST", body=b"x")
        assert len(server.requests) == 1


async def test_large_bodies_arrive_whole() -> None:
    payload = bytes(range(256)) * 8192  # 2 MB
    response = f"HTTP/1.1 200 OK\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload
    async with RawServer([response], chunk=65536) as server:
        assert (await fetch(server.url(), "POST", body=payload))[2] == payload
        assert server.requests[0].endswith(payload)


# --- connecting, limits, cancellation -------------------------------------------------------------

async def test_connection_failures_are_typed(unused_tcp_port: int) -> None:
    with pytest.raises(http_client.ConnectFailed):
        await fetch(URL(f"http://127.0.0.1:{unused_tcp_port}/"))
    with pytest.raises(http_client.NameNotResolved):
        await fetch(URL("http://no-such-host.invalid/"))


async def test_a_cancelled_request_does_not_leave_its_connection_in_the_pool() -> None:
    partial = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npart"
    async with RawServer([partial, partial]) as server:  # the second keeps the connection open
        task = asyncio.ensure_future(fetch(server.url()))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not any(http_client.pool()._idle.values())
        assert http_client.pool()._in_flight == 0


async def test_requests_beyond_the_pool_size_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_client, "POOL_SIZE", 2)
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    async with RawServer([ok] * 6) as server:
        results = await asyncio.gather(*(fetch(server.url()) for _ in range(6)))
    assert [status for status, _, _ in results] == [200] * 6
    assert server.connections <= 2


async def test_idle_connections_expire_and_close_closes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    monkeypatch.setattr(http_client, "KEEPALIVE_SECONDS", 0.05)
    async with RawServer([ok, ok]) as server:
        await fetch(server.url())
        await asyncio.sleep(0.15)
        assert not http_client.pool()._idle  # swept
        await fetch(server.url())
        assert server.connections == 2
        pool = http_client.pool()
        await http_client.close()
        assert pool.closed and not pool._idle
        await http_client.close()  # harmless twice


# --- TLS ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


async def test_tls_with_and_without_verification(certificate: tuple[Path, Path]) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            await _read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    url = URL(f"https://127.0.0.1:{port}/")
    try:
        assert (await http_client.pool().request("GET", url, [], None, verify=False))[2] == b"secret"
        with pytest.raises(http_client.TlsFailed):
            await http_client.pool().request("GET", url, [], None, verify=True)
    finally:
        server.close()
