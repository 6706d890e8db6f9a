"""The first stage: find the resource and method of the request in the deployment's router.

No resource, or a resource without the verb (and without ANY), is AWS's famous 403
``{"message":"Missing Authentication Token"}`` (gateway response MISSING_AUTHENTICATION_TOKEN),
never a 404: the same answer an unauthenticated IAM call gets, so the API's shape is not revealed.

TestInvokeMethod names the resource and method itself; the caller sets ``ctx.resource`` /
``ctx.method`` / ``ctx.path_parameters`` beforehand and this stage only writes the log lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.dataplane.errors import MISSING_AUTHENTICATION_TOKEN
from apigate.dataplane.execution_log import java_map

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext


async def route(ctx: InvocationContext) -> None:
    if ctx.method is None:
        request = ctx.request
        found = ctx.deployment.router.match(request.http_method, request.raw_path)
        if found is None:
            raise MISSING_AUTHENTICATION_TOKEN(
                log=f"No method found matching route {request.raw_path} "
                f"for http method {request.http_method}."
            )
        ctx.resource, ctx.method, ctx.path_parameters = found
    if ctx.test_invoke:
        _trace_method_request(ctx)


def _trace_method_request(ctx: InvocationContext) -> None:
    """The opening lines of the console's execution log (TestInvokeMethod's ``log``)."""
    request = ctx.request
    query: dict[str, str] = {}
    for name, value in request.query:
        query[name] = value
    headers: dict[str, str] = {}
    for name, value in request.headers.items:
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    ctx.trace(f"Starting execution for request: {ctx.request_id}")
    # AWS prints the request's own path here ("Resource Path: /Seattle" for /{city}), not the template.
    ctx.trace(f"HTTP Method: {request.http_method}, Resource Path: {request.path}")
    ctx.trace(f"Method request path: {java_map(ctx.path_parameters)}")
    ctx.trace(f"Method request query string: {java_map(query)}")
    ctx.trace(f"Method request headers: {java_map(headers)}")
    ctx.trace(f"Method request body before transformations: {request.body.decode('utf-8', 'replace')}")
