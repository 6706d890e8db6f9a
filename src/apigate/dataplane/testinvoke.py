"""TestInvokeMethod on the data plane: the console's "Test" button.

The caller's snapshot (the API as it is now, not a deployment) is compiled for this one call and
not cached. The request then runs through the same pipeline as a deployed call, with
``ctx.test_invoke`` set so that stages write the execution log. The context carries the values AWS
uses for test invocations (stage ``test-invoke-stage``, deployment ``test-invoke-deployment-id``,
domain ``testPrefix.testDomainName``, source IP ``test-invoke-source-ip``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from apigate.control.errors import NotFoundException
from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.context import Headers, MethodRequest
from apigate.dataplane.execution_log import render_log
from apigate.dataplane.pipeline import run
from apigate.dataplane.router import extract_path_parameters

if TYPE_CHECKING:
    from apigate.dataplane.app import DataPlane
    from apigate.dataplane.compiled import CompiledMethod, CompiledResource

TEST_STAGE = "test-invoke-stage"
TEST_DEPLOYMENT_ID = "test-invoke-deployment-id"
TEST_DOMAIN = "testPrefix.testDomainName"
TEST_SOURCE_IP = "test-invoke-source-ip"


def _request_headers(headers: dict[str, str], multi_value_headers: dict[str, list[str]]) -> Headers:
    items: list[tuple[str, str]] = [
        (name, value) for name, values in multi_value_headers.items() for value in values or ()
    ]
    multi = {name.lower() for name in multi_value_headers}
    items.extend((name, value) for name, value in headers.items() if name.lower() not in multi)
    return Headers(items)


def _response_headers(items: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in items:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


class TestInvoker:
    """Runs TestInvokeMethod for a ``DataPlane`` (its clock, ids and pipeline stages)."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(self, dataplane: DataPlane) -> None:
        self.dataplane = dataplane

    @staticmethod
    def _method(resources: dict[str, CompiledResource], resource_id: str, http_method: str) -> CompiledMethod:
        resource = resources.get(resource_id)
        if resource is None:
            raise NotFoundException("Invalid Resource identifier specified")
        method = resource.methods.get(http_method.upper())
        if method is None:
            raise NotFoundException("Invalid Method identifier specified")
        return method

    async def invoke(
        self,
        *,
        api_id: str,
        snapshot: dict[str, Any],
        resource_id: str,
        http_method: str,
        path_with_query_string: str | None,
        headers: dict[str, str],
        multi_value_headers: dict[str, list[str]],
        body: str | None,
        stage_variables: dict[str, str],
    ) -> dict[str, Any]:
        dataplane = self.dataplane
        started = dataplane.clock()
        deployment = compile_deployment(api_id, TEST_DEPLOYMENT_ID, snapshot)
        method = self._method(deployment.resources, resource_id, http_method)
        resource = deployment.resources[resource_id]
        path, _, query_string = (path_with_query_string or resource.path).partition("?")
        raw_path = "/" + path.lstrip("/")
        request = MethodRequest(
            http_method=http_method.upper(),
            path=unquote(raw_path),
            raw_path=raw_path,
            query=parse_qsl(query_string, keep_blank_values=True),
            headers=_request_headers(headers, multi_value_headers),
            body=(body or "").encode(),
            source_ip=TEST_SOURCE_IP,
            domain_name=TEST_DOMAIN,
        )
        stage = {"stageName": TEST_STAGE, "deploymentId": TEST_DEPLOYMENT_ID, "variables": stage_variables}
        ctx = dataplane.new_context(request, api_id, TEST_STAGE, deployment, stage, stage_variables)
        ctx.test_invoke = True
        ctx.resource = resource
        ctx.method = method
        ctx.path_parameters = extract_path_parameters(resource.path, raw_path) or {}
        await run(ctx, dataplane.stages)
        single, multi = _response_headers(ctx.response.headers.items)
        return {
            "status": ctx.response.status,
            "body": ctx.response.body.decode("utf-8", "replace"),
            "headers": single,
            "multiValueHeaders": multi,
            "log": render_log(ctx.request_id, ctx.log, ctx.request_time_epoch_ms / 1000),
            "latency": max(0, int((dataplane.clock() - started) * 1000)),
        }
