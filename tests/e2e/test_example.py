"""``apigate serve --example`` (what ``make serve`` runs): every curl line it prints answers as the
README says, and a restart on the same state does not install the example again."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from tests.e2e.harness import Gateway, start_gateway

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the example prints curl lines")

HINT = "  try: "


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def hints(gateway: Gateway, timeout: float = 10.0) -> list[str]:
    """The curl lines of the stderr; they follow the listening line, so wait for the last one."""
    deadline = time.monotonic() + timeout
    while True:
        stderr = gateway.stderr_tail(100_000).splitlines()
        lines = [line[len(HINT):] for line in stderr if line.startswith(HINT)]
        if any("host form" in line for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def curl(line: str) -> tuple[list[str], Answer]:
    """Run a printed line with the real curl (plus -s -i to read the status and headers)."""
    argv = shlex.split(line, comments=True)
    assert argv[0] == "curl", line
    proc = subprocess.run(["curl", "-s", "-S", "-i", *argv[1:]], capture_output=True, timeout=30, check=True)
    head, _, body = proc.stdout.decode().partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return argv, Answer(int(status_line.split()[1]), headers, body)


def _route(argv: list[str]) -> tuple[str, str, str]:
    """(method, stage, path?query) of a curl line, whichever invoke-URL form it uses."""
    method = argv[argv.index("-X") + 1] if "-X" in argv else "GET"
    url = urlsplit(argv[-1])
    parts = url.path.strip("/").split("/")
    if parts[0] == "restapis":  # /restapis/{id}/{stage}/_user_request_/...
        stage, rest = parts[2], parts[4:]
    else:  # {id}.execute-api.localhost/{stage}/...
        stage, rest = parts[0], parts[1:]
    return method, stage, "/" + "/".join(rest) + (f"?{url.query}" if url.query else "")


def _check(route: tuple[str, str, str], answer: Answer) -> None:
    method, stage, path = route
    version = {"dev": "$LATEST", "prod": "1"}[stage]
    body = answer.json()
    if path.startswith(("/hello", "/relay/hello")):
        assert answer.status == 200
        assert answer.headers["x-stage"] == stage
        greeting = "Hello from dev" if stage == "dev" else "Hello"
        name = path.partition("name=")[2] or "stranger"
        assert body["message"] == f"{greeting}, {name}!"
        assert body["stage"] == stage
        return
    assert body["stage"] == stage
    assert body["functionVersion"] == version
    assert body["store"] == "apigate petstore"
    if method == "POST":
        assert answer.status == 201
        assert body["pet"]["name"] == "Kiki"
    elif path == "/pets":
        assert answer.status == 200
        assert {"Rex", "Tom", "Nemo"} <= {pet["name"] for pet in body["pets"]}
    elif path == "/pets?type=cat":
        assert [pet["name"] for pet in body["pets"]] == ["Tom"]
    elif path == "/pets/99":
        assert answer.status == 404
        assert body["message"] == "no pet has the id 99"
    else:
        pet_id = int(path.rsplit("/", 1)[1])
        assert answer.status == 200
        assert body["pet"]["id"] == pet_id


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("example-state")


@pytest.fixture(scope="module")
def example_gateway(state_dir: Path) -> Iterator[Gateway]:
    gw = start_gateway("--state-dir", str(state_dir), "--example", timeout=60)
    try:
        yield gw
    finally:
        gw.stop()


def _clients(gateway: Gateway) -> tuple[Any, Any]:
    kwargs: dict[str, Any] = dict(
        endpoint_url=gateway.url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}),
    )
    return boto3.client("apigateway", **kwargs), boto3.client("lambda", **kwargs)


def test_every_printed_curl_line_answers(example_gateway: Gateway) -> None:
    lines = hints(example_gateway)
    routes = []
    for line in lines:
        argv, answer = curl(line)
        route = _route(argv)
        try:
            _check(route, answer)
        except (AssertionError, ValueError, KeyError) as exc:
            raise AssertionError(f"{line}\n-> {answer}") from exc
        routes.append(route)
    paths = {(method, path.partition("?")[0]) for method, _, path in routes}
    # Every route of the document was printed (the relay and a pet id under their own paths).
    assert paths >= {("GET", "/hello"), ("GET", "/pets"), ("POST", "/pets"), ("GET", "/pets/2"),
                     ("GET", "/relay/hello")}
    assert {stage for _, stage, _ in routes} == {"dev", "prod"}


def test_the_example_is_an_ordinary_api(example_gateway: Gateway) -> None:
    apigw, lambda_ = _clients(example_gateway)
    (api,) = apigw.get_rest_apis()["items"]
    assert api["name"] == "petstore"
    stages = {s["stageName"]: s for s in apigw.get_stages(restApiId=api["id"])["item"]}
    assert set(stages) == {"dev", "prod"}
    assert stages["prod"]["variables"]["lambdaAlias"] == "live"
    listed = lambda_.list_aliases(FunctionName="petstore-pets")["Aliases"]
    aliases = {a["Name"]: a["FunctionVersion"] for a in listed}
    assert aliases == {"dev": "$LATEST", "live": "1"}


def test_a_restart_on_the_same_state_does_not_install_it_again(tmp_path: Path) -> None:
    first = start_gateway("--state-dir", str(tmp_path), "--example", timeout=60)
    try:
        assert hints(first)
        apigw, _ = _clients(first)
        (api,) = apigw.get_rest_apis()["items"]
    finally:
        first.stop()
    again = start_gateway("--state-dir", str(tmp_path), "--example", timeout=60)
    try:
        apigw, lambda_ = _clients(again)
        assert [a["id"] for a in apigw.get_rest_apis()["items"]] == [api["id"]]
        versions = lambda_.list_versions_by_function(FunctionName="petstore-pets")["Versions"]
        assert [v["Version"] for v in versions] == ["$LATEST", "1"]
        time.sleep(0.5)  # the hints would follow the listening line at once
        assert hints(again, timeout=0) == []
        _, answer = curl(f"curl {again.url}/restapis/{api['id']}/prod/_user_request_/pets/3")
        assert answer.status == 200
        assert answer.json()["pet"]["name"] == "Nemo"
    finally:
        again.stop()
