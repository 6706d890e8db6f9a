"""End-to-end tests start from an empty gateway: each test resets it first."""

from __future__ import annotations

import pytest

from tests.e2e.harness import Gateway


@pytest.fixture(autouse=True)
def _reset_gateway(request: pytest.FixtureRequest) -> None:
    # Only tests that use the shared gateway pay for a reset; the others (restart persistence,
    # helpers' own tests) run their own processes.
    if "gateway" in request.fixturenames:
        gateway: Gateway = request.getfixturevalue("gateway")
        gateway.reset()
