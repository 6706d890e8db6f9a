"""The operator face, ``/_apigate/...``: health and reset (later: metrics).

``GET /_apigate/health`` always answers, so load balancers and test harnesses can poll it. Every
other endpoint can destroy state, so it answers only when the gateway listens on loopback (only
local processes can reach it) or the request carries ``Authorization: Bearer <--admin-token>``;
otherwise 403 ``{"message": "Forbidden"}`` -- the body API Gateway itself uses for refusals.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from apigate import __version__
from apigate.app import Receive, Scope, Send

if TYPE_CHECKING:
    from apigate.server import Services

log = logging.getLogger(__name__)

PREFIX = "/_apigate"
HEALTH_PATH = PREFIX + "/health"

AdminHandler = Callable[["Services"], Awaitable[tuple[int, dict[str, Any]]]]


async def _reset(services: Services) -> tuple[int, dict[str, Any]]:
    """Empty every configuration document; subscribers (data-plane caches) hear the reset marker.
    Lambda execution environments are killed first, so no function of the old state keeps running."""
    lambdas = getattr(services, "lambdas", None)
    if lambdas is not None:
        await lambdas.reset()
    await services.store.reset()
    log.info("state reset through %s/reset", PREFIX)
    return 200, {"status": "ok"}


# path -> method -> handler; the health check is answered before authorisation, see Admin.
ROUTES: dict[str, dict[str, AdminHandler]] = {
    PREFIX + "/reset": {"POST": _reset},
}


async def send_json(
    send: Send,
    status: int,
    body: dict[str, Any],
    *,
    head: bool = False,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    payload = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else payload})


class Admin:
    """ASGI app for ``/_apigate`` and everything below it."""

    __slots__ = ("_expected_auth", "_open_to_all", "_services")

    def __init__(self, services: Services) -> None:
        self._services = services
        settings = services.settings
        self._open_to_all = settings.listens_on_loopback
        token = settings.admin_token
        self._expected_auth = f"Bearer {token}".encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        if path == HEALTH_PATH:
            if method not in ("GET", "HEAD"):
                await _method_not_allowed(send, "GET, HEAD")
                return
            await send_json(send, 200, {"status": "ok", "version": __version__}, head=method == "HEAD")
            return
        if not self._authorised(scope):
            await send_json(send, 403, {"message": "Forbidden"})
            return
        methods = ROUTES.get(path.rstrip("/"))
        if methods is None:
            await send_json(send, 404, {"message": f"No admin endpoint {path}"})
            return
        handler = methods.get(method)
        if handler is None:
            await _method_not_allowed(send, ", ".join(sorted(methods)))
            return
        status, body = await handler(self._services)
        await send_json(send, status, body)

    def _authorised(self, scope: Scope) -> bool:
        if self._open_to_all:
            return True
        expected = self._expected_auth
        if expected is None:
            return False
        for name, value in scope["headers"]:
            if name == b"authorization":
                # constant-time: the token is a secret and the port may be reachable by anyone
                return hmac.compare_digest(value, expected)
        return False


async def _method_not_allowed(send: Send, allowed: str) -> None:
    await send_json(send, 405, {"message": "Method Not Allowed"}, headers=((b"allow", allowed.encode()),))
