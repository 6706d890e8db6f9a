"""``DataPlane``: the ASGI app that serves deployed stages (execute-api), and TestInvokeMethod.

Two URL forms reach it (digest §3.1):

* Host ``{apiId}.execute-api.{anything}`` with the stage as the first path segment (AWS's own form);
* ``/restapis/{apiId}/{stage}/_user_request_/{path}`` on any host (no DNS needed).

Answers before the pipeline runs:

* unknown API id: real AWS never resolves such a host name, so there is nothing to copy. The
  gateway answers 404 ``{"message":"The API id '{id}' does not correspond to a deployed API Gateway
  API"}`` with ``x-amzn-ErrorType: NotFoundException``: it names the id that is wrong, and it is the
  answer other AWS emulators give, so clients written against them keep working;
* known API, unknown stage: 403 Missing Authentication Token, as AWS answers any unrouted path;
* ``disableExecuteApiEndpoint``: 403 ``{"message":"Forbidden"}``, as AWS's default endpoint does;
* a body above 10 MB: 413 REQUEST_TOO_LARGE, read no further than the limit.
"""

from __future__ import annotations

import logging
import random as _random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote

from apigate import ids
from apigate.dataplane.compile import empty_deployment
from apigate.dataplane.context import Headers, InvocationContext, MethodRequest
from apigate.dataplane.errors import (
    API_CONFIGURATION_ERROR,
    INVALID_API_KEY,
    REQUEST_TOO_LARGE,
    RESOURCE_NOT_FOUND,
)
from apigate.dataplane.gateway_responses import render
from apigate.dataplane.live import MISSING, LiveConfig
from apigate.dataplane.pipeline import Stage, default_stages, run
from apigate.dataplane.stages.finalize import finalize_response
from apigate.dataplane.testinvoke import TestInvoker

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledDeployment

log = logging.getLogger(__name__)

MAX_PAYLOAD = 10 * 1024 * 1024  # AWS's REST API payload quota: 10 MB
# Hop-by-hop and framing headers API Gateway drops before anything (mapping, proxy event) sees them.
DROPPED_REQUEST_HEADERS = frozenset({
    b"connection", b"content-length", b"content-md5", b"expect", b"max-forwards", b"proxy-authenticate",
    b"server", b"te", b"transfer-encoding", b"trailer", b"upgrade", b"www-authenticate",
})
_NO_STAGE = empty_deployment()


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


def _split_target(
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
    found = _split_target(raw_path, _api_id_of_host, host)
    return Target(*found) if found is not None else None


class _HostCache(dict[str, "str | None"]):
    """Host header -> API id, remembered: clients repeat the same few hosts on every request."""

    MAX = 1024

    def __missing__(self, host: str) -> str | None:
        if len(self) >= self.MAX:
            self.clear()
        api_id = self[host] = _api_id_of_host(host)
        return api_id


def _scope_path(scope: dict[str, Any]) -> str:
    raw = scope.get("raw_path")
    if raw:
        path = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        return path.split("?", 1)[0]
    return quote(scope.get("path") or "/", safe="/:@!$&'()*+,;=-._~%")


class _Disconnected(Exception):
    pass


async def _read_body(receive: Callable[[], Any], limit: int) -> bytes | None:
    """The whole request body, or None once it exceeds ``limit`` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _encode_headers(items: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    try:
        return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in items]
    except UnicodeEncodeError:
        # A mapped header value outside Latin-1 (from a template): send its UTF-8 bytes.
        return [(k.encode("utf-8"), v.encode("utf-8")) for k, v in items]


# Raw header name -> its decoded name, or its lower-case bytes when the gateway drops it. Clients send
# the same few names on every request: one lookup instead of lower(), a set test and decode().
_header_names: dict[bytes, str | bytes] = {}
_MAX_HEADER_NAMES = 1024


def _header_name(name: bytes) -> str | bytes:
    lname = name.lower()
    known: str | bytes = lname if lname in DROPPED_REQUEST_HEADERS else name.decode("latin-1")
    if len(_header_names) >= _MAX_HEADER_NAMES:
        _header_names.clear()
    _header_names[name] = known
    return known


def _request_headers(
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


def _method_request(
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


class DataPlane:
    """ASGI callable for execute-api requests (interface 6); ``test_invoke`` for TestInvokeMethod."""

    def __init__(
        self,
        services: Any,
        *,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.time,
        stages: Sequence[Stage] | None = None,
        live: LiveConfig | None = None,
        max_payload: int = MAX_PAYLOAD,
    ) -> None:
        self.services = services
        self.random = random
        self.clock = clock
        self.stages = stages
        self.max_payload = max_payload
        self._live = live
        self._invoker = TestInvoker(self)
        self._hosts = _HostCache()

    @property
    def live(self) -> LiveConfig:
        # Built on first use: the composition root may hand over ``services`` before its store.
        if self._live is None:
            self._live = LiveConfig(self.services.store)
        return self._live

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[[], Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        raw = scope.get("raw_path")
        if raw and type(raw) is bytes and b"?" not in raw:  # _scope_path's usual case, inline
            raw_path = raw.decode("latin-1")
        else:
            raw_path = _scope_path(scope)
        http_version = scope.get("http_version") or "1.1"
        headers, host, content_length = _request_headers(scope.get("headers") or (), http_version)
        # The top-level app routes only execute-api requests here; anything else is an unknown API.
        api_id, stage_name, resource_path = _split_target(raw_path, self._hosts.__getitem__, host) or (
            "", "", raw_path)
        request = _method_request(scope, resource_path, headers, host, http_version)
        # A warm stage resolves without a coroutine; anything else may have to read the store.
        ctx = self._warm_context(api_id, stage_name, request) or await self._context(
            api_id, stage_name, request)
        if ctx.error is None:  # else answered already (unknown API, disabled endpoint...)
            # HTTP/1.1 without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3). Not
            # awaiting receive() then spares a round trip into the server: measured ~24 us per
            # request under granian, more than the rest of the data plane's own work for a MOCK.
            body: bytes | None = b""
            if content_length:
                try:
                    body = await self._body(receive, content_length)
                except _Disconnected:
                    return
            if body is None:
                render(ctx, REQUEST_TOO_LARGE())
                finalize_response(ctx)
            else:
                request.body = body
                await run(ctx, self.stages or self._stages())  # finalizes
        else:
            finalize_response(ctx)
        response = ctx.response
        await send({
            "type": "http.response.start",
            "status": response.status,
            "headers": _encode_headers(response.headers.items),
        })
        # A HEAD answer keeps the Content-Length of the body it would have sent, and no body.
        body_sent = b"" if request.http_method == "HEAD" else response.body
        await send({"type": "http.response.body", "body": body_sent})

    def _stages(self) -> Sequence[Stage]:
        if self.stages is None:
            self.stages = default_stages()  # resolved once: the default pipeline never changes
        return self.stages

    async def _body(self, receive: Callable[[], Any], content_length: int) -> bytes | None:
        """The request body; None when it exceeds the payload limit (413 REQUEST_TOO_LARGE).

        AWS checks the size after routing; here an oversize body is refused before, so that
        nothing beyond the limit is ever read or buffered.
        """
        if content_length > self.max_payload:
            return None  # declared too large: not read at all
        return await _read_body(receive, self.max_payload)

    def _warm_context(
        self, api_id: str, stage_name: str, request: MethodRequest
    ) -> InvocationContext | None:
        """The context of a request to a remembered stage (no canary), else None: ``new_context``
        inlined, as this is the path of nearly every request."""
        resolved = (self._live or self.live).peek_resolved(api_id, stage_name)
        if resolved is None:
            return None
        deployment, stage, variables, region = resolved
        settings = self.services.settings
        request_id, extended_request_id = ids.request_ids()
        return InvocationContext(
            request, request_id, extended_request_id, int(self.clock() * 1000), api_id, stage_name,
            settings.account_id, region or settings.region, deployment, stage, variables, False,
        )

    async def _context(self, api_id: str, stage_name: str, request: MethodRequest) -> InvocationContext:
        """Resolve API, stage and deployment; a ctx whose ``error`` is set has its answer already."""
        live = self.live
        generation = live.generation
        rest_api = live.peek_rest_api(api_id)
        if rest_api is MISSING:
            rest_api = await live.rest_api(api_id) if api_id else None
        if rest_api is None:
            ctx = self.new_context(request, api_id, stage_name, _NO_STAGE, {}, {})
            render(ctx, RESOURCE_NOT_FOUND(
                f"The API id '{api_id}' does not correspond to a deployed API Gateway API"))
            return ctx
        region = rest_api.get("_region")
        stage = live.peek_stage(api_id, stage_name)
        if stage is MISSING:
            stage = await live.stage(api_id, stage_name) if stage_name else None
        if stage is None:
            # No deployment to route in: the empty one answers Missing Authentication Token.
            return self.new_context(request, api_id, stage_name, _NO_STAGE, {}, {}, region=region)
        if rest_api.get("disableExecuteApiEndpoint"):
            # Built-in response (empty deployment): the API's customisations are about its methods.
            ctx = self.new_context(request, api_id, stage_name, _NO_STAGE, stage, {}, region=region)
            render(ctx, _FORBIDDEN())
            return ctx
        deployment_id, variables, is_canary = self.pick_deployment(stage)
        deployment = live.peek_deployment(api_id, deployment_id) if deployment_id else None
        if deployment is MISSING:
            deployment = await live.deployment(api_id, deployment_id)
        ctx = self.new_context(
            request, api_id, stage_name, deployment or _NO_STAGE, stage, variables,
            region=region, is_canary=is_canary,
        )
        if deployment is None:
            log.warning("stage %s/%s points at deployment %r, which has no snapshot",
                        api_id, stage_name, deployment_id)
            render(ctx, API_CONFIGURATION_ERROR(log=f"Deployment {deployment_id} not found"))
        elif not stage.get("canarySettings"):  # a canary stage picks per request: not remembered
            live.remember_resolved(generation, api_id, stage_name, (deployment, stage, variables, region))
        return ctx

    def pick_deployment(self, stage: dict[str, Any]) -> tuple[str, dict[str, str], bool]:
        """Base or canary deployment for one request (digest §3.4): ``random() * 100 < percentTraffic``.

        A canary request sees the stage variables overlaid with ``stageVariableOverrides``
        (overrides may add names the stage does not have).
        """
        variables = stage.get("variables") or {}
        canary = stage.get("canarySettings")
        if canary:
            percent = canary.get("percentTraffic") or 0.0
            if percent > 0 and self.random() * 100 < percent:
                overrides = canary.get("stageVariableOverrides") or {}
                deployment_id = canary.get("deploymentId") or stage.get("deploymentId") or ""
                return deployment_id, {**variables, **overrides}, True
        return stage.get("deploymentId") or "", variables, False

    def new_context(
        self,
        request: MethodRequest,
        api_id: str,
        stage_name: str,
        deployment: CompiledDeployment,
        stage: dict[str, Any],
        variables: dict[str, str],
        region: str | None = None,
        is_canary: bool = False,
    ) -> InvocationContext:
        settings = self.services.settings
        request_id, extended_request_id = ids.request_ids()
        # Positional: this runs for every request, and keyword arguments cost ~1 us more here.
        return InvocationContext(
            request,
            request_id,
            extended_request_id,
            int(self.clock() * 1000),  # request_time_epoch_ms
            api_id,
            stage_name,
            settings.account_id,
            region or settings.region,
            deployment,
            stage,
            variables,  # stage_variables
            is_canary,
        )

    async def test_invoke(
        self,
        *,
        api_id: str,
        snapshot: dict[str, Any],
        resource_id: str,
        http_method: str,
        path_with_query_string: str | None,
        headers: dict[str, str] | None,
        multi_value_headers: dict[str, list[str]] | None,
        body: str | None,
        stage_variables: dict[str, str] | None,
    ) -> dict[str, Any]:
        """TestInvokeMethod's output members: ``status, body, headers, multiValueHeaders, log, latency``."""
        return await self._invoker.invoke(
            api_id=api_id, snapshot=snapshot, resource_id=resource_id, http_method=http_method,
            path_with_query_string=path_with_query_string, headers=headers or {},
            multi_value_headers=multi_value_headers or {}, body=body, stage_variables=stage_variables or {},
        )


class _FORBIDDEN(INVALID_API_KEY):
    """``disableExecuteApiEndpoint``: AWS's default endpoint answers 403 Forbidden (ForbiddenException)."""
