"""DataPlane.test_invoke (TestInvokeMethod): same pipeline, uncached compile, the console's log."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from apigate.control.errors import NotFoundException
from apigate.dataplane.app import DataPlane
from apigate.dataplane.context import InvocationContext
from apigate.dataplane.errors import INTEGRATION_TIMEOUT
from apigate.dataplane.stages.route import route
from tests.dataplane.factories import resource, snapshot, static_mock

API = "abcdef1234"
SNAPSHOT = snapshot(resource("/", "GET", rid="root"), resource("/pets/{id}", "GET", "POST", rid="pet"))
STAMP = r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : "


class Recorder:
    def __init__(self) -> None:
        self.ctx: InvocationContext | None = None

    async def __call__(self, ctx: InvocationContext) -> None:
        self.ctx = ctx


async def invoke(dataplane: DataPlane, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "api_id": API,
        "snapshot": SNAPSHOT,
        "resource_id": "pet",
        "http_method": "POST",
        "path_with_query_string": "/pets/42?color=red&color=blue",
        "headers": {"X-One": "1"},
        "multi_value_headers": {"X-Many": ["a", "b"]},
        "body": '{"name": "rex"}',
        "stage_variables": {"v": "s"},
    }
    args.update(overrides)
    return await dataplane.test_invoke(**args)


async def test_invoke_returns_testinvokemethod_members(services: SimpleNamespace) -> None:
    ticks = iter([1_700_000_000.0, 1_700_000_000.010, 1_700_000_000.025])
    recorder = Recorder()
    dataplane = DataPlane(services, stages=(route, recorder, static_mock), clock=lambda: next(ticks))
    result = await invoke(dataplane)
    assert set(result) == {"status", "body", "headers", "multiValueHeaders", "log", "latency"}
    assert result["status"] == 200
    assert orjson.loads(result["body"]) == {"resource": "/pets/{id}", "verb": "POST"}
    # Only the method response's headers: no front-end request id, length or date.
    assert result["headers"] == {"Content-Type": "application/json"}
    assert result["multiValueHeaders"] == {"Content-Type": ["application/json"]}
    assert result["latency"] == 25

    ctx = recorder.ctx
    assert ctx is not None and ctx.test_invoke
    assert (ctx.stage_name, ctx.deployment.deployment_id) == (
        "test-invoke-stage",
        "test-invoke-deployment-id",
    )
    assert ctx.path_parameters == {"id": "42"}
    assert ctx.request.query == [("color", "red"), ("color", "blue")]
    assert ctx.request.headers.get_all("x-many") == ["a", "b"] and ctx.request.headers.get("x-one") == "1"
    assert ctx.request.body == b'{"name": "rex"}'
    assert ctx.stage_variables == {"v": "s"}
    assert ctx.request.source_ip == "test-invoke-source-ip"


async def test_execution_log_format(services: SimpleNamespace) -> None:
    dataplane = DataPlane(services, stages=(route, static_mock), clock=lambda: 1_700_000_000.0)
    result = await invoke(dataplane)
    lines = result["log"].splitlines()
    request_id = re.fullmatch(r"Execution log for request (\S+)", lines[0])
    assert request_id is not None
    assert all(re.match(STAMP, line) for line in lines[1:])
    assert lines[1].startswith("Tue Nov 14 22:13:20 UTC 2023 : ")
    bodies = [re.sub(STAMP, "", line) for line in lines[1:]]
    assert bodies == [
        f"Starting execution for request: {request_id.group(1)}",
        "HTTP Method: POST, Resource Path: /pets/42",
        "Method request path: {id=42}",
        "Method request query string: {color=blue}",
        "Method request headers: {X-Many=a,b, X-One=1}",
        'Method request body before transformations: {"name": "rex"}',
        "Successfully completed execution",
        "Method completed with status: 200",
    ]


async def test_failed_invocation_is_logged_and_answered(services: SimpleNamespace) -> None:
    async def timeout(ctx: InvocationContext) -> None:
        raise INTEGRATION_TIMEOUT(log="Execution failed due to a timeout error")

    dataplane = DataPlane(services, stages=(route, timeout))
    result = await invoke(dataplane)
    assert result["status"] == 504
    assert orjson.loads(result["body"]) == {"message": "Endpoint request timed out"}
    assert result["headers"]["x-amzn-ErrorType"] == "InternalServerErrorException"
    tail = [re.sub(STAMP, "", line) for line in result["log"].splitlines()[-2:]]
    assert tail == [
        "Execution failed due to a timeout error",
        "Method completed with status: 504",
    ]


async def test_without_path_the_resource_path_is_used(services: SimpleNamespace) -> None:
    recorder = Recorder()
    dataplane = DataPlane(services, stages=(route, recorder, static_mock))
    result = await invoke(dataplane, resource_id="root", http_method="get", path_with_query_string=None)
    assert result["status"] == 200
    assert recorder.ctx is not None and recorder.ctx.request.raw_path == "/"


async def test_the_snapshot_is_compiled_per_call_not_cached(services: SimpleNamespace) -> None:
    dataplane = DataPlane(services, stages=(route, static_mock))
    first = await invoke(dataplane, resource_id="root", http_method="GET", path_with_query_string="/")
    changed = snapshot(
        resource(
            "/",
            rid="root",
            GET={
                "httpMethod": "GET",
                "authorizationType": "NONE",
                "methodIntegration": {
                    "type": "MOCK",
                    "integrationResponses": {
                        "200": {
                            "statusCode": "200",
                            "responseTemplates": {"application/json": '{"changed": 1}'},
                        }
                    },
                },
            },
        )
    )
    second = await invoke(
        dataplane, snapshot=changed, resource_id="root", http_method="GET", path_with_query_string="/"
    )
    assert orjson.loads(first["body"]) == {"resource": "/", "verb": "GET"}
    assert orjson.loads(second["body"]) == {"changed": 1}


@pytest.mark.parametrize(
    ("resource_id", "verb", "message"),
    [
        ("nope", "GET", "Invalid Resource identifier specified"),
        ("pet", "DELETE", "Invalid Method identifier specified"),
    ],
)
async def test_unknown_resource_or_method(
    services: SimpleNamespace, resource_id: str, verb: str, message: str
) -> None:
    with pytest.raises(NotFoundException, match=message):
        await invoke(DataPlane(services), resource_id=resource_id, http_method=verb)
