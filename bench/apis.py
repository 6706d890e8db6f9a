"""The APIs under load, created through boto3 against the started gateway, as a user would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STAGE = "bench"
MOCK_TARGET = "MOCK + response template"
PROXY_TARGET = "HTTP_PROXY to the backend"
LAMBDA_TARGET = "AWS_PROXY to a warm Lambda function"
GATEWAY_TARGETS = (MOCK_TARGET, PROXY_TARGET, LAMBDA_TARGET)
MOCK_TEMPLATE = '{"message": "hello from a mock", "stage": "$context.stage"}'
FUNCTION = "bench-hello"
# A warm Python function returning a small JSON through the proxy contract.
FUNCTION_SOURCE = (
    "def handler(event, context):\n"
    "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},\n"
    "            'body': '{\"message\": \"hello from a function\"}'}\n"
)


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to load: a URL on 127.0.0.1 (+ the Host header that selects the API)."""

    name: str
    url: str
    headers: dict[str, str]
    expect: str  # a substring of a correct answer: checked before measuring


def client(endpoint_url: str, service: str = "apigateway") -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service, endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id="bench", aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )


def _zipped(source: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def create_function(lam: Any, api_id: str) -> str:
    """The gateway's own Lambda service: a python3.12 function API Gateway may invoke; its ARN."""
    created = lam.create_function(
        FunctionName=FUNCTION, Runtime="python3.12", Handler="app.handler",
        Role="arn:aws:iam::000000000000:role/bench", Code={"ZipFile": _zipped(FUNCTION_SOURCE)},
    )
    arn = str(created["FunctionArn"])
    region, account = arn.split(":")[3:5]
    lam.add_permission(
        FunctionName=FUNCTION, StatementId="apigateway", Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com", SourceArn=f"arn:aws:execute-api:{region}:{account}:{api_id}/*",
    )
    return arn


def _resource(apigw: Any, api: dict[str, Any], path_part: str) -> str:
    created = apigw.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart=path_part)
    return str(created["id"])


def create_bench_api(apigw: Any, backend_url: str, lam: Any) -> str:
    """One API with GET /mock (MOCK + response template), GET /proxy (HTTP_PROXY to the backend) and
    GET /lambda (AWS_PROXY to a function of the gateway's own Lambda service)."""
    api = apigw.create_rest_api(name="apigate-bench")
    mock = _resource(apigw, api, "mock")
    apigw.put_method(restApiId=api["id"], resourceId=mock, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=mock, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api["id"], resourceId=mock, httpMethod="GET", statusCode="200")
    apigw.put_integration_response(restApiId=api["id"], resourceId=mock, httpMethod="GET", statusCode="200",
                                   responseTemplates={"application/json": MOCK_TEMPLATE})

    proxy = _resource(apigw, api, "proxy")
    apigw.put_method(restApiId=api["id"], resourceId=proxy, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=proxy, httpMethod="GET", type="HTTP_PROXY",
                          integrationHttpMethod="GET", uri=f"{backend_url}/hello")

    function_arn = create_function(lam, api["id"])
    function = _resource(apigw, api, "lambda")
    apigw.put_method(restApiId=api["id"], resourceId=function, httpMethod="GET", authorizationType="NONE")
    region = function_arn.split(":")[3]
    apigw.put_integration(
        restApiId=api["id"], resourceId=function, httpMethod="GET", type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
    )
    apigw.create_deployment(restApiId=api["id"], stageName=STAGE)
    return str(api["id"])


def gateway_targets(gateway_url: str, api_id: str) -> list[Target]:
    # The host-based invoke URL form, as real clients use it; the connection still goes to 127.0.0.1.
    host = {"Host": f"{api_id}.execute-api.localhost"}
    return [
        Target(MOCK_TARGET, f"{gateway_url}/{STAGE}/mock", host, "hello from a mock"),
        Target(PROXY_TARGET, f"{gateway_url}/{STAGE}/proxy", host, "hello from the backend"),
        Target(LAMBDA_TARGET, f"{gateway_url}/{STAGE}/lambda", host, "hello from a function"),
    ]


def backend_target(backend_url: str) -> Target:
    return Target("backend directly (baseline)", f"{backend_url}/hello", {}, "hello from the backend")
