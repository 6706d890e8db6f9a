"""``AWS`` (custom, non-proxy) integration with a Lambda function.

The request-mapping stage rendered the payload (request template, or the body passed through as
``passthroughBehavior`` allows); Lambda requires JSON, and an empty body arrives as ``{}``, as
Lambda's Invoke API treats it. ``integration.request.header.X-Amz-Invocation-Type`` mapped to
``'Event'`` invokes asynchronously: Lambda answers 202 with no payload and the default integration
response applies.

The response-mapping stage selects the integration response with ``error_message``: a function
error's ``errorMessage``, the empty string for a success, matched whole by each
``selectionPattern`` (digest §2.5; AWS's own example: ``.+`` tells an error from a success that
returned nothing). Without a matching pattern the default response answers -- a function error
then comes back as 200 with the error object as its body, as on AWS. Response templates see the
raw Lambda payload (``$input.path('$.errorMessage')``).

An ``AWS`` URI that names another service (S3, DynamoDB, SQS...) is refused with a clear 500 until
AWS-service integrations exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.awslambda.control.invoke import check_payload
from apigate.awslambda.errors import LambdaError
from apigate.dataplane.errors import LAMBDA_INVOCATION_FAILED
from apigate.integrations.lambda_invoke import invoke, parts, refused

if TYPE_CHECKING:
    from apigate.dataplane.context import IntegrationResult, InvocationContext

INVOCATION_TYPES = ("RequestResponse", "Event")


class LambdaCustomIntegration:
    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        integration, request, target = parts(ctx)
        invocation_type = request.headers.get("x-amz-invocation-type") or "RequestResponse"
        if invocation_type not in INVOCATION_TYPES:
            invocation_type = "RequestResponse"
        try:
            request.body = check_payload(request.body, invocation_type)
        except LambdaError as exc:  # not JSON, or over Lambda's payload quota
            raise LAMBDA_INVOCATION_FAILED(log=refused(exc)) from None
        result = await invoke(ctx, integration, target, request, invocation_type)
        if result.error_message is None:
            result.error_message = ""  # a success: selection patterns see the empty string
        return result
