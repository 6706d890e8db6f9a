"""``$context``: the REST context variables that exist when mapping templates run (digest §6.5).

The same values serve ``context.X`` in parameter mappings (``apigate.dataplane.mapping``), so a
template and a mapping always agree. Variables that belong to later pipeline stages (authorizer,
API key) are present as empty values until those stages fill them; an unknown variable is null and
renders as an empty string, as on AWS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apigate.vtl.values import VtlList, VtlMap

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# $context.identity members AWS documents for REST; null unless a stage knows them.
IDENTITY_KEYS = (
    "accountId", "apiKey", "apiKeyId", "caller", "cognitoAuthenticationProvider",
    "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId",
    "user", "userArn", "vpcId", "vpceId",
)


def request_time(epoch_ms: int) -> str:
    """``$context.requestTime`` in CLF form, ``dd/MMM/yyyy:HH:mm:ss +0000`` (English month names
    whatever the process locale)."""
    t = time.gmtime(epoch_ms / 1000)
    return (
        f"{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year:04d}:"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000"
    )


def identity_map(ctx: InvocationContext) -> VtlMap:
    """``$context.identity``."""
    identity = VtlMap((key, None) for key in IDENTITY_KEYS)
    identity["sourceIp"] = ctx.request.source_ip
    identity["userAgent"] = ctx.request.headers.get("user-agent")
    return identity


def _resource_id(ctx: InvocationContext) -> str | None:
    if ctx.resource is not None:
        return ctx.resource.id
    return ctx.method.resource_id if ctx.method is not None else None


def _resource_path(ctx: InvocationContext) -> str | None:
    if ctx.resource is not None:
        return ctx.resource.path
    return ctx.method.resource_path if ctx.method is not None else None


# Every $context variable, as a function of the request's context (``vtl/fast.py`` calls them too).
VARIABLES: dict[str, Callable[[InvocationContext], Any]] = {
    "accountId": lambda c: c.account_id,
    "apiId": lambda c: c.api_id,
    "authorizer": lambda c: VtlMap(),
    "deploymentId": lambda c: c.deployment.deployment_id,
    "domainName": lambda c: c.request.domain_name,
    "domainPrefix": lambda c: c.request.domain_name.split(".", 1)[0],
    "extendedRequestId": lambda c: c.extended_request_id,
    "httpMethod": lambda c: c.request.http_method,
    "identity": identity_map,
    "isCanaryRequest": lambda c: c.is_canary,
    "path": lambda c: f"/{c.stage_name}{c.request.raw_path}",
    "protocol": lambda c: c.request.protocol,
    "requestId": lambda c: c.request_id,
    "requestTime": lambda c: request_time(c.request_time_epoch_ms),
    "requestTimeEpoch": lambda c: c.request_time_epoch_ms,
    "resourceId": _resource_id,
    "resourcePath": _resource_path,
    "stage": lambda c: c.stage_name,
}


class ContextVariables(VtlMap):
    """``$context``, computing each variable the first time a template or mapping reads it.

    A template reads a handful of the variables, so building all of them (and the identity map)
    for every render would be wasted work on the request path.
    """

    __slots__ = ("_ctx",)

    def __init__(self, ctx: InvocationContext) -> None:
        super().__init__()
        self._ctx = ctx

    def __missing__(self, key: str) -> Any:
        factory = VARIABLES.get(key)
        if factory is None:
            raise KeyError(key)
        value = self[key] = factory(object.__getattribute__(self, "_ctx"))
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def materialise(self) -> ContextVariables:
        """Compute every variable (for printing or iterating the whole map)."""
        for key in VARIABLES:
            self.get(key)  # computes and stores it
        return self

    def __str__(self) -> str:
        return VtlMap.__str__(self.materialise())

    def keySet(self) -> VtlList:
        return VtlMap.keySet(self.materialise())


def context_variables(ctx: InvocationContext) -> ContextVariables:
    """A fresh ``$context`` map for one render (templates may ``#set`` into it)."""
    return ContextVariables(ctx)


def lookup(variables: dict[str, Any], dotted: str) -> Any:
    """``identity.sourceIp`` -> ``variables["identity"]["sourceIp"]``; None when absent."""
    value: Any = variables
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        try:
            value = value[part]
        except KeyError:
            return None
        if value is None:
            return None
    return value
