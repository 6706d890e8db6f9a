"""HTTP/1.1 on one upstream connection: an ``asyncio.Protocol`` that writes a request and reads the
response back through httptools (the Python binding of llhttp, Node.js's HTTP parser), for the
pooled client in ``http_client.py``.

The parser does the RFC 9112 work (status line, field syntax, Content-Length and chunked framing,
interim 1xx responses, keep-alive); this module adds what a gateway needs around it: one request in
flight per connection (no pipelining), no body for HEAD, a body delimited by the end of the
connection, a bound on the header section, and header names and values kept as received (values
without surrounding whitespace), like aiohttp's ``raw_headers`` which this replaces.
"""

from __future__ import annotations

import asyncio

import httptools

MAX_HEAD = 256 * 1024  # status line + header fields; aiohttp allowed 64 KB a line and 128 fields

RawHeaders = list[tuple[bytes, bytes]]


class ProtocolError(Exception):
    """The upstream answered something that is not HTTP/1.1, or hung up before answering.

    ``before_head`` says whether it happened before the response's header section was complete
    (a request may then be retried on a new connection, as aiohttp does for idempotent methods).
    """

    def __init__(self, message: str, *, before_head: bool) -> None:
        super().__init__(message)
        self.before_head = before_head


class Connection(asyncio.Protocol):
    """One keep-alive connection; ``exchange`` sends a request and resolves to the response."""

    __slots__ = (
        "_body", "_framed", "_head_bytes", "_head_done", "_head_only", "_headers", "_keep_alive",
        "_parser", "_status", "_waiter", "closed", "idle_since", "transport",
    )

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._waiter: asyncio.Future[tuple[int, RawHeaders, bytes]] | None = None
        self._parser: httptools.HttpResponseParser | None = None
        self._head_only = False
        self._head_done = False
        self._head_bytes = 0
        self._status = 0
        self._framed = False  # Content-Length or chunked: the end of the connection is not the end
        self._headers: RawHeaders = []
        self._body: list[bytes] = []
        self._keep_alive = False

    # -- asyncio.Protocol ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        parser = self._parser
        if self._waiter is None or parser is None:
            self.close()  # bytes nobody asked for: this connection cannot be trusted any more
            return
        if not self._head_done:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self._fail(ProtocolError("Response header section too large", before_head=True))
                return
        try:
            parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # 101: the connection now speaks something else
            self._keep_alive = False
            self._finish(b"")
        except httptools.HttpParserError as exc:
            self._fail(ProtocolError(f"Invalid response: {exc}", before_head=not self._head_done))

    def eof_received(self) -> bool:
        return False  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None or self._waiter.done():
            return
        if self._head_done and not self._framed:  # the end of the connection ends the body
            self._keep_alive = False
            self._finish(b"".join(self._body))
        else:
            self._fail(ProtocolError("Server disconnected", before_head=not self._head_done))

    # -- httptools callbacks ---------------------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        if self._head_done:
            return  # a trailer field of a chunked body: dropped, as aiohttp and AWS drop them
        self._headers.append((name, value.rstrip(b" \t")))

    def on_headers_complete(self) -> None:
        parser = self._parser
        assert parser is not None
        status = parser.get_status_code()
        if 100 <= status < 200 and status != 101:
            return  # interim (100 Continue, 103 Early Hints): dropped in on_message_complete
        self._head_done = True
        self._status = status
        for name, value in self._headers:
            lname = name.lower()
            if lname == b"content-length" or (lname == b"transfer-encoding" and b"chunked" in value.lower()):
                self._framed = True
        if self._head_only:  # the parser cannot be told a response has no body: answer now
            self._keep_alive = parser.should_keep_alive()
            self._parser = None  # a new exchange gets a new parser
            self._finish(b"")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        parser = self._parser
        if parser is None or self._waiter is None:
            return  # HEAD, already answered
        if not self._head_done:  # the end of an interim response: the final one follows
            self._headers = []
            return
        self._keep_alive = parser.should_keep_alive()
        self._finish(b"".join(self._body))

    # -- the exchange ----------------------------------------------------------------------------
    @property
    def reusable(self) -> bool:
        return self._keep_alive and not self.closed

    def exchange(self, request: bytes, *, head_only: bool) -> asyncio.Future[tuple[int, RawHeaders, bytes]]:
        """Write ``request`` (head and body); the future resolves to (status, raw headers, body)."""
        assert self.transport is not None and self._waiter is None
        self._waiter = waiter = asyncio.get_running_loop().create_future()
        self._parser = httptools.HttpResponseParser(self)
        self._head_only = head_only
        self._head_done = False
        self._head_bytes = 0
        self._framed = False
        self._headers = []
        self._body = []
        self._keep_alive = False
        if self.closed or self.transport.is_closing():  # lost while idle: no answer will ever come
            self._fail(ProtocolError("Server disconnected", before_head=True))
        else:
            self.transport.write(request)
        return waiter

    def close(self, *, graceful: bool = False) -> None:
        """Close the connection: ``graceful`` after a complete exchange, else abort (nothing of a
        half-read response or of an unsent request is worth flushing)."""
        self.closed = True
        if self.transport is not None:
            if graceful:
                self.transport.close()
            else:
                self.transport.abort()

    def _finish(self, body: bytes) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self._status, self._headers, body))

    def _fail(self, exc: ProtocolError) -> None:
        self._keep_alive = False
        waiter, self._waiter = self._waiter, None
        self._parser = None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.close()
