"""ImportRestApi / PutRestApi give what AWS gave for the recorded import scenarios
(``test_apigateway_import.snapshot.json``): the RestApi answer, resources, every method with its
200 responses and integration, models, authorizers, validators, warnings and errors.

The documents are in ``documents.py``; ids are compared by structure (placeholders bind).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.openapi import documents as docs
from tests.openapi.support import (
    as_recorded,
    import_doc,
    methods_snapshot,
    models,
    put_doc,
    recorded_methods,
    resources,
)
from tests.support.client import ACCOUNT_ID, REGION, GatewayClient, error_of
from tests.support.recorded import assert_matches, assert_recorded_error, ours, recorded

FILE = "test_apigateway_import"


def rec(test: str) -> dict[str, Any]:
    return recorded(FILE, f"TestApiGatewayImportRestApi::{test}")


async def authorizers(client: GatewayClient, api_id: str) -> dict[str, Any]:
    return ours(await client.call("GetAuthorizers", restApiId=api_id))


async def test_import_rest_api(client: GatewayClient) -> None:
    recording = rec("test_import_rest_api")
    api = await import_doc(client, docs.pulumi_style(), failOnWarnings=True)
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_matches(ours(api), recording["import_rest_api"])


async def test_import_swagger_api(client: GatewayClient) -> None:
    recording = rec("test_import_swagger_api")
    bindings: dict[str, Any] = {}
    api = await import_doc(client, docs.petstore_with_authorizers(), failOnWarnings=True)
    api_id = api["id"]
    assert_matches(ours(api), recording["import-swagger"], bindings)
    assert_matches(await authorizers(client, api_id), recording["get-authorizers"], bindings)
    assert_matches(await models(client, api_id), recording["get-models"], bindings)
    assert_matches(await resources(client, api_id), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api_id), recorded_methods(recording), bindings)


@pytest.mark.parametrize(
    ("document", "test"),
    [
        (docs.lambda_proxy_with_api_key, "openapi.spec.tf.json"),
        (docs.sam_mock_cors, "swagger-mock-cors.json"),
    ],
)
async def test_import_and_validate_rest_api(client: GatewayClient, document: Any, test: str) -> None:
    recording = rec(f"test_import_and_validate_rest_api[{test}]")
    bindings: dict[str, Any] = {}
    api = await import_doc(client, document(), failOnWarnings=True)
    assert_matches(ours(api), recording["import_tf_rest_api"], bindings)
    assert_matches(await models(client, api["id"]), recording["get-models"], bindings)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


@pytest.mark.parametrize("mode", ["ignore", "prepend", "split"])
async def test_import_rest_apis_with_base_path_swagger(client: GatewayClient, mode: str) -> None:
    recording = rec(f"test_import_rest_apis_with_base_path_swagger[{mode}]")
    bindings: dict[str, Any] = {}
    created = await client.call("CreateRestApi", name="restapi-basepath")
    put = await put_doc(client, created["id"], docs.swagger_with_base_path(), mode="overwrite",
                        parameters={"basepath": mode})
    assert_matches(ours(put), recording["put-rest-api-swagger-json"], bindings)
    assert_matches(await resources(client, created["id"]), recording["get-resources-swagger-json"], bindings)
    snapshot = await methods_snapshot(client, created["id"])
    expected = {k: v for k, v in recorded_methods(recording).items() if k in snapshot}
    assert len(expected) == 8
    assert_matches(snapshot, expected, bindings)

    other = await import_doc(client, docs.simple_pets(), parameters={"basepath": mode})
    assert_matches(await resources(client, other["id"]), recording["get-resources-no-base-path-swagger"],
                   bindings)
    snapshot = await methods_snapshot(client, other["id"])
    assert_matches(snapshot, {k: recorded_methods(recording)[k] for k in snapshot}, bindings)
    assert len(snapshot) == 8


def _without_cache_namespace(value: Any) -> Any:
    """AWS gave the integrations of a resource an overwrite kept a new cacheNamespace (recorded
    ``<cache-namespace:1>``, not the resource id); ours stays the resource id."""
    if isinstance(value, dict):
        return {k: _without_cache_namespace(v) for k, v in value.items() if k != "cacheNamespace"}
    return value


@pytest.mark.parametrize("mode", ["ignore", "prepend", "split"])
async def test_import_rest_api_with_base_path_oas30(client: GatewayClient, mode: str) -> None:
    recording = rec(f"test_import_rest_api_with_base_path_oas30[{mode}]")
    bindings: dict[str, Any] = {}
    created = await client.call("CreateRestApi", name="restapi-oas30")
    api_id = created["id"]
    put = await put_doc(client, api_id, docs.oas30_server_variable(), mode="overwrite",
                        parameters={"basepath": mode})
    assert_matches(ours(put), recording["put-rest-api-oas30-srv-var"], bindings)
    assert_matches(await resources(client, api_id), recording["get-resources-oas30-srv-var"], bindings)
    assert_matches(await methods_snapshot(client, api_id, "srv-var-"),
                   recorded_methods(recording, "srv-var-"), bindings)

    put = await put_doc(client, api_id, docs.oas30_server_url(), mode="overwrite",
                        parameters={"basepath": mode})
    assert_matches(ours(put), recording["put-rest-api-oas30-srv-url"], bindings)
    assert_matches(await resources(client, api_id), recording["get-resources-oas30-srv-url"], bindings)
    assert_matches(_without_cache_namespace(await methods_snapshot(client, api_id, "srv-url-")),
                   _without_cache_namespace(recorded_methods(recording, "srv-url-")), bindings)


async def test_import_with_global_api_key_authorizer(client: GatewayClient) -> None:
    recording = rec("test_import_with_global_api_key_authorizer")
    bindings: dict[str, Any] = {}
    api = await import_doc(client, docs.global_request_authorizer(), failOnWarnings=True)
    assert_matches(ours(api), recording["import-swagger"], bindings)
    assert_matches(await authorizers(client, api["id"]), recording["get-authorizers"], bindings)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


@pytest.mark.parametrize("validators", [False, True])
async def test_import_with_circular_models(client: GatewayClient, validators: bool) -> None:
    name = "test_import_with_circular_models" + ("_and_request_validation" if validators else "")
    recording = rec(name)
    bindings: dict[str, Any] = {}
    api = await import_doc(client, docs.circular_models(validators), failOnWarnings=True)
    assert_matches(ours(api), recording["import-api"], bindings)
    found = await models(client, api["id"])
    for model in found["items"]:  # the recording's SortingTransformer("required")
        if "required" in model["schema"]:
            model["schema"]["required"].sort()
    assert_matches(found, recording["get-models"], bindings)
    if validators:
        listed = ours(await client.call("GetRequestValidators", restApiId=api["id"]))
        assert_matches(listed, recording["request-validators"], bindings)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


async def test_import_with_http_method_integration(client: GatewayClient) -> None:
    recording = rec("test_import_with_http_method_integration")
    bindings: dict[str, Any] = {}
    api = await import_doc(client, docs.aws_integration_http_method(), failOnWarnings=True)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


async def test_import_with_cognito_auth_identity_source(client: GatewayClient) -> None:
    recording = rec("test_import_with_cognito_auth_identity_source")
    bindings: dict[str, Any] = {}
    pool = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT_ID}:userpool/{REGION}_ABC123"
    api = await import_doc(client, docs.cognito_authorizers(pool), failOnWarnings=True)
    assert_matches(ours(api), recording["import-swagger"], bindings)
    listed = sorted((await authorizers(client, api["id"]))["items"], key=lambda a: a["name"])
    assert_matches(listed, recording["get-authorizers"], bindings)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


async def test_import_with_integer_http_status_code(client: GatewayClient) -> None:
    recording = rec("test_import_with_integer_http_status_code")
    bindings: dict[str, Any] = {}
    api = await import_doc(client, docs.INTEGER_STATUS_CODES, failOnWarnings=True)
    assert_matches(await resources(client, api["id"]), recording["resources"], bindings)
    assert_matches(await methods_snapshot(client, api["id"]), recorded_methods(recording), bindings)


@pytest.mark.parametrize("mode", ["merge", "overwrite"])
async def test_put_rest_api_mode_binary_media_types(client: GatewayClient, mode: str) -> None:
    recording = rec(f"test_put_rest_api_mode_binary_media_types[{mode}]")
    bindings: dict[str, Any] = {}
    created = await client.call("CreateRestApi", name="binary-before", binaryMediaTypes=["image/heif"])
    assert_matches(ours(created), recording["create-rest-api"], bindings)
    document = {
        "swagger": "2.0",
        "info": {"title": "binary-after", "version": "1.0.0"},
        "paths": {},
        "x-amazon-apigateway-binary-media-types": ["image/png", "image/jpg"],
    }
    put = await put_doc(client, created["id"], document, mode=mode)
    assert_matches(ours(put), recording["put-api"], bindings)


@pytest.mark.parametrize("kind", ["yaml", "json"])
async def test_import_api_bad_file(client: GatewayClient, kind: str) -> None:
    recording = rec("test_import_api_bad_file")
    body = b"openapi: 3.0.1\ninfo: [title: x\n  : ::" if kind == "yaml" else b'{"openapi": "3.0.1", "info": {'
    error = await error_of(client.call("ImportRestApi", body=body))
    assert_recorded_error(error, recording[f"import-api-bad-{kind}-file"])
    api = await client.call("CreateRestApi", name="n")
    error = await error_of(client.call("PutRestApi", restApiId=api["id"], body=body))
    assert_recorded_error(error, recording[f"put-rest-api-bad-{kind}-file"])


def test_as_recorded_parses_json_templates_only() -> None:
    doc = {"requestTemplates": {"a/b": '{"statusCode": 200}', "c/d": "#set($x = 1)", "e/f": "1"},
           "schema": '{"type": "object"}'}
    assert as_recorded(doc) == {"requestTemplates": {"a/b": {"statusCode": 200}, "c/d": "#set($x = 1)",
                                                     "e/f": "1"}, "schema": {"type": "object"}}
