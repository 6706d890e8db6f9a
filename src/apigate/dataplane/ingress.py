"""From an ASGI scope to a ``MethodRequest``, and from a response to ASGI messages.

This runs for every data-plane request, before anything else: the target (API id, stage, path
after the stage), the headers (minus the hop-by-hop and framing ones API Gateway drops), the
declared body length and the body itself, read no further than the payload limit. Names and hosts
that clients repeat on every request are remembered in small bounded maps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from apigate.dataplane.context import Headers, MethodRequest

# Hop-by-hop and framing headers API Gateway drops before anything (mapping, proxy event) sees them.
DROPPED_REQUEST_HEADERS = frozenset({
    b"connection", b"content-length", b"content-md5", b"expect", b"max-forwards", b"proxy-authenticate",
    b"server", b"te", b"transfer-encoding", b"trailer", b"upgrade", b"www-authenticate",
})


@dataclass(frozen=True, slots=True)
class Target:
    """Which API and stage a request addresses, and the path after the stage (raw, ``/``-led)."""

    api_id: str
    stage: str
    raw_path: str


def _api_id_of_host(host: str) -> str | None:
    """``{apiId}.execute-api[.anything][:port]`` -> the API id (lower case); None for other hosts."""
    name = host.rsplit(":", 1)[0] if ":" in host and not host.endswith("]") else host
    labels = name.split(".", 2)
    if len(labels) >= 2 and labels[1].lower() == "execute-api" and labels[0]:
        return labels[0].lower()
    return None


def split_target(
    raw_path: str, api_of_host: Callable[[str], str | None], host: str | None
) -> tuple[str, str, str] | None:
    """(apiId, stage, raw path after the stage); a plain tuple, as this runs for every request."""
    if raw_path.startswith("/restapis/"):
        parts = raw_path.split("/", 5)
        if len(parts) >= 5 and parts[4] == "_user_request_" and parts[2] and parts[3]:
            rest = parts[5] if len(parts) == 6 else ""
            return parts[2], parts[3], "/" + rest.lstrip("/")
    api_id = api_of_host(host) if host else None
    if api_id is None:
        return None
    # Leading slashes before the stage are ignored, as AWS does (//stage/x is /stage/x).
    stage, _, rest = raw_path.lstrip("/").partition("/")
    return api_id, stage, "/" + rest.lstrip("/")


def match_execute_api(raw_path: str, host: str | None) -> Target | None:
    """Recognise an execute-api request by its path form first, then by its Host; None otherwise."""
    found = split_target(raw_path, _api_id_of_host, host)
    return Target(*found) if found is not None else None


class HostCache(dict[str, "str | None"]):
    """Host header -> API id, remembered: clients repeat the same few hosts on every request."""

    MAX = 1024

    def __missing__(self, host: str) -> str | None:
        if len(self) >= self.MAX:
            self.clear()
        api_id = self[host] = _api_id_of_host(host)
        return api_id


class TargetCache:
    """(Host, raw path) -> ``split_target``'s answer: clients repeat the same requests, and a warm
    lookup costs less than splitting the path again."""

    MAX = 1024
    MAX_PATH = 256  # longer paths are split every time: the memo stays small whatever clients send

    def __init__(self) -> None:
        self._hosts = HostCache()
        self._memo: dict[tuple[str | None, str], tuple[str, str, str] | None] = {}

    def target(self, raw_path: str, host: str | None) -> tuple[str, str, str] | None:
        key = (host, raw_path)
        found = self._memo.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = split_target(raw_path, self._hosts.__getitem__, host)
            if len(raw_path) <= self.MAX_PATH:
                if len(self._memo) >= self.MAX:
                    self._memo.clear()
                self._memo[key] = found
        return found


_UNSEEN: Any = object()


def scope_path(scope: dict[str, Any]) -> str:
    raw = scope.get("raw_path")
    if raw:
        path = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        return path.split("?", 1)[0]
    return quote(scope.get("path") or "/", safe="/:@!$&'()*+,;=-._~%")


class Disconnected(Exception):
    pass


async def read_body(receive: Callable[[], Any], limit: int) -> bytes | None:
    """The whole request body, or None once it exceeds ``limit`` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Disconnected
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# Bounds of both name maps below: a client (or a backend) may send any names it likes.
_MAX_HEADER_NAMES = 1024
_MAX_NAME_LENGTH = 128

# Response header name -> its bytes: the same few names go out on every response, and a lookup
# spares encoding them (and allocating the bytes) again each time.
_encoded_names: dict[str, bytes] = {}


def encode_headers(items: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    names = _encoded_names
    try:
        return [(names.get(k) or _encoded_name(k), v.encode("latin-1")) for k, v in items]
    except UnicodeEncodeError:
        # A mapped header value outside Latin-1 (from a template): send its UTF-8 bytes.
        return [(k.encode("utf-8"), v.encode("utf-8")) for k, v in items]


def _encoded_name(name: str) -> bytes:
    encoded = name.encode("latin-1")  # UnicodeEncodeError: the caller's UTF-8 fallback
    if len(name) <= _MAX_NAME_LENGTH:
        if len(_encoded_names) >= _MAX_HEADER_NAMES:
            _encoded_names.clear()
        _encoded_names[name] = encoded
    return encoded


# Raw header name -> its decoded name, or its lower-case bytes when the gateway drops it. Clients send
# the same few names on every request: one lookup instead of lower(), a set test and decode().
_header_names: dict[bytes, str | bytes] = {}


def _header_name(name: bytes) -> str | bytes:
    lname = name.lower()
    known: str | bytes = lname if lname in DROPPED_REQUEST_HEADERS else name.decode("latin-1")
    if len(name) <= _MAX_NAME_LENGTH:
        if len(_header_names) >= _MAX_HEADER_NAMES:
            _header_names.clear()
        _header_names[name] = known
    return known


def request_headers(
    raw: Iterable[tuple[bytes, bytes]], http_version: str
) -> tuple[Headers, str | None, int]:
    """Request headers minus the dropped ones, the Host, and the declared body length.

    The length is -1 when the body has no declared length (``Transfer-Encoding``, or HTTP/2
    and later, where a body may come without ``Content-Length``) and must be read to be known.
    """
    items: list[tuple[str, str]] = []
    host: str | None = None
    content_length = 0 if str(http_version)[0] == "1" else -1
    for name, value in raw:
        known = _header_names.get(name) or _header_name(name)
        if isinstance(known, bytes):  # dropped; only the framing headers are looked at
            if known == b"content-length" and content_length >= 0:
                try:
                    content_length = int(value)
                except ValueError:
                    content_length = -1
            elif known == b"transfer-encoding":
                content_length = -1
            continue
        text = value.decode("latin-1")
        if known == "host" or (len(known) == 4 and known.lower() == "host"):
            host = text
        items.append((known, text))
    return Headers(items), host, content_length


_PROTOCOLS = {"1.0": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2"}


def method_request(
    scope: dict[str, Any], raw_path: str, headers: Headers, host: str | None, http_version: str
) -> MethodRequest:
    query_string = scope.get("query_string") or b""
    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    client = scope.get("client")
    method = scope.get("method", "GET")
    # Positional, in MethodRequest's field order: this runs for every request.
    return MethodRequest(
        method if method.isupper() else method.upper(),  # http_method
        unquote(raw_path) if "%" in raw_path else raw_path,  # path
        raw_path,
        parse_qsl(query_string, keep_blank_values=True) if query_string else [],  # query
        headers,
        b"",  # body, read later
        client[0] if client else "127.0.0.1",  # source_ip
        _PROTOCOLS.get(http_version) or "HTTP/" + str(http_version),  # protocol
        host or "localhost",  # domain_name
    )
