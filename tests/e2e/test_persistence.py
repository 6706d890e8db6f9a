"""Restart persistence: what a gateway with ``--state-dir`` acknowledged survives ``kill -9``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.e2e.builders import create_api, invoke
from tests.e2e.harness import URL_FORMS, Gateway, start_gateway


def client_for(gateway: Gateway) -> Any:
    return boto3.client(
        "apigateway", endpoint_url=gateway.url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


@pytest.fixture
def gateways() -> Iterator[list[Gateway]]:
    """Gateways this test starts; all stopped at the end, whatever happened."""
    started: list[Gateway] = []
    yield started
    for gw in started:
        gw.stop()


def test_api_survives_kill_9(tmp_path: Path, gateways: list[Gateway]) -> None:
    state = tmp_path / "state"
    first = start_gateway("--state-dir", str(state))
    gateways.append(first)
    apigw = client_for(first)
    api = create_api(apigw, "durable")
    api.mock("/hello", "GET", responses=[{
        "statusCode": "200", "responseTemplates": {"application/json": '{"hello": "$context.stage"}'},
    }])
    deployment = api.deploy("prod", variables={"k": "v"})
    assert invoke(first, api.id, "prod", "hello").json() == {"hello": "prod"}

    first.kill9()
    second = start_gateway("--state-dir", str(state))
    gateways.append(second)
    apigw = client_for(second)

    assert [a["id"] for a in apigw.get_rest_apis()["items"]] == [api.id]
    stage = apigw.get_stage(restApiId=api.id, stageName="prod")
    assert (stage["deploymentId"], stage["variables"]) == (deployment, {"k": "v"})
    for form in URL_FORMS:
        resp = invoke(second, api.id, "prod", "hello", form=form)
        assert (resp.status, resp.json()) == (200, {"hello": "prod"}), resp


def test_in_memory_gateway_forgets(tmp_path: Path, gateways: list[Gateway]) -> None:
    first = start_gateway("--in-memory")
    gateways.append(first)
    create_api(client_for(first), "ephemeral")
    first.stop()
    second = start_gateway("--in-memory")
    gateways.append(second)
    assert client_for(second).get_rest_apis()["items"] == []
