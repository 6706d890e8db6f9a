"""``apigate serve --example`` (what ``make serve`` runs) installs an example API that answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.e2e.builders import invoke
from tests.e2e.harness import URL_FORMS, Gateway, start_gateway


@pytest.fixture(scope="module")
def example_gateway() -> Iterator[Gateway]:
    gw = start_gateway("--in-memory", "--example")
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="module")
def example_api(example_gateway: Gateway) -> dict[str, Any]:
    client = boto3.client(
        "apigateway", endpoint_url=example_gateway.url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    apis = client.get_rest_apis()["items"]
    assert [a["name"] for a in apis] == ["apigate-example"]
    return apis[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("form", URL_FORMS)
def test_example_mock_methods(example_gateway: Gateway, example_api: dict[str, Any], form: Any) -> None:
    hello = invoke(example_gateway, example_api["id"], "dev", "hello?name=World", form=form)
    assert hello.status == 200, hello
    assert hello.json()["name"] == "World"
    assert hello.json()["stage"] == "dev"

    pet = invoke(example_gateway, example_api["id"], "dev", "pets/42", form=form)
    assert pet.status == 200, pet
    assert pet.json()["id"] == "42"


def test_example_http_proxy_to_the_gateway_itself(example_gateway: Gateway,
                                                  example_api: dict[str, Any]) -> None:
    health = invoke(example_gateway, example_api["id"], "dev", "health")
    assert health.status == 200, health
