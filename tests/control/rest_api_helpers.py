"""Helpers of the RestApi / Resource / Method / Integration / Tag handler tests.

``recorded(test, key)`` loads one response recorded from real AWS (``aws-recorded/*.snapshot.json``)
and ``assert_matches(actual, expected)`` compares ours with it after normalising ids: a recorded
placeholder such as ``<id:1>`` matches any value, but always the same value within one comparison
(and two different placeholders must be two different values).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.config import Settings
from apigate.control.registry import HANDLERS, ControlContext
from apigate.store.sqlite import SqliteStore
from tests.control.wire_client import ACCOUNT_ID, REGION, ApiError, WireClient

RECORDED_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference" / "aws-recorded"
RECORDED_ACCOUNT = "111111111111"
_PLACEHOLDER = re.compile(r"<[a-z0-9-]+(?::\d+)?>")

__all__ = ["ACCOUNT_ID", "REGION", "ApiError", "WireClient"]


async def wire_client() -> AsyncIterator[WireClient]:
    client = WireClient()
    try:
        yield client
    finally:
        await client.close()


async def error_of(call: Awaitable[Any]) -> ApiError:
    with pytest.raises(ApiError) as info:
        await call
    return info.value


def context(store: SqliteStore, region: str = REGION) -> ControlContext:
    settings = Settings(state_dir=None, region=REGION, account_id=ACCOUNT_ID, port=0)
    return ControlContext(
        store=store, settings=settings, region=region, account_id=ACCOUNT_ID, request_id="r", services=None
    )


async def handler(ctx: ControlContext, operation: str, **params: Any) -> dict[str, Any] | None:
    """Call a handler directly (no protocol layer), as ``apigate.examples`` does."""
    return await HANDLERS[("apigateway", operation)](ctx, params)


@cache
def _snapshot_file(name: str) -> dict[str, Any]:
    path = RECORDED_DIR / f"{name}.snapshot.json"
    if not path.exists():
        pytest.skip(f"aws-recorded not available at {path}")
    return json.loads(path.read_text())


def recorded(file: str, test: str, key: str) -> dict[str, Any]:
    """The recorded response ``key`` of the test whose id ends with ``test``."""
    data = _snapshot_file(file)
    matches = [v for k, v in data.items() if k.endswith(test)]
    assert len(matches) == 1, f"{test} is not one recorded test of {file}"
    return matches[0]["recorded-content"][key]


def ours(response: dict[str, Any]) -> dict[str, Any]:
    """Our parsed response in the recorded form: timestamps as ``datetime``, status kept."""
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    for key in ("createdDate", "lastUpdatedDate"):
        if key in out:
            out[key] = "datetime"
    return out


def error_form(error: ApiError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, "status": error.status}


def recorded_error(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": record["Error"]["Code"],
        "message": record["Error"]["Message"].replace(RECORDED_ACCOUNT, ACCOUNT_ID),
        "status": record["ResponseMetadata"]["HTTPStatusCode"],
    }


def assert_recorded_error(error: ApiError, record: dict[str, Any], **placeholders: str) -> None:
    expected = recorded_error(record)
    for name, value in placeholders.items():
        expected["message"] = expected["message"].replace(f"<{name}>", value)
    assert error_form(error) == expected


def assert_matches(actual: Any, expected: Any, bindings: dict[str, Any] | None = None) -> None:
    """``actual`` equals the recorded ``expected`` up to consistently bound placeholders."""
    bindings = {} if bindings is None else bindings
    if isinstance(expected, dict):
        expected = {k: v for k, v in expected.items() if k != "ResponseMetadata"}
        assert isinstance(actual, dict), f"{actual!r} is not an object like {expected!r}"
        assert set(actual) == set(expected), f"members {sorted(actual)} != recorded {sorted(expected)}"
        for key, value in expected.items():
            assert_matches(actual[key], value, bindings)
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{actual!r} vs {expected!r}"
        for a, e in zip(actual, expected, strict=True):
            assert_matches(a, e, bindings)
    elif isinstance(expected, str) and _PLACEHOLDER.search(expected):
        _bind(str(actual), expected, bindings)
    else:
        assert actual == expected, f"{actual!r} != recorded {expected!r}"


def _bind(actual: str, expected: str, bindings: dict[str, Any]) -> None:
    names = _PLACEHOLDER.findall(expected)
    pieces = _PLACEHOLDER.split(expected.replace(RECORDED_ACCOUNT, ACCOUNT_ID))
    pattern = "".join(re.escape(p) + ("(.+?)" if i < len(names) else "") for i, p in enumerate(pieces))
    match = re.fullmatch(pattern, actual, re.DOTALL)
    assert match, f"{actual!r} does not match recorded {expected!r}"
    for name, value in zip(names, match.groups(), strict=True):
        if name in ("<region>", "<partition>"):
            continue
        bound = bindings.setdefault(name, value)
        assert bound == value, f"{name} was {bound!r}, now {value!r}"
        others = [n for n, v in bindings.items() if v == value and n != name]
        assert not others, f"{value!r} matches both {name} and {others}"
