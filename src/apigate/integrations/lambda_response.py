"""What an ``AWS_PROXY`` function must return, read as API Gateway reads it (digest §4.3).

The payload must be a JSON object whose members are among ``statusCode``, ``headers``,
``multiValueHeaders``, ``body`` and ``isBase64Encoded``; anything else is a "Malformed Lambda proxy
response": 502 ``{"message": "Internal server error"}``. Recorded on AWS
(test_aws_proxy_response_payload_format_validation):

* an unknown member, a payload that is not an object (``"justAString"``), a ``statusCode`` that is
  not a number (``"test"``), a ``multiValueHeaders`` value that is not a list: 502;
* ``statusCode`` as digits (``"201"``) is that status; absent, it is 200 (``{"headers": {...}}``);
* header values that are not strings are written as JSON scalars (``true`` -> ``"true"``); a
  ``null`` map is an empty one;
* a name in both maps is sent with the multi-value values first, then the single one;
* ``isBase64Encoded: true`` only makes the body binary when the request's ``Accept`` is one of the
  API's ``binaryMediaTypes``; otherwise the base64 text is the body, as sent.

API Gateway's reader is Java's Jackson, which coerces scalars: a number or boolean where a string
is expected becomes its text, ``"true"`` is a boolean, a whole number written ``200.0`` is 200.
Objects and arrays where a scalar is expected are malformed.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

import orjson

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, BAD_GATEWAY
from apigate.dataplane.media import is_binary, trace_id

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

MALFORMED = "Malformed Lambda proxy response"
UNDECODABLE = "Unable to base64 decode the Lambda proxy response body"
_MEMBERS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


class Malformed(Exception):
    """The payload breaks the contract (the caller answers 502)."""


def method_answer(ctx: InvocationContext, result: IntegrationResult) -> IntegrationResult:
    """What the client gets for Lambda's answer ``result``: the status, headers and body the
    function asked for; BAD_GATEWAY for a function error or a malformed answer."""
    if result.error_message is not None:
        raise BAD_GATEWAY(log=customer_error(result))
    return proxy_result(ctx, result.body)


def customer_error(result: IntegrationResult) -> str:
    """AWS's execution log line for a function error (recorded console and CloudWatch logs)."""
    return (
        f"Lambda execution failed with status {result.status} due to customer function error: "
        f"{result.error_message}. Lambda request id: {result.headers.get('x-amzn-RequestId')}"
    )


def proxy_result(ctx: InvocationContext, payload: bytes) -> IntegrationResult:
    """The method response a function's proxy answer asks for; BAD_GATEWAY when it is malformed."""
    try:
        return _read(ctx, payload)
    except Malformed:
        raise BAD_GATEWAY(log=MALFORMED) from None


def _read(ctx: InvocationContext, payload: bytes) -> IntegrationResult:
    try:
        doc = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise Malformed from None
    if type(doc) is not dict or not doc.keys() <= _MEMBERS:
        raise Malformed
    items: list[tuple[str, str]] = []
    multi = doc.get("multiValueHeaders")
    if multi is not None:
        if type(multi) is not dict:
            raise Malformed
        for name, values in multi.items():
            if values is None:
                continue
            if type(values) is not list:
                raise Malformed
            items += ((name, text) for text in map(_text, values) if text is not None)
    single = doc.get("headers")
    if single is not None:
        if type(single) is not dict:
            raise Malformed
        items += ((name, text) for name, text in zip(single, map(_text, single.values()), strict=True)
                  if text is not None)
    body = _text(doc.get("body"))
    data = body.encode() if body else b""
    if _flag(doc.get("isBase64Encoded")) and data:
        binary_types = ctx.deployment.binary_media_types
        if binary_types and is_binary(ctx.request.headers.get("accept"), binary_types):
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise API_CONFIGURATION_ERROR(log=UNDECODABLE) from None
    # AWS returns the request's X-Ray trace id with a Lambda proxy answer (recorded response headers).
    sent = ctx.integration_request
    items.append(("X-Amzn-Trace-Id", (sent and sent.headers.get("x-amzn-trace-id")) or trace_id(ctx)))
    return IntegrationResult(_status(doc.get("statusCode")), Headers(items), data)


def _status(value: Any) -> int:
    if value is None:
        return 200
    kind = type(value)
    if kind is int:
        status = value
    elif (kind is str and value.strip().isdigit()) or (kind is float and value.is_integer()):
        status = int(value)
    else:
        raise Malformed
    if not 100 <= status <= 599:
        raise Malformed
    return int(status)


def _text(value: Any) -> str | None:
    """A scalar as the text Jackson makes of it; None stays None; objects and arrays are malformed."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return orjson.dumps(value).decode()
    raise Malformed


def _flag(value: Any) -> bool:
    if value is None or type(value) is bool:
        return bool(value)
    if type(value) is str and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Malformed
