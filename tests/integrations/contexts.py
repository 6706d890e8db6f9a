"""Invocation contexts built the way the earlier pipeline stages build them.

A snapshot with one resource and one method is compiled by the real compile step
(``compile_deployment``, which compiles every mapping template with ``apigate.vtl``), and the route
is found by the deployment's real router, so a stage under test sees exactly what it would see in
the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.context import Headers, InvocationContext, MethodRequest

API_ID = "abcdef1234"
REQUEST_ID = "6f1c8a52-1d2b-4c3e-9f00-0123456789ab"
EPOCH_MS = 1_700_000_000_123  # Tue, 14 Nov 2023 22:13:20 UTC


def integration(kind: str = "MOCK", **fields: Any) -> dict[str, Any]:
    """An Integration document as GetIntegration returns it (AWS's PutIntegration defaults)."""
    doc: dict[str, Any] = {
        "type": kind,
        "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000,
        "cacheKeyParameters": [],
    }
    doc.update(fields)
    return doc


def response(status: str = "200", **fields: Any) -> dict[str, Any]:
    """An IntegrationResponse document."""
    return {"statusCode": status, **fields}


def build_context(
    integration_doc: dict[str, Any] | None,
    *,
    verb: str = "GET",
    resource_path: str = "/pets/{id}",
    path: str = "/pets/1",
    query: Iterable[tuple[str, str]] = (),
    headers: Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    method_responses: Iterable[str] = ("200",),
    stage_variables: dict[str, str] | None = None,
    binary_media_types: Iterable[str] = (),
    test_invoke: bool = False,
) -> InvocationContext:
    method: dict[str, Any] = {
        "httpMethod": verb,
        "authorizationType": "NONE",
        "methodResponses": {code: {"statusCode": code} for code in method_responses},
    }
    if integration_doc is not None:
        method["methodIntegration"] = integration_doc
    resources = [{"id": "root0", "path": "/"}]
    if resource_path != "/":
        part = resource_path.rsplit("/", 1)[-1]
        resources.append({"id": "res123", "path": resource_path, "pathPart": part})
    resources[-1]["resourceMethods"] = {verb: method}
    snapshot = {
        "restApi": {"id": API_ID, "name": "api", "binaryMediaTypes": list(binary_media_types)},
        "resources": resources,
    }
    deployment = compile_deployment(API_ID, "dep456", snapshot)
    request = MethodRequest(
        http_method=verb,
        path=path,
        raw_path=path,
        query=list(query),
        headers=Headers(list(headers)),
        body=body,
        source_ip="10.1.2.3",
        domain_name=f"{API_ID}.execute-api.us-east-1.amazonaws.com",
    )
    ctx = InvocationContext(
        request=request,
        request_id=REQUEST_ID,
        extended_request_id="Gx1aBcDeFgHiJk=",
        request_time_epoch_ms=EPOCH_MS,
        api_id=API_ID,
        stage_name="test",
        account_id="123456789012",
        region="us-east-1",
        deployment=deployment,
        stage={"stageName": "test", "deploymentId": "dep456"},
        stage_variables=dict(stage_variables or {}),
        test_invoke=test_invoke,
    )
    found = deployment.router.match(verb, path)
    assert found is not None, f"{verb} {path} does not route to {resource_path}"
    ctx.resource, ctx.method, ctx.path_parameters = found
    return ctx
