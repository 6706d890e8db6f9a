"""Shared fixtures: the real gateway process, real clients (boto3, AWS CLI) and a real HTTP backend.

Session-scoped fixtures are created once per pytest-xdist worker (each worker is its own session),
so workers never share a gateway. ``tests/e2e/conftest.py`` resets the gateway before every e2e test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.backend import Backend
from tests.e2e.harness import Gateway, aws_cli_env, free_port, run_aws_cli, start_gateway
from tests.support.client import GatewayClient

__all__ = ["free_port"]

REGION = "us-east-1"
DUMMY_KEY_ID = "testing"
DUMMY_SECRET = "testing"


@pytest.fixture(scope="session")
def gateway() -> Iterator[Gateway]:
    """``python -m apigate serve --in-memory`` on a free loopback port, for the whole session."""
    gw = start_gateway("--in-memory")
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="session")
def apigw(gateway: Gateway) -> Any:
    """A boto3 ``apigateway`` client pointed at the gateway (dummy credentials, no retries)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "apigateway",
        endpoint_url=gateway.url,
        region_name=REGION,
        aws_access_key_id=DUMMY_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
    )


@pytest.fixture(scope="session")
def aws_cli(gateway: Gateway, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, Any]]:
    """``aws_cli("apigateway", "get-rest-apis")`` runs the real AWS CLI against the gateway → parsed JSON.

    A non-zero exit raises ``tests.e2e.harness.AwsCliError`` (``.returncode``, ``.stderr``).
    """
    home: Path = tmp_path_factory.mktemp("aws-cli-home")
    env = aws_cli_env(home)

    def run(*args: str) -> dict[str, Any]:
        return run_aws_cli(gateway.url, env, *args)

    return run


@pytest.fixture(scope="session")
def backend() -> Iterator[Backend]:
    """A real aiohttp HTTP backend on a free loopback port (see ``tests/e2e/backend.py``)."""
    server = Backend().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def client() -> AsyncIterator[GatewayClient]:
    """botocore's requests through the whole gateway app, in process (no socket)."""
    c = GatewayClient()
    try:
        yield c
    finally:
        await c.close()
