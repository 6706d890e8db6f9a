"""The petstore installer with the CLI's client code, against an in-memory gateway in process."""

from __future__ import annotations

from apigate.client.session import Clients
from apigate.examples import EXAMPLE_DIR, FUNCTION, curl_lines, install_petstore


def test_install_then_again_after_the_api_was_deleted(clients: Clients) -> None:
    lines = install_petstore(clients, "http://127.0.0.1:4566", "000000000000", EXAMPLE_DIR)
    (api,) = clients.apigateway.get_rest_apis()["items"]
    assert lines == curl_lines("http://127.0.0.1:4566", api["id"])
    items = clients.apigateway.get_stages(restApiId=api["id"])["item"]
    stages = {s["stageName"]: s["variables"] for s in items}
    assert stages["prod"] == {
        "greeting": "Hello", "lambdaAlias": "live",
        "selfBase": f"127.0.0.1:4566/restapis/{api['id']}/prod/_user_request_",
    }
    assert stages["dev"]["lambdaAlias"] == "dev"

    # The function outlives a deleted API: a second installation updates it and re-grants access.
    clients.apigateway.delete_rest_api(restApiId=api["id"])
    install_petstore(clients, "http://127.0.0.1:4566", "000000000000", EXAMPLE_DIR)
    (again,) = clients.apigateway.get_rest_apis()["items"]
    policy = clients.lambda_.get_policy(FunctionName=FUNCTION, Qualifier="live")["Policy"]
    assert f"{again['id']}/*" in policy and f"{api['id']}/*" not in policy


def test_curl_lines_use_the_host_form_only_on_loopback() -> None:
    local = curl_lines("http://127.0.0.1:4566", "abc")
    assert local[0].startswith("curl 'http://127.0.0.1:4566/restapis/abc/dev/_user_request_/hello?name=World'")
    assert local[-1].startswith("curl http://abc.execute-api.localhost:4566/dev/pets/1 ")
    remote = curl_lines("http://10.1.2.3:4566", "abc")
    assert not any("execute-api" in line for line in remote)
    assert all("  # " in line for line in local)
