"""The payload-1.0 proxy event, compared member for member with the events recorded on AWS.

Contexts are built the way the route stage builds them (real compile step and router) for the very
requests of the recording (test_apigateway_lambda.snapshot.json ``test_lambda_aws_proxy_integration``:
an ANY method on ``/{proxy+}`` and on ``/hardcoded``, stage ``stage``).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from apigate.integrations.lambda_event import canonical_name, proxy_event
from tests.integrations.contexts import API_ID, build_context, integration
from tests.support.client import ACCOUNT_ID
from tests.support.proxy_events import assert_front_end_headers, comparable, recorded_event
from tests.support.recorded import assert_matches

HOST = f"{API_ID}.execute-api.us-east-1.amazonaws.com"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"
# What python-requests sent in the recording, as an ASGI server hands it over (lower-case names).
CLIENT = [
    ("host", HOST),
    ("user-agent", "python-requests/testing"),
    ("accept-encoding", "gzip, deflate"),
    ("accept", "*/*"),
    ("test-header", "aValUE"),
    ("authorization", "random-value"),
]


def event_for(
    path: str,
    *,
    resource: str = "/{proxy+}",
    query: str = "",
    verb: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    **options: Any,
) -> dict[str, Any]:
    doc = integration("AWS_PROXY", httpMethod="POST", uri=URI)
    ctx = build_context(
        doc,
        verb="ANY",
        resource_path=resource,
        path=path,
        headers=CLIENT if headers is None else headers,
        query=parse_qsl(query, keep_blank_values=True),
        body=body,
        **options,
    )
    ctx.request.http_method = verb
    ctx.stage_name = "stage"
    ctx.account_id = ACCOUNT_ID
    return proxy_event(ctx)


@pytest.mark.parametrize(
    ("key", "path", "query"),
    [
        ("invocation-payload-without-trailing-slash", "/proxy-value", ""),
        ("invocation-payload-with-trailing-slash", "/proxy-value/", ""),
        ("invocation-payload-with-double-slash", "/proxy-value//double-slash", ""),
        ("invocation-payload-without-trailing-slash-and-query-params", "/proxy-value", "urlparam=test"),
        ("invocation-payload-with-trailing-slash-and-query-params", "/proxy-value/", "urlparam=test"),
        (
            "invocation-payload-with-path-encoded-email",
            "/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
            "",
        ),
        (
            "invocation-payload-with-params-encoding",
            "/proxy-value/api",
            "dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com"
            "&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/",
        ),
    ],
)
def test_event_matches_the_recording(key: str, path: str, query: str) -> None:
    ours = event_for(path, query=query)
    assert_front_end_headers(ours, source_ip="10.1.2.3", port="80")
    assert_matches(comparable(ours), recorded_event(key))


def test_a_literal_resource_has_no_path_parameters() -> None:
    ours = event_for("/hardcoded", resource="/hardcoded")
    expected = recorded_event("invocation-hardcoded")
    # AWS keeps the client's ``/stage//hardcoded`` in requestContext.path; the gateway's ingress
    # folds the slashes after the stage before the data plane sees the path (left as it is).
    expected["requestContext"]["path"] = "/stage/hardcoded"
    assert_matches(comparable(ours), expected)


def test_post_with_repeated_query_parameters_and_a_body() -> None:
    body = json.dumps({"message": "hello world"}).encode()
    headers = [
        ("host", HOST),
        ("user-agent", "python-requests/testing"),
        ("accept-encoding", "gzip, deflate"),
        ("accept", "*/*"),
        ("content-type", "application/json;charset=utf-8"),
        ("authorization", "Bearer token123;API key456"),
    ]
    ours = event_for(
        "/proxy-value",
        verb="POST",
        query="category=electronics&category=books&price=10&price=20&price=30",
        headers=headers,
        body=body,
    )
    expected = recorded_event("invocation-payload-with-params-encoding-multi")
    assert json.loads(ours["body"]) == expected.pop("body")  # the recording kept it parsed
    ours.pop("body")
    assert_matches(comparable(ours), expected)


def test_empty_parts_are_null_and_binary_bodies_base64() -> None:
    ours = event_for("/x", headers=[], body=b"")
    assert (ours["headers"], ours["multiValueHeaders"]) != (None, None)  # the front end's own headers
    assert (ours["queryStringParameters"], ours["multiValueQueryStringParameters"]) == (None, None)
    assert (ours["stageVariables"], ours["body"], ours["isBase64Encoded"]) == (None, None, False)
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    binary = event_for(
        "/x",
        headers=[("content-type", "image/png")],
        body=png,
        binary_media_types=["image/*"],
        stage_variables={"alias": "live"},
    )
    assert (binary["body"], binary["isBase64Encoded"]) == (base64.b64encode(png).decode(), True)
    assert binary["stageVariables"] == {"alias": "live"}
    text = event_for(
        "/x", headers=[("content-type", "text/plain")], body=png[4:], binary_media_types=["image/*"]
    )
    assert text["isBase64Encoded"] is False  # not a binary type: UTF-8 text (undecodable bytes replaced)


def test_repeated_headers_keep_the_last_value_and_every_value() -> None:
    ours = event_for("/x", headers=[("x-multi", "a"), ("x-multi", "b"), ("X-Forwarded-For", "198.51.100.7")])
    assert ours["headers"]["X-Multi"] == "b"
    assert ours["multiValueHeaders"]["X-Multi"] == ["a", "b"]
    # A client's own X-Forwarded-For is kept, with the address API Gateway saw appended.
    assert ours["headers"]["X-Forwarded-For"] == "198.51.100.7, 10.1.2.3"


def test_test_invocations_add_no_front_end_headers() -> None:
    doc = integration("AWS_PROXY", httpMethod="POST", uri=URI)
    ctx = build_context(doc, resource_path="/x", path="/x", test_invoke=True)
    event = proxy_event(ctx)
    assert (event["headers"], event["multiValueHeaders"]) == (None, None)
    identity = event["requestContext"]["identity"]
    assert (identity["apiKey"], identity["apiKeyId"]) == ("test-invoke-api-key", "test-invoke-api-key-id")
    assert event["requestContext"]["path"] == "/x"  # the console's test has no stage in its path


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("content-type", "Content-Type"),
        ("x-amzn-trace-id", "X-Amzn-Trace-Id"),
        ("tEsT-HEADeR", "tEsT-HEADeR"),
        ("host", "Host"),
        ("x--y", "X--Y"),
    ],
)
def test_canonical_header_names(raw: str, canonical: str) -> None:
    assert canonical_name(raw) == canonical
