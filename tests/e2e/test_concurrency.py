"""Concurrent management calls lose nothing (the store serialises read-modify-write transactions)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from botocore.config import Config

from tests.e2e.builders import create_api, invoke
from tests.e2e.harness import Gateway

THREADS = 8
PER_THREAD = 20


def new_client(gateway: Gateway) -> Any:
    # One client per thread: botocore clients may be shared, but separate connection pools make the
    # calls truly concurrent on the wire.
    return boto3.client(
        "apigateway", endpoint_url=gateway.url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=2),
    )


def test_concurrent_create_resource(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "concurrent")
    clients = [new_client(gateway) for _ in range(THREADS)]

    def work(worker: int) -> list[str]:
        client = clients[worker]
        return [
            client.create_resource(restApiId=api.id, parentId=api.root_id, pathPart=f"w{worker}-r{i}")["id"]
            for i in range(PER_THREAD)
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        created = [rid for batch in pool.map(work, range(THREADS)) for rid in batch]

    assert len(set(created)) == THREADS * PER_THREAD
    listed = apigw.get_resources(restApiId=api.id, limit=500)["items"]
    paths = {r["path"] for r in listed}
    expected = {f"/w{w}-r{i}" for w in range(THREADS) for i in range(PER_THREAD)} | {"/"}
    assert paths == expected
    assert {r["id"] for r in listed} == set(created) | {api.root_id}


def test_concurrent_apis_and_deployments(gateway: Gateway, apigw: Any) -> None:
    clients = [new_client(gateway) for _ in range(THREADS)]

    def build(worker: int) -> str:
        api = create_api(clients[worker], f"api-{worker}")
        api.mock("/who", "GET", responses=[{
            "statusCode": "200", "responseTemplates": {"application/json": f'{{"worker": {worker}}}'},
        }])
        api.deploy("s")
        return api.id

    with ThreadPoolExecutor(THREADS) as pool:
        api_ids = list(pool.map(build, range(THREADS)))

    assert {a["id"] for a in apigw.get_rest_apis(limit=500)["items"]} == set(api_ids)
    for worker, api_id in enumerate(api_ids):
        resp = invoke(gateway, api_id, "s", "who")
        assert resp.json() == {"worker": worker}, resp


def test_concurrent_invocations(gateway: Gateway, apigw: Any) -> None:
    api = create_api(apigw, "parallel-calls")
    api.mock("/n/{n}", "GET", responses=[{
        "statusCode": "200", "responseTemplates": {"application/json": '{"n": $input.params(\'n\')}'},
    }])
    api.deploy("s")
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda n: invoke(gateway, api.id, "s", f"n/{n}"), range(200)))
    assert [a.json() for a in answers] == [{"n": n} for n in range(200)]
