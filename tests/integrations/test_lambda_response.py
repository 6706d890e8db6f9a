"""The Lambda proxy response contract (``lambda_response``), case by case.

The cases are those AWS was recorded answering (test_aws_proxy_response_payload_format_validation),
read here without a function; ``test_lambda_proxy.py`` sends the same payloads through a real one.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, BAD_GATEWAY
from apigate.integrations.lambda_response import MALFORMED, method_answer, proxy_result
from tests.integrations.contexts import build_context, integration

URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:f/invocations"
)


def answer(payload: Any, *, accept: str | None = None, binary: tuple[str, ...] = ()) -> IntegrationResult:
    headers = [("accept", accept)] if accept else []
    ctx = build_context(
        integration("AWS_PROXY", httpMethod="POST", uri=URI), headers=headers, binary_media_types=binary
    )
    raw = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return proxy_result(ctx, raw)


def malformed(payload: Any) -> None:
    with pytest.raises(BAD_GATEWAY) as caught:
        answer(payload)
    assert (caught.value.status, caught.value.message, caught.value.log) == (
        502,
        "Internal server error",
        MALFORMED,
    )


def own_headers(result: IntegrationResult) -> list[tuple[str, str]]:
    return [(k, v) for k, v in result.headers.items if k != "X-Amzn-Trace-Id"]


def test_status_headers_and_body() -> None:
    result = answer({"statusCode": 201, "headers": {"X-Req": "1"}, "body": '{"id": 7}'})
    assert (result.status, own_headers(result), result.body) == (201, [("X-Req", "1")], b'{"id": 7}')
    assert result.headers.get("X-Amzn-Trace-Id", "").startswith("Root=1-")  # AWS adds the trace id


def test_recorded_valid_answers() -> None:
    assert (answer({"statusCode": 200}).status, answer({"statusCode": 200}).body) == (200, b"")  # no-body
    with_headers = answer({"statusCode": 200, "headers": {"test-header": "value", "header-bool": True}})
    assert own_headers(with_headers) == [("test-header", "value"), ("header-bool", "true")]
    assert own_headers(answer({"statusCode": 200, "headers": None})) == []
    assert own_headers(
        answer({"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}})
    ) == [
        ("test-multi", "value1"),
        ("test-multi", "value2"),
    ]
    both = answer(
        {
            "statusCode": 200,
            "multiValueHeaders": {"tesT-Multi": ["value-multi"]},
            "headers": {"test-multi": "value-solo"},
        }
    )
    assert own_headers(both) == [("tesT-Multi", "value-multi"), ("test-multi", "value-solo")]
    assert answer({"statusCode": "201"}).status == 201  # digits in a string
    only_headers = answer({"headers": {"test-header": "value"}})  # no statusCode: 200
    assert (only_headers.status, only_headers.body) == (200, b"")


def test_recorded_malformed_answers() -> None:
    malformed({"statusCode": 200, "wrongValue": "value"})
    malformed({"statusCode": 200, "multiValueHeaders": {"test-multi-invalid": "value1"}})
    malformed({"statusCode": "test"})
    malformed("justAString")


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"",
        [1, 2],
        None,
        42,
        {"statusCode": True},
        {"statusCode": 99},
        {"statusCode": 1000},
        {"headers": {"x": {"nested": 1}}},
        {"headers": ["x"]},
        {"body": {"json": "object"}},
        {"multiValueHeaders": {"x": [["nested"]]}},
        {"isBase64Encoded": "maybe"},
    ],
)
def test_other_malformed_answers(payload: Any) -> None:
    malformed(payload)


def test_jackson_coercions() -> None:
    assert answer({"statusCode": 200.0, "body": 12}).body == b"12"
    assert answer({"statusCode": 200, "body": True, "isBase64Encoded": "false"}).body == b"true"
    assert own_headers(answer({"headers": {"n": 1.5, "gone": None}})) == [("n", "1.5")]


def test_base64_body_is_decoded_only_for_a_binary_accept() -> None:
    data = base64.b64encode(b"test-data").decode()
    as_text = answer({"statusCode": 200, "body": data, "isBase64Encoded": True})
    assert as_text.body == data.encode()  # recorded: the base64 text itself when Accept is not binary
    decoded = answer({"body": data, "isBase64Encoded": True}, accept="image/png", binary=("image/png",))
    assert decoded.body == b"test-data"
    with pytest.raises(API_CONFIGURATION_ERROR):
        answer({"body": "***", "isBase64Encoded": True}, accept="image/png", binary=("image/png",))


def test_a_function_error_is_a_502_with_aws_log_line() -> None:
    ctx = build_context(integration("AWS_PROXY", httpMethod="POST", uri=URI))
    error = IntegrationResult(
        200,
        Headers([("x-amzn-RequestId", "req-1"), ("X-Amz-Function-Error", "Unhandled")]),
        b'{"errorMessage": "boom", "errorType": "Exception"}',
        error_message="boom",
    )
    with pytest.raises(BAD_GATEWAY) as caught:
        method_answer(ctx, error)
    assert caught.value.log == (
        "Lambda execution failed with status 200 due to customer function error: boom. "
        "Lambda request id: req-1"
    )
