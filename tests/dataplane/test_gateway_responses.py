"""Rendering gateway responses: built-in defaults, customised types, DEFAULT_4XX/5XX, substitution."""

from __future__ import annotations

from typing import Any

import orjson

from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.compiled import CompiledDeployment
from apigate.dataplane.errors import (
    ACCESS_DENIED,
    API_CONFIGURATION_ERROR,
    AUTHORIZER_CONFIGURATION_ERROR,
    BAD_GATEWAY,
    BAD_REQUEST_PARAMETERS,
    MISSING_AUTHENTICATION_TOKEN,
    THROTTLED,
)
from apigate.dataplane.gateway_responses import default_body, render
from tests.dataplane.conftest import MakeContext
from tests.dataplane.factories import StaticTemplate, resource, snapshot

# The customisation recorded from AWS (test_gateway_response_crud).
RECORDED_TEMPLATE = (
    '{\n     "message": $context.error.messageString,\n     "type":  "$context.error.responseType",\n'
    '     "stage":  "$context.stage",\n     "resourcePath":  "$context.resourcePath",\n'
    '     "stageVariables.a":  "$stageVariables.a",\n     "statusCode": "\'404\'"\n}'
)
RECORDED_PARAMETERS = {
    "gatewayresponse.header.Access-Control-Allow-Origin": "'a.b.c'",
    "gatewayresponse.header.x-request-header": "method.request.header.Accept",
    "gatewayresponse.header.x-request-path": "method.request.path.petId",
    "gatewayresponse.header.x-request-query": "method.request.querystring.q",
}


def deployment(**gateway_responses: dict[str, Any]) -> CompiledDeployment:
    docs = {
        kind: {"responseType": kind, "defaultResponse": False, **doc}
        for kind, doc in gateway_responses.items()
    }
    snap = snapshot(resource("/pets/{petId}", "GET", rid="pet"), gatewayResponses=docs)
    return compile_deployment("abcdef1234", "dep1", snap, compile_template=StaticTemplate)


def header(ctx: Any, name: str) -> str | None:
    return ctx.response.headers.get(name)


def test_built_in_4xx_default(make_context: MakeContext) -> None:
    ctx = make_context()
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert ctx.response.status == 403
    assert ctx.response.body == b'{"message":"Missing Authentication Token"}'
    assert header(ctx, "x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert header(ctx, "Content-Type") == "application/json"
    assert ctx.error is not None and ctx.error.response_type == "MISSING_AUTHENTICATION_TOKEN"


def test_built_in_5xx_default_has_awss_spacing(make_context: MakeContext) -> None:
    ctx = make_context()
    render(ctx, API_CONFIGURATION_ERROR())
    # Recorded from AWS: Content-Length 36, i.e. a space after the colon.
    assert ctx.response.body == b'{"message": "Internal server error"}'
    assert len(ctx.response.body) == 36
    assert (ctx.response.status, header(ctx, "x-amzn-ErrorType")) == (500, "InternalServerErrorException")


def test_authorisation_failures_use_capital_message_and_null_messages_render_null() -> None:
    assert default_body(ACCESS_DENIED()) == b'{"Message":"User is not authorized to access this resource"}'
    assert default_body(AUTHORIZER_CONFIGURATION_ERROR()) == b'{"message": null}'
    assert orjson.loads(
        default_body(BAD_REQUEST_PARAMETERS('Missing required request parameters: [a, "b"]'))
    ) == {"message": 'Missing required request parameters: [a, "b"]'}


def test_bad_gateway_is_a_502_configuration_error(make_context: MakeContext) -> None:
    ctx = make_context()
    render(ctx, BAD_GATEWAY())
    assert ctx.response.status == 502
    assert ctx.response.body == b'{"message": "Internal server error"}'


def test_customised_type_with_recorded_template_and_parameters(make_context: MakeContext) -> None:
    dep = deployment(
        MISSING_AUTHENTICATION_TOKEN={
            "statusCode": "404",
            "responseParameters": RECORDED_PARAMETERS,
            "responseTemplates": {"application/json": RECORDED_TEMPLATE},
        }
    )
    ctx = make_context(
        dep,
        path="/pets/7",
        headers=[("Accept", "application/json")],
        query=[("q", "1"), ("q", "2")],
        stage_variables={"a": "va"},
    )
    ctx.resource = dep.resources["pet"]
    ctx.path_parameters = {"petId": "7"}
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert ctx.response.status == 404
    assert orjson.loads(ctx.response.body) == {
        "message": "Missing Authentication Token",
        "type": "MISSING_AUTHENTICATION_TOKEN",
        "stage": "dev",
        "resourcePath": "/pets/{petId}",
        "stageVariables.a": "va",
        "statusCode": "'404'",
    }
    assert header(ctx, "Access-Control-Allow-Origin") == "a.b.c"
    assert header(ctx, "x-request-header") == "application/json"
    assert header(ctx, "x-request-path") == "7"
    assert header(ctx, "x-request-query") == "2"  # the last of a repeated query parameter
    assert header(ctx, "x-amzn-ErrorType") == "MissingAuthenticationTokenException"


def test_missing_sources_leave_the_header_out_and_references_empty(make_context: MakeContext) -> None:
    dep = deployment(
        MISSING_AUTHENTICATION_TOKEN={
            "responseParameters": RECORDED_PARAMETERS,
            "responseTemplates": {
                "application/json": '{"a": "$stageVariables.a", "m": "$context.error.message"}'
            },
        }
    )
    ctx = make_context(dep)
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert ctx.response.status == 403  # no statusCode customised: the type's own
    assert ctx.response.body == b'{"a": "", "m": "Missing Authentication Token"}'
    assert header(ctx, "x-request-header") is None and header(ctx, "x-request-path") is None


def test_default_4xx_applies_to_4xx_types_without_their_own(make_context: MakeContext) -> None:
    dep = deployment(
        DEFAULT_4XX={
            "statusCode": "444",
            "responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
            "responseTemplates": {"application/json": '{"error": $context.error.messageString}'},
        }
    )
    ctx = make_context(dep)
    render(ctx, THROTTLED())
    assert ctx.response.status == 444
    assert ctx.response.body == b'{"error": "Too Many Requests"}'
    assert header(ctx, "Access-Control-Allow-Origin") == "*"
    assert header(ctx, "x-amzn-ErrorType") == "TooManyRequestsException"
    # ...but never to 5xx types.
    ctx5 = make_context(dep)
    render(ctx5, API_CONFIGURATION_ERROR())
    assert (ctx5.response.status, ctx5.response.body) == (500, b'{"message": "Internal server error"}')
    assert header(ctx5, "Access-Control-Allow-Origin") is None


def test_default_5xx_and_specific_type_precedence(make_context: MakeContext) -> None:
    dep = deployment(
        DEFAULT_5XX={"responseTemplates": {"application/json": '{"five": "$context.error.responseType"}'}},
        INTEGRATION_TIMEOUT={
            "statusCode": "503",
            "responseTemplates": {"application/json": '{"late": true}'},
        },
        DEFAULT_4XX={"statusCode": "418"},
    )
    ctx = make_context(dep)
    render(ctx, API_CONFIGURATION_ERROR())
    assert (ctx.response.status, ctx.response.body) == (500, b'{"five": "API_CONFIGURATION_ERROR"}')
    from apigate.dataplane.errors import INTEGRATION_TIMEOUT

    ctx2 = make_context(dep)
    render(ctx2, INTEGRATION_TIMEOUT())
    assert (ctx2.response.status, ctx2.response.body) == (503, b'{"late": true}')
    # A DEFAULT_4XX with only a status code keeps the built-in body.
    ctx3 = make_context(dep)
    render(ctx3, MISSING_AUTHENTICATION_TOKEN())
    assert (ctx3.response.status, ctx3.response.body) == (418, b'{"message":"Missing Authentication Token"}')


def test_template_chosen_by_accept_then_json_then_first(make_context: MakeContext) -> None:
    dep = deployment(
        DEFAULT_4XX={
            "responseTemplates": {
                "application/xml": "<m>$context.error.message</m>",
                "application/json": '{"j": 1}',
            }
        }
    )
    ctx = make_context(dep, headers=[("Accept", "application/xml, text/html")])
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert ctx.response.body == b"<m>Missing Authentication Token</m>"
    assert header(ctx, "Content-Type") == "application/xml"
    ctx2 = make_context(dep, headers=[("Accept", "text/plain")])
    render(ctx2, MISSING_AUTHENTICATION_TOKEN())
    assert (ctx2.response.body, header(ctx2, "Content-Type")) == (b'{"j": 1}', "application/json")
    only_xml = deployment(DEFAULT_4XX={"responseTemplates": {"application/xml": "<x/>"}})
    ctx3 = make_context(only_xml)
    render(ctx3, MISSING_AUTHENTICATION_TOKEN())
    assert (ctx3.response.body, header(ctx3, "Content-Type")) == (b"<x/>", "application/xml")


def test_substitution_forms_and_context_variables(make_context: MakeContext) -> None:
    dep = deployment(
        DEFAULT_4XX={
            "responseTemplates": {
                "application/json": (
                    "${context.requestId}|$context.apiId|$method.request.header.X-Id|$context.isCanaryRequest|"
                    "$context.identity.sourceIp|${foo}|$input.body|$context.nope"
                )
            }
        }
    )
    ctx = make_context(dep, headers=[("x-id", "h1")])
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert ctx.response.body.decode() == (
        "11111111-2222-3333-4444-555555555555|abcdef1234|h1|false|127.0.0.1|${foo}|$input.body|"
    )


def test_response_parameters_from_context_and_stage_variables(make_context: MakeContext) -> None:
    dep = deployment(
        DEFAULT_4XX={
            "responseParameters": {
                "gatewayresponse.header.x-req": "context.requestId",
                "gatewayresponse.header.x-var": "stageVariables.v",
                "gatewayresponse.header.x-multi": "method.request.multivalueheader.x-m",
                "method.response.header.ignored": "'nope'",
            }
        }
    )
    ctx = make_context(dep, headers=[("X-M", "1"), ("x-m", "2")], stage_variables={"v": "sv"})
    render(ctx, MISSING_AUTHENTICATION_TOKEN())
    assert header(ctx, "x-req") == ctx.request_id
    assert header(ctx, "x-var") == "sv"
    assert header(ctx, "x-multi") == "1,2"
    assert header(ctx, "ignored") is None
    assert ctx.response.body == b'{"message":"Missing Authentication Token"}'


def test_render_replaces_a_partially_built_response(make_context: MakeContext) -> None:
    ctx = make_context()
    ctx.response.status = 200
    ctx.response.headers.add("X-From-Backend", "1")
    ctx.response.body = b"partial"
    render(ctx, API_CONFIGURATION_ERROR())
    assert header(ctx, "X-From-Backend") is None
    assert ctx.response.status == 500
