"""The request-mapping stage: method request -> integration request."""

from __future__ import annotations

import pytest

from apigate.dataplane.errors import API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE
from apigate.dataplane.stages.request_mapping import request_mapping, trace_id
from apigate.integrations.base import request_url
from tests.integrations.contexts import API_ID, build_context, integration

JSON_TEMPLATE = {"application/json": '{"from": "json", "id": "$input.params(\'id\')"}'}


async def mapped(integration_doc: dict, **request: object):  # type: ignore[no-untyped-def]
    ctx = build_context(integration_doc, **request)  # type: ignore[arg-type]
    await request_mapping(ctx)
    assert ctx.integration_request is not None
    return ctx.integration_request


async def test_a_method_without_integration_is_a_configuration_error() -> None:
    ctx = build_context(None)
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await request_mapping(ctx)
    assert caught.value.status == 500


# --- template selection and passthrough ------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [],  # no Content-Type: application/json
        [("Content-Type", "application/json")],
        [("content-type", "Application/JSON; charset=utf-8")],  # MIME only, case-insensitive
    ],
)
async def test_template_selected_by_content_type(headers: list[tuple[str, str]]) -> None:
    request = await mapped(integration(requestTemplates=JSON_TEMPLATE), headers=headers, path="/pets/4")
    assert request.body == b'{"from": "json", "id": "4"}'


@pytest.mark.parametrize(
    ("behaviour", "templates", "outcome"),
    [
        ("WHEN_NO_MATCH", JSON_TEMPLATE, "passthrough"),
        ("WHEN_NO_MATCH", {}, "passthrough"),
        ("WHEN_NO_TEMPLATES", {}, "passthrough"),
        ("WHEN_NO_TEMPLATES", JSON_TEMPLATE, 415),
        ("NEVER", JSON_TEMPLATE, 415),
        ("NEVER", {}, 415),
    ],
)
async def test_passthrough_behaviour_for_an_unmatched_content_type(
    behaviour: str, templates: dict[str, str], outcome: object
) -> None:
    doc = integration("HTTP", httpMethod="POST", uri="http://backend/x",
                      passthroughBehavior=behaviour, requestTemplates=templates)
    kwargs = {"verb": "POST", "headers": [("Content-Type", "text/plain")], "body": b"raw text"}
    if outcome == 415:
        with pytest.raises(UNSUPPORTED_MEDIA_TYPE) as caught:
            await mapped(doc, **kwargs)
        assert (caught.value.status, caught.value.message) == (415, "Unsupported Media Type")
    else:
        request = await mapped(doc, **kwargs)
        assert request.body == b"raw text"
        assert request.headers.get("Content-Type") == "text/plain"


async def test_never_still_maps_a_matching_content_type() -> None:
    request = await mapped(integration(passthroughBehavior="NEVER", requestTemplates=JSON_TEMPLATE))
    assert request.body == b'{"from": "json", "id": "1"}'


async def test_an_empty_template_passes_the_body_through() -> None:
    doc = integration(requestTemplates={"application/json": ""}, passthroughBehavior="NEVER")
    request = await mapped(doc, verb="POST", body=b'{"keep": 1}')
    assert request.body == b'{"keep": 1}'


# --- HTTP (custom) ---------------------------------------------------------------------------------


async def test_http_sends_only_mapped_parameters_and_aws_defaults() -> None:
    doc = integration(
        "HTTP",
        httpMethod="POST",
        uri="http://${stageVariables.host}:8080/pets/{petId}/{kind}?fixed=1",
        requestParameters={
            "integration.request.path.petId": "method.request.path.id",
            "integration.request.path.kind": "'dog cat'",
            "integration.request.querystring.q": "method.request.querystring.q",
            "integration.request.header.X-Token": "method.request.header.Authorization",
        },
        requestTemplates=JSON_TEMPLATE,
    )
    request = await mapped(
        doc,
        path="/pets/42",
        query=[("q", "v w"), ("unmapped", "x")],
        headers=[("Authorization", "Bearer t"), ("X-Unmapped", "no"), ("Content-Type", "application/json")],
        stage_variables={"host": "backend.local"},
    )
    assert request.http_method == "POST"  # the integration's verb, not the client's GET
    assert request.uri == "http://backend.local:8080/pets/42/dog%20cat?fixed=1"
    assert request.query == [("q", "v w")]
    assert request_url(request) == "http://backend.local:8080/pets/42/dog%20cat?fixed=1&q=v%20w"
    assert request.headers.items == [
        ("X-Token", "Bearer t"),
        ("Accept", "application/json"),
        ("User-Agent", f"AmazonAPIGateway_{API_ID}"),
        ("Content-Type", "application/json"),
        ("X-Amzn-Apigateway-Api-Id", API_ID),
        ("X-Amzn-Trace-Id", trace_id(build_context(doc))),
    ]
    assert request.body == b'{"from": "json", "id": "42"}'
    assert request.timeout == 29.0


async def test_http_mapped_headers_replace_defaults_and_some_are_dropped() -> None:
    doc = integration("HTTP", httpMethod="GET", uri="http://backend/x", requestParameters={
        "integration.request.header.Accept": "'text/html'",
        "integration.request.header.User-Agent": "'Override-Agent'",
        "integration.request.header.Connection": "'keep-alive'",
        "integration.request.header.Server": "'kept'",
    })
    request = await mapped(doc)
    names = [name for name, _ in request.headers.items]
    assert request.headers.get("Accept") == "text/html"
    assert request.headers.get("User-Agent") == "Override-Agent"
    assert request.headers.get("Server") == "kept"
    assert "Connection" not in names  # recorded: AWS leaves a mapped Connection out
    assert "Content-Type" not in names  # a GET sends no body


@pytest.mark.parametrize("header", ["Content-Length", "transfer-encoding"])
async def test_mapping_a_framing_header_is_a_configuration_error(header: str) -> None:
    doc = integration("HTTP", httpMethod="GET", uri="http://backend/x",
                      requestParameters={f"integration.request.header.{header}": "'1'"})
    with pytest.raises(API_CONFIGURATION_ERROR):
        await mapped(doc)


async def test_any_uses_the_clients_verb_and_timeout_comes_from_the_integration() -> None:
    doc = integration("HTTP", httpMethod="ANY", uri="http://backend/x", timeoutInMillis=1500)
    request = await mapped(doc, verb="DELETE")
    assert (request.http_method, request.timeout) == ("DELETE", 1.5)


async def test_overrides_from_the_template_win_over_mappings() -> None:
    template = (
        '#set($context.requestOverride.header.X-Token = "from-override")'
        '#set($context.requestOverride.querystring.q = "override")'
        '#set($context.requestOverride.path.petId = "99")'
        "{}"
    )
    doc = integration(
        "HTTP", httpMethod="GET", uri="http://backend/pets/{petId}",
        requestParameters={
            "integration.request.path.petId": "method.request.path.id",
            "integration.request.querystring.q": "'mapped'",
            "integration.request.header.X-Token": "'mapped'",
        },
        requestTemplates={"application/json": template},
    )
    request = await mapped(doc)
    assert request_url(request) == "http://backend/pets/99?q=override"
    assert request.headers.get_all("X-Token") == ["from-override"]


async def test_the_clients_trace_id_is_propagated() -> None:
    doc = integration("HTTP", httpMethod="GET", uri="http://backend/x")
    request = await mapped(doc, headers=[("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")])
    assert request.headers.get("X-Amzn-Trace-Id") == "Root=1-5759e988-bd862e3fe1be46a994272793"


async def test_an_unfilled_placeholder_is_sent_as_written() -> None:
    request = await mapped(integration("HTTP", httpMethod="GET", uri="http://backend/{missing}"))
    assert request.uri == "http://backend/%7Bmissing%7D"


# --- HTTP_PROXY -------------------------------------------------------------------------------------


async def test_http_proxy_forwards_the_client_request() -> None:
    doc = integration(
        "HTTP_PROXY", httpMethod="ANY", uri="http://backend/api/{proxy}",
        requestParameters={
            "integration.request.header.X-Mapped": "'mapped-value'",
            "integration.request.querystring.extra": "stageVariables.v",
        },
    )
    request = await mapped(
        doc,
        verb="PUT",
        resource_path="/{proxy+}",
        path="/a/b%20c/d",
        query=[("x", "1"), ("x", "2")],
        headers=[
            ("Host", "abc.execute-api"), ("Accept", "text/plain"), ("X-Multi", "1"), ("X-Multi", "2"),
            ("Via", "1.1 cloudfront"), ("Connection", "close"), ("User-Agent", "client/1"),
        ],
        body=b"\x00binary\xff",
        stage_variables={"v": "sv"},
    )
    assert request.http_method == "PUT"
    assert request.uri == "http://backend/api/a/b%20c/d"  # {proxy} from the method's path parameter
    assert request.query == [("x", "1"), ("x", "2"), ("extra", "sv")]
    assert request.headers.items == [
        ("Accept", "text/plain"),
        ("X-Multi", "1"),
        ("X-Multi", "2"),
        ("User-Agent", "client/1"),
        ("X-Mapped", "mapped-value"),
        ("X-Amzn-Apigateway-Api-Id", API_ID),
        ("X-Amzn-Trace-Id", request.headers.get("X-Amzn-Trace-Id")),
    ]
    assert request.body == b"\x00binary\xff"


async def test_http_proxy_path_mapping_takes_precedence_and_defaults_apply() -> None:
    doc = integration(
        "HTTP_PROXY", httpMethod="POST", uri="http://backend/{proxy}",
        requestParameters={"integration.request.path.proxy": "'fixed/path'"},
    )
    request = await mapped(doc, resource_path="/{proxy+}", path="/client/path",
                           headers=[("Content-Encoding", "gzip")])
    assert request.http_method == "POST"
    assert request.uri == "http://backend/fixed/path"
    assert request.headers.get("User-Agent") == f"AmazonAPIGateway_{API_ID}"
    assert "Content-Encoding" not in request.headers  # recorded: dropped when there is no body


async def test_test_invoke_traces_the_endpoint_request() -> None:
    doc = integration("HTTP", httpMethod="GET", uri="http://backend/x",
                      requestParameters={"integration.request.querystring.a": "'1'"})
    ctx = build_context(doc, test_invoke=True)
    await request_mapping(ctx)
    assert ctx.log[0] == "Endpoint request URI: http://backend/x?a=1"
    assert ctx.log[1].startswith("Endpoint request headers: {Accept=application/json, User-Agent=")
    assert ctx.log[2] == "Endpoint request body after transformations: "


async def test_content_handling_converts_a_binary_body_to_text() -> None:
    doc = integration("HTTP", httpMethod="POST", uri="http://backend/x", contentHandling="CONVERT_TO_TEXT")
    request = await mapped(doc, verb="POST", headers=[("Content-Type", "image/png")], body=b"\x89PNG",
                           binary_media_types=["image/*"])
    assert request.body == b"iVBORw=="
