"""MOCK: the status code comes from the integration request body."""

from __future__ import annotations

import pytest

from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.stages.integrate import integrate
from apigate.dataplane.stages.request_mapping import request_mapping
from apigate.dataplane.stages.response_mapping import response_mapping
from apigate.integrations.mock import parse_lenient, status_code_of
from tests.integrations.contexts import build_context, integration, response


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"statusCode": 200}', 200),
        (b"{statusCode: 200}", 200),  # CDK's CORS preflight template: not JSON, accepted by AWS
        (b"{ 'statusCode': 404, }", 404),
        (b'\n  {\n "statusCode": 503, "other": [1, {"a": true}] }\n', 503),
        (b'{"statusCode": -1}', -1),  # AWS accepts any integer
        (b'{"statusCode": "201"}', 201),
    ],
)
def test_status_code_of(body: bytes, status: int) -> None:
    assert status_code_of(body) == status


@pytest.mark.parametrize(
    "body",
    [b"", b"{}", b'{"statusCode": "abc"}', b'{"statusCode": 2.5}', b'{"statusCode": true}', b"[200]",
     b"{statusCode: 200", b"statusCode=200"],
)
def test_no_integer_status_code_is_a_500(body: bytes) -> None:
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        status_code_of(body)
    assert caught.value.status == 500


def test_lenient_parser_reads_relaxed_json() -> None:
    expected = {"a": "x", "b": [1, 2], "c": None, "d": False}
    assert parse_lenient("{a: 'x', b: [1, 2,], c: null, d: false,}") == expected


async def run(doc: dict, **request: object):  # type: ignore[no-untyped-def, type-arg]
    ctx = build_context(doc, **request)  # type: ignore[arg-type]
    await request_mapping(ctx)
    await integrate(ctx)
    await response_mapping(ctx)
    return ctx


async def test_mock_answers_with_the_integration_response() -> None:
    # AWS-recorded test_api_gateway_mock_integration: {"echo": "foobar", "response": "mocked"}.
    doc = integration(
        "MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
        integrationResponses={"200": response("200", responseTemplates={
            "application/json": '{"echo": "$input.params(\'id\')", "response": "mocked"}'})},
    )
    ctx = await run(doc, path="/pets/foobar")
    assert (ctx.response.status, ctx.response.body) == (200, b'{"echo": "foobar", "response": "mocked"}')
    assert ctx.response.headers.get("Content-Type") == "application/json"


async def test_mock_status_selects_like_a_backend_status() -> None:
    doc = integration(
        "MOCK",
        requestTemplates={"application/json": '{"statusCode": $input.params(\'code\')}'},
        integrationResponses={
            "200": response("200", responseTemplates={"application/json": "ok"}),
            "404": response("404", selectionPattern="404", responseTemplates={"application/json": "missing"}),
        },
    )
    found = await run(doc, query=[("code", "200")], method_responses=("200", "404"))
    missing = await run(doc, query=[("code", "404")], method_responses=("200", "404"))
    assert (found.response.status, found.response.body) == (200, b"ok")
    assert (missing.response.status, missing.response.body) == (404, b"missing")


async def test_mock_passthrough_reads_the_client_body() -> None:
    doc = integration("MOCK", integrationResponses={
        "200": response("200"), "500": response("500", selectionPattern="5\\d\\d")})
    ctx = await run(doc, verb="POST", body=b'{"statusCode": 503}', method_responses=("200", "500"))
    assert ctx.response.status == 500


async def test_mock_without_template_and_body_is_a_500() -> None:
    with pytest.raises(API_CONFIGURATION_ERROR):
        await run(integration("MOCK", integrationResponses={"200": response("200")}))


def test_status_codes_are_remembered_only_for_small_valid_bodies() -> None:
    from apigate.integrations import mock

    mock._known.clear()
    assert status_code_of(b'{"statusCode": 202}') == 202
    assert mock._known == {b'{"statusCode": 202}': 202}
    with pytest.raises(API_CONFIGURATION_ERROR):
        status_code_of(b"{}")
    big = b'{"statusCode": 200, "pad": "' + b"x" * 2000 + b'"}'
    assert status_code_of(big) == 200
    assert set(mock._known) == {b'{"statusCode": 202}'}
