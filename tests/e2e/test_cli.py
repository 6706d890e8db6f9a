"""The ``apigate`` executable against the real gateway, one subprocess per command, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import Gateway, free_port, http_request

EXECUTABLE = Path(sys.executable).with_name("apigate")
FUNCTION = '''
import os

def handler(event, context):
    body = os.environ.get("GREETING", "hi") + " from " + event["path"]
    return {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": body}
'''
DOCUMENT = """
openapi: 3.0.1
info: {title: cli-shop, version: "1"}
paths:
  /greet:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: LAMBDA_URI
        credentials: arn:aws:iam::000000000000:role/apigateway-invoke
  /stage:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"colour": "$stageVariables.colour"}'}
""".replace(
    "LAMBDA_URI",
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:cli-greeter/invocations",
)


@dataclass
class Result:
    code: int
    out: str
    err: str


def apigate(gateway: Gateway | str, *args: str, stdin: str | None = None) -> Result:
    endpoint = gateway if isinstance(gateway, str) else gateway.url
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIGATE_", "AWS_"))}
    env["APIGATE_ENDPOINT"] = endpoint
    command = [str(EXECUTABLE)] if EXECUTABLE.exists() else [sys.executable, "-m", "apigate"]
    proc = subprocess.run([*command, *args], capture_output=True, text=True, env=env, input=stdin,
                          timeout=120, check=False)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def ok(result: Result) -> str:
    assert result.code == 0, result
    return result.out


def failed(result: Result, code: int) -> str:
    """The single error line of a failed command."""
    assert (result.code, result.out) == (code, ""), result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result
    return lines[0]


def _invoke_urls(out: str) -> dict[str, str]:
    """``stage: deployment ID  URL`` lines -> {stage: URL}."""
    return {line.split(":")[0]: line.split()[-1] for line in out.splitlines() if "_user_request_" in line}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "app.py").write_text(FUNCTION)
    (tmp_path / "api.yaml").write_text(DOCUMENT)
    return tmp_path


def test_functions_deploy_import_with_stages_and_invoke(gateway: Gateway, project: Path) -> None:
    out = ok(apigate(gateway, "functions", "deploy", str(project / "fn"), "--name", "cli-greeter",
                     "--runtime", "python3.12", "--handler", "app.handler", "--env", "GREETING=hello"))
    assert out.startswith("Created function cli-greeter (python3.12, app.handler): arn:aws:lambda:")

    result = apigate(gateway, "import", str(project / "api.yaml"), "--stage", "dev", "--stage", "prod")
    out = ok(result)
    api_id = out.splitlines()[0].rsplit(" ", 1)[1]
    assert out.splitlines()[0] == f"Imported REST API 'cli-shop': {api_id}"
    urls = _invoke_urls(out)
    assert urls == {stage: gateway.execute_url(api_id, stage) for stage in ("dev", "prod")}
    answer = http_request("GET", urls["dev"] + "greet")
    assert (answer.status, answer.text) == (200, "hello from /greet")

    # New code and environment are live without redeploying the API.
    (project / "fn" / "app.py").write_text(FUNCTION.replace('" from "', '" via "'))
    out = ok(apigate(gateway, "functions", "deploy", str(project / "fn"), "--name", "cli-greeter",
                     "--env", "GREETING=howdy", "--timeout", "5"))
    assert out.startswith("Updated function cli-greeter (code, configuration): ")
    assert http_request("GET", urls["prod"] + "greet").text == "howdy via /greet"

    out = ok(apigate(gateway, "functions", "list"))
    assert out.splitlines()[2].split()[:5] == ["cli-greeter", "python3.12", "app.handler", "128", "5"]


def test_deploy_variables_stages_and_rollback(gateway: Gateway, project: Path) -> None:
    out = ok(apigate(gateway, "import", str(project / "api.yaml")))
    api_id = out.split()[-1]
    first = ok(apigate(gateway, "deploy", "cli-shop", "dev", "--variables", "colour=red"))
    url = _invoke_urls(first)["dev"]
    assert http_request("GET", url + "stage").json() == {"colour": "red"}
    second = ok(apigate(gateway, "deploy", "cli-shop", "dev", "--description", "blue", "--variables",
                        "colour=blue"))
    assert http_request("GET", url + "stage").json() == {"colour": "blue"}

    out = ok(apigate(gateway, "stages", "cli-shop"))
    header, _, row = out.splitlines()
    assert header.split() == ["STAGE", "DEPLOYMENT", "UPDATED", "VARIABLES", "INVOKE", "URL"]
    assert row.split()[0:2] == ["dev", second.split()[2]]
    assert row.split()[-2:] == ["colour=blue", url]
    assert [s["variables"] for s in json.loads(ok(apigate(gateway, "stages", api_id, "--json")))] == [
        {"colour": "blue"}]

    out = ok(apigate(gateway, "rollback", api_id, "dev"))
    assert out == f"dev: deployment {second.split()[2]} -> {first.split()[2]}\n"
    stage: dict[str, Any] = json.loads(ok(apigate(gateway, "stages", api_id, "--json")))[0]
    assert stage["deploymentId"] == first.split()[2]

    out = ok(apigate(gateway, "apis"))
    assert out.splitlines()[2].split()[:3] == [api_id, "cli-shop", "dev"]


def test_put_into_an_api_by_name_and_export(gateway: Gateway, project: Path, tmp_path: Path) -> None:
    ok(apigate(gateway, "import", str(project / "api.yaml"), "--stage", "dev"))
    replaced = DOCUMENT.replace("/stage:", "/paint:")
    out = ok(apigate(gateway, "import", "-", "--api-id", "cli-shop", "--mode", "overwrite", "--stage", "dev",
                     stdin=replaced))
    assert out.splitlines()[0].startswith("Updated (overwrite) REST API 'cli-shop': ")
    url = _invoke_urls(out)["dev"]
    assert http_request("GET", url + "paint").status == 200
    assert http_request("GET", url + "stage").status == 403  # gone: overwritten

    target = tmp_path / "exported.json"
    result = apigate(gateway, "export", "cli-shop", "dev", "--extensions", "integrations", "-o", str(target))
    assert ok(result) == ""
    assert result.err.startswith(f"Wrote {target}")
    document = json.loads(target.read_text())
    assert set(document["paths"]) == {"/greet", "/paint"}
    assert document["paths"]["/paint"]["get"]["x-amazon-apigateway-integration"]["type"] == "mock"
    out = ok(apigate(gateway, "export", "cli-shop", "dev", "--format", "swagger", "--yaml"))
    assert "swagger: '2.0'" in out or 'swagger: "2.0"' in out or "swagger: 2.0" in out


def test_failures_are_one_line_with_the_documented_exit_status(gateway: Gateway, project: Path) -> None:
    assert failed(apigate(gateway, "deploy", "nope", "dev"), 1) == (
        "Error: NotFoundException: no REST API has the id or name 'nope'"
    )
    ok(apigate(gateway, "import", str(project / "api.yaml")))
    ok(apigate(gateway, "import", str(project / "api.yaml")))
    assert "2 REST APIs are named 'cli-shop'" in failed(apigate(gateway, "stages", "cli-shop"), 1)
    line = failed(apigate(gateway, "import", "-", stdin="not: [an, openapi"), 1)
    assert line.startswith("Error: BadRequestException: ")
    assert "Missing argument 'STAGE'" in failed(apigate(gateway, "deploy", "x"), 2)
    assert "is not KEY=VALUE" in failed(apigate(gateway, "deploy", "x", "dev", "--variables", "v"), 2)
    assert "No such file or directory" in failed(apigate(gateway, "import", str(project / "missing.yaml")), 2)
    unreachable = f"http://127.0.0.1:{free_port()}"
    assert failed(apigate(unreachable, "apis"), 1) == (
        f"Error: cannot reach the gateway at {unreachable} (is `apigate serve` running?)"
    )
