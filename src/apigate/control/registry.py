"""Operation handlers, registered by (service, operation name) from botocore's model.

A handler is a small async function ``(ctx, params) -> output``. ``params`` holds the operation's
input members by *model member name* (``restApiId``, ``integrationHttpMethod``, ...) already taken
from the URI, query string, headers and body, with types converted and required members checked.
The returned dict uses model member names of the output shape; the protocol layer serialises it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigate.config import Settings
    from apigate.store.base import ConfigStore


@dataclass(slots=True)
class ControlContext:
    """What a management handler may use; built once per request by the dispatcher."""

    store: ConfigStore
    settings: Settings
    region: str  # from the SigV4 credential scope, else the gateway's default region
    account_id: str
    request_id: str
    services: Any  # apigate.server.Services: the data plane etc. (for TestInvokeMethod, reset)


Params = dict[str, Any]
Output = dict[str, Any] | None
Handler = Callable[[ControlContext, Params], Awaitable[Output]]

HANDLERS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the handler of ``service``'s operation ``name`` (botocore's name)."""

    def register(fn: Handler) -> Handler:
        key = (service, name)
        if key in HANDLERS:
            raise RuntimeError(f"two handlers for {service}.{name}")
        HANDLERS[key] = fn
        return fn

    return register
