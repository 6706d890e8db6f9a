"""The example API that ``make serve`` (``apigate serve --example``) installs on an empty state.

It is created through the same operation handlers the management API uses, so it is validated
exactly like an API made with boto3, and it is an ordinary API afterwards (it can be changed,
redeployed or deleted).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control.registry import HANDLERS, ControlContext

if TYPE_CHECKING:
    from apigate.server import Services

log = logging.getLogger(__name__)

EXAMPLE_NAME = "apigate-example"
STAGE = "dev"

HELLO_TEMPLATE = """{
  "message": "Hello from apigate",
  "stage": "$context.stage",
  "name": "$util.escapeJavaScript($input.params('name'))",
  "requestId": "$context.requestId"
}"""

PET_TEMPLATE = """#set($id = $input.params('petId'))
{"id": "$id", "name": "pet-$id", "greeting": "$stageVariables.greeting"}"""


async def _call(ctx: ControlContext, operation: str, **params: Any) -> dict[str, Any]:
    import apigate.control.operations  # noqa: F401  (registers the handlers)

    result = await HANDLERS[("apigateway", operation)](ctx, params)
    return result or {}


async def _mock_method(
    ctx: ControlContext, api_id: str, resource_id: str, template: str, params: dict[str, bool] | None = None
) -> None:
    await _call(
        ctx, "PutMethod", restApiId=api_id, resourceId=resource_id, httpMethod="GET",
        authorizationType="NONE", requestParameters=params or {},
    )
    await _call(
        ctx, "PutMethodResponse", restApiId=api_id, resourceId=resource_id, httpMethod="GET",
        statusCode="200",
    )
    await _call(
        ctx, "PutIntegration", restApiId=api_id, resourceId=resource_id, httpMethod="GET", type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    await _call(
        ctx, "PutIntegrationResponse", restApiId=api_id, resourceId=resource_id, httpMethod="GET",
        statusCode="200", responseTemplates={"application/json": template},
    )


async def install(services: Services) -> list[str]:
    """Create and deploy the example API unless one exists; returns the curl lines to try it."""
    settings = services.settings
    ctx = ControlContext(
        store=services.store, settings=settings, region=settings.region,
        account_id=settings.account_id, request_id=ids.request_id(), services=services,
    )
    existing = await _call(ctx, "GetRestApis", limit=500)
    api = next((a for a in existing.get("items", []) if a.get("name") == EXAMPLE_NAME), None)
    if api is None:
        api = await _create(ctx, settings.port)
    base = f"http://localhost:{settings.port}/restapis/{api['id']}/{STAGE}/_user_request_"
    return [
        f"curl '{base}/hello?name=World'",
        f"curl '{base}/pets/42'",
        f"curl '{base}/health'",
        f"curl 'http://{api['id']}.execute-api.localhost:{settings.port}/{STAGE}/hello'",
    ]


async def _create(ctx: ControlContext, port: int) -> dict[str, Any]:
    api = await _call(ctx, "CreateRestApi", name=EXAMPLE_NAME, description="Installed by apigate --example")
    api_id, root = api["id"], api["rootResourceId"]

    hello = await _call(ctx, "CreateResource", restApiId=api_id, parentId=root, pathPart="hello")
    await _mock_method(ctx, api_id, hello["id"], HELLO_TEMPLATE, {"method.request.querystring.name": False})

    pets = await _call(ctx, "CreateResource", restApiId=api_id, parentId=root, pathPart="pets")
    pet = await _call(ctx, "CreateResource", restApiId=api_id, parentId=pets["id"], pathPart="{petId}")
    await _mock_method(ctx, api_id, pet["id"], PET_TEMPLATE)

    # An HTTP_PROXY whose backend host comes from a stage variable: the gateway's own health check.
    health = await _call(ctx, "CreateResource", restApiId=api_id, parentId=root, pathPart="health")
    await _call(
        ctx, "PutMethod", restApiId=api_id, resourceId=health["id"], httpMethod="GET",
        authorizationType="NONE",
    )
    await _call(
        ctx, "PutIntegration", restApiId=api_id, resourceId=health["id"], httpMethod="GET",
        type="HTTP_PROXY", integrationHttpMethod="GET",
        uri="http://${stageVariables.backendHost}/_apigate/health",
    )
    await _call(
        ctx, "CreateDeployment", restApiId=api_id, stageName=STAGE, description="example",
        variables={"greeting": "hello", "backendHost": f"127.0.0.1:{port}"},
    )
    log.info("installed example API %s", api_id)
    return api
