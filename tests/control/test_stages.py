"""CreateStage / GetStage(s) / UpdateStage / DeleteStage through the real protocol.

Every expected document and message below is AWS's own, from aws-recorded
(test_apigateway_common ``TestStages``, test_apigateway_canary ``TestStageCrudCanary``,
test_apigateway_api ``TestApiGatewayStage``), with dates and ids left out.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tests.control.conftest import mock_api, set_response
from tests.support.client import GatewayClient, error_of

INVALID_PATH = (
    "Invalid method setting path: {path}. Must be one of: [/deploymentId, /description, "
    "/cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, "
    "/accessLogSettings/destinationArn, "
    "/accessLogSettings/format, /{{resourcePath}}/{{httpMethod}}/metrics/enabled, "
    "/{{resourcePath}}/{{httpMethod}}/logging/dataTrace, /{{resourcePath}}/{{httpMethod}}/logging/loglevel, "
    "/{{resourcePath}}/{{httpMethod}}/throttling/burstLimit"
    "/{{resourcePath}}/{{httpMethod}}/throttling/rateLimit"
    "/{{resourcePath}}/{{httpMethod}}/caching/ttlInSeconds, "
    "/{{resourcePath}}/{{httpMethod}}/caching/enabled, "
    "/{{resourcePath}}/{{httpMethod}}/caching/dataEncrypted, "
    "/{{resourcePath}}/{{httpMethod}}/caching/requireAuthorizationForCacheControl, "
    "/{{resourcePath}}/{{httpMethod}}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, "
    "/*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit /*/*/throttling/rateLimit "
    "/*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, "
    "/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, "
    "/variables/{{variable_name}}, /tracingEnabled]"
)
ACCESS_LOG_PATH = (
    "Invalid accessLogSettings path. Must be one of : "
    "[/accessLogSettings/destinationArn, /accessLogSettings/format]"
)
LOG_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:apigw-access"


def _setting(**overrides: Any) -> dict[str, Any]:
    """A MethodSetting as AWS materialises it (every default), with ``overrides``."""
    return {
        "cacheDataEncrypted": False,
        "cacheTtlInSeconds": 300,
        "cachingEnabled": False,
        "dataTraceEnabled": False,
        "metricsEnabled": False,
        "requireAuthorizationForCacheControl": True,
        "throttlingBurstLimit": 5000,
        "throttlingRateLimit": 10000.0,
        "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
        **overrides,
    }


@pytest.fixture
async def api(client: GatewayClient) -> dict[str, str]:
    """A MOCK API with one deployment (``deploymentId``) and no stage."""
    ids = await mock_api(client)
    ids["deploymentId"] = (await client.call("CreateDeployment", restApiId=ids["apiId"]))["id"]
    return ids


def _bare(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("createdDate", "lastUpdatedDate", "ResponseMetadata")}


async def _patch(client: GatewayClient, api: dict[str, str], *ops: dict[str, str], stage: str = "s1") -> dict:
    return await client.call(
        "UpdateStage", restApiId=api["apiId"], stageName=stage, patchOperations=list(ops)
    )


async def _stage(client: GatewayClient, api: dict[str, str], **params: Any) -> dict[str, Any]:
    params.setdefault("stageName", "s1")
    return await client.call(
        "CreateStage", restApiId=api["apiId"], deploymentId=api["deploymentId"], **params
    )


def _replace(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": path, "value": value}


async def test_create_stage_defaults(client: GatewayClient, api: dict[str, str]) -> None:
    created = await _stage(client, api, description="my stage", documentationVersion="v123")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    expected = {
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "deploymentId": api["deploymentId"],
        "description": "my stage",
        "documentationVersion": "v123",
        "methodSettings": {},
        "stageName": "s1",
        "tracingEnabled": False,
    }
    assert _bare(created) == expected
    assert isinstance(created["createdDate"], type(created["lastUpdatedDate"]))
    assert _bare(await client.call("GetStage", restApiId=api["apiId"], stageName="s1")) == expected


async def test_create_stage_errors(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    err = await error_of(_stage(client, api))
    assert (err.status, err.code, err.message) == (409, "ConflictException", "Stage already exists")
    err = await error_of(
        client.call("CreateStage", restApiId=api["apiId"], stageName="s2", deploymentId="nope00")
    )
    assert (err.status, err.code, err.message) == (400, "BadRequestException", "Deployment id does not exist")
    err = await error_of(_stage(client, api, stageName="s3", canarySettings={"deploymentId": "deploy"}))
    assert (err.status, err.message) == (400, "Deployment id does not exist")
    tagged = await _stage(client, api, stageName="tagged", tags={"team": "a"})
    assert tagged["tags"] == {"team": "a"}
    err = await error_of(_stage(client, api, stageName="a.b"))
    assert (err.status, err.message) == (400, "Stage name only allows a-zA-Z0-9_-")
    err = await error_of(client.call("GetStage", restApiId=api["apiId"], stageName="missing"))
    assert (err.status, err.code, err.message) == (
        404,
        "NotFoundException",
        "Invalid stage identifier specified",
    )


async def test_create_stage_with_canary(client: GatewayClient, api: dict[str, str]) -> None:
    second = (await client.call("CreateDeployment", restApiId=api["apiId"]))["id"]
    created = await _stage(
        client,
        api,
        stageName="dev",
        description="dev stage",
        variables={"testVar": "default"},
        canarySettings={
            "deploymentId": second,
            "percentTraffic": 50,
            "stageVariableOverrides": {"testVar": "canary"},
        },
    )
    assert _bare(created) == {
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "canarySettings": {
            "deploymentId": second,
            "percentTraffic": 50.0,
            "stageVariableOverrides": {"testVar": "canary"},
            "useStageCache": False,
        },
        "deploymentId": api["deploymentId"],
        "description": "dev stage",
        "methodSettings": {},
        "stageName": "dev",
        "tracingEnabled": False,
        "variables": {"testVar": "default"},
    }
    updated = await _patch(
        client, api, _replace("/canarySettings/stageVariableOverrides/testVar", "updated"), stage="dev"
    )
    assert updated["canarySettings"]["stageVariableOverrides"] == {"testVar": "updated"}
    removed = await _patch(client, api, {"op": "remove", "path": "/canarySettings"}, stage="dev")
    assert "canarySettings" not in removed and removed["deploymentId"] == api["deploymentId"]
    assert "canarySettings" not in await client.call("GetStage", restApiId=api["apiId"], stageName="dev")


async def test_get_stages_is_not_paginated_and_filters(client: GatewayClient, api: dict[str, str]) -> None:
    d1 = (await client.call("CreateDeployment", restApiId=api["apiId"], stageName="stage1"))["id"]
    d2 = (await client.call("CreateDeployment", restApiId=api["apiId"], stageName="stage2"))["id"]
    response = await client.request(
        "GET", f"/restapis/{api['apiId']}/stages", headers={"Accept": "application/json"}
    )
    body = orjson.loads(response.body)
    assert response.status == 200 and set(body) == {"item"}
    assert [s["stageName"] for s in body["item"]] == ["stage1", "stage2"]
    only = await client.call("GetStages", restApiId=api["apiId"], deploymentId=d1)
    assert [(s["stageName"], s["deploymentId"]) for s in only["item"]] == [("stage1", d1)]
    only = await client.call("GetStages", restApiId=api["apiId"], deploymentId=d2)
    assert [_bare(s) for s in only["item"]] == [
        {
            "cacheClusterEnabled": False,
            "cacheClusterStatus": "NOT_AVAILABLE",
            "deploymentId": d2,
            "methodSettings": {},
            "stageName": "stage2",
            "tracingEnabled": False,
        }
    ]


async def test_update_stage_materialises_method_settings(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api, description="my stage")
    updated = await _patch(
        client,
        api,
        _replace("/description", "stage new"),
        _replace("/variables/var1", "test"),
        _replace("/variables/var2", "test2"),
        _replace("/*/*/throttling/burstLimit", "123"),
        _replace("/*/*/caching/enabled", "true"),
        _replace("/tracingEnabled", "true"),
        _replace("/test/GET/throttling/burstLimit", "124"),
    )
    expected_settings = {
        "*/*": _setting(cachingEnabled=True, throttlingBurstLimit=123),
        # A new per-method entry starts as a copy of "*/*" (AWS: cachingEnabled is inherited).
        "test/GET": _setting(cachingEnabled=True, throttlingBurstLimit=124),
    }
    assert updated["methodSettings"] == expected_settings
    assert (updated["description"], updated["tracingEnabled"]) == ("stage new", True)
    assert updated["variables"] == {"var1": "test", "var2": "test2"}
    got = await client.call("GetStage", restApiId=api["apiId"], stageName="s1")
    assert got["methodSettings"] == expected_settings
    # Changing "*/*" later does not touch the per-method entry.
    again = await _patch(client, api, _replace("/*/*/throttling/burstLimit", "100"))
    assert again["methodSettings"]["*/*"]["throttlingBurstLimit"] == 100
    assert again["methodSettings"]["test/GET"]["throttlingBurstLimit"] == 124
    # Escaped resource paths name the entry without the leading slash; every setting converts.
    nested = await _patch(
        client,
        api,
        _replace("/~1pets~1{id}/POST/logging/loglevel", "INFO"),
        _replace("/~1pets~1{id}/POST/throttling/rateLimit", "2.5"),
        _replace("/~1pets~1{id}/POST/caching/ttlInSeconds", "60"),
        _replace("/~1pets~1{id}/POST/metrics/enabled", "true"),
        _replace("/~1pets~1{id}/POST/caching/unauthorizedCacheControlHeaderStrategy", "FAIL_WITH_403"),
    )
    assert nested["methodSettings"]["pets/{id}/POST"] == _setting(
        cachingEnabled=True,
        throttlingBurstLimit=100,
        loggingLevel="INFO",
        throttlingRateLimit=2.5,
        cacheTtlInSeconds=60,
        metricsEnabled=True,
        unauthorizedCacheControlHeaderStrategy="FAIL_WITH_403",
    )


async def test_remove_wildcard_method_settings(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    err = await error_of(_patch(client, api, {"op": "remove", "path": "/*/*"}))
    assert (err.status, err.message) == (
        400,
        "Cannot remove method setting */* because there is no method setting for this method ",
    )
    updated = await _patch(client, api, _replace("/*/*/caching/enabled", "true"))
    assert updated["methodSettings"] == {"*/*": _setting(cachingEnabled=True)}
    reset = await _patch(client, api, {"op": "remove", "path": "/*/*"})
    assert reset["methodSettings"] == {}


async def test_update_stage_refuses_unknown_paths(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    for path in ("/documentation_version", "/tags/tag1", "/*/*/throttling/unknown"):
        err = await error_of(_patch(client, api, _replace(path, "123")))
        assert (err.status, err.code, err.message) == (
            400,
            "BadRequestException",
            INVALID_PATH.format(path=path),
        )
    err = await error_of(_patch(client, api, _replace("/*/*/throttling/burstLimit", "lots")))
    assert err.status == 400
    err = await error_of(_patch(client, api, _replace("/variables/bad-name", "x")))
    assert err.message == "Invalid stage variable name: bad-name. Please use names with only word characters."
    err = await error_of(_patch(client, api, _replace("/variables/ok", "")))
    assert err.message.startswith("Invalid stage variable value: .")
    err = await error_of(_patch(client, api, {"op": "wrong", "path": "/description", "value": "x"}))
    assert (err.status, err.code) == (400, "ValidationException")
    # A refused request changes nothing, even the operations before the bad one.
    err = await error_of(_patch(client, api, _replace("/description", "changed"), _replace("/nope", "x")))
    assert "description" not in await client.call("GetStage", restApiId=api["apiId"], stageName="s1")


async def test_update_stage_variables_and_cache(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api, variables={"a": "1", "b": "2"})
    updated = await _patch(
        client, api, {"op": "remove", "path": "/variables/a"}, _replace("/variables/c", "x:y/z")
    )
    assert updated["variables"] == {"b": "2", "c": "x:y/z"}
    updated = await _patch(
        client, api, {"op": "remove", "path": "/variables/b"}, {"op": "remove", "path": "/variables/c"}
    )
    assert "variables" not in updated
    updated = await _patch(client, api, _replace("/cacheClusterEnabled", "true"))
    assert (updated["cacheClusterEnabled"], updated["cacheClusterStatus"], updated["cacheClusterSize"]) == (
        True,
        "AVAILABLE",
        "0.5",
    )
    updated = await _patch(
        client, api, _replace("/cacheClusterSize", "6.1"), _replace("/cacheClusterEnabled", "false")
    )
    assert (updated["cacheClusterEnabled"], updated["cacheClusterStatus"], updated["cacheClusterSize"]) == (
        False,
        "NOT_AVAILABLE",
        "6.1",
    )
    err = await error_of(_patch(client, api, _replace("/cacheClusterSize", "2")))
    assert err.status == 400


async def test_rollback_by_moving_deployment_id(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    second = (await client.call("CreateDeployment", restApiId=api["apiId"], stageName="s1"))["id"]
    assert (await client.call("GetStage", restApiId=api["apiId"], stageName="s1"))["deploymentId"] == second
    rolled = await _patch(client, api, _replace("/deploymentId", api["deploymentId"]))
    assert rolled["deploymentId"] == api["deploymentId"]
    err = await error_of(_patch(client, api, _replace("/deploymentId", "nope00")))
    assert (err.status, err.message) == (400, "Deployment id does not exist")


async def test_rollback_takes_effect_on_the_next_request(client: GatewayClient) -> None:
    ids = await mock_api(client, '{"message": "v1"}')
    v1 = (await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev"))["id"]
    await set_response(client, ids, '{"message": "v2"}')
    response = await client.invoke(ids["apiId"], "dev")
    assert orjson.loads(response.body) == {"message": "v1"}  # undeployed changes are invisible
    await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev")
    assert orjson.loads((await client.invoke(ids["apiId"], "dev")).body) == {"message": "v2"}
    await _patch(client, ids, _replace("/deploymentId", v1), stage="dev")
    assert orjson.loads((await client.invoke(ids["apiId"], "dev")).body) == {"message": "v1"}


async def test_canary_created_by_stage_update(client: GatewayClient, api: dict[str, str]) -> None:
    second = (await client.call("CreateDeployment", restApiId=api["apiId"]))["id"]
    await _stage(client, api, stageName="dev", description="dev stage", variables={"testVar": "default"})
    updated = await _patch(client, api, _replace("/canarySettings/deploymentId", second), stage="dev")
    assert updated["canarySettings"] == {
        "deploymentId": second,
        "percentTraffic": 0.0,
        "useStageCache": False,
    }
    updated = await _patch(client, api, {"op": "remove", "path": "/canarySettings"}, stage="dev")
    assert "canarySettings" not in updated
    # Without a canary, the new one points at the stage's own deployment.
    updated = await _patch(client, api, _replace("/canarySettings/percentTraffic", "50"), stage="dev")
    assert updated["canarySettings"] == {
        "deploymentId": api["deploymentId"],
        "percentTraffic": 50.0,
        "useStageCache": False,
    }
    err = await error_of(_patch(client, api, _replace("/canarySettings/percentTraffic", "101"), stage="dev"))
    assert err.status == 400
    # Removing an override where there is no canary leaves no canary behind.
    await _patch(client, api, {"op": "remove", "path": "/canarySettings"}, stage="dev")
    removed = {"op": "remove", "path": "/canarySettings/stageVariableOverrides/testVar"}
    assert "canarySettings" not in await _patch(client, api, removed, stage="dev")


async def test_canary_update_validation(client: GatewayClient, api: dict[str, str]) -> None:
    await client.call("CreateDeployment", restApiId=api["apiId"], stageName="dev")
    await client.call(
        "CreateDeployment",
        restApiId=api["apiId"],
        stageName="dev",
        canarySettings={"percentTraffic": 50, "stageVariableOverrides": {"testVar": "canary"}},
    )
    cannot_remove = "Cannot remove method setting {} because there is no method setting for this method "
    for path in ("/canarySettings/stageVariableOverrides", "/canarySettings/badPath"):
        err = await error_of(_patch(client, api, {"op": "remove", "path": path}, stage="dev"))
        assert (err.status, err.message) == (400, cannot_remove.format(path[1:]))
    for path in ("/canarySettings", "/canarySettings/badPath"):
        err = await error_of(_patch(client, api, _replace(path, "test"), stage="dev"))
        assert err.message == INVALID_PATH.format(path=path)
    await client.call("CreateDeployment", restApiId=api["apiId"], stageName="dev2")
    add = {"op": "add", "path": "/canarySettings/deploymentId", "value": api["deploymentId"]}
    err = await error_of(_patch(client, api, add, stage="dev2"))
    assert err.message == "Invalid add operation with path: /canarySettings/deploymentId"
    err = await error_of(
        _patch(client, api, _replace("/canarySettings/deploymentId", "deploy"), stage="dev2")
    )
    assert err.message == "Deployment id does not exist"


async def test_canary_promotion_with_copy(client: GatewayClient, api: dict[str, str]) -> None:
    first = (
        await client.call(
            "CreateDeployment",
            restApiId=api["apiId"],
            stageName="dev",
            variables={"testVar": "test", "testVar2": "test2"},
        )
    )["id"]
    bad = [
        {"op": "copy", "path": "/canarySettings/stageVariableOverrides", "from": "/variables"},
        {"op": "copy", "path": "/canarySettings/deploymentId", "from": "/deploymentId"},
    ]
    err = await error_of(_patch(client, api, *bad, stage="dev"))
    assert err.message == (
        "Invalid copy operation with path: /canarySettings/stageVariableOverrides and from /variables. Valid "
        "copy:path are [/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, "
        "/canarySettings/stageVariableOverrides]"
    )
    promote = [
        {"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"},
        {"op": "copy", "from": "/canarySettings/stageVariableOverrides", "path": "/variables"},
    ]
    err = await error_of(_patch(client, api, *promote, stage="dev"))
    assert err.message == "Promotion not available. Canary does not exist."
    updated = await _patch(
        client, api, _replace("/canarySettings/percentTraffic", "0.0"), *promote, stage="dev"
    )
    assert updated["canarySettings"] == {"deploymentId": first, "percentTraffic": 0.0, "useStageCache": False}
    assert (updated["deploymentId"], updated["variables"]) == (
        first,
        {"testVar": "test", "testVar2": "test2"},
    )

    canary = (
        await client.call(
            "CreateDeployment",
            restApiId=api["apiId"],
            stageName="dev",
            canarySettings={"percentTraffic": 50, "stageVariableOverrides": {"testVar": "override"}},
        )
    )["id"]
    promoted = await _patch(
        client, api, _replace("/canarySettings/percentTraffic", "0.0"), *promote, stage="dev"
    )
    assert promoted["deploymentId"] == canary
    assert promoted["variables"] == {"testVar": "override", "testVar2": "test2"}
    assert promoted["canarySettings"] == {
        "deploymentId": canary,
        "percentTraffic": 0.0,
        "stageVariableOverrides": {"testVar": "override"},
        "useStageCache": False,
    }


async def test_access_log_settings(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api, stageName="dev", description="dev stage")
    add = {"op": "add", "path": "/accessLogSettings/destinationArn", "value": LOG_ARN}
    assert (await _patch(client, api, add, stage="dev"))["accessLogSettings"] == {"destinationArn": LOG_ARN}
    updated = await _patch(
        client, api, _replace("/accessLogSettings/destinationArn", LOG_ARN + "a"), stage="dev"
    )
    assert updated["accessLogSettings"] == {"destinationArn": LOG_ARN + "a"}
    fmt = "$context.requestId $context.identity.sourceIp"
    updated = await _patch(
        client, api, {"op": "add", "path": "/accessLogSettings/format", "value": fmt}, stage="dev"
    )
    assert updated["accessLogSettings"] == {"destinationArn": LOG_ARN + "a", "format": fmt}
    updated = await _patch(client, api, {"op": "remove", "path": "/accessLogSettings"}, stage="dev")
    assert "accessLogSettings" not in updated


async def test_access_log_settings_validation(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api, stageName="dev")
    cannot_remove = "Cannot remove method setting {} because there is no method setting for this method "
    for path in ("/accessLogSettings/randomValue", "/accessLogSettings/*", "/accessLogSettings"):
        for op in ("add", "replace"):
            err = await error_of(_patch(client, api, {"op": op, "path": path, "value": "x"}, stage="dev"))
            assert (err.status, err.message) == (400, ACCESS_LOG_PATH)
    for path in ("/accessLogSettings/randomValue", "/accessLogSettings/*"):
        err = await error_of(_patch(client, api, {"op": "remove", "path": path}, stage="dev"))
        assert err.message == cannot_remove.format(path[1:])
    await _patch(
        client, api, {"op": "add", "path": "/accessLogSettings/destinationArn", "value": LOG_ARN}, stage="dev"
    )
    for path in ("/accessLogSettings/destinationArn", "/accessLogSettings/format"):
        err = await error_of(_patch(client, api, _replace(path, ""), stage="dev"))
        assert err.message == "Access Log value must not be empty"
    # Even a field that is set cannot be removed on its own (AWS): only the whole object can.
    err = await error_of(
        _patch(client, api, {"op": "remove", "path": "/accessLogSettings/destinationArn"}, stage="dev")
    )
    assert err.message == cannot_remove.format("accessLogSettings/destinationArn")


async def test_delete_stage(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    deleted = await client.call("DeleteStage", restApiId=api["apiId"], stageName="s1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    err = await error_of(client.call("DeleteStage", restApiId=api["apiId"], stageName="s1"))
    assert (err.status, err.message) == (404, "Invalid stage identifier specified")
    assert (await client.call("GetStages", restApiId=api["apiId"]))["item"] == []
    # With the stage gone the deployment can be deleted.
    await client.call("DeleteDeployment", restApiId=api["apiId"], deploymentId=api["deploymentId"])


async def test_flush_caches_need_the_stage(client: GatewayClient, api: dict[str, str]) -> None:
    await _stage(client, api)
    for operation in ("FlushStageCache", "FlushStageAuthorizersCache"):
        flushed = await client.call(operation, restApiId=api["apiId"], stageName="s1")
        assert flushed["ResponseMetadata"]["HTTPStatusCode"] == 202
        err = await error_of(client.call(operation, restApiId=api["apiId"], stageName="nope"))
        assert err.status == 404
