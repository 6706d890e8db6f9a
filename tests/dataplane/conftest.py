"""Fixtures of the data-plane tests: a real in-memory SqliteStore and a context factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest

from apigate.config import Settings
from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.compiled import CompiledDeployment
from apigate.dataplane.context import Headers, InvocationContext, MethodRequest
from apigate.store.sqlite import SqliteStore
from tests.dataplane.factories import StaticTemplate, snapshot


@pytest.fixture
async def store() -> AsyncIterator[SqliteStore]:
    s = SqliteStore(None)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def services(store: SqliteStore) -> SimpleNamespace:
    return SimpleNamespace(settings=Settings(state_dir=None, account_id="123456789012"), store=store)


MakeContext = Callable[..., InvocationContext]


@pytest.fixture
def make_context() -> MakeContext:
    """An InvocationContext as the data plane builds it, for stage-level tests."""

    def make(
        deployment: CompiledDeployment | None = None,
        *,
        method: str = "GET",
        path: str = "/",
        headers: list[tuple[str, str]] | None = None,
        query: list[tuple[str, str]] | None = None,
        body: bytes = b"",
        stage_variables: dict[str, str] | None = None,
        **fields: Any,
    ) -> InvocationContext:
        request = MethodRequest(
            http_method=method,
            path=path,
            raw_path=path,
            query=query or [],
            headers=Headers(list(headers or [])),
            body=body,
            domain_name="abcdef1234.execute-api.localhost",
        )
        return InvocationContext(
            request=request,
            request_id="11111111-2222-3333-4444-555555555555",
            extended_request_id="AbCdEfGhIjKlMnO=",
            request_time_epoch_ms=1_700_000_000_123,
            api_id="abcdef1234",
            stage_name="dev",
            account_id="123456789012",
            region="us-east-1",
            deployment=deployment
            or compile_deployment("abcdef1234", "dep1", snapshot(), compile_template=StaticTemplate),
            stage={"stageName": "dev"},
            stage_variables=stage_variables or {},
            **fields,
        )

    return make
