"""Fixtures and API-building helpers of the control-plane handler tests.

``client`` is a ``GatewayClient``: botocore's requests through the whole gateway app, in process.
The builders below make the small APIs most handler tests start from.
"""

from __future__ import annotations

from typing import Any

from tests.support.client import GatewayClient

MOCK_REQUEST = {"application/json": '{"statusCode": 200}'}


async def new_api(client: GatewayClient) -> tuple[str, str]:
    """A new RestApi: its id and its root resource id."""
    api = await client.call("CreateRestApi", name="n")
    return api["id"], api["rootResourceId"]


async def new_method(client: GatewayClient, verb: str = "GET", **method: Any) -> dict[str, str]:
    """A new API with one ``verb`` method (no authorization) on ``/``: its ids, as call parameters."""
    api_id, root = await new_api(client)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": verb}
    await client.call("PutMethod", **ids, authorizationType="NONE", **method)
    return ids


async def mock_method(client: GatewayClient, **response: Any) -> dict[str, str]:
    """``new_method`` with a MOCK integration and, given ``response`` members, a 200 MethodResponse."""
    ids = await new_method(client)
    await client.call("PutIntegration", **ids, type="MOCK", requestTemplates=MOCK_REQUEST)
    if response:
        await client.call("PutMethodResponse", **ids, statusCode="200", **response)
    return ids


async def mock_api(
    client: GatewayClient, template: str = '{"message": "v1"}', path_part: str | None = None
) -> dict[str, str]:
    """A REST API whose GET method (on ``/`` or ``/{path_part}``) is a MOCK answering ``template``.

    ``path_part`` may name nested resources (``pets/{petId}``). The ids come back as ``apiId``,
    ``resourceId`` (the GET's) and ``rootId``.
    """
    api = await client.call("CreateRestApi", name="test-api")
    resource_id = api["rootResourceId"]
    for part in path_part.split("/") if path_part else ():
        resource_id = (
            await client.call("CreateResource", restApiId=api["id"], parentId=resource_id, pathPart=part)
        )["id"]
    ids = {"apiId": api["id"], "resourceId": resource_id, "rootId": api["rootResourceId"]}
    method = {"restApiId": ids["apiId"], "resourceId": resource_id, "httpMethod": "GET"}
    await client.call("PutMethod", **method, authorizationType="NONE")
    await client.call("PutMethodResponse", **method, statusCode="200")
    await client.call("PutIntegration", **method, type="MOCK", requestTemplates=MOCK_REQUEST)
    await set_response(client, ids, template)
    return ids


async def set_response(client: GatewayClient, ids: dict[str, str], template: str) -> None:
    """The 200 integration response of ``mock_api``'s GET answers ``template``."""
    await client.call(
        "PutIntegrationResponse",
        restApiId=ids["apiId"],
        resourceId=ids["resourceId"],
        httpMethod="GET",
        statusCode="200",
        selectionPattern="",
        responseTemplates={"application/json": template},
    )
