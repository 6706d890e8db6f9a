"""Handler: TestInvokeMethod (``POST /restapis/{id}/resources/{rid}/methods/{verb}``).

AWS's console "Test" button: it runs the method of the *current* API, deployed or not, without a
stage (no stage settings, no authorizer, no throttling), and answers the response with an
execution log. The API is frozen with ``build_snapshot`` inside a short transaction; the data plane
runs it after the transaction is closed, since an integration may call a slow backend.
"""

from __future__ import annotations

from apigate.control.common import find_method, get_resource, get_rest_api
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.control.snapshot import build_snapshot


@operation("apigateway", "TestInvokeMethod")
async def test_invoke_method(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, resource_id = params["restApiId"], params["resourceId"]
    async with ctx.store.transaction() as tx:
        await get_rest_api(tx, ctx, rest_api_id)
        resource = await get_resource(tx, ctx, rest_api_id, resource_id)
        http_method = params["httpMethod"].upper()
        find_method(resource, http_method)  # AWS: "Invalid Method identifier specified"
        snapshot = await build_snapshot(tx, rest_api_id)
    result: dict = await ctx.services.dataplane.test_invoke(
        api_id=rest_api_id,
        snapshot=snapshot,
        resource_id=resource_id,
        http_method=http_method,
        path_with_query_string=params.get("pathWithQueryString"),
        headers=params.get("headers") or {},
        multi_value_headers=params.get("multiValueHeaders") or {},
        body=params.get("body"),
        stage_variables=params.get("stageVariables") or {},
    )
    return result
