"""The client commands end to end in process: arguments, output, errors and exit statuses.

``clients`` (conftest) answers the commands' botocore requests with a real in-memory gateway.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apigate.cli import main
from apigate.client.session import Clients
from tests.cli.conftest import mock_api

Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_apis_table(capsys: pytest.CaptureFixture[str], clients: Clients) -> None:
    code, out, _ = run(capsys, "apis")
    assert (code, out) == (0, "No REST API.\n")
    shop = mock_api(clients, "shop")
    clients.apigateway.create_deployment(restApiId=shop["id"], stageName="dev")
    clients.apigateway.create_deployment(restApiId=shop["id"], stageName="prod")
    mock_api(clients, "another")
    code, out, _ = run(capsys, "apis")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STAGES", "CREATED", "DESCRIPTION"]
    assert set(lines[1]) == {"─"}
    assert lines[2].split()[1:3] == ["another", "-"]
    assert lines[3].split()[:4] == [shop["id"], "shop", "dev,", "prod"]
    assert all(line == line.rstrip() for line in lines)


def test_apis_json(capsys: pytest.CaptureFixture[str], clients: Clients) -> None:
    shop = mock_api(clients, "shop")
    code, out, _ = run(capsys, "apis", "--json")
    assert code == 0
    assert [(a["id"], a["name"]) for a in json.loads(out)] == [(shop["id"], "shop")]


def test_deploy_by_name_then_stages(capsys: pytest.CaptureFixture[str], clients: Clients) -> None:
    shop = mock_api(clients, "shop")
    code, out, _ = run(capsys, "deploy", "shop", "dev", "--description", "first", "--variables", "a=1",
                       "--variable", "b=x=y", "--endpoint", "http://gw.test:4566/")
    assert code == 0
    url = f"http://gw.test:4566/restapis/{shop['id']}/dev/_user_request_/"
    deployment_id = out.split()[2]
    assert out == f"dev: deployment {deployment_id}  {url}\n"
    stage = clients.apigateway.get_stage(restApiId=shop["id"], stageName="dev")
    assert stage["variables"] == {"a": "1", "b": "x=y"}
    assert stage["deploymentId"] == deployment_id
    assert clients.apigateway.get_deployment(restApiId=shop["id"], deploymentId=deployment_id)[
        "description"] == "first"

    code, out, _ = run(capsys, "stages", shop["id"], "--endpoint", "http://gw.test:4566")
    assert code == 0
    row = out.splitlines()[2].split()
    assert row[:2] == ["dev", deployment_id]
    assert row[-3:] == ["a=1,", "b=x=y", url]

    code, out, _ = run(capsys, "stages", "shop", "--json")
    assert [s["stageName"] for s in json.loads(out)] == ["dev"]


def test_deploy_keeps_variables_unless_given(capsys: pytest.CaptureFixture[str], clients: Clients) -> None:
    shop = mock_api(clients, "shop")
    assert run(capsys, "deploy", "shop", "dev", "--variables", "a=1")[0] == 0
    assert run(capsys, "deploy", "shop", "dev")[0] == 0
    assert clients.apigateway.get_stage(restApiId=shop["id"], stageName="dev")["variables"] == {"a": "1"}


def test_rollback_to_the_previous_deployment_then_to_a_given_one(
    capsys: pytest.CaptureFixture[str], clients: Clients
) -> None:
    shop = mock_api(clients, "shop")
    ids = [run(capsys, "deploy", "shop", "dev")[1].split()[2] for _ in range(3)]
    code, out, _ = run(capsys, "rollback", "shop", "dev")
    assert (code, out) == (0, f"dev: deployment {ids[2]} -> {ids[1]}\n")
    code, out, _ = run(capsys, "rollback", "shop", "dev")
    assert (code, out) == (0, f"dev: deployment {ids[1]} -> {ids[0]}\n")
    code, _, err = run(capsys, "rollback", "shop", "dev")
    assert code == 1
    assert one_error_line(err) == (
        f"Error: stage 'dev' serves deployment {ids[0]}, the oldest one: nothing to roll back to"
    )
    code, out, _ = run(capsys, "rollback", shop["id"], "dev", ids[2])
    assert (code, out) == (0, f"dev: deployment {ids[0]} -> {ids[2]}\n")
    assert clients.apigateway.get_stage(restApiId=shop["id"], stageName="dev")["deploymentId"] == ids[2]


def test_the_gateways_refusal_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str],
                                                      clients: Clients) -> None:
    mock_api(clients, "shop")
    code, out, err = run(capsys, "rollback", "shop", "nostage")
    assert (code, out) == (1, "")
    assert one_error_line(err) == "Error: NotFoundException: Invalid stage identifier specified"
    code, _, err = run(capsys, "deploy", "shop", "bad stage!")
    assert code == 1
    assert one_error_line(err).startswith("Error: BadRequestException: ")


def test_names_that_resolve_to_nothing_or_to_several_apis(capsys: pytest.CaptureFixture[str],
                                                          clients: Clients) -> None:
    first, second = mock_api(clients, "dup"), mock_api(clients, "dup")
    code, _, err = run(capsys, "deploy", "dup", "dev")
    assert code == 1
    ids = ", ".join(sorted([first["id"], second["id"]]))
    assert one_error_line(err) == f"Error: 2 REST APIs are named 'dup' (ids: {ids}); give one of the ids"
    code, _, err = run(capsys, "stages", "nope")
    assert code == 1
    assert one_error_line(err) == "Error: NotFoundException: no REST API has the id or name 'nope'"
    assert run(capsys, "deploy", first["id"], "dev")[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deploy", "api", "dev", "--variables", "novalue"], "'novalue' is not KEY=VALUE"),
        (["deploy", "api"], "Missing argument 'STAGE'"),
        (["import", "/nonexistent.yaml"], "No such file or directory"),
        (["import", "-", "--mode", "merge"], "--mode needs --api-id"),
        (["import", "-", "--api-id", "x", "--mode", "replace"], "Invalid value for '--mode'"),
        (["export", "api", "dev", "--extensions", "integrations,bogus"], "bogus: choose from"),
        (["export", "api", "dev", "--format", "raml"], "Invalid value for '--format'"),
        (["apis", "--endpoint", "localhost:4566"], "endpoint must be an http(s) URL"),
        (["functions", "deploy", "/nonexistent", "--name", "f"], "does not exist"),
        (["functions", "deploy", ".", "--name", "f", "--memory", "64"], "Invalid value for '--memory'"),
        (["functions", "deploy", "."], "Missing option '--name'"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], clients: Clients,
                                              argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in one_error_line(err)


def test_endpoint_from_the_environment(capsys: pytest.CaptureFixture[str], clients: Clients,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shop = mock_api(clients, "shop")
    monkeypatch.setenv("APIGATE_ENDPOINT", "http://from-env:1234")
    code, out, _ = run(capsys, "deploy", "shop", "dev")
    assert code == 0
    assert out.endswith(f"  http://from-env:1234/restapis/{shop['id']}/dev/_user_request_/\n")
    monkeypatch.setenv("APIGATE_ENDPOINT", "nonsense")
    assert run(capsys, "apis")[0] == 2


def test_an_unreachable_gateway_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.e2e.harness import free_port

    endpoint = f"http://127.0.0.1:{free_port()}"
    code, out, err = run(capsys, "apis", "--endpoint", endpoint)
    assert (code, out) == (1, "")
    assert one_error_line(err) == (
        f"Error: cannot reach the gateway at {endpoint} (is `apigate serve` running?)"
    )


def test_functions_deploy_create_unchanged_update_alias(capsys: pytest.CaptureFixture[str], clients: Clients,
                                                        tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
    code, out, _ = run(capsys, "functions", "deploy", str(tmp_path), "--name", "f", "--env", "AB=1")
    assert (code, out) == (0, f"Created function f (python3.12, app.handler): {arn}\n")
    code, out, _ = run(capsys, "functions", "deploy", str(tmp_path), "--name", "f")
    assert (code, out) == (0, f"Function f unchanged: {arn}\n")

    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 2\n")
    code, out, _ = run(capsys, "functions", "deploy", str(tmp_path), "--name", "f", "--timeout", "9",
                       "--memory", "256", "--alias", "live")
    assert code == 0
    assert out == (f"Updated function f (code, configuration): {arn}\n"
                   "Published version 1; alias live (created) -> 1\n")
    config = clients.lambda_.get_function_configuration(FunctionName="f")
    assert (config["Timeout"], config["MemorySize"]) == (9, 256)
    assert config["Environment"]["Variables"] == {"AB": "1"}  # kept: --env not given

    code, out, _ = run(capsys, "functions", "deploy", str(tmp_path), "--name", "f", "--alias", "live",
                       "--handler", "app.other")
    assert out.splitlines()[1] == "Published version 2; alias live (now) -> 2"
    assert clients.lambda_.get_alias(FunctionName="f", Name="live")["FunctionVersion"] == "2"

    code, out, _ = run(capsys, "functions", "list")
    assert code == 0
    assert out.splitlines()[2].split()[:5] == ["f", "python3.12", "app.other", "256", "9"]
    code, out, _ = run(capsys, "functions", "list", "--json")
    assert [f["FunctionName"] for f in json.loads(out)] == ["f"]


def test_functions_deploy_refused_by_lambda(capsys: pytest.CaptureFixture[str], clients: Clients,
                                            tmp_path: Path) -> None:
    (tmp_path / "main.java").write_text("class X {}\n")
    code, _, err = run(capsys, "functions", "deploy", str(tmp_path), "--name", "j", "--runtime", "java21")
    assert code == 1
    assert one_error_line(err).startswith("Error: InvalidParameterValueException: ")


def test_export_to_stdout_and_to_a_file(capsys: pytest.CaptureFixture[str], clients: Clients,
                                        tmp_path: Path) -> None:
    shop = mock_api(clients, "shop")
    clients.apigateway.create_deployment(restApiId=shop["id"], stageName="dev")
    code, out, _ = run(capsys, "export", "shop", "dev")
    assert code == 0
    document = json.loads(out)
    assert document["openapi"].startswith("3.0")
    assert "/items" in document["paths"]
    assert "x-amazon-apigateway-integration" not in document["paths"]["/items"]["get"]

    target = tmp_path / "out.yaml"
    code, out, err = run(capsys, "export", "shop", "dev", "--format", "swagger", "--yaml",
                         "--extensions", "integrations", "-o", str(target))
    assert (code, out) == (0, "")
    assert err.startswith(f"Wrote {target} (")
    text = target.read_text()
    assert text.startswith("swagger:") or "swagger: '2.0'" in text
    assert "x-amazon-apigateway-integration" in text


def test_help_names_every_command_and_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("serve", "import", "deploy", "rollback", "apis", "stages", "export", "functions"):
        assert f"  {command} " in out
    assert "Exit status: 0 done; 1 the gateway refused" in " ".join(out.split())
    code, out, _ = run(capsys, "rollback", "--help")
    assert "newest deployment of the API created before the one the stage serves now" in " ".join(out.split())
