"""Fixtures of the import tests: the in-process gateway client (botocore's own serializer/parser)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.client import GatewayClient


@pytest.fixture
async def client() -> AsyncIterator[GatewayClient]:
    c = GatewayClient()
    try:
        yield c
    finally:
        await c.close()
