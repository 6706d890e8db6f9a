"""Put/Get/Update/DeleteMethod and the MethodResponse operations through the real protocol.

Compared with AWS's recorded responses (test_apigateway_api.snapshot.json, ``TestApiGatewayApiMethod``
and ``TestApigatewayMethodResponse``).
"""

from __future__ import annotations

from typing import Any

from tests.control.conftest import mock_method, new_api
from tests.support.client import GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

API = "test_apigateway_api"


def rec(test: str, key: str) -> dict:
    return recorded(API, test, key)


async def _put_doc(client: GatewayClient, kind: str, key: str, doc: dict[str, Any]) -> None:
    """Authorizers and request validators have no handlers yet (a later issue): store them."""
    async with client.services.store.transaction() as tx:
        await tx.put(kind, key, doc)


# --- Method ------------------------------------------------------------------------------------


async def test_method_lifecycle(client: GatewayClient) -> None:
    t = "TestApiGatewayApiMethod::test_method_lifecycle"
    api_id, root = await new_api(client)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "ANY"}
    put = await client.call("PutMethod", **ids, authorizationType="NONE")
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(put), rec(t, "put-base-method-response"))
    assert_matches(ours(await client.call("GetMethod", **ids)), rec(t, "get-base-method-response"))
    deleted = await client.call("DeleteMethod", **ids)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert_recorded_error(
        await error_of(client.call("GetMethod", **ids)), rec(t, "get-deleted-method-response")
    )
    err = await error_of(client.call("DeleteMethod", **ids))
    assert_recorded_error(err, rec(t, "delete-deleted-method-response"))
    assert (await client.call("GetResource", restApiId=api_id, resourceId=root)).get(
        "resourceMethods"
    ) is None


async def test_method_request_parameters(client: GatewayClient) -> None:
    t = "TestApiGatewayApiMethod::test_method_request_parameters"
    api_id, root = await new_api(client)
    params = {
        "method.request.querystring.q_optional": False,
        "method.request.querystring.q_required": True,
        "method.request.header.h_optional": False,
        "method.request.header.h_required": True,
    }
    ids = {"restApiId": api_id, "resourceId": root}
    put = await client.call(
        "PutMethod", **ids, httpMethod="ANY", authorizationType="NONE", requestParameters=params
    )
    assert_matches(ours(put), rec(t, "put-method-request-params-response"))
    got = await client.call("GetMethod", **ids, httpMethod="ANY")
    assert_matches(ours(got), rec(t, "get-method-request-params-response"))
    same_name = {"method.request.querystring.optional": False, "method.request.header.optional": False}
    err = await error_of(
        client.call(
            "PutMethod", **ids, httpMethod="GET", authorizationType="NONE", requestParameters=same_name
        )
    )
    assert_recorded_error(err, rec(t, "req-params-same-name"))
    err = await error_of(
        client.call(
            "PutMethod", **ids, httpMethod="GET", authorizationType="NONE", requestParameters={"true": True}
        )
    )
    record = rec(
        "TestApigatewayIntegration::test_put_integration_request_parameter_bool_type",
        "put-method-request-param-wrong-type",
    )
    assert_recorded_error(err, record)


async def test_put_method_validation(client: GatewayClient) -> None:
    t = "TestApiGatewayApiMethod::test_put_method_validation"
    api_id, root = await new_api(client)
    cases = [
        ("wrong-api", {"restApiId": "fake-api", "resourceId": root, "httpMethod": "WRONG"}),
        ("wrong-resource", {"restApiId": api_id, "resourceId": "fake-resource-id", "httpMethod": "WRONG"}),
        ("wrong-method", {"restApiId": api_id, "resourceId": root, "httpMethod": "WRONG"}),
        (
            "missing-authorizer-id",
            {"restApiId": api_id, "resourceId": root, "httpMethod": "ANY", "authorizationType": "CUSTOM"},
        ),
        (
            "invalid-request-validator",
            {
                "restApiId": api_id,
                "resourceId": root,
                "httpMethod": "ANY",
                "requestValidatorId": "fake-validator",
            },
        ),
        (
            "invalid-model-name",
            {
                "restApiId": api_id,
                "resourceId": root,
                "httpMethod": "ANY",
                "requestModels": {"application/json": "petModel"},
            },
        ),
    ]
    for key, params in cases:
        params.setdefault("authorizationType", "NONE")
        assert_recorded_error(await error_of(client.call("PutMethod", **params)), rec(t, key))
    assert (await client.call("GetResource", restApiId=api_id, resourceId=root)).get(
        "resourceMethods"
    ) is None


async def test_put_method_twice_is_a_conflict_and_lowercase_is_accepted(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "GET"}
    put = await client.call("PutMethod", **ids, authorizationType="none", apiKeyRequired=True)
    assert (put["authorizationType"], put["apiKeyRequired"]) == ("NONE", True)
    err = await error_of(client.call("PutMethod", **ids, authorizationType="NONE"))
    assert (err.status, err.code, err.message) == (
        409,
        "ConflictException",
        "Method already exists for this resource",
    )
    err = await error_of(client.call("PutMethod", **{**ids, "httpMethod": "POST"}, authorizationType="MAGIC"))
    assert err.status == 400


async def test_put_method_with_existing_authorizer_validator_and_models(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    await _put_doc(client, "authorizer", f"{api_id}/auth01", {"id": "auth01", "name": "a", "type": "TOKEN"})
    await _put_doc(client, "requestvalidator", f"{api_id}/val001", {"id": "val001", "name": "v"})
    put = await client.call(
        "PutMethod",
        restApiId=api_id,
        resourceId=root,
        httpMethod="POST",
        authorizationType="CUSTOM",
        authorizerId="auth01",
        requestValidatorId="val001",
        requestModels={"application/json": "Empty"},
        operationName="CreateThing",
        authorizationScopes=["a/b"],
    )
    assert {k: put[k] for k in ("authorizerId", "requestValidatorId", "requestModels", "operationName")} == {
        "authorizerId": "auth01",
        "requestValidatorId": "val001",
        "requestModels": {"application/json": "Empty"},
        "operationName": "CreateThing",
    }
    iam = await client.call(
        "PutMethod",
        restApiId=api_id,
        resourceId=root,
        httpMethod="GET",
        authorizationType="AWS_IAM",
        authorizerId="auth01",
    )
    assert "authorizerId" not in iam  # ignored unless the type names an authorizer


async def test_update_method(client: GatewayClient) -> None:
    t = "TestApiGatewayApiMethod::test_update_method"
    api_id, root = await new_api(client)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "ANY"}
    assert_matches(
        ours(await client.call("PutMethod", **ids, authorizationType="NONE")), rec(t, "put-method-response")
    )

    async def update(*ops: dict) -> dict:
        return ours(await client.call("UpdateMethod", **ids, patchOperations=list(ops)))

    param = "/requestParameters/method.request.querystring.optional"
    added = await update(
        {"op": "add", "path": param, "value": "true"},
        {"op": "add", "path": "/requestModels/application~1json", "value": "Empty"},
    )
    assert_matches(added, rec(t, "update-method-add"))
    replaced = await update(
        {"op": "replace", "path": "/operationName", "value": "ReplacedOperationName"},
        {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
        {"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"},
        {"op": "replace", "path": param, "value": "false"},
    )
    assert_matches(replaced, rec(t, "update-method-replace"))
    await _put_doc(client, "authorizer", f"{api_id}/auth01", {"id": "auth01", "name": "a", "type": "TOKEN"})
    with_authorizer = await update(
        {"op": "replace", "path": "/authorizerId", "value": "auth01"},
        {"op": "replace", "path": "/authorizationType", "value": "CUSTOM"},
    )
    assert_matches(with_authorizer, rec(t, "update-method-replace-authorizer"))
    removed = await update(
        {"op": "remove", "path": param, "value": "true"},
        {"op": "remove", "path": "/requestModels/application~1json", "value": "Empty"},
    )
    assert_matches(removed, rec(t, "update-method-remove"))
    assert ours(await client.call("GetMethod", **ids)) == removed


async def test_update_method_validation(client: GatewayClient) -> None:
    t = "TestApiGatewayApiMethod::test_update_method_validation"
    api_id, root = await new_api(client)
    err = await error_of(
        client.call(
            "UpdateMethod", restApiId="fake-api", resourceId=root, httpMethod="ANY", patchOperations=[]
        )
    )
    assert_recorded_error(err, rec(t, "wrong-rest-api"))
    err = await error_of(
        client.call(
            "UpdateMethod",
            restApiId=api_id,
            resourceId="fake-resource-id",
            httpMethod="ANY",
            patchOperations=[],
        )
    )
    assert_recorded_error(err, rec(t, "wrong-resource-id"))
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "ANY"}
    err = await error_of(
        client.call(
            "UpdateMethod",
            **{**ids, "httpMethod": "GET"},
            patchOperations=[{"op": "replace", "path": "/operationName", "value": "methodDoesNotExist"}],
        )
    )
    assert_recorded_error(err, rec(t, "method-does-not-exist"))
    put = await client.call("PutMethod", **ids, authorizationType="NONE", apiKeyRequired=True)
    assert_matches(ours(put), rec(t, "put-method-response"))
    cases = [
        ("unsupported-operation", {"op": "add", "path": "/operationName", "value": "operationName"}),
        ("unsupported-operation-2", {"op": "add", "path": "/requestValidatorId", "value": "wrong-id"}),
        ("unsupported-path", {"op": "add", "path": "/httpMethod", "value": "PUT"}),
        (
            "wrong-path-request-parameters",
            {
                "op": "replace",
                "path": "/requestParameters",
                "value": "method.request.querystring.optional=false",
            },
        ),
        (
            "wrong-path-request-models",
            {"op": "add", "path": "/requestModels/application/json", "value": "Empty"},
        ),
        ("wrong-auth-type", {"op": "replace", "path": "/authorizationType", "value": "CUSTOM"}),
        ("wrong-req-validator-id", {"op": "replace", "path": "/requestValidatorId", "value": "fake-id"}),
    ]
    for key, op in cases:
        err = await error_of(client.call("UpdateMethod", **ids, patchOperations=[op]))
        assert_recorded_error(err, rec(t, key))
    wrong_value = await client.call(
        "UpdateMethod",
        **ids,
        patchOperations=[{"op": "replace", "path": "/apiKeyRequired", "value": "whatever"}],
    )
    assert_matches(ours(wrong_value), rec(t, "wrong-value-type"))
    skipped = await client.call(
        "UpdateMethod", **ids, patchOperations=[{"op": "replace", "path": "/authorizerId", "value": "abc123"}]
    )
    assert_matches(ours(skipped), rec(t, "skip-auth-id-with-wrong-type"))
    err = await error_of(
        client.call(
            "UpdateMethod",
            **ids,
            patchOperations=[
                {"op": "replace", "path": "/authorizationType", "value": "CUSTOM"},
                {"op": "replace", "path": "/authorizerId", "value": "abc123"},
            ],
        )
    )
    assert_recorded_error(err, rec(t, "wrong-auth-id"))
    assert ours(await client.call("GetMethod", **ids)) == ours(skipped)  # no failed update changed it


async def test_delete_method_removes_its_integration_and_responses(client: GatewayClient) -> None:
    api_id, root = await new_api(client)
    ids = {"restApiId": api_id, "resourceId": root, "httpMethod": "GET"}
    await client.call("PutMethod", **ids, authorizationType="NONE")
    await client.call("PutMethodResponse", **ids, statusCode="200")
    await client.call("PutIntegration", **ids, type="MOCK")
    await client.call("DeleteMethod", **ids)
    await client.call("PutMethod", **ids, authorizationType="NONE")
    got = await client.call("GetMethod", **ids)
    assert "methodIntegration" not in got and "methodResponses" not in got


# --- MethodResponse ----------------------------------------------------------------------------


def _normalise_templates(method: dict) -> dict:
    """aws-recorded shows JSON templates parsed; parse ours the same way."""
    import json

    integration = method.get("methodIntegration") or {}
    for name, template in (integration.get("requestTemplates") or {}).items():
        integration["requestTemplates"][name] = json.loads(template)
    return method


async def test_method_response_lifecycle(client: GatewayClient) -> None:
    t = "TestApigatewayMethodResponse::test_lifecycle_method_response"
    ids = await mock_method(client)
    put = await client.call(
        "PutMethodResponse", **ids, statusCode="200", responseParameters={}, responseModels={}
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(put), rec(t, "put-method-response"))
    got = await client.call("GetMethodResponse", **ids, statusCode="200")
    assert_matches(ours(got), rec(t, "get-integration-response"))
    header = "/responseParameters/method.response.header.my-header"
    added = await client.call(
        "UpdateMethodResponse",
        **ids,
        statusCode="200",
        patchOperations=[
            {"op": "add", "path": header, "value": "true"},
            {"op": "add", "path": "/responseModels/application~1json", "value": "Empty"},
        ],
    )
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(added), rec(t, "add-method-responses"))
    updated = await client.call(
        "UpdateMethodResponse",
        **ids,
        statusCode="200",
        patchOperations=[
            {"op": "replace", "path": header, "value": "true"},
            {"op": "replace", "path": "/responseModels/application~1json", "value": "Empty"},
        ],
    )
    assert_matches(ours(updated), rec(t, "update-method-responses"))
    method = _normalise_templates(ours(await client.call("GetMethod", **ids)))
    assert_matches(method, rec(t, "get-method"), {"<cache-namespace:1>": ids["resourceId"]})
    deleted = await client.call("DeleteMethodResponse", **ids, statusCode="200")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    err = await error_of(client.call("GetMethodResponse", **ids, statusCode="200"))
    assert (err.status, err.message) == (404, "Invalid Response status code specified")


async def test_update_method_response_remove_and_add(client: GatewayClient) -> None:
    t = "TestApigatewayMethodResponse::test_update_method_response"
    ids = await mock_method(
        client,
        responseParameters={"method.response.header.my-header": False},
        responseModels={"application/json": "Empty"},
    )
    header = "/responseParameters/method.response.header.my-header"
    removed = await client.call(
        "UpdateMethodResponse",
        **ids,
        statusCode="200",
        patchOperations=[
            {"op": "remove", "path": header, "value": "true"},
            {"op": "remove", "path": "/responseModels/application~1json", "value": "Empty"},
        ],
    )
    assert_matches(ours(removed), rec(t, "remove-update-method-response"))
    added = await client.call(
        "UpdateMethodResponse",
        **ids,
        statusCode="200",
        patchOperations=[
            {"op": "add", "path": header, "value": "true"},
            {"op": "add", "path": "/responseModels/application~1json", "value": "Empty"},
        ],
    )
    assert_matches(ours(added), rec(t, "add-update-method-response"))


async def test_update_method_response_errors(client: GatewayClient) -> None:
    ids = await mock_method(
        client,
        responseParameters={"method.response.header.my-header": False},
        responseModels={"application/json": "Empty"},
    )
    header = {
        "op": "replace",
        "path": "/responseParameters/method.response.header.my-header",
        "value": "true",
    }
    models = {"op": "wrong_op", "path": "/responseModels/application~1json", "value": "Empty"}
    wrong_header = {**header, "op": "wrong_op"}
    t = "TestApigatewayMethodResponse::test_update_method_response_wrong_operations"
    cases = [
        ("update-method-response-wrong-operation-1", [wrong_header]),
        ("update-method-response-wrong-operation-2", [models]),
        ("update-method-response-wrong-operation-3", [wrong_header, models]),
        ("update-method-response-wrong-operation-4", [wrong_header, models, wrong_header, models]),
        ("update-method-response-wrong-operation-5", [wrong_header, {**models, "op": "remove"}, models]),
    ]
    for key, ops in cases:
        err = await error_of(
            client.call("UpdateMethodResponse", **ids, statusCode="200", patchOperations=ops)
        )
        assert_recorded_error(err, rec(t, key))
    t = "TestApigatewayMethodResponse::test_update_method_response_negative_tests"
    cases2 = [
        ("update-method-response-wrong-statuscode", {**ids, "statusCode": "201"}, [header]),
        ("update-method-response-invalid-statuscode", {**ids, "statusCode": "wrong"}, [header]),
        (
            "update-method-response-invalid-statuscode-and-wrong-op",
            {**ids, "statusCode": "wrong"},
            [wrong_header],
        ),
        (
            "update-method-response-wrong-resource",
            {**ids, "resourceId": "wrong", "statusCode": "200"},
            [header],
        ),
        ("update-method-response-wrong-method", {**ids, "httpMethod": "POST", "statusCode": "200"}, [header]),
    ]
    for key, params, ops in cases2:
        err = await error_of(client.call("UpdateMethodResponse", **params, patchOperations=ops))
        assert_recorded_error(err, rec(t, key))
    cases3 = [
        (
            "update-method-response-operation-with-wrong-param-name-1",
            "replace",
            "/responseParameters/wrong",
            "true",
        ),
        (
            "update-method-response-operation-with-wrong-param-name-2",
            "remove",
            "/responseParameters/wrong",
            "true",
        ),
        (
            "update-method-response-operation-with-wrong-param-name-3",
            "replace",
            "/responseModels/wrong",
            "Empty",
        ),
        (
            "update-method-response-operation-with-wrong-param-name-4",
            "remove",
            "/responseModels/wrong",
            "Empty",
        ),
    ]
    for key, op, path, value in cases3:
        err = await error_of(
            client.call(
                "UpdateMethodResponse",
                **ids,
                statusCode="200",
                patchOperations=[{"op": op, "path": path, "value": value}],
            )
        )
        assert_recorded_error(
            err, rec("TestApigatewayMethodResponse::test_update_method_wrong_param_names", key)
        )
    got = await client.call("GetMethodResponse", **ids, statusCode="200")
    assert got["responseParameters"] == {"method.response.header.my-header": False}


async def test_update_method_response_without_parameters_and_models(client: GatewayClient) -> None:
    t = "TestApigatewayMethodResponse::test_update_method_lack_response_parameters_and_models"
    ids = await mock_method(client, responseParameters={}, responseModels={})
    cases = [
        (
            "update-method-response-operation-without-response-parameters",
            "/responseParameters/method.response.header.my-header",
            "true",
        ),
        (
            "update-method-response-operation-without-response-models",
            "/responseModels/application~1json",
            "Empty",
        ),
        (
            "update-method-response-operation-with-wrong-path",
            "/wrong/method.response.header.my-header",
            "true",
        ),
    ]
    for key, path, value in cases:
        err = await error_of(
            client.call(
                "UpdateMethodResponse",
                **ids,
                statusCode="200",
                patchOperations=[{"op": "remove", "path": path, "value": value}],
            )
        )
        assert_recorded_error(err, rec(t, key))


async def test_method_response_validation(client: GatewayClient) -> None:
    ids = await mock_method(client)
    err = await error_of(client.call("PutMethodResponse", **ids, statusCode="wrong"))
    assert (err.status, err.code) == (400, "ValidationException")
    err = await error_of(client.call("PutMethodResponse", **{**ids, "httpMethod": "POST"}, statusCode="200"))
    assert err.message == "Invalid Method identifier specified"
    err = await error_of(
        client.call("PutMethodResponse", **ids, statusCode="200", responseModels={"a/b": "Nope"})
    )
    assert err.message == "Invalid model identifier specified: Nope"
    err = await error_of(
        client.call("PutMethodResponse", **ids, statusCode="200", responseParameters={"x": True})
    )
    assert err.status == 400 and "Invalid mapping expression specified: x" in err.message
    err = await error_of(client.call("DeleteMethodResponse", **ids, statusCode="500"))
    assert (err.status, err.message) == (404, "Invalid Response status code specified")
