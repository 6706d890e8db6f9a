"""The top-level ASGI app: one port, three faces (see ARCHITECTURE.md, section 1).

Every request is recognised once, here, and handed whole to the face that owns it:

- ``/_apigate`` and below: the admin endpoints;
- ``Host: {apiId}.execute-api.{anything}``: the data plane (API Gateway's default endpoint form);
- ``/restapis/{apiId}/{stage}/_user_request_/...``: the data plane (the path form that works without
  DNS, as LocalStack offers it);
- everything else: the management APIs, which answer an AWS-shaped error when no operation matches.

This runs for every request, so it does one scan of the headers and plain string tests.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigate.server import Services

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Loose on purpose: the faces type their scope as dict or MutableMapping; both are ASGI apps.
ASGIApp = Callable[..., Awaitable[None]]
LifespanHook = Callable[[], Awaitable[None]]

ADMIN_PREFIX = "/_apigate"
_ADMIN_PREFIX_SLASH = ADMIN_PREFIX + "/"
_EXECUTE_API_LABEL = b"execute-api"
_LABEL_LEN = len(_EXECUTE_API_LABEL)
_USER_REQUEST = "_user_request_"
_MAX_HOSTS = 1024


def is_execute_api_host(host: bytes) -> bool:
    """True for ``{apiId}.execute-api`` followed by ``.``, ``:`` (a port) or nothing.

    Host names are case-insensitive (RFC 9110), so ``ABC.Execute-Api.localhost`` counts too.
    """
    dot = host.find(b".")
    if dot <= 0:
        return False
    start = dot + 1
    end = start + _LABEL_LEN
    if host[start:end].lower() != _EXECUTE_API_LABEL:
        return False
    return len(host) == end or host[end] in b".:"


def is_user_request_path(path: str) -> bool:
    """``/restapis/{apiId}/{stage}/_user_request_`` optionally followed by ``/...``."""
    if not path.startswith("/restapis/"):
        return False
    parts = path.split("/", 5)  # ['', 'restapis', apiId, stage, '_user_request_', rest?]
    return len(parts) >= 5 and parts[4] == _USER_REQUEST and bool(parts[2]) and bool(parts[3])


class GatewayApp:
    """Routes each ASGI request to admin, data plane or management; runs the lifespan hooks."""

    __slots__ = (
        "_admin", "_dataplane", "_execute_api_hosts", "_management", "_shutdown", "_startup", "services",
    )

    def __init__(
        self,
        services: Services,
        *,
        admin: ASGIApp,
        startup: LifespanHook | None = None,
        shutdown: LifespanHook | None = None,
    ) -> None:
        self.services = services
        self._admin = admin
        self._dataplane: ASGIApp = services.dataplane
        self._management: ASGIApp = services.management
        self._startup = startup
        self._shutdown = shutdown
        # Host header -> whether it names execute-api: clients repeat the same few hosts.
        self._execute_api_hosts: dict[bytes, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._route(scope)(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        else:
            # WebSocket APIs arrive in a later issue; closing before accepting answers HTTP 403.
            await send({"type": "websocket.close", "code": 1008})

    def _route(self, scope: Scope) -> ASGIApp:
        path: str = scope["path"]
        if path.startswith(_ADMIN_PREFIX_SLASH) or path == ADMIN_PREFIX:
            return self._admin
        for name, value in scope["headers"]:
            if name == b"host":
                known = self._execute_api_hosts.get(value)
                if known is None:
                    if len(self._execute_api_hosts) >= _MAX_HOSTS:
                        self._execute_api_hosts.clear()
                    known = self._execute_api_hosts[value] = is_execute_api_host(value)
                if known:
                    return self._dataplane
                break
        if is_user_request_path(path):
            return self._dataplane
        return self._management

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if not await self._run_hook(self._startup, "startup", send):
                    return
            elif message["type"] == "lifespan.shutdown":
                await self._run_hook(self._shutdown, "shutdown", send)
                return

    @staticmethod
    async def _run_hook(hook: LifespanHook | None, phase: str, send: Send) -> bool:
        try:
            if hook is not None:
                await hook()
        except Exception as exc:
            log.exception("lifespan %s failed", phase)
            await send({"type": f"lifespan.{phase}.failed", "message": f"{type(exc).__name__}: {exc}"})
            return False
        await send({"type": f"lifespan.{phase}.complete"})
        return True
