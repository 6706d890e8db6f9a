"""CreateDeployment / GetDeployment(s) / UpdateDeployment / DeleteDeployment through the real protocol.

Expected shapes and messages are AWS's, as recorded in aws-recorded (test_apigateway_common
``TestDeployments``, test_apigateway_canary ``TestStageCrudCanary``).
"""

from __future__ import annotations

import re

from apigate.control.common import KIND_SNAPSHOT
from tests.control.conftest import mock_api, set_response
from tests.support.client import ACCOUNT_ID, GatewayClient, error_of


async def _snapshot(client: GatewayClient, api_id: str, deployment_id: str) -> dict:
    async with client.services.store.transaction() as tx:
        doc = await tx.get(KIND_SNAPSHOT, f"{api_id}/{deployment_id}")
    assert doc is not None
    return doc


def _template_of(snapshot: dict, resource_id: str) -> str:
    resource = next(r for r in snapshot["resources"] if r["id"] == resource_id)
    integration = resource["resourceMethods"]["GET"]["methodIntegration"]
    return integration["integrationResponses"]["200"]["responseTemplates"]["application/json"]


async def test_create_deployment_answers_id_and_created_date(client: GatewayClient) -> None:
    ids = await mock_api(client)
    created = await client.call("CreateDeployment", restApiId=ids["apiId"])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert re.fullmatch(r"[a-z0-9]{6}", created["id"])
    assert set(created) == {"id", "createdDate", "ResponseMetadata"}
    got = await client.call("GetDeployment", restApiId=ids["apiId"], deploymentId=created["id"])
    assert got["id"] == created["id"] and got["createdDate"] == created["createdDate"]
    assert "apiSummary" not in got


async def test_deployment_errors(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="empty")
    err = await error_of(client.call("CreateDeployment", restApiId=api["id"]))
    assert (err.status, err.code, err.message) == (
        400,
        "BadRequestException",
        "The REST API doesn't contain any methods",
    )
    await client.call(
        "PutMethod",
        restApiId=api["id"],
        resourceId=api["rootResourceId"],
        httpMethod="GET",
        authorizationType="NONE",
    )
    err = await error_of(client.call("CreateDeployment", restApiId=api["id"]))
    assert (err.status, err.message) == (400, "No integration defined for method")
    err = await error_of(client.call("CreateDeployment", restApiId="nope123456"))
    assert (err.status, err.code) == (404, "NotFoundException")
    assert err.message == f"Invalid API identifier specified {ACCOUNT_ID}:nope123456"
    err = await error_of(client.call("GetDeployment", restApiId=api["id"], deploymentId="zzzzzz"))
    assert (err.status, err.message) == (404, "Invalid Deployment identifier specified")
    async with client.services.store.transaction() as tx:
        assert await tx.list("deployment", f"{api['id']}/") == []
        assert await tx.list(KIND_SNAPSHOT, f"{api['id']}/") == []


async def test_snapshot_is_frozen_at_deployment(client: GatewayClient) -> None:
    ids = await mock_api(client, '{"message": "first"}')
    first = await client.call("CreateDeployment", restApiId=ids["apiId"])
    snapshot = await _snapshot(client, ids["apiId"], first["id"])
    assert snapshot["restApi"]["id"] == ids["apiId"]
    assert {r["path"] for r in snapshot["resources"]} == {"/"}
    assert snapshot["requestValidators"] == [] and snapshot["authorizers"] == []
    assert snapshot["gatewayResponses"] == {}
    assert isinstance(snapshot["models"], list)
    assert _template_of(snapshot, ids["resourceId"]) == '{"message": "first"}'

    # Changing the API afterwards changes nothing in the stored snapshot ...
    await set_response(client, ids, '{"message": "second"}')
    await client.call("CreateResource", restApiId=ids["apiId"], parentId=ids["rootId"], pathPart="more")
    assert await _snapshot(client, ids["apiId"], first["id"]) == snapshot
    # ... and the next deployment freezes the API as it is now.
    second = await client.call("CreateDeployment", restApiId=ids["apiId"])
    later = await _snapshot(client, ids["apiId"], second["id"])
    assert _template_of(later, ids["resourceId"]) == '{"message": "second"}'
    assert {r["path"] for r in later["resources"]} == {"/", "/more"}


async def test_create_deployment_creates_the_stage(client: GatewayClient) -> None:
    ids = await mock_api(client)
    deployment = await client.call(
        "CreateDeployment",
        restApiId=ids["apiId"],
        stageName="dev",
        stageDescription="dev stage",
        description="first release",
        variables={"testVar": "default"},
        tracingEnabled=True,
    )
    assert deployment["description"] == "first release"
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="dev")
    for date in ("createdDate", "lastUpdatedDate", "ResponseMetadata"):
        stage.pop(date)
    assert stage == {
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "deploymentId": deployment["id"],
        "description": "dev stage",
        "methodSettings": {},
        "stageName": "dev",
        "tracingEnabled": True,
        "variables": {"testVar": "default"},
    }


async def test_create_deployment_repoints_an_existing_stage(client: GatewayClient) -> None:
    ids = await mock_api(client)
    first = await client.call("CreateDeployment", restApiId=ids["apiId"])
    await client.call(
        "CreateStage",
        restApiId=ids["apiId"],
        stageName="s1",
        deploymentId=first["id"],
        description="kept",
        variables={"a": "1"},
    )
    second = await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="s1")
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="s1")
    assert stage["deploymentId"] == second["id"]
    assert stage["description"] == "kept" and stage["variables"] == {"a": "1"}
    third = await client.call(
        "CreateDeployment",
        restApiId=ids["apiId"],
        stageName="s1",
        variables={"b": "2"},
        cacheClusterEnabled=True,
    )
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="s1")
    assert stage["deploymentId"] == third["id"] and stage["variables"] == {"b": "2"}
    assert (stage["cacheClusterEnabled"], stage["cacheClusterStatus"], stage["cacheClusterSize"]) == (
        True,
        "AVAILABLE",
        "0.5",
    )


async def test_canary_deployment_validation(client: GatewayClient) -> None:
    ids = await mock_api(client)
    canary = {"percentTraffic": 50, "stageVariableOverrides": {"testVar": "canary"}}
    prefix = "Invalid deployment content specified."
    err = await error_of(client.call("CreateDeployment", restApiId=ids["apiId"], canarySettings=canary))
    assert (err.status, err.code) == (400, "BadRequestException")
    assert err.message == (
        prefix
        + "Non null and non empty stageName must be provided for canary deployment. Provided value is null"
    )
    err = await error_of(
        client.call("CreateDeployment", restApiId=ids["apiId"], stageName="", canarySettings=canary)
    )
    assert err.message == (
        prefix + "Non null and non empty stageName must be provided for canary deployment. Provided value is "
    )
    err = await error_of(
        client.call(
            "CreateDeployment", restApiId=ids["apiId"], stageName="non-existing", canarySettings=canary
        )
    )
    assert err.message == (
        prefix + "Stage non-existing must already be created before making a canary release deployment"
    )
    await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev")
    err = await error_of(
        client.call(
            "CreateDeployment",
            restApiId=ids["apiId"],
            stageName="dev",
            canarySettings={"percentTraffic": 150},
        )
    )
    assert (err.status, err.code) == (400, "BadRequestException")
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="dev")
    assert "canarySettings" not in stage


async def test_canary_deployment_takes_the_canary_slot(client: GatewayClient) -> None:
    ids = await mock_api(client)
    first = await client.call("CreateDeployment", restApiId=ids["apiId"])
    await client.call(
        "CreateStage",
        restApiId=ids["apiId"],
        stageName="dev1",
        deploymentId=first["id"],
        description="dev stage",
        variables={"testVar": "default"},
        canarySettings={
            "deploymentId": first["id"],
            "percentTraffic": 40,
            "stageVariableOverrides": {"testVar": "c1"},
        },
    )
    canary = await client.call(
        "CreateDeployment",
        restApiId=ids["apiId"],
        stageName="dev1",
        canarySettings={"percentTraffic": 50, "stageVariableOverrides": {"testVar": "canary2"}},
    )
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="dev1")
    assert stage["deploymentId"] == first["id"]
    assert stage["canarySettings"] == {
        "deploymentId": canary["id"],
        "percentTraffic": 50.0,
        "stageVariableOverrides": {"testVar": "canary2"},
        "useStageCache": False,
    }
    assert stage["description"] == "dev stage" and stage["variables"] == {"testVar": "default"}
    # A plain deployment to the stage moves the stage and ends the canary release.
    plain = await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev1")
    stage = await client.call("GetStage", restApiId=ids["apiId"], stageName="dev1")
    assert stage["deploymentId"] == plain["id"] and "canarySettings" not in stage


async def test_get_deployment_embeds_api_summary(client: GatewayClient) -> None:
    ids = await mock_api(client, path_part="pets")
    await client.call(
        "PutMethod",
        restApiId=ids["apiId"],
        resourceId=ids["resourceId"],
        httpMethod="POST",
        authorizationType="AWS_IAM",
        apiKeyRequired=True,
    )
    await client.call(
        "PutIntegration",
        restApiId=ids["apiId"],
        resourceId=ids["resourceId"],
        httpMethod="POST",
        type="MOCK",
    )
    deployment = await client.call("CreateDeployment", restApiId=ids["apiId"])
    got = await client.call(
        "GetDeployment", restApiId=ids["apiId"], deploymentId=deployment["id"], embed=["apisummary"]
    )
    assert got["apiSummary"] == {
        "/pets": {
            "GET": {"authorizationType": "NONE", "apiKeyRequired": False},
            "POST": {"authorizationType": "AWS_IAM", "apiKeyRequired": True},
        }
    }


async def test_get_deployments_lists_in_creation_order_and_pages(client: GatewayClient) -> None:
    ids = await mock_api(client)
    made = [(await client.call("CreateDeployment", restApiId=ids["apiId"]))["id"] for _ in range(3)]
    listed = await client.call("GetDeployments", restApiId=ids["apiId"])
    assert [d["id"] for d in listed["items"]] == made
    assert all(set(d) == {"id", "createdDate"} for d in listed["items"])
    assert "position" not in listed
    page = await client.call("GetDeployments", restApiId=ids["apiId"], limit=2)
    assert [d["id"] for d in page["items"]] == made[:2]
    rest = await client.call("GetDeployments", restApiId=ids["apiId"], limit=2, position=page["position"])
    assert [d["id"] for d in rest["items"]] == made[2:] and "position" not in rest


async def test_update_deployment_description(client: GatewayClient) -> None:
    ids = await mock_api(client)
    deployment = await client.call("CreateDeployment", restApiId=ids["apiId"])
    updated = await client.call(
        "UpdateDeployment",
        restApiId=ids["apiId"],
        deploymentId=deployment["id"],
        patchOperations=[{"op": "replace", "path": "/description", "value": "new-description"}],
    )
    assert (updated["id"], updated["description"]) == (deployment["id"], "new-description")
    got = await client.call("GetDeployment", restApiId=ids["apiId"], deploymentId=deployment["id"])
    assert got["description"] == "new-description"
    err = await error_of(
        client.call(
            "UpdateDeployment",
            restApiId=ids["apiId"],
            deploymentId=deployment["id"],
            patchOperations=[{"op": "replace", "path": "/id", "value": "x"}],
        )
    )
    assert (err.status, err.code) == (400, "BadRequestException")


async def test_delete_deployment_refused_while_a_stage_points_at_it(client: GatewayClient) -> None:
    ids = await mock_api(client)
    first = await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="s1")
    in_use = "Active stages pointing to this deployment must be moved or deleted"
    err = await error_of(client.call("DeleteDeployment", restApiId=ids["apiId"], deploymentId=first["id"]))
    assert (err.status, err.code, err.message) == (400, "BadRequestException", in_use)

    second = await client.call("CreateDeployment", restApiId=ids["apiId"], stageName="s1")
    # The first deployment is now only the canary of the stage: still in use.
    await client.call(
        "UpdateStage",
        restApiId=ids["apiId"],
        stageName="s1",
        patchOperations=[{"op": "replace", "path": "/canarySettings/deploymentId", "value": first["id"]}],
    )
    err = await error_of(client.call("DeleteDeployment", restApiId=ids["apiId"], deploymentId=first["id"]))
    assert err.message == in_use
    await client.call(
        "UpdateStage",
        restApiId=ids["apiId"],
        stageName="s1",
        patchOperations=[{"op": "remove", "path": "/canarySettings"}],
    )
    deleted = await client.call("DeleteDeployment", restApiId=ids["apiId"], deploymentId=first["id"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    err = await error_of(client.call("GetDeployment", restApiId=ids["apiId"], deploymentId=first["id"]))
    assert err.status == 404
    async with client.services.store.transaction() as tx:
        assert await tx.get(KIND_SNAPSHOT, f"{ids['apiId']}/{first['id']}") is None
    err = await error_of(client.call("DeleteDeployment", restApiId=ids["apiId"], deploymentId=second["id"]))
    assert err.message == in_use


async def test_create_deployment_validates_stage_input(client: GatewayClient) -> None:
    ids = await mock_api(client)
    err = await error_of(client.call("CreateDeployment", restApiId=ids["apiId"], stageName="bad name"))
    assert (err.status, err.message) == (400, "Stage name only allows a-zA-Z0-9_-")
    err = await error_of(
        client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev", variables={"v": "a*b"})
    )
    assert err.status == 400 and err.message.startswith("Invalid stage variable value: a*b.")
    err = await error_of(
        client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev", variables={"bad-name": "x"})
    )
    assert err.message == "Invalid stage variable name: bad-name. Please use names with only word characters."
    err = await error_of(
        client.call("CreateDeployment", restApiId=ids["apiId"], stageName="dev", cacheClusterSize="2")
    )
    assert (err.status, err.code) == (400, "ValidationException")
    assert err.message == (
        "1 validation error detected: Value '2' at 'createDeploymentInput.cacheClusterSize' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237]"
    )
    # Nothing was deployed by the refused calls.
    assert (await client.call("GetDeployments", restApiId=ids["apiId"]))["items"] == []
    assert (await client.call("GetStages", restApiId=ids["apiId"]))["item"] == []
