"""Put/Get/Update/DeleteIntegration and the IntegrationResponse operations through the real protocol.

Compared with AWS's recorded responses (test_apigateway_integrations.snapshot.json and
test_apigateway_api.snapshot.json ``TestApigatewayIntegration*``, test_apigateway_lambda.snapshot.json).
"""

from __future__ import annotations

import json

from tests.control.conftest import mock_method, new_method
from tests.support.client import ACCOUNT_ID, GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"
INTEGRATIONS = "test_apigateway_integrations"
LAMBDA = "test_apigateway_lambda"
LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:MyLambda/invocations"
)


# --- Integration -------------------------------------------------------------------------------


async def test_put_integration_validation(client: GatewayClient) -> None:
    t = "test_put_integration_validation"
    ids = await new_method(client)
    await client.call("PutMethodResponse", **ids, statusCode="200")
    ns = {"<cache-namespace:1>": ids["resourceId"]}

    def rec(key: str) -> dict:
        return recorded(INTEGRATIONS, t, key)

    for kind in ("HTTP", "HTTP_PROXY", "AWS"):
        err = await error_of(client.call("PutIntegration", **ids, type=kind, uri="http://example.com"))
        assert_recorded_error(err, rec(f"required-integration-method-{kind}"))
    mock = await client.call("PutIntegration", **ids, type="MOCK", uri="http://example.com")
    assert mock["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(mock), rec("not-required-integration-method-MOCK"), dict(ns))
    for kind in ("HTTP", "HTTP_PROXY"):
        put = await client.call(
            "PutIntegration", **ids, type=kind, uri="http://example.com", integrationHttpMethod="POST"
        )
        assert_matches(ours(put), rec(f"http-method-{kind}"), dict(ns))
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/testfunction-role-oe783psq"
    s3 = "arn:aws:apigateway:us-east-1:s3:path/b/k"
    put = await client.call(
        "PutIntegration", **ids, type="AWS", uri=s3, integrationHttpMethod="POST", credentials=role
    )
    expected = json.loads(json.dumps(rec("aws-integration-AWS")).replace("111111111111", ACCOUNT_ID))
    assert_matches(ours(put), expected, dict(ns))
    for kind in ("AWS", "AWS_PROXY"):
        put = await client.call(
            "PutIntegration", **ids, type=kind, uri=LAMBDA_URI, integrationHttpMethod="POST"
        )
        expected = json.loads(
            json.dumps(rec(f"aws-integration-type-{kind}")).replace("111111111111", ACCOUNT_ID)
        )
        assert_matches(ours(put), expected, dict(ns))
    err = await error_of(
        client.call(
            "PutIntegration", **ids, type="AWS_PROXY", uri=s3, integrationHttpMethod="POST", credentials=role
        )
    )
    assert_recorded_error(err, rec("no-s3-support-AWS_PROXY"))
    for kind in ("HTTP", "HTTP_PROXY"):
        err = await error_of(
            client.call(
                "PutIntegration", **ids, type=kind, uri="non-valid-http", integrationHttpMethod="POST"
            )
        )
        assert_recorded_error(err, rec(f"invalid-uri-{kind}"))
    err = await error_of(
        client.call("PutIntegration", **ids, type="AWS", uri="non-valid-arn", integrationHttpMethod="POST")
    )
    assert_recorded_error(err, rec("invalid-uri-not-an-arn"))
    err = await error_of(
        client.call(
            "PutIntegration",
            **ids,
            type="AWS",
            uri="arn:aws:iam::0000000000:role/service-role/asdf",
            integrationHttpMethod="POST",
        )
    )
    assert_recorded_error(err, rec("invalid-uri-invalid-arn"))
    got = await client.call("GetIntegration", **ids)
    assert (got["type"], got["uri"]) == ("AWS_PROXY", LAMBDA_URI)  # failed puts changed nothing


async def test_aws_proxy_targets(client: GatewayClient) -> None:
    ids = await new_method(client)
    lambda_arn = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:fn"
    proxy_only = (
        "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream "
        "invocations."
    )
    cases = {
        lambda_arn: "AWS ARN for integration must contain path or action",
        "not-an-arn": "Invalid ARN specified in the request",
        "arn:aws:apigateway:us-east-1:lambda:wrong/x": "AWS ARN for integration must contain path or action",
        "arn:aws:apigateway:us-east-1:firehose:path/x": proxy_only,
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/garbage/invocations": proxy_only,
    }
    for uri, message in cases.items():
        err = await error_of(
            client.call("PutIntegration", **ids, type="AWS_PROXY", uri=uri, integrationHttpMethod="POST")
        )
        assert (err.status, err.message) == (400, message)
    ok = (
        "arn:aws:apigateway:us-east-1:firehose:action/PutRecord",
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}/invocations",
    )
    for uri in ok:
        put = await client.call(
            "PutIntegration", **ids, type="AWS_PROXY", uri=uri, integrationHttpMethod="POST"
        )
        assert put["uri"] == uri


async def test_aws_proxy_uris_as_recorded(client: GatewayClient) -> None:
    """test_apigateway_lambda.snapshot.json ``test_put_integration_aws_proxy_uri``: the recorded
    errors, for URIs of each kind the recording names."""
    ids = await new_method(client)
    function = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:fn"
    cases = {
        "put-integration-lambda-uri": function,  # the function's own ARN, not an invocation URI
        "put-integration-wrong-arn": "not-an-arn:lambda",
        "put-integration-wrong-type": f"arn:aws:apigateway:us-east-1:lambda:function/{function}",
        "put-integration-wrong-firehose": "arn:aws:apigateway:us-east-1:firehose:path/x",
        "put-integration-bad-lambda-arn": (
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/fn/invocations"
        ),
    }
    for key, uri in cases.items():
        err = await error_of(
            client.call("PutIntegration", **ids, type="AWS_PROXY", uri=uri, integrationHttpMethod="POST")
        )
        assert_recorded_error(err, recorded(LAMBDA, "test_put_integration_aws_proxy_uri", key))
    # AWS accepts a non-POST verb here and fails the invocations instead (recorded: 500 at run time).
    put = await client.call(
        "PutIntegration", **ids, type="AWS_PROXY", uri=LAMBDA_URI, integrationHttpMethod="GET"
    )
    assert put["httpMethod"] == "GET"


async def test_put_integration_wrong_type_and_missing_method(client: GatewayClient) -> None:
    ids = await new_method(client)
    err = await error_of(client.call("PutIntegration", **ids, type="HTTPS_PROXY"))
    assert_recorded_error(err, recorded(API, "test_put_integration_wrong_type", "put-integration-wrong-type"))
    t = "test_put_integration_response_validation"
    err = await error_of(client.call("PutIntegration", **{**ids, "httpMethod": "POST"}, type="MOCK"))
    assert_recorded_error(err, recorded(API, t, "put-integration-wrong-method"))
    err = await error_of(client.call("PutIntegration", **{**ids, "resourceId": "badresource"}, type="MOCK"))
    assert_recorded_error(err, recorded(API, t, "put-integration-wrong-resource"))


async def test_get_integration_errors(client: GatewayClient) -> None:
    t = "test_get_integration_non_existent"
    ids = await new_method(client)
    cases = [
        ("get-integration-no-api", {**ids, "restApiId": "fakeapi000"}),
        ("get-integration-no-resource", {**ids, "resourceId": "fake00"}),
        ("get-integration-no-method", {**ids, "httpMethod": "POST"}),
        ("get-integration-no-integration", ids),
    ]
    for key, params in cases:
        assert_recorded_error(await error_of(client.call("GetIntegration", **params)), recorded(API, t, key))
    err = await error_of(client.call("DeleteIntegration", **ids))
    assert (err.status, err.message) == (404, "Invalid Integration identifier specified")


async def test_defaults_and_limits(client: GatewayClient) -> None:
    ids = await new_method(client)
    put = await client.call("PutIntegration", **ids, type="MOCK")
    assert (put["passthroughBehavior"], put["timeoutInMillis"], put["cacheKeyParameters"]) == (
        "WHEN_NO_MATCH",
        29000,
        [],
    )
    assert put["cacheNamespace"] == ids["resourceId"] and "connectionType" not in put
    for timeout in (49, 29001):
        err = await error_of(client.call("PutIntegration", **ids, type="MOCK", timeoutInMillis=timeout))
        assert (err.status, err.message) == (400, "Timeout should be between 50 ms and 29000 ms")
    custom = await client.call(
        "PutIntegration",
        **ids,
        type="MOCK",
        timeoutInMillis=50,
        passthroughBehavior="NEVER",
        cacheNamespace="shared",
        cacheKeyParameters=["method.request.querystring.q"],
    )
    assert (custom["timeoutInMillis"], custom["passthroughBehavior"], custom["cacheNamespace"]) == (
        50,
        "NEVER",
        "shared",
    )
    err = await error_of(client.call("PutIntegration", **ids, type="MOCK", passthroughBehavior="SOMETIMES"))
    assert (err.status, err.message) == (400, "Invalid passthrough behavior specified")


async def test_request_parameters_must_reference_declared_method_parameters(client: GatewayClient) -> None:
    ids = await new_method(
        client, requestParameters={"method.request.path.petId": True, "method.request.header.h": False}
    )
    mapping = {
        "integration.request.path.id": "method.request.path.petId",
        "integration.request.header.x": "method.request.multivalueheader.h",
        "integration.request.querystring.s": "stageVariables.s",
        "integration.request.header.c": "context.requestId",
        "integration.request.header.l": "'literal'",
        "integration.request.header.b": "method.request.body.a.b",
    }
    put = await client.call(
        "PutIntegration",
        **ids,
        type="HTTP",
        integrationHttpMethod="GET",
        uri="http://example.com/{id}",
        requestParameters=mapping,
    )
    assert put["requestParameters"] == mapping
    err = await error_of(
        client.call(
            "PutIntegration",
            **ids,
            type="HTTP",
            integrationHttpMethod="GET",
            uri="http://example.com",
            requestParameters={"integration.request.header.y": "method.request.querystring.q"},
        )
    )
    assert err.message == (
        "Invalid mapping expression specified: Validation Result: warnings : [], "
        "errors : [Invalid mapping expression parameter specified: method.request.querystring.q]"
    )
    err = await error_of(
        client.call("PutIntegration", **ids, type="MOCK", requestParameters={"bad.key": "'x'"})
    )
    assert err.message.endswith("[Invalid mapping expression specified: bad.key]")
    response = await client.request(
        "PUT",
        f"/restapis/{ids['restApiId']}/resources/{ids['resourceId']}/methods/GET/integration",
        body=b'{"type": "HTTP_PROXY", "httpMethod": "GET", "uri": "http://e.com", '
        b'"requestParameters": {"integration.request.path.testPath": true}}',
    )
    record = recorded(
        API, "test_put_integration_request_parameter_bool_type", "put-integration-request-param-bool-value"
    )
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == record["Error"]["Code"]
    assert json.loads(response.body)["message"] == record["Error"]["Message"]


async def test_vpc_link_integration_update(client: GatewayClient) -> None:
    t = "TestApigatewayIntegration::test_create_integration_with_vpc_link"
    ids = await new_method(client)
    uri = "http://my-vpclink-test-nlb-1234567890abcdef.us-east-1.amazonaws.com"
    put = await client.call(
        "PutIntegration",
        **ids,
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri=uri,
        connectionType="VPC_LINK",
        connectionId="${stageVariables.vpcLinkId}",
    )
    ns = {"<cache-namespace:1>": ids["resourceId"]}
    assert_matches(ours(put), recorded(API, t, "put-integration-vpc-link"), dict(ns))
    assert_matches(
        ours(await client.call("GetIntegration", **ids)),
        recorded(API, t, "get-integration-vpc-link"),
        dict(ns),
    )
    updated = await client.call(
        "UpdateIntegration",
        **ids,
        patchOperations=[
            {"op": "replace", "path": "/connectionId", "value": "${stageVariables.vpcLinkIdBeta}"}
        ],
    )
    assert_matches(ours(updated), recorded(API, t, "update-integration-vpc-link"), dict(ns))
    got = await client.call("GetIntegration", **ids)
    assert_matches(ours(got), recorded(API, t, "get-integration-update-vpc-link"), dict(ns))


async def test_update_integration(client: GatewayClient) -> None:
    ids = await new_method(client)
    await client.call(
        "PutIntegration", **ids, type="HTTP", integrationHttpMethod="GET", uri="http://a.example"
    )
    updated = await client.call(
        "UpdateIntegration",
        **ids,
        patchOperations=[
            {"op": "replace", "path": "/uri", "value": "https://b.example/x"},
            {"op": "replace", "path": "/timeoutInMillis", "value": "1000"},
            {"op": "add", "path": "/requestTemplates/application~1json", "value": "{}"},
            {"op": "add", "path": "/cacheKeyParameters/method.request.header.k"},
            {"op": "replace", "path": "/passthroughBehavior", "value": "WHEN_NO_TEMPLATES"},
        ],
    )
    assert (updated["uri"], updated["timeoutInMillis"], updated["passthroughBehavior"]) == (
        "https://b.example/x",
        1000,
        "WHEN_NO_TEMPLATES",
    )
    assert updated["requestTemplates"] == {"application/json": "{}"}
    assert updated["cacheKeyParameters"] == ["method.request.header.k"]
    removed = await client.call(
        "UpdateIntegration",
        **ids,
        patchOperations=[
            {"op": "remove", "path": "/requestTemplates/application~1json"},
            {"op": "remove", "path": "/cacheKeyParameters/method.request.header.k"},
        ],
    )
    assert "requestTemplates" not in removed and removed["cacheKeyParameters"] == []
    for ops, message in (
        ([{"op": "replace", "path": "/uri", "value": "nope"}], "Invalid HTTP endpoint specified for URI"),
        (
            [{"op": "replace", "path": "/timeoutInMillis", "value": "30000"}],
            "Timeout should be between 50 ms and 29000 ms",
        ),
        ([{"op": "replace", "path": "/nope", "value": "x"}], "Invalid patch path /nope"),
        (
            [{"op": "replace", "path": "/httpMethod", "value": ""}],
            "Enumeration value for HttpMethod must be non-empty",
        ),
    ):
        err = await error_of(client.call("UpdateIntegration", **ids, patchOperations=ops))
        assert (err.status, err.message) == (400, message)
    assert (await client.call("GetIntegration", **ids))["uri"] == "https://b.example/x"


async def test_delete_integration(client: GatewayClient) -> None:
    ids = await mock_method(client)
    deleted = await client.call("DeleteIntegration", **ids)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    err = await error_of(client.call("GetIntegration", **ids))
    assert err.message == "Invalid Integration identifier specified"
    assert "methodIntegration" not in await client.call("GetMethod", **ids)


# --- IntegrationResponse -----------------------------------------------------------------------


async def test_integration_response_lifecycle(client: GatewayClient) -> None:
    t = "TestApigatewayIntegrationResponse::test_lifecycle_integration_response"
    ids = await mock_method(client)
    put = await client.call(
        "PutIntegrationResponse",
        **ids,
        statusCode="200",
        responseTemplates={"application/json": '"created"'},
        selectionPattern="",
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(put), recorded(API, t, "put-integration-response"))
    got = await client.call("GetIntegrationResponse", **ids, statusCode="200")
    assert_matches(ours(got), recorded(API, t, "get-integration-response"))
    updated = await client.call(
        "UpdateIntegrationResponse",
        **ids,
        statusCode="200",
        patchOperations=[{"op": "replace", "path": "/selectionPattern", "value": "updated-pattern"}],
    )
    assert_matches(ours(updated), recorded(API, t, "update-integration-response"))
    overwritten = await client.call(
        "PutIntegrationResponse",
        **ids,
        statusCode="200",
        responseTemplates={"application/json": "overwrite"},
        selectionPattern="overwrite-pattern",
    )
    assert overwritten["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(overwritten), recorded(API, t, "overwrite-integration-response"))
    method = ours(await client.call("GetMethod", **ids))
    method["methodIntegration"]["requestTemplates"] = {
        k: json.loads(v) for k, v in method["methodIntegration"]["requestTemplates"].items()
    }
    assert_matches(method, recorded(API, t, "get-method"), {"<cache-namespace:1>": ids["resourceId"]})
    deleted = await client.call("DeleteIntegrationResponse", **ids, statusCode="200")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204


async def test_put_integration_responses_http(client: GatewayClient) -> None:
    t = "test_put_integration_responses"
    ids = await new_method(client)
    bindings = {"<cache-namespace:1>": ids["resourceId"], "<uri:1>": "http://echo.example/post"}

    def rec(key: str) -> dict:
        return recorded(INTEGRATIONS, t, key)

    assert_matches(
        ours(await client.call("PutMethodResponse", **ids, statusCode="200")), rec("put-method-response-get")
    )
    put = await client.call(
        "PutIntegration", **ids, type="HTTP", uri="http://echo.example/post", integrationHttpMethod="POST"
    )
    assert_matches(ours(put), rec("put-integration-get"), bindings)
    response = await client.call(
        "PutIntegrationResponse", **ids, statusCode="200", selectionPattern="2\\d{2}", responseTemplates={}
    )
    assert_matches(ours(response), rec("put-integration-response-get"))
    assert_matches(ours(await client.call("GetMethod", **ids)), rec("get-method-get"), bindings)
    await client.call("DeleteIntegrationResponse", **ids, statusCode="200")
    assert_matches(
        ours(await client.call("GetMethod", **ids)), rec("get-method-get-after-int-resp-delete"), bindings
    )
    binary = await client.call(
        "PutIntegrationResponse",
        **ids,
        statusCode="200",
        selectionPattern="2\\d{2}",
        contentHandling="CONVERT_TO_BINARY",
    )
    assert_matches(ours(binary), rec("put-integration-response-put"))


async def test_integration_response_lookup_errors(client: GatewayClient) -> None:
    def rec(test: str, key: str) -> dict:
        return recorded(API, "TestApigatewayIntegrationResponse::" + test, key)

    for op, key in (("PutIntegrationResponse", "put"), ("GetIntegrationResponse", "get")):
        err = await error_of(
            client.call(
                op, restApiId="wrong-api", resourceId="dummy-value", httpMethod="GET", statusCode="200"
            )
        )
        assert_recorded_error(
            err, rec("test_integration_response_wrong_api", f"{key}-integration-response-wrong-api")
        )
    ids = await new_method(client)
    for op, key in (("PutIntegrationResponse", "put"), ("GetIntegrationResponse", "get")):
        err = await error_of(client.call(op, **{**ids, "resourceId": "wrong-resource"}, statusCode="200"))
        assert_recorded_error(
            err, rec("test_integration_response_wrong_resource", f"{key}-integration-response-wrong-resource")
        )
        err = await error_of(client.call(op, **{**ids, "httpMethod": "wrong-method"}, statusCode="200"))
        assert_recorded_error(
            err, rec("test_integration_response_wrong_method", f"{key}-integration-response-wrong-method")
        )
        err = await error_of(client.call(op, **ids, statusCode="wrong"))
        assert_recorded_error(
            err,
            rec(
                "test_integration_response_invalid_statuscode",
                f"{key}-integration-response-invalid-statusCode",
            ),
        )
    err = await error_of(client.call("GetIntegrationResponse", **ids, statusCode="200"))
    assert_recorded_error(
        err,
        rec("test_integration_response_invalid_integration", "get-integration-response-without-integration"),
    )
    await client.call("PutIntegration", **ids, type="MOCK")
    err = await error_of(client.call("GetIntegrationResponse", **ids, statusCode="201"))
    assert_recorded_error(
        err, rec("test_integration_response_wrong_status_code", "get-integration-response-wrong-status-code")
    )


async def test_delete_integration_response_errors(client: GatewayClient) -> None:
    def rec(key: str) -> dict:
        return recorded(API, "test_delete_integration_response_errors", key)

    ids = await mock_method(client)
    await client.call("PutIntegrationResponse", **ids, statusCode="200")
    cases = [
        ("non-existent-resource", {**ids, "resourceId": "wrong"}, "200"),
        ("non-existent-api-id", {**ids, "restApiId": "wrong00000"}, "200"),
        ("non-existent-method", {**ids, "httpMethod": "POST"}, "200"),
        ("non-existent-status-code", ids, "201"),
        ("bad-method", {**ids, "httpMethod": "NOTAMETHOD"}, "200"),
    ]
    for key, params, status in cases:
        err = await error_of(client.call("DeleteIntegrationResponse", **params, statusCode=status))
        assert_recorded_error(err, rec(key))


async def test_response_templates_empty_values_are_null(client: GatewayClient) -> None:
    ids = await mock_method(client)
    response = await client.request(
        "PUT",
        f"/restapis/{ids['restApiId']}/resources/{ids['resourceId']}/methods/GET/integration/responses/200",
        body=b'{"selectionPattern": "", "responseTemplates": {"application/json": ""}}',
    )
    assert response.status == 201
    async with client.services.store.transaction() as tx:
        resource = await tx.get("resource", f"{ids['restApiId']}/{ids['resourceId']}")
    stored = resource["resourceMethods"]["GET"]["methodIntegration"]["integrationResponses"]["200"]
    expected = recorded(
        API, "test_put_integration_response_templates", "put-integration-response-template-empty"
    )
    assert stored["responseTemplates"] == expected["responseTemplates"]
    err = await error_of(
        client.call("PutIntegrationResponse", **ids, statusCode="200", responseTemplates={"123": "{}"})
    )
    record = recorded(
        API,
        "test_integration_response_invalid_responsetemplates",
        "put-integration-response-invalid-responseTemplates-2",
    )
    assert_recorded_error(err, record)


async def test_response_parameters_need_a_declared_method_response_header(client: GatewayClient) -> None:
    ids = await mock_method(client)
    header = "method.response.header.X-Id"
    err = await error_of(
        client.call("PutIntegrationResponse", **ids, statusCode="200", responseParameters={header: "'a'"})
    )
    assert err.message.endswith(f"[Invalid mapping expression parameter specified: {header}]")
    await client.call("PutMethodResponse", **ids, statusCode="200", responseParameters={header: False})
    sources = ["'a'", "integration.response.header.X", "integration.response.body.id", "context.requestId"]
    for source in sources:
        put = await client.call(
            "PutIntegrationResponse", **ids, statusCode="200", responseParameters={header: source}
        )
        assert put["responseParameters"] == {header: source}
    err = await error_of(
        client.call("PutIntegrationResponse", **ids, statusCode="200", responseParameters={header: "bogus"})
    )
    assert err.message.endswith("[Invalid mapping expression specified: bogus]")
    updated = await client.call(
        "UpdateIntegrationResponse",
        **ids,
        statusCode="200",
        patchOperations=[
            {"op": "remove", "path": f"/responseParameters/{header}"},
            {"op": "add", "path": "/responseTemplates/application~1json", "value": "$input.body"},
            {"op": "replace", "path": "/contentHandling", "value": "CONVERT_TO_TEXT"},
        ],
    )
    assert "responseParameters" not in updated
    assert (updated["responseTemplates"], updated["contentHandling"]) == (
        {"application/json": "$input.body"},
        "CONVERT_TO_TEXT",
    )
    java_only = r"\p{Alpha}+"  # a Java regex Python cannot compile is still accepted, as AWS does
    patched = await client.call(
        "UpdateIntegrationResponse",
        **ids,
        statusCode="200",
        patchOperations=[{"op": "replace", "path": "/selectionPattern", "value": java_only}],
    )
    assert patched["selectionPattern"] == java_only


async def test_put_integration_again_replaces_it_with_its_responses(client: GatewayClient) -> None:
    ids = await mock_method(client)
    await client.call("PutIntegrationResponse", **ids, statusCode="200")
    replaced = await client.call(
        "PutIntegration", **ids, type="HTTP_PROXY", integrationHttpMethod="ANY", uri="http://e.com"
    )
    assert "integrationResponses" not in replaced and "requestTemplates" not in replaced
    err = await error_of(client.call("GetIntegrationResponse", **ids, statusCode="200"))
    assert err.message == "Invalid Response status code specified"
