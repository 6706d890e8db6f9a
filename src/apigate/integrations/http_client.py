"""The one pooled upstream HTTP client of the HTTP and HTTP_PROXY integrations.

A small HTTP/1.1 client over ``asyncio`` with httptools (llhttp) parsing responses (``h1.py``),
rather than aiohttp's ``ClientSession``, chosen by measurement: on this machine a bare ASGI proxy
under granian on one core made ~3,100 requests/s with aiohttp's client (~300 us of CPU a request,
nearly all of it interpreted Python in the client) and ~12,000 with this one (~75 us). It sends exactly
what aiohttp sent with the settings the gateway used (so backends see the same requests):

* ``Host`` first (``host[:port]``, replaced in place by a mapped Host header), then the request's
  headers in order, then ``Authorization: Basic`` for credentials in the URI, then
  ``Content-Length`` for a body (``GET``, ``HEAD`` and ``OPTIONS`` are sent without one);
* nothing else: no ``User-Agent``, ``Accept``, ``Accept-Encoding`` or ``Content-Type`` of its own,
  no cookie jar (cookies of one client never reach another client's backend), no proxy from the
  environment, no redirects followed (AWS returns a backend's 3xx as it is), no decompression (the
  backend's bytes and its ``Content-Encoding`` pass through);
* control characters in a header are refused (``ValueError``) rather than sent.

Connections are kept alive per (scheme, host, port, TLS verification) and reused, most recent
first; idle ones are closed after ``KEEPALIVE_SECONDS``. At most ``POOL_SIZE`` requests are in
flight, the others wait. A request that loses its connection before the response's header section
arrived is retried once on a new connection when its method is idempotent, as aiohttp did.
"""

from __future__ import annotations

import asyncio
import base64
import re
import socket
import ssl
from collections import deque
from typing import TYPE_CHECKING

from apigate.integrations.h1 import Connection, ProtocolError, RawHeaders

if TYPE_CHECKING:
    from yarl import URL

POOL_SIZE = 512  # simultaneous upstream requests (64+ concurrent requests with room to spare)
KEEPALIVE_SECONDS = 30.0
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_FORBIDDEN_HEADER_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # aiohttp's: no header injection

Key = tuple[str, str, int, bool]


class UpstreamError(Exception):
    """The endpoint could not be reached, or its answer could not be read."""


class NameNotResolved(UpstreamError):
    pass


class ConnectFailed(UpstreamError):
    pass


class TlsFailed(UpstreamError):
    pass


def encode_request(method: str, url: URL, headers: list[tuple[str, str]], body: bytes | None) -> bytes:
    """Request line, header section and body, as aiohttp wrote them (see the module doc)."""
    fields: list[tuple[str, str]] = [("Host", url.host_port_subcomponent or "")]
    has_length = False
    for name, value in headers:
        lname = name.lower()
        if lname == "host":
            fields[0] = (name, value)
        else:
            fields.append((name, value))
            has_length = has_length or lname == "content-length"
    if url.raw_user or url.raw_password:
        if any(name.lower() == "authorization" for name, _ in fields):
            raise ValueError("Cannot combine an Authorization header with credentials encoded in the URL")
        credentials = f"{url.user or ''}:{url.password or ''}".encode("latin-1")
        fields.append(("Authorization", "Basic " + base64.b64encode(credentials).decode("ascii")))
    if body is not None and not has_length:
        fields.append(("Content-Length", str(len(body))))
    request_line = f"{method} {url.raw_path_qs or '/'} HTTP/1.1"
    lines = [f"{name}: {value}" for name, value in fields]
    if _FORBIDDEN_HEADER_CHARS.search("".join([request_line, *lines])) is not None:
        raise ValueError("Forbidden control character detected in headers")
    encoded = "\r\n".join([request_line, *lines, "", ""]).encode("utf-8")
    return encoded + body if body else encoded


def _tls_context(verify: bool) -> ssl.SSLContext:
    found = _TLS_CONTEXTS.get(verify)
    if found is None:  # loads the system's certificates once (blocking, a few ms)
        if verify:
            found = ssl.create_default_context()
        else:  # tlsConfig.insecureSkipVerification
            found = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            found.check_hostname = False
            found.verify_mode = ssl.CERT_NONE
            found.options |= ssl.OP_NO_COMPRESSION
        found.set_alpn_protocols(["http/1.1"])
        _TLS_CONTEXTS[verify] = found
    return found


_TLS_CONTEXTS: dict[bool, ssl.SSLContext] = {}


class Pool:
    """The connections of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._idle: dict[Key, list[Connection]] = {}
        self._in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._sweeper: asyncio.TimerHandle | None = None
        self.closed = False

    async def request(
        self, method: str, url: URL, headers: list[tuple[str, str]], body: bytes | None, *,
        verify: bool = True,
    ) -> tuple[int, RawHeaders, bytes]:
        """(status, raw headers, body) of the endpoint's response; raises UpstreamError or ValueError."""
        data = encode_request(method, url, headers, body)
        key: Key = (url.scheme, url.raw_host or "", url.port or 0, verify)
        if self._in_flight >= POOL_SIZE:
            await self._wait_for_a_slot()
        self._in_flight += 1
        try:
            retry = method in IDEMPOTENT_METHODS
            while True:
                connection = self._reuse(key) or await self._connect(key)
                try:
                    result = await connection.exchange(data, head_only=method == "HEAD")
                except ProtocolError as exc:
                    if retry and exc.before_head:
                        retry = False  # once, on a new connection (RFC 9112 9.3.1)
                        continue
                    raise UpstreamError(str(exc)) from None
                except BaseException:  # cancelled (integration timeout, client gone): never reused
                    connection.close()
                    raise
                self._release(key, connection)
                return result
        finally:
            self._in_flight -= 1
            self._wake_one()

    async def _wait_for_a_slot(self) -> None:
        while self._in_flight >= POOL_SIZE:
            waiter = self.loop.create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if not waiter.cancelled():  # woken, then cancelled: the slot goes to the next one
                    self._wake_one()
                raise

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _reuse(self, key: Key) -> Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to be timed out
            if not connection.closed and self.loop.time() - connection.idle_since < KEEPALIVE_SECONDS:
                return connection
            connection.close(graceful=True)
        return None

    async def _connect(self, key: Key) -> Connection:
        scheme, host, port, verify = key
        tls = _tls_context(verify) if scheme == "https" else None
        try:
            _, connection = await self.loop.create_connection(
                Connection, host, port, ssl=tls, server_hostname=host if tls else None)
        except socket.gaierror as exc:
            raise NameNotResolved(str(exc)) from None
        except ssl.SSLError as exc:
            raise TlsFailed(str(exc)) from None
        except OSError as exc:
            raise ConnectFailed(exc.strerror or str(exc)) from None
        return connection

    def _release(self, key: Key, connection: Connection) -> None:
        if self.closed or not connection.reusable:
            connection.close(graceful=True)
            return
        connection.idle_since = self.loop.time()
        self._idle.setdefault(key, []).append(connection)
        if self._sweeper is None:
            self._sweeper = self.loop.call_later(KEEPALIVE_SECONDS, self._sweep)

    def _sweep(self) -> None:
        """Close connections idle for ``KEEPALIVE_SECONDS``; runs while any connection is idle."""
        self._sweeper = None
        deadline = self.loop.time() - KEEPALIVE_SECONDS
        for key, idle in list(self._idle.items()):
            kept = [c for c in idle if not c.closed and c.idle_since > deadline]
            for connection in idle:
                if connection not in kept:
                    connection.close(graceful=True)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]
        if self._idle:
            self._sweeper = self.loop.call_later(KEEPALIVE_SECONDS, self._sweep)

    def close(self) -> None:
        self.closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for idle in self._idle.values():
            for connection in idle:
                connection.close(graceful=True)
        self._idle.clear()


_pool: Pool | None = None


def pool() -> Pool:
    """The shared pool, created on first use in the running loop (again if that loop changed)."""
    global _pool
    loop = asyncio.get_running_loop()
    if _pool is None or _pool.closed or _pool.loop is not loop:
        _pool = Pool(loop)
    return _pool


async def close() -> None:
    """Close the pooled connections (the server calls this on shutdown); safe to call when none exist."""
    global _pool
    current, _pool = _pool, None
    if current is not None:
        current.close()
