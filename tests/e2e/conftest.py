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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    # A failed end-to-end test shows what the gateway logged (why it answered 5xx, tracebacks).
    report = yield
    gateway = getattr(item, "funcargs", {}).get("gateway")
    if report.failed and isinstance(gateway, Gateway):
        report.sections.append(("gateway stderr (tail)", gateway.stderr_tail()))
    return report
