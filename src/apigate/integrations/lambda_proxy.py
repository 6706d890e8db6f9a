"""``AWS_PROXY`` to a Lambda function: the request as an event in, the function's answer out.

The request-mapping stage built the event (``lambda_request.proxy_request``); this class invokes the
function synchronously. The response-mapping stage reads the answer (``lambda_response``): a
function error or a malformed answer is a 502. An ``AWS_PROXY`` URI that does not name a Lambda
function (a Firehose stream) is refused with a clear 500 until that integration exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.integrations.lambda_invoke import invoke, parts

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationResult, InvocationContext


class LambdaProxyIntegration:
    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        integration, request, target = parts(ctx)
        return await invoke(ctx, integration, target, request, all_headers=ctx.test_invoke)
