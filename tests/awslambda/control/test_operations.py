"""Which operations of botocore's ``lambda`` model apigate implements, and the wiring around them."""

from __future__ import annotations

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.control.protocol import load_protocol
from apigate.control.registry import HANDLERS
from tests.awslambda.control.conftest import LambdaClient
from tests.support.client import error_of

# The operations issue 3 requires of the management API.
REQUIRED = {
    "CreateFunction",
    "GetFunction",
    "GetFunctionConfiguration",
    "ListFunctions",
    "DeleteFunction",
    "UpdateFunctionCode",
    "UpdateFunctionConfiguration",
    "Invoke",
    "PublishVersion",
    "ListVersionsByFunction",
    "CreateAlias",
    "UpdateAlias",
    "GetAlias",
    "ListAliases",
    "DeleteAlias",
    "PutFunctionConcurrency",
    "DeleteFunctionConcurrency",
    "GetFunctionConcurrency",
    "AddPermission",
    "RemovePermission",
    "GetPolicy",
}


def implemented() -> set[str]:
    return {name for (service, name) in HANDLERS if service == "lambda"}


def test_required_operations_are_implemented() -> None:
    assert not REQUIRED - implemented(), sorted(REQUIRED - implemented())
    assert implemented() <= set(load_protocol("lambda").operations)


def test_report_of_implemented_operations() -> None:
    """Not an assertion about progress: prints the implemented share for the CI log (pytest -s)."""
    names = load_protocol("lambda").operations
    print(f"\nlambda: {len(implemented())}/{len(names)} operations implemented")


async def test_an_operation_not_implemented_answers_501(lam: LambdaClient) -> None:
    error = await error_of(lam.call("ListLayers"))
    assert (error.status, error.code) == (501, "NotImplementedException")
    assert "ListLayers" in error.message


async def test_reset_kills_environments_and_forgets_functions(lam: LambdaClient) -> None:
    await lam.create("fn")
    await lam.invoke("fn")
    assert lam.services.lambdas.runtime.environments() == 1
    response = await lam.request("POST", "/_apigate/reset")
    assert response.status == 200
    assert lam.services.lambdas.runtime.environments() == 0
    assert (await lam.call("ListFunctions"))["Functions"] == []
    await lam.create("fn")  # usable again
    assert (await lam.invoke("fn"))["StatusCode"] == 200
