"""The model-driven binding: routing, input parsing, validation and output serialisation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import orjson
import pytest

from apigate.control.errors import (
    BadRequestException,
    SerializationException,
    UnknownOperation,
    ValidationException,
)
from apigate.control.protocol import ServiceProtocol, load_protocol, split_path

APIGW = load_protocol("apigateway")
LABEL_VALUE = "a b:c/d%e+f"  # needs quoting: a space, a colon, a slash, a percent and a plus
OP_ENUM = "Member must satisfy enum value set: [add, remove, move, test, replace, copy]"


def _parse(
    operation: str, path: str, *, query: dict | None = None, headers: dict | None = None, body: Any = b""
):
    op = APIGW.operations[operation]
    found, labels = APIGW.resolve(op.route.method, split_path(path), query or {})
    assert found is op
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return op.parse(labels, query or {}, headers or {}, raw)


def _sample_request(protocol: ServiceProtocol, name: str) -> tuple[str, list[str], dict, dict[str, str]]:
    """The request botocore would send for ``name`` with every label set to LABEL_VALUE-ish values."""
    route = protocol.operations[name].route
    parts, expected = [], {}
    for i, (literal, label) in enumerate(route.segments):
        if literal is not None:
            parts.append(literal)
            continue
        value = f"{LABEL_VALUE}-{i}"
        expected[label] = value
        greedy = route.greedy and i == len(route.segments) - 1
        parts.append(quote(value, safe="/" if greedy else ""))
    query = {k: [v if v is not None else ""] for k, v in route.query}
    return route.method, split_path("/" + "/".join(parts)), query, expected


# --- routing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["apigateway", "apigatewayv2", "lambda"])
def test_every_operation_uri_resolves_to_itself(service: str) -> None:
    protocol = ServiceProtocol(service)
    assert len(protocol.operations) > 0
    for name in protocol.operations:
        method, parts, query, expected = _sample_request(protocol, name)
        operation, labels = protocol.resolve(method, parts, query)
        assert operation.name == name, (name, method, parts)
        assert labels == expected


def test_apigateway_has_all_124_operations() -> None:
    assert len(APIGW.operations) == len(APIGW.model.operation_names) >= 124


def test_whole_arn_is_one_label() -> None:
    path = "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc"
    operation, labels = APIGW.resolve("PUT", split_path(path), {})
    assert operation.name == "TagResource"
    assert labels == {"resource_arn": "arn:aws:apigateway:us-east-1::/restapis/abc"}
    assert APIGW.resolve("GET", split_path(path), {})[0].name == "GetTags"
    assert APIGW.resolve("DELETE", split_path(path), {})[0].name == "UntagResource"


def test_same_path_different_method_is_a_different_operation() -> None:
    parts = split_path("/restapis/a/resources/b/methods/GET")
    assert APIGW.resolve("PUT", parts, {})[0].name == "PutMethod"
    assert APIGW.resolve("POST", parts, {})[0].name == "TestInvokeMethod"
    assert APIGW.resolve("GET", parts, {})[0].name == "GetMethod"
    assert APIGW.resolve("PATCH", parts, {})[0].name == "UpdateMethod"
    assert APIGW.resolve("DELETE", parts, {})[0].name == "DeleteMethod"


def test_mode_query_selects_the_import_operation() -> None:
    assert APIGW.resolve("POST", ["restapis"], {"mode": ["import"]})[0].name == "ImportRestApi"
    assert APIGW.resolve("POST", ["restapis"], {})[0].name == "CreateRestApi"
    assert APIGW.resolve("POST", ["restapis"], {"mode": ["other"]})[0].name == "CreateRestApi"
    assert (
        APIGW.resolve("POST", ["apikeys"], {"mode": ["import"], "format": ["csv"]})[0].name == "ImportApiKeys"
    )
    # PutRestApi's own `mode` (merge/overwrite) is a member, not a selector.
    assert APIGW.resolve("PUT", ["restapis", "x"], {"mode": ["merge"]})[0].name == "PutRestApi"


def test_trailing_slash_and_empty_labels() -> None:
    assert APIGW.resolve("GET", split_path("/restapis/"), {})[0].name == "GetRestApis"
    with pytest.raises(UnknownOperation):
        APIGW.resolve("GET", split_path("/restapis//resources"), {})


def test_unknown_paths_and_methods() -> None:
    for method, path in [
        ("GET", "/nope"),
        ("POST", "/restapis/a"),
        ("GET", "/restapis/a/b/c/d/e/f/g/h/i/j"),
        ("GET", "/"),
    ]:
        with pytest.raises(UnknownOperation):
            APIGW.resolve(method, split_path(path), {})


def test_percent_encoded_literal_segment_still_matches() -> None:
    assert APIGW.resolve("GET", split_path("/%72estapis"), {})[0].name == "GetRestApis"


def test_first_segments_of_apigateway() -> None:
    assert {
        "restapis",
        "apikeys",
        "usageplans",
        "domainnames",
        "tags",
        "account",
        "vpclinks",
    } <= APIGW.first_segments
    assert ServiceProtocol("apigatewayv2").first_segments == {"v2"}


# --- a small model exercising what apigateway itself does not --------------------------------------

TOY = {
    "metadata": {
        "protocol": "rest-json",
        "apiVersion": "2020-01-01",
        "endpointPrefix": "toy",
        "serviceId": "Toy",
    },
    "operations": {
        "GetThing": {
            "name": "GetThing",
            "http": {"method": "GET", "requestUri": "/things/{id}"},
            "input": {"shape": "IdRequest"},
            "output": {"shape": "Thing"},
        },
        "GetSpecial": {
            "name": "GetSpecial",
            "http": {"method": "GET", "requestUri": "/things/special"},
            "output": {"shape": "Thing"},
        },
        "GetFile": {
            "name": "GetFile",
            "http": {"method": "GET", "requestUri": "/files/{key+}"},
            "input": {"shape": "FileRequest"},
            "output": {"shape": "FileOutput"},
        },
        "PutTree": {
            "name": "PutTree",
            "http": {"method": "PUT", "requestUri": "/trees", "responseCode": 201},
            "input": {"shape": "TreeRequest"},
            "output": {"shape": "TreeOutput"},
        },
    },
    "shapes": {
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Boolean": {"type": "boolean"},
        "Blob": {"type": "blob"},
        "Iso": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Epoch": {"type": "timestamp"},
        "IdRequest": {
            "type": "structure",
            "required": ["id"],
            "members": {"id": {"shape": "String", "location": "uri", "locationName": "id"}},
        },
        "Thing": {
            "type": "structure",
            "members": {
                "Id": {"shape": "String", "locationName": "id"},
                "Created": {"shape": "Iso", "locationName": "createdAt"},
                "Seen": {"shape": "Epoch", "locationName": "seen"},
                "Data": {"shape": "Blob", "locationName": "data"},
                "Etag": {"shape": "String", "location": "header", "locationName": "ETag"},
                "Flag": {"shape": "Boolean", "location": "header", "locationName": "x-flag"},
            },
        },
        "FileRequest": {
            "type": "structure",
            "required": ["Key"],
            "members": {"Key": {"shape": "String", "location": "uri", "locationName": "key"}},
        },
        "FileOutput": {
            "type": "structure",
            "payload": "Body",
            "members": {
                "Body": {"shape": "Tree"},
                "Status": {"shape": "Integer", "location": "statusCode"},
            },
        },
        "TreeRequest": {
            "type": "structure",
            "payload": "Tree",
            "members": {
                "Tree": {"shape": "Tree"},
                "Depth": {"shape": "Integer", "location": "header", "locationName": "x-depth"},
            },
        },
        "TreeOutput": {"type": "structure", "members": {"Tree": {"shape": "Tree", "locationName": "tree"}}},
        "Tree": {
            "type": "structure",
            "members": {
                "Name": {"shape": "String", "locationName": "name"},
                "Children": {"shape": "Trees", "locationName": "children"},
            },
        },
        "Trees": {"type": "list", "member": {"shape": "Tree"}},
    },
}


def test_literal_segment_beats_a_label() -> None:
    toy = ServiceProtocol("toy", TOY)
    assert toy.resolve("GET", ["things", "special"], {})[0].name == "GetSpecial"
    operation, labels = toy.resolve("GET", ["things", "other"], {})
    assert (operation.name, labels) == ("GetThing", {"id": "other"})


def test_greedy_label_takes_the_rest_of_the_path() -> None:
    toy = ServiceProtocol("toy", TOY)
    operation, labels = toy.resolve("GET", split_path("/files/a/b%20c/d"), {})
    assert operation.name == "GetFile"
    assert labels == {"key": "a/b c/d"}
    assert operation.parse(labels, {}, {}, b"") == {"Key": "a/b c/d"}


def test_recursive_payload_structure_and_header_input() -> None:
    toy = ServiceProtocol("toy", TOY)
    operation, labels = toy.resolve("PUT", ["trees"], {})
    body = orjson.dumps({"name": "root", "children": [{"name": "leaf", "children": []}], "unknown": 1})
    params = operation.parse(labels, {}, {"x-depth": "3"}, body)
    assert params == {"Depth": 3, "Tree": {"Name": "root", "Children": [{"Name": "leaf", "Children": []}]}}
    response = operation.serialise({"Tree": params["Tree"]}, "rid")
    assert response.status == 201
    assert orjson.loads(response.body) == {
        "tree": {"name": "root", "children": [{"name": "leaf", "children": []}]}
    }


def test_output_headers_iso_timestamps_and_blobs() -> None:
    toy = ServiceProtocol("toy", TOY)
    operation = toy.operations["GetThing"]
    result = {
        "Id": "x",
        "Created": 1700000000,
        "Seen": datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
        "Data": b"\x00\x01",
        "Etag": "abc",
        "Flag": True,
        "_secret": "no",
    }
    response = operation.serialise(result, "rid")
    assert response.status == 200
    assert orjson.loads(response.body) == {
        "id": "x",
        "createdAt": "2023-11-14T22:13:20Z",
        "seen": 1700000000,
        "data": "AAE=",
    }
    headers = dict(response.headers)
    assert headers["ETag"] == "abc"
    assert headers["x-flag"] == "true"
    assert headers["x-amzn-RequestId"] == "rid"
    assert headers["Content-Type"] == "application/json"


def test_payload_structure_output_and_status_code_member() -> None:
    toy = ServiceProtocol("toy", TOY)
    response = toy.operations["GetFile"].serialise({"Body": {"Name": "n"}, "Status": 206}, "rid")
    assert response.status == 206
    assert orjson.loads(response.body) == {"name": "n"}


def test_non_rest_json_models_are_refused() -> None:
    with pytest.raises(ValueError):
        ServiceProtocol("toy", {**TOY, "metadata": {**TOY["metadata"], "protocol": "json"}})


# --- parsing apigateway input ---------------------------------------------------------------------


def test_uri_labels_body_and_location_names() -> None:
    params = _parse(
        "PutIntegration",
        "/restapis/abc/resources/r1/methods/GET/integration",
        body={
            "type": "HTTP",
            "httpMethod": "POST",
            "uri": "http://example.com",
            "timeoutInMillis": 100,
            "requestTemplates": {"application/json": "{}"},
        },
    )
    assert params == {
        "restApiId": "abc",
        "resourceId": "r1",
        "httpMethod": "GET",
        "type": "HTTP",
        "integrationHttpMethod": "POST",  # travels as "httpMethod" in the body
        "uri": "http://example.com",
        "timeoutInMillis": 100,
        "requestTemplates": {"application/json": "{}"},
    }


def test_querystring_scalars_lists_and_conversions() -> None:
    params = _parse(
        "GetResources",
        "/restapis/abc/resources",
        query={"limit": ["10"], "position": ["p"], "embed": ["methods"]},
    )
    assert params == {"restApiId": "abc", "limit": 10, "position": "p", "embed": ["methods"]}
    params = _parse("UntagResource", "/tags/arn%3Ax", query={"tagKeys": ["a", "b"]})
    assert params == {"resourceArn": "arn:x", "tagKeys": ["a", "b"]}
    params = _parse("GetApiKeys", "/apikeys", query={"includeValues": ["TRUE"], "name": ["k"]})
    assert params == {"includeValues": True, "nameQuery": "k"}


def test_bad_query_values_are_bad_requests() -> None:
    with pytest.raises(BadRequestException):
        _parse("GetRestApis", "/restapis", query={"limit": ["ten"]})
    with pytest.raises(BadRequestException):
        _parse("GetApiKeys", "/apikeys", query={"includeValues": ["maybe"]})


def test_blob_payload_and_parameters_map() -> None:
    query = {
        "mode": ["import"],
        "failonwarnings": ["true"],
        "basepath": ["ignore"],
        "endpointConfigurationTypes": ["REGIONAL"],
    }
    params = _parse("ImportRestApi", "/restapis", query=query, body=b'{"openapi": "3.0.1"}')
    assert params == {
        "body": b'{"openapi": "3.0.1"}',
        "failOnWarnings": True,
        "parameters": {"basepath": "ignore", "endpointConfigurationTypes": "REGIONAL"},
    }
    params = _parse(
        "PutRestApi",
        "/restapis/abc",
        query={"mode": ["overwrite"], "ignore": ["documentation"]},
        body=b"x: 1",
    )
    assert params == {
        "restApiId": "abc",
        "mode": "overwrite",
        "parameters": {"ignore": "documentation"},
        "body": b"x: 1",
    }


def test_header_members() -> None:
    params = _parse(
        "GetExport",
        "/restapis/abc/stages/dev/exports/oas30",
        headers={"accept": "application/yaml"},
        query={"extensions": ["integrations"]},
    )
    assert params == {
        "restApiId": "abc",
        "stageName": "dev",
        "exportType": "oas30",
        "accepts": "application/yaml",
        "parameters": {"extensions": "integrations"},
    }


def test_empty_body_and_null_members() -> None:
    assert _parse("CreateDeployment", "/restapis/abc/deployments", body=b"") == {"restApiId": "abc"}
    assert _parse("CreateDeployment", "/restapis/abc/deployments", body={"stageName": None}) == {
        "restApiId": "abc"
    }


def test_null_body_is_an_empty_body() -> None:
    assert _parse("CreateDeployment", "/restapis/abc/deployments", body=b"null") == {"restApiId": "abc"}


def test_malformed_json_is_a_bad_request() -> None:
    with pytest.raises(BadRequestException, match="Could not parse request body into json"):
        _parse("CreateRestApi", "/restapis", body=b'{"name": ')


def test_wrong_json_types_are_serialization_exceptions_worded_like_aws() -> None:
    # Recorded: PutIntegration with requestParameters {"x": true} (client validation off).
    with pytest.raises(SerializationException) as info:
        _parse(
            "PutIntegration",
            "/restapis/a/resources/b/methods/GET/integration",
            body={"type": "MOCK", "requestParameters": {"x": True}},
        )
    assert info.value.message == "class java.lang.Boolean can not be converted to an String"
    with pytest.raises(SerializationException) as info:
        _parse(
            "PutIntegrationResponse",
            "/restapis/a/resources/b/methods/GET/integration/responses/200",
            body={"responseTemplates": {"a": 1}},
        )
    assert (
        info.value.message
        == "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
    )
    with pytest.raises(SerializationException, match="Start of structure or map"):
        _parse("CreateRestApi", "/restapis", body={"name": {"a": 1}})
    with pytest.raises(SerializationException, match="Start of list"):
        _parse("CreateRestApi", "/restapis", body={"name": "n", "endpointConfiguration": []})
    with pytest.raises(SerializationException, match="can not be converted to an Integer"):
        _parse("CreateRestApi", "/restapis", body={"name": "n", "minimumCompressionSize": "10"})


def test_a_body_that_is_not_an_object() -> None:
    with pytest.raises(SerializationException):
        _parse("CreateRestApi", "/restapis", body=b"[1, 2]")


def test_missing_required_member_is_a_bad_request() -> None:
    with pytest.raises(BadRequestException) as info:
        _parse("CreateRestApi", "/restapis", body={"description": "no name"})
    assert type(info.value) is BadRequestException
    assert info.value.message == (
        "1 validation error detected: Value null at 'createRestApiInput.name' "
        "failed to satisfy constraint: Member must not be null"
    )


# --- validation, compared with AWS's recorded messages ---------------------------------------------


def _validation(operation: str, path: str, body: Any = b"") -> str:
    with pytest.raises(ValidationException) as info:
        _parse(operation, path, body=body)
    return info.value.message


def test_enum_of_a_body_member() -> None:
    message = _validation(
        "PutIntegration", "/restapis/a/resources/b/methods/GET/integration", {"type": "HTTPS_PROXY"}
    )
    assert message == (
        "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy "
        "constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]"
    )


def test_enum_inside_a_list_of_structures() -> None:
    body = {
        "patchOperations": [
            {"op": "wrong", "path": "/a"},
            {"op": "wrong", "path": "/b"},
            {"op": "replace", "path": "/c"},
        ]
    }
    message = _validation("UpdateRestApi", "/restapis/a", body)
    one = f"failed to satisfy constraint: {OP_ENUM}"
    at = "updateRestApiInput.patchOperations"
    assert message == (
        f"2 validation errors detected: Value 'wrong' at '{at}.1.member.op' {one}; "
        f"Value 'wrong' at '{at}.2.member.op' {one}"
    )


def test_pattern_of_a_uri_label_comes_after_body_errors() -> None:
    body = {"patchOperations": [{"op": "wrong_op", "path": "/a"}]}
    message = _validation("UpdateMethodResponse", "/restapis/a/resources/b/methods/GET/responses/wrong", body)
    assert message == (
        "2 validation errors detected: "
        "Value 'wrong_op' at 'updateMethodResponseInput.patchOperations.1.member.op' "
        f"failed to satisfy constraint: {OP_ENUM}; "
        "Value 'wrong' at 'statusCode' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [1-5]\\d\\d"
    )


def test_enum_of_a_uri_label() -> None:
    message = _validation("GetGatewayResponse", "/restapis/a/gatewayresponses/FAKE_RESPONSE_TYPE")
    assert message.startswith(
        "1 validation error detected: Value 'FAKE_RESPONSE_TYPE' at 'responseType' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, AUTHORIZER_CONFIGURATION_ERROR,"
    )
    assert message.endswith("UNSUPPORTED_MEDIA_TYPE, INTEGRATION_FAILURE, EXPIRED_TOKEN]")


def test_enum_list_is_reported_once_as_a_java_list() -> None:
    body = {"name": "n", "endpointConfiguration": {"types": ["wrong"], "ipAddressType": "wrong"}}
    message = _validation("CreateRestApi", "/restapis", body)
    assert message == (
        "2 validation errors detected: "
        "Value '[wrong]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]; "
        "Value 'wrong' at 'createRestApiInput.endpointConfiguration.ipAddressType' "
        "failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]"
    )


def test_valid_enums_and_patterns_pass() -> None:
    params = _parse(
        "PutIntegrationResponse",
        "/restapis/a/resources/b/methods/GET/integration/responses/200",
        body={"selectionPattern": "4\\d\\d"},
    )
    assert params["statusCode"] == "200"
    params = _parse(
        "CreateRestApi", "/restapis", body={"name": "n", "endpointConfiguration": {"types": ["REGIONAL"]}}
    )
    assert params["endpointConfiguration"] == {"types": ["REGIONAL"]}


# --- serialising apigateway output ----------------------------------------------------------------


def _out(operation: str, result: dict | None) -> tuple[int, dict[str, str], bytes]:
    response = APIGW.operations[operation].serialise(result, "req-1")
    return response.status, dict(response.headers), response.body


def test_list_items_become_item_and_internal_fields_never_leak() -> None:
    api = {
        "id": "a",
        "name": "n",
        "createdDate": 1700000000,
        "_region": "us-east-1",
        "description": None,
        "bogus": 1,
    }
    status, headers, body = _out("GetRestApis", {"items": [api], "position": "tok"})
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert orjson.loads(body) == {
        "item": [{"id": "a", "name": "n", "createdDate": 1700000000}],
        "position": "tok",
    }


def test_nested_maps_of_structures_are_walked() -> None:
    resource = {
        "id": "r",
        "path": "/",
        "_children": ["x"],
        "resourceMethods": {
            "GET": {
                "httpMethod": "GET",
                "authorizationType": "NONE",
                "apiKeyRequired": False,
                "_compiled": object(),
                "methodIntegration": {
                    "type": "MOCK",
                    "timeoutInMillis": 29000,
                    "cacheKeyParameters": [],
                    "_x": 1,
                },
            }
        },
    }
    _, _, body = _out("GetResources", {"items": [resource]})
    assert orjson.loads(body) == {
        "item": [
            {
                "id": "r",
                "path": "/",
                "resourceMethods": {
                    "GET": {
                        "httpMethod": "GET",
                        "authorizationType": "NONE",
                        "apiKeyRequired": False,
                        "methodIntegration": {
                            "type": "MOCK",
                            "timeoutInMillis": 29000,
                            "cacheKeyParameters": [],
                        },
                    }
                },
            }
        ]
    }


def test_status_codes_from_the_model() -> None:
    assert _out("CreateRestApi", {"id": "a"})[0] == 201
    assert _out("UpdateMethodResponse", {"statusCode": "200"})[0] == 201
    assert _out("TagResource", None) == (204, {"x-amzn-RequestId": "req-1"}, b"")
    status, _, body = _out("DeleteRestApi", None)
    assert (status, body) == (202, b"")
    assert _out("DeleteMethod", None)[0] == 204


def test_usage_items_travel_as_values() -> None:
    _, _, body = _out(
        "GetUsage", {"usagePlanId": "p", "items": {"key": [[0, 100]]}, "startDate": "2024-01-01"}
    )
    assert orjson.loads(body) == {
        "usagePlanId": "p",
        "values": {"key": [[0, 100]]},
        "startDate": "2024-01-01",
    }


def test_blob_payload_output_with_header_members() -> None:
    result = {
        "body": b'{"openapi":"3.0.1"}',
        "contentType": "application/json",
        "contentDisposition": 'attachment; filename="x.json"',
    }
    status, headers, body = _out("GetExport", result)
    assert status == 200
    assert body == b'{"openapi":"3.0.1"}'
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Disposition"] == 'attachment; filename="x.json"'
    _, headers, body = _out("GetExport", {"body": "openapi: 3.0.1\n"})
    assert body == b"openapi: 3.0.1\n"
    assert headers["Content-Type"] == "application/octet-stream"


def test_timestamps_are_epoch_seconds_numbers() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    _, _, body = _out("GetDeployment", {"id": "d", "createdDate": when})
    assert orjson.loads(body) == {"id": "d", "createdDate": int(when.timestamp())}
    assert re.search(rb'"createdDate":\d+[,}]', body)


def test_test_invoke_method_output() -> None:
    result = {
        "status": 200,
        "body": "{}",
        "headers": {"a": "b"},
        "multiValueHeaders": {"a": ["b"]},
        "log": "l",
        "latency": 3,
    }
    _, _, body = _out("TestInvokeMethod", result)
    assert orjson.loads(body) == result
