"""The pooled upstream client."""

from __future__ import annotations

import aiohttp

from apigate.integrations import http_client


async def test_one_session_per_loop_until_closed() -> None:
    first = http_client.session()
    assert http_client.session() is first
    assert first.auto_decompress is False
    assert isinstance(first.cookie_jar, aiohttp.DummyCookieJar)
    assert first.connector is not None and first.connector.limit >= 64
    await http_client.close()
    assert first.closed
    second = http_client.session()
    assert second is not first and not second.closed


async def test_close_without_a_session_is_harmless() -> None:
    await http_client.close()
    await http_client.close()
