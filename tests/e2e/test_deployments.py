"""Deployments are frozen snapshots: changes are invisible until deployed, a stage can be rolled back
to an older deployment, and a deployment a stage uses cannot be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.builders import Api, create_api, invoke
from tests.e2e.harness import Gateway
from tests.support.recorded import assert_parity, needs_recorded, recorded

IN_USE = "Active stages pointing to this deployment must be moved or deleted"


def set_answer(api: Api, answer: str) -> None:
    """(Re)write the integration response of GET /version to answer ``{"version": answer}``."""
    api.client.put_integration_response(
        restApiId=api.id, resourceId=api.resource("/version"), httpMethod="GET", statusCode="200",
        responseTemplates={"application/json": f'{{"version": "{answer}"}}'},
    )


def version(gateway: Gateway, api: Api, stage: str = "live") -> str:
    resp = invoke(gateway, api.id, stage, "version")
    assert resp.status == 200, resp
    return str(resp.json()["version"])


@pytest.fixture
def api(apigw: Any) -> Api:
    api = create_api(apigw, "deployments-e2e")
    api.mock("/version", "GET", responses=[{"statusCode": "200"}])
    set_answer(api, "v1")
    return api


def test_changes_are_invisible_until_the_next_deployment(gateway: Gateway, api: Api) -> None:
    api.deploy("live")
    assert version(gateway, api) == "v1"

    set_answer(api, "v2")
    api.mock("/added", "GET")
    assert version(gateway, api) == "v1"
    assert invoke(gateway, api.id, "live", "added").status == 403

    api.deploy("live")
    assert version(gateway, api) == "v2"
    assert invoke(gateway, api.id, "live", "added").status == 200


def test_rollback_takes_effect_on_the_next_request(gateway: Gateway, apigw: Any, api: Api) -> None:
    first = api.deploy("live")
    set_answer(api, "v2")
    second = api.deploy("live")
    assert version(gateway, api) == "v2"

    apigw.update_stage(restApiId=api.id, stageName="live",
                       patchOperations=[{"op": "replace", "path": "/deploymentId", "value": first}])
    assert version(gateway, api) == "v1"

    apigw.update_stage(restApiId=api.id, stageName="live",
                       patchOperations=[{"op": "replace", "path": "/deploymentId", "value": second}])
    assert version(gateway, api) == "v2"


def test_two_stages_on_two_deployments(gateway: Gateway, apigw: Any, api: Api) -> None:
    api.deploy("old")
    set_answer(api, "v2")
    api.deploy("new")
    assert (version(gateway, api, "old"), version(gateway, api, "new")) == ("v1", "v2")


def test_deleting_a_deployment_in_use_is_refused(apigw: Any, api: Api) -> None:
    used = api.deploy("live")
    with pytest.raises(ClientError) as excinfo:
        apigw.delete_deployment(restApiId=api.id, deploymentId=used)
    error = excinfo.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == ("BadRequestException", IN_USE)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [d["id"] for d in apigw.get_deployments(restApiId=api.id)["items"]] == [used]

    # Once the stage moves on, the old deployment can go.
    api.deploy("live")
    apigw.delete_deployment(restApiId=api.id, deploymentId=used)
    assert used not in [d["id"] for d in apigw.get_deployments(restApiId=api.id)["items"]]


def test_deleted_stage_and_api_stop_answering(gateway: Gateway, apigw: Any, api: Api) -> None:
    api.deploy("live")
    api.deploy("other")
    assert version(gateway, api, "other") == "v1"
    apigw.delete_stage(restApiId=api.id, stageName="other")
    assert invoke(gateway, api.id, "other", "version").status == 403
    assert version(gateway, api, "live") == "v1"

    apigw.delete_rest_api(restApiId=api.id)
    gone = invoke(gateway, api.id, "live", "version")
    assert gone.status in (403, 404), gone


@needs_recorded
def test_create_update_deployments_parity(apigw: Any, api: Api) -> None:
    """The recorded scenario: deploy to s1, deletion refused, redeploy s1, old one deletable."""
    ours: dict[str, Any] = {}
    first = api.deploy("s1")
    ours["get-deployment-1"] = apigw.get_deployment(restApiId=api.id, deploymentId=first)
    ours["get-stages"] = apigw.get_stages(restApiId=api.id)
    with pytest.raises(ClientError) as excinfo:
        apigw.delete_deployment(restApiId=api.id, deploymentId=first)
    ours["delete-deployment-error"] = excinfo.value.response
    ours["get-deployment-1-after-update"] = apigw.get_deployment(restApiId=api.id, deploymentId=first)
    second = api.deploy("s1")
    ours["get-deployment-2"] = apigw.get_deployment(restApiId=api.id, deploymentId=second)
    ours["get-stages-after-update"] = apigw.get_stages(restApiId=api.id)
    ours["delete-deployment-1"] = apigw.delete_deployment(restApiId=api.id, deploymentId=first)
    with pytest.raises(ClientError) as excinfo:
        apigw.delete_deployment(restApiId=api.id, deploymentId=second)
    ours["delete-deployment-2-error"] = excinfo.value.response

    assert_parity(ours, recorded("test_apigateway_common", "test_create_update_deployments"))
