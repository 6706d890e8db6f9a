"""The management API through real boto3: results and AWS-shaped errors compared with the recordings
from real AWS, and errors that leave the configuration untouched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.builders import create_api
from tests.support.recorded import assert_parity, needs_recorded, recorded

pytestmark = needs_recorded
API_FILE = "test_apigateway_api"
INTEGRATIONS_FILE = "test_apigateway_integrations"


def failure(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return excinfo.value.response  # type: ignore[return-value]


def expected_subset(test: str, ours: dict[str, Any], file: str = API_FILE) -> dict[str, Any]:
    everything = recorded(file, test)
    assert set(ours) <= set(everything), set(ours) - set(everything)
    return {key: everything[key] for key in ours}


def by(key: str, response: dict[str, Any], member: str = "items") -> dict[str, Any]:
    """The list in ``response`` sorted by ``key`` (AWS does not promise an order)."""
    return {**response, member: sorted(response[member], key=lambda item: item[key])}


def test_create_rest_api_defaults_and_validation(apigw: Any) -> None:
    ours = {
        "create-only-name": apigw.create_rest_api(name="only-name"),
        "create-empty-desc": failure(apigw.create_rest_api, name="empty-desc", description=""),
        "create-with-version": apigw.create_rest_api(name="with-version", version="v1"),
        "create-with-empty-binary-media": apigw.create_rest_api(name="empty-binary", binaryMediaTypes=[]),
    }
    assert_parity(ours, expected_subset("test_create_rest_api_with_optional_params", ours),
                  ids=["only-name", "with-version", "empty-binary"])
    # The refused create left nothing behind.
    names = sorted(api["name"] for api in apigw.get_rest_apis()["items"])
    assert names == ["empty-binary", "only-name", "with-version"]


def test_list_and_delete_apis(apigw: Any) -> None:
    ours: dict[str, Any] = {
        "create-rest-api-1": apigw.create_rest_api(name="api-one", description="this is my api"),
        "create-rest-api-2": apigw.create_rest_api(name="api-two", description="this is my api2"),
    }
    ours["get-rest-api-before-delete"] = by("description", apigw.get_rest_apis())
    ours["delete-rest-api"] = apigw.delete_rest_api(restApiId=ours["create-rest-api-1"]["id"])
    ours["get-rest-api-after-delete"] = apigw.get_rest_apis()
    expected = expected_subset("test_list_and_delete_apis", ours)
    expected["get-rest-api-before-delete"] = by("description", expected["get-rest-api-before-delete"])
    assert_parity(ours, expected, ids=["api-one", "api-two"])


def test_update_rest_api_binary_media_types(apigw: Any) -> None:
    api = apigw.create_rest_api(name="patchy", description="this is my api")

    def patch(*ops: dict[str, str]) -> dict[str, Any]:
        return apigw.update_rest_api(restApiId=api["id"], patchOperations=list(ops))  # type: ignore[no-any-return]

    ours = {
        "update-rest-api-add": patch({"op": "add", "path": "/binaryMediaTypes/image~1png"},
                                     {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"}),
        "update-rest-api-replace": patch({"op": "replace", "path": "/binaryMediaTypes/image~1png",
                                          "value": "image/gif"}),
        "update-rest-api-remove": patch({"op": "remove", "path": "/binaryMediaTypes/image~1gif"},
                                        {"op": "remove", "path": "/description"}),
    }
    assert_parity(ours, expected_subset("test_update_rest_api_operation_add_remove", ours), ids=["patchy"])


def test_not_found_errors(apigw: Any) -> None:
    api = create_api(apigw, "not-found")
    ours = failure(apigw.update_rest_api, restApiId="api_id",
                   patchOperations=[{"op": "replace", "path": "/name", "value": "x"}])
    assert_parity(ours, recorded(API_FILE, "test_update_rest_api_invalid_api_id",
                                 "not-found-update-rest-api"))

    wrong_parent = failure(apigw.create_resource, restApiId=api.id, parentId="nope00", pathPart="x")
    assert_parity(wrong_parent, recorded(API_FILE, "test_create_resource_parent_invalid",
                                         "wrong-resource-parent-id"))
    assert [r["path"] for r in apigw.get_resources(restApiId=api.id)["items"]] == ["/"]


def test_resource_lifecycle(apigw: Any) -> None:
    api = create_api(apigw, "resources")
    ours: dict[str, Any] = {"rest-api-root-resource": apigw.get_resources(restApiId=api.id)}
    pets = ours["create-resource"] = apigw.create_resource(restApiId=api.id, parentId=api.root_id,
                                                           pathPart="pets")
    ours["rest-api-resources-after-create"] = by("path", apigw.get_resources(restApiId=api.id))
    ours["create-subresource"] = apigw.create_resource(restApiId=api.id, parentId=pets["id"],
                                                       pathPart="subpets")
    ours["rest-api-resources-after-create-sub"] = by("path", apigw.get_resources(restApiId=api.id))
    ours["update-path-part"] = apigw.update_resource(
        restApiId=api.id, resourceId=pets["id"],
        patchOperations=[{"op": "replace", "path": "/pathPart", "value": "dogs"}])
    ours["get-resp-after-update-path-part"] = apigw.get_resource(restApiId=api.id, resourceId=pets["id"])
    ours["del-resource"] = apigw.delete_resource(restApiId=api.id, resourceId=pets["id"])
    ours["rest-api-resources-after-delete"] = apigw.get_resources(restApiId=api.id)
    expected = expected_subset("test_resource_lifecycle", ours)
    for key in ("rest-api-resources-after-create", "rest-api-resources-after-create-sub"):
        expected[key] = by("path", expected[key])
    assert_parity(ours, expected)


def test_update_resource_errors_change_nothing(apigw: Any) -> None:
    api = create_api(apigw, "resource-errors")
    pets = api.resource("/pets")
    subpets = api.resource("/pets/subpets")
    child = api.resource("/pets/subpets/pets")
    before = by("path", apigw.get_resources(restApiId=api.id))["items"]

    def update(resource_id: str, op: str, path: str, value: str | None = None) -> dict[str, Any]:
        operation = {"op": op, "path": path, **({"value": value} if value is not None else {})}
        return failure(apigw.update_resource, restApiId=api.id, resourceId=resource_id,
                       patchOperations=[operation])

    ours = {
        "nonexistent-resource": update("nope00", "replace", "/pathPart", "x"),
        "invalid-path-part": update(pets, "replace", "/invalid", "x"),
        "invalid-parent-id": update(pets, "replace", "/parentId", "nope00"),
        "existing-future-sibling-path": update(child, "replace", "/parentId", api.root_id),
        "update-parent-id-to-subresource-id": update(subpets, "replace", "/parentId", child),
        "remove-unsupported": update(pets, "remove", "/pathPart"),
        "add-unsupported": update(pets, "add", "/pathPart", "x"),
    }
    assert_parity(ours, expected_subset("test_update_resource_behaviour", ours))
    assert by("path", apigw.get_resources(restApiId=api.id))["items"] == before


def test_method_lifecycle(apigw: Any) -> None:
    api = create_api(apigw, "methods")
    resource = api.resource("/base")
    key = {"restApiId": api.id, "resourceId": resource, "httpMethod": "ANY"}
    ours = {
        "put-base-method-response": apigw.put_method(**key, authorizationType="NONE"),
        "get-base-method-response": apigw.get_method(**key),
        "del-base-method-response": apigw.delete_method(**key),
        "get-deleted-method-response": failure(apigw.get_method, **key),
        "delete-deleted-method-response": failure(apigw.delete_method, **key),
    }
    assert_parity(ours, expected_subset("test_method_lifecycle", ours))


def test_put_method_validation(apigw: Any) -> None:
    api = create_api(apigw, "method-validation")
    resource = api.resource("/pets")
    ours = {
        "wrong-api": failure(apigw.put_method, restApiId="nope000000", resourceId=resource,
                             httpMethod="GET", authorizationType="NONE"),
        "wrong-resource": failure(apigw.put_method, restApiId=api.id, resourceId="nope00",
                                  httpMethod="GET", authorizationType="NONE"),
        "wrong-method": failure(apigw.put_method, restApiId=api.id, resourceId=resource,
                                httpMethod="WRONG", authorizationType="NONE"),
    }
    assert_parity(ours, expected_subset("test_put_method_validation", ours))
    assert "resourceMethods" not in apigw.get_resource(restApiId=api.id, resourceId=resource)


def test_http_integration_and_responses(apigw: Any) -> None:
    api = create_api(apigw, "integration-responses")
    resource = api.resource("/pets")
    key = {"restApiId": api.id, "resourceId": resource, "httpMethod": "GET"}
    uri = "http://example.com/pets"
    ours = {
        "put-method-get": apigw.put_method(**key, authorizationType="NONE"),
        "put-method-response-get": apigw.put_method_response(**key, statusCode="200"),
        "put-integration-get": apigw.put_integration(**key, type="HTTP", integrationHttpMethod="POST",
                                                     uri=uri),
        "put-integration-response-get": apigw.put_integration_response(
            **key, statusCode="200", selectionPattern="2\\d{2}", responseTemplates={}),
        "get-integration-response-get": apigw.get_integration_response(**key, statusCode="200"),
        "get-method-get": apigw.get_method(**key),
        "deploy": apigw.create_deployment(restApiId=api.id, stageName="local"),
        "delete-integration-response-get": apigw.delete_integration_response(**key, statusCode="200"),
        "get-method-get-after-int-resp-delete": apigw.get_method(**key),
    }
    assert_parity(ours, expected_subset("test_put_integration_responses", ours, INTEGRATIONS_FILE),
                  ids=[uri])


def test_put_integration_validation(apigw: Any) -> None:
    api = create_api(apigw, "integration-validation")
    resource = api.method("/pets", "GET")
    key = {"restApiId": api.id, "resourceId": resource, "httpMethod": "GET"}
    ours = {
        "required-integration-method-HTTP": failure(apigw.put_integration, **key, type="HTTP",
                                                    uri="http://example.com"),
        "required-integration-method-HTTP_PROXY": failure(apigw.put_integration, **key, type="HTTP_PROXY",
                                                          uri="http://example.com"),
        "not-required-integration-method-MOCK": apigw.put_integration(**key, type="MOCK"),
        "http-method-HTTP": apigw.put_integration(**key, type="HTTP", integrationHttpMethod="POST",
                                                  uri="http://example.com"),
    }
    assert_parity(ours, expected_subset("test_put_integration_validation", ours, INTEGRATIONS_FILE))

    wrong_type = failure(apigw.put_integration, **key, type="HTTPS_PROXY", integrationHttpMethod="POST",
                         uri="http://example.com")
    assert_parity(wrong_type, recorded(API_FILE, "test_put_integration_wrong_type",
                                       "put-integration-wrong-type"))
    # The refused calls left the last good integration in place.
    assert apigw.get_integration(**key)["type"] == "HTTP"
