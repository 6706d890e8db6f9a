"""botocore clients of a gateway, made without any AWS configuration of the user's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import botocore.session
from botocore.config import Config

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "us-east-1"
# apigate does not verify credentials, but SigV4 signing needs some.
DUMMY_KEY_ID = "apigate"
DUMMY_SECRET = "apigate"


class EndpointError(ValueError):
    """An endpoint that is not an http(s) URL; the message says so in one line."""


@dataclass(frozen=True, slots=True)
class Clients:
    """The two management APIs a gateway answers, and where they are."""

    endpoint: str
    region: str
    apigateway: Any  # botocore client "apigateway"
    lambda_: Any  # botocore client "lambda"


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` without a trailing slash; EndpointError unless it is ``http(s)://host[:port]``."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"endpoint must be an http(s) URL such as {DEFAULT_ENDPOINT}, got {endpoint!r}")
    try:
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        raise EndpointError(f"endpoint {endpoint!r} has an invalid port") from None
    return endpoint.rstrip("/")


def new_session() -> botocore.session.Session:
    """A botocore session that reads no ``~/.aws`` file and no ``AWS_PROFILE``: a profile with SSO,
    another endpoint or a retry policy must not change what is sent to a local gateway."""
    # (name in a config file, environment variable, default, converter): no file, no variable.
    ignored = {
        "profile": (None, None, None, None),
        "config_file": (None, None, os.devnull, None),
        "credentials_file": (None, None, os.devnull, None),
    }
    return botocore.session.Session(session_vars=ignored)


def connect(
    endpoint: str = DEFAULT_ENDPOINT,
    region: str = DEFAULT_REGION,
    *,
    read_timeout: float = 120.0,
    session: botocore.session.Session | None = None,
) -> Clients:
    """Clients of the gateway at ``endpoint``. No retries: a gateway that is not running should be
    reported at once, and a refused request is not going to succeed the second time."""
    endpoint = check_endpoint(endpoint)
    session = session or new_session()
    config = Config(
        retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=read_timeout,
        user_agent_extra="apigate-cli",
    )

    def client(service: str) -> Any:
        return session.create_client(
            service, region_name=region, endpoint_url=endpoint, aws_access_key_id=DUMMY_KEY_ID,
            aws_secret_access_key=DUMMY_SECRET, config=config,
        )

    return Clients(endpoint, region, apigateway=client("apigateway"), lambda_=client("lambda"))
