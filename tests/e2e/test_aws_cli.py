"""The real AWS CLI (``python -m awscli``) drives the gateway end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.builders import invoke
from tests.e2e.harness import AwsCliError, Gateway

Cli = Callable[..., dict[str, Any]]


def test_build_deploy_and_call_with_the_cli(gateway: Gateway, aws_cli: Cli) -> None:
    api = aws_cli("apigateway", "create-rest-api", "--name", "cli-api", "--description", "from the CLI")
    assert api["name"] == "cli-api"
    listed = aws_cli("apigateway", "get-rest-apis")
    assert [item["id"] for item in listed["items"]] == [api["id"]]

    resources = aws_cli("apigateway", "get-resources", "--rest-api-id", api["id"])
    assert [(r["id"], r["path"]) for r in resources["items"]] == [(api["rootResourceId"], "/")]
    res = aws_cli("apigateway", "create-resource", "--rest-api-id", api["id"],
                  "--parent-id", api["rootResourceId"], "--path-part", "greet")
    target = ("--rest-api-id", api["id"], "--resource-id", res["id"], "--http-method", "GET")

    method = aws_cli("apigateway", "put-method", *target, "--authorization-type", "NONE")
    assert (method["httpMethod"], method["authorizationType"]) == ("GET", "NONE")
    aws_cli("apigateway", "put-integration", *target, "--type", "MOCK",
            "--request-templates", json.dumps({"application/json": '{"statusCode": 200}'}))
    aws_cli("apigateway", "put-method-response", *target, "--status-code", "200")
    aws_cli("apigateway", "put-integration-response", *target, "--status-code", "200",
            "--response-templates",
            json.dumps({"application/json": '{"hello": "$input.params(\'who\')", "via": "cli"}'}))

    deployment = aws_cli("apigateway", "create-deployment", "--rest-api-id", api["id"], "--stage-name", "cli")
    stages = aws_cli("apigateway", "get-stages", "--rest-api-id", api["id"])
    assert [(s["stageName"], s["deploymentId"]) for s in stages["item"]] == [("cli", deployment["id"])]

    resp = invoke(gateway, api["id"], "cli", "greet?who=world")
    assert (resp.status, resp.json()) == (200, {"hello": "world", "via": "cli"}), resp

    updated = aws_cli("apigateway", "update-stage", "--rest-api-id", api["id"], "--stage-name", "cli",
                      "--patch-operations", "op=replace,path=/variables/color,value=green")
    assert updated["variables"] == {"color": "green"}

    aws_cli("apigateway", "delete-rest-api", "--rest-api-id", api["id"])
    assert aws_cli("apigateway", "get-rest-apis").get("items", []) == []


def test_cli_reports_aws_errors(aws_cli: Cli) -> None:
    with pytest.raises(AwsCliError) as excinfo:
        aws_cli("apigateway", "get-rest-api", "--rest-api-id", "doesnotexist")
    assert excinfo.value.returncode != 0
    assert "NotFoundException" in excinfo.value.stderr
    assert "Invalid API identifier specified" in excinfo.value.stderr
