"""The Lambda function an ``AWS`` / ``AWS_PROXY`` integration calls, parsed once per deployment.

The integration URI is ``arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/
invocations``: API Gateway calls Lambda's Invoke API in ``{region}`` for ``{functionArn}``, which may
name a version or alias (``function:f:live``) and may hold stage variables
(``function:${stageVariables.fn}``, ``function:f:${stageVariables.alias}``), filled per request
from the stage's variables (an undefined one is empty, as for HTTP URIs).

The compile step calls ``parse`` for every AWS-type integration; a URI that is not a Lambda path
(S3, DynamoDB, Firehose...) gives None and is left to AWS-service integrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apigate.dataplane.mapping import stage_variable_names, substitute_stage_variables

_URI = re.compile(
    r"arn:aws[a-zA-Z-]*:apigateway:(?P<region>[^:]+):lambda:path/\d{4}-\d{2}-\d{2}/functions/"
    r"(?P<function>.+)/invocations"
)
# Stage-variable values of the names a target uses -> its function ARN (bounded: values are free).
_MAX_FILLED = 256


@dataclass(frozen=True, slots=True)
class LambdaTarget:
    """Where a Lambda integration sends its invocations."""

    region: str  # the region of the Lambda endpoint the URI names
    function: str  # the function ARN as written, ``${stageVariables.x}`` included
    variables: tuple[str, ...]  # the stage variables ``function`` uses (none: a static target)
    static_endpoint: str | None  # the invoke URL when it never changes
    _filled: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False, repr=False)

    def function_arn(self, stage_variables: dict[str, str]) -> str:
        """The function to invoke for a request of a stage with ``stage_variables``."""
        if not self.variables:
            return self.function
        values = tuple(stage_variables.get(name, "") for name in self.variables)
        found = self._filled.get(values)
        if found is None:
            found = substitute_stage_variables(self.function, stage_variables)
            if len(self._filled) >= _MAX_FILLED:
                self._filled.clear()
            self._filled[values] = found
        return found

    def endpoint(self, function_arn: str) -> str:
        """Lambda's Invoke URL, as AWS's execution log prints it ("Sending request to ...")."""
        if self.static_endpoint is not None:
            return self.static_endpoint
        return invoke_url(self.region, function_arn)


def invoke_url(region: str, function_arn: str) -> str:
    return f"https://lambda.{region}.amazonaws.com/2015-03-31/functions/{function_arn}/invocations"


def parse(uri: str | None) -> LambdaTarget | None:
    """The target of a Lambda integration URI; None when ``uri`` does not name a Lambda function."""
    match = _URI.fullmatch(uri or "")
    if match is None:
        return None
    function = match["function"]
    variables = stage_variable_names(function)
    region = match["region"]
    static = None if variables else invoke_url(region, function)
    return LambdaTarget(region, function, variables, static)


def source_arn(
    region: str, account_id: str, api_id: str, stage: str, http_method: str, resource_path: str
) -> str:
    """The ``AWS:SourceArn`` API Gateway presents to Lambda: the method's execute-api ARN,
    ``arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{resourcePath}`` (the method's
    own verb, ``ANY`` for an ANY method, and its resource path template)."""
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{http_method}{resource_path}"
