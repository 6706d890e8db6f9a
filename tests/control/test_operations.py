"""Which operations of the apigateway model apigate implements (HANDLERS after importing them all)."""

from __future__ import annotations

import apigate.control.operations  # noqa: F401  (registers every handler)
from apigate.control.protocol import load_protocol
from apigate.control.registry import HANDLERS

# The operations the first issue requires (handlers by P3 and P4).
FIRST_ISSUE = {
    "CreateRestApi",
    "GetRestApi",
    "GetRestApis",
    "UpdateRestApi",
    "DeleteRestApi",
    "CreateResource",
    "GetResource",
    "GetResources",
    "UpdateResource",
    "DeleteResource",
    "PutMethod",
    "GetMethod",
    "UpdateMethod",
    "DeleteMethod",
    "PutMethodResponse",
    "GetMethodResponse",
    "UpdateMethodResponse",
    "DeleteMethodResponse",
    "PutIntegration",
    "GetIntegration",
    "UpdateIntegration",
    "DeleteIntegration",
    "PutIntegrationResponse",
    "GetIntegrationResponse",
    "UpdateIntegrationResponse",
    "DeleteIntegrationResponse",
    "CreateDeployment",
    "GetDeployment",
    "GetDeployments",
    "UpdateDeployment",
    "DeleteDeployment",
    "CreateStage",
    "GetStage",
    "GetStages",
    "UpdateStage",
    "DeleteStage",
    "TagResource",
    "UntagResource",
    "GetTags",
    "TestInvokeMethod",
}


def implemented(service: str = "apigateway") -> set[str]:
    return {name for (svc, name) in HANDLERS if svc == service}


def test_first_issue_operations_are_implemented() -> None:
    missing = sorted(FIRST_ISSUE - implemented())
    assert not missing, f"operations without a handler: {missing}"


def test_every_handler_names_an_operation_of_its_model() -> None:
    for service in {svc for svc, _ in HANDLERS}:
        names = set(load_protocol(service).operations)
        unknown = sorted(implemented(service) - names)
        assert not unknown, f"{service} handlers for operations its model does not have: {unknown}"


def test_the_required_set_is_part_of_the_model() -> None:
    assert set(load_protocol("apigateway").operations) >= FIRST_ISSUE


def test_report_of_implemented_operations() -> None:
    """Not an assertion about progress: prints the implemented share for the CI log (pytest -s)."""
    names = load_protocol("apigateway").operations
    done = implemented() & set(names)
    print(f"\napigateway: {len(done)}/{len(names)} operations implemented")
    assert done <= set(names)


# Issue 4: the resource families OpenAPI's x-amazon-apigateway-* extensions map to.
OPENAPI_FAMILIES = {
    f"{verb}{noun}"
    for noun, verbs in {
        "GatewayResponse": ("Put", "Get", "Update", "Delete"),
        "RequestValidator": ("Create", "Get", "Update", "Delete"),
        "Authorizer": ("Create", "Get", "Update", "Delete"),
        "DocumentationPart": ("Create", "Get", "Update", "Delete"),
        "DocumentationVersion": ("Create", "Get", "Update", "Delete"),
    }.items()
    for verb in verbs
} | {"GetGatewayResponses", "GetRequestValidators", "GetAuthorizers", "GetDocumentationParts",
     "GetDocumentationVersions", "ImportDocumentationParts"}


def test_openapi_family_operations_are_implemented() -> None:
    missing = sorted(OPENAPI_FAMILIES - implemented())
    assert not missing, f"operations without a handler: {missing}"
