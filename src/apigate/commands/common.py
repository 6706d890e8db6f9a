"""What every client command shares: where the gateway is, error handling, KEY=VALUE arguments.

Exit statuses scripts can rely on: 0 done; 1 the gateway refused or failed the request, or could
not be reached (one line on stderr: AWS's error code and message); 2 a usage error (a bad flag or
argument, an unreadable file), before anything is sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from apigate.client import session
from apigate.client.errors import ClientFailure, translated

ENDPOINT_ENV = "APIGATE_ENDPOINT"
REGION_ENV = "APIGATE_REGION"
GATEWAY_FAILED = 1

F = TypeVar("F", bound=Callable[..., Any])


class GatewayFailed(click.ClickException):
    """The gateway refused or failed a request (exit status 1); the message is one line."""

    exit_code = GATEWAY_FAILED


def _endpoint(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        return session.check_endpoint(value)
    except session.EndpointError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def gateway_command(fn: F) -> F:
    """Give a command ``--endpoint``/``--region`` and a ``clients`` argument, and turn what goes
    wrong on the gateway's side into one line and exit status 1."""

    @click.option(
        "--endpoint", envvar=ENDPOINT_ENV, default=session.DEFAULT_ENDPOINT, show_default=True,
        callback=_endpoint, help=f"URL of the gateway.  [env {ENDPOINT_ENV}]",
    )
    @click.option(
        "--region", envvar=REGION_ENV, default=session.DEFAULT_REGION, show_default=True,
        help=f"Region of the APIs and functions.  [env {REGION_ENV}]",
    )
    @functools.wraps(fn)
    def wrapper(endpoint: str, region: str, **kwargs: Any) -> Any:
        try:
            clients = connect(endpoint, region)
            with translated(endpoint):
                return fn(clients=clients, **kwargs)
        except ClientFailure as exc:
            raise GatewayFailed(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def connect(endpoint: str, region: str) -> session.Clients:
    """The clients of a command (tests replace this to answer without a gateway)."""
    return session.connect(endpoint, region)


class KeyValue(click.ParamType):
    """``KEY=VALUE`` (the value may hold ``=``); a repeatable option collects them into a dict."""

    name = "KEY=VALUE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        key, sep, val = str(value).partition("=")
        if not sep or not key:
            self.fail(f"{value!r} is not KEY=VALUE", param, ctx)
        return key, val


def as_dict(pairs: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    """The pairs of a repeatable KEY=VALUE option; None when the option was not given."""
    return dict(pairs) if pairs else None
