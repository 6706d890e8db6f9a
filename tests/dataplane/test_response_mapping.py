"""The response-mapping stage: integration result -> method response."""

from __future__ import annotations

from typing import Any

import pytest

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.stages.request_mapping import request_mapping, trace_id
from apigate.dataplane.stages.response_mapping import response_mapping
from tests.integrations.contexts import build_context, integration, response

SELECTING = {
    "200": response("200", responseTemplates={"application/json": '{"ok": $input.json(\'$.v\')}'}),
    "400": response("400", selectionPattern=r"4\d{2}",
                    responseTemplates={"application/json": '{"client": true}'}),
    "500": response("500", selectionPattern=r"5\d{2}"),
}


async def mapped(
    integration_doc: dict[str, Any],
    status: int = 200,
    body: bytes = b"",
    backend_headers: list[tuple[str, str]] | None = None,
    *,
    error_message: str | None = None,
    **request: Any,
):  # type: ignore[no-untyped-def]
    request.setdefault("method_responses", ("200", "400", "404", "500"))
    ctx = build_context(integration_doc, **request)
    backend = Headers(list(backend_headers or []))
    ctx.integration_result = IntegrationResult(status, backend, body, error_message)
    await response_mapping(ctx)
    return ctx.response


# --- integration response selection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend_status", "status", "body"),
    [
        (200, 200, b'{"ok": 1}'),
        (201, 200, b'{"ok": 1}'),  # no pattern matches: the default response
        (404, 400, b'{"client": true}'),
        (503, 500, b'{"v": 1}'),  # no template: the backend body passes through
    ],
)
async def test_selection_pattern_matches_the_backend_status(
    backend_status: int, status: int, body: bytes
) -> None:
    result = await mapped(integration("HTTP", integrationResponses=SELECTING), backend_status, b'{"v": 1}')
    assert (result.status, result.body) == (status, body)


async def test_a_non_matching_status_uses_the_default_even_for_errors() -> None:
    # AWS-recorded test_http_integration_invoke_status_code_passthrough[HTTP]: a 400 from the
    # backend with only a default 200 integration response is answered 200.
    result = await mapped(integration("HTTP", integrationResponses={"200": response("200")}), 400, b"{}")
    assert result.status == 200


async def test_patterns_must_match_the_whole_value() -> None:
    doc = integration("HTTP", integrationResponses={
        "200": response("200"), "404": response("404", selectionPattern="40"),
    })
    assert (await mapped(doc, 404)).status == 200


async def test_among_several_matches_the_same_status_code_wins() -> None:
    doc = integration("HTTP", integrationResponses={
        "400": response("400", selectionPattern=r"4\d\d"),
        "404": response("404", selectionPattern=r"40\d"),
    })
    assert (await mapped(doc, 404)).status == 404
    assert (await mapped(doc, 403)).status == 400


async def test_lambda_error_message_is_the_selection_value_when_reported() -> None:
    doc = integration("HTTP", integrationResponses={
        "200": response("200"), "400": response("400", selectionPattern="Invalid.*"),
    })
    assert (await mapped(doc, 200, error_message="Invalid input")).status == 400
    assert (await mapped(doc, 200, error_message="")).status == 200


async def test_no_match_and_no_default_is_a_configuration_error() -> None:
    doc = integration("HTTP", integrationResponses={"400": response("400", selectionPattern="4..")})
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await mapped(doc, 200)
    assert caught.value.status == 500
    assert "No match for output mapping" in (caught.value.log or "")


async def test_selected_status_without_a_method_response_is_a_configuration_error() -> None:
    doc = integration("HTTP", integrationResponses={"200": response("200")})
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        await mapped(doc, 200, method_responses=("201",))
    assert caught.value.log == "Output mapping refers to an invalid method response: 200"


# --- headers, templates, overrides --------------------------------------------------------------


async def test_only_mapped_headers_are_returned() -> None:
    doc = integration("HTTP", integrationResponses={"200": response("200", responseParameters={
        "method.response.header.X-Id": "integration.response.body.id",
        "method.response.header.ETag": "integration.response.header.ETag",
        "method.response.header.Access-Control-Allow-Origin": "'*'",
    })})
    result = await mapped(doc, 200, b'{"id": 7}', [("ETag", "abc"), ("X-Backend", "secret")],
                          headers=[("X-Amzn-Trace-Id", "Root=1-trace")])
    assert result.headers.items == [
        ("X-Id", "7"), ("ETag", "abc"), ("Access-Control-Allow-Origin", "*"),
        ("X-Amzn-Trace-Id", "Root=1-trace"),  # recorded: non-proxy HTTP responses carry the trace id
    ]
    assert result.body == b'{"id": 7}'


TEMPLATES = {"application/xml": "<xml/>", "text/html": "<p>$input.path('$.v')</p>", "application/json": "{}"}


@pytest.mark.parametrize(
    ("accept", "templates", "content_type", "body"),
    [
        ("text/html, application/json;q=0.9", TEMPLATES, "text/html", b"<p>1</p>"),
        ("application/xml", TEMPLATES, "application/xml", b"<xml/>"),
        ("image/png", TEMPLATES, "application/json", b"{}"),  # unmatched: the JSON template
        (None, TEMPLATES, "application/json", b"{}"),
        # Neither Accept nor JSON has a template: the first one.
        ("image/png", {"text/html": "html", "application/xml": "xml"}, "text/html", b"html"),
    ],
)
async def test_response_template_chosen_by_accept(
    accept: str | None, templates: dict[str, str], content_type: str, body: bytes
) -> None:
    doc = integration("HTTP", integrationResponses={"200": response("200", responseTemplates=templates)})
    headers = [("Accept", accept)] if accept else []
    result = await mapped(doc, 200, b'{"v": 1}', headers=headers)
    assert (result.headers.get("Content-Type"), result.body) == (content_type, body)


async def test_an_empty_response_template_passes_the_body_through() -> None:
    templates = {"application/json": ""}
    doc = integration("HTTP", integrationResponses={"200": response("200", responseTemplates=templates)})
    assert (await mapped(doc, 200, b"as is")).body == b"as is"


async def test_response_override_from_the_response_template() -> None:
    template = (
        "#set($context.responseOverride.status = 404)"
        '#set($context.responseOverride.header.X-Override = "yes")'
        '#set($context.responseOverride.header.X-Mapped = "replaced")'
        "gone"
    )
    doc = integration("HTTP", integrationResponses={"200": response(
        "200",
        responseTemplates={"application/json": template},
        responseParameters={"method.response.header.X-Mapped": "'mapped'"},
    )})
    result = await mapped(doc, 200)
    assert result.status == 404
    assert result.headers.get_all("X-Mapped") == ["replaced"]
    assert result.headers.get("X-Override") == "yes"
    assert result.body == b"gone"


@pytest.mark.parametrize("status", ["700", "99", "'abc'", "true"])
async def test_an_invalid_status_override_is_ignored(status: str) -> None:
    template = f"#set($context.responseOverride.status = {status})x"
    templates = {"application/json": template}
    doc = integration("HTTP", integrationResponses={"200": response("200", responseTemplates=templates)})
    assert (await mapped(doc, 200)).status == 200


async def test_status_override_from_the_request_template_applies_without_a_response_template() -> None:
    # AWS-recorded test_integration_mock_with_response_override_in_request_template[False].
    doc = integration(
        "MOCK",
        requestTemplates={
            "application/json": '#set($context.responseOverride.status = 444){"statusCode": 200}'
        },
        integrationResponses={"200": response("200")},
    )
    ctx = build_context(doc)
    await request_mapping(ctx)
    ctx.integration_result = IntegrationResult(200, Headers(), b"")
    await response_mapping(ctx)
    assert (ctx.response.status, ctx.response.body) == (444, b"")


async def test_gateway_owned_headers_are_remapped_on_mapped_responses() -> None:
    # AWS-recorded header remapping for HTTP integrations (response_param_* values).
    names = ["Authorization", "Connection", "Content-Length", "Date", "Server", "User-Agent",
             "WWW-Authenticate", "Content-Type", "Transfer-Encoding", "Age", "TE"]
    doc = integration("HTTP", integrationResponses={"200": response("200", responseParameters={
        f"method.response.header.{name}": f"'response_param_{name}'" for name in names
    })})
    result = await mapped(doc, 200, b"{}")
    assert dict(result.headers.items) == {
        "x-amzn-Remapped-Authorization": "response_param_Authorization",
        "x-amzn-Remapped-Connection": "response_param_Connection",
        "x-amzn-Remapped-Content-Length": "response_param_Content-Length",
        "x-amzn-Remapped-Date": "response_param_Date",
        "x-amzn-Remapped-Server": "response_param_Server",
        "x-amzn-Remapped-User-Agent": "response_param_User-Agent",
        "x-amzn-Remapped-WWW-Authenticate": "response_param_WWW-Authenticate",
        "Content-Type": "response_param_Content-Type",
        "Age": "response_param_Age",
        "TE": "response_param_TE",
        "X-Amzn-Trace-Id": trace_id(build_context(doc)),
    }


# --- HTTP_PROXY ---------------------------------------------------------------------------------------


async def test_proxy_returns_the_backend_response_with_remapped_headers() -> None:
    backend_headers = [
        ("Content-Type", "text/plain"), ("Connection", "keep-alive"), ("Content-Length", "5"),
        ("Date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("Server", "gunicorn/19.9.0"),
        ("x-amzn-RequestId", "backend-id"), ("Transfer-Encoding", "chunked"), ("Via", "1.1 proxy"),
        ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Content-Encoding", "gzip"),
    ]
    result = await mapped(integration("HTTP_PROXY", httpMethod="ANY", uri="http://b/"), 418, b"teapot",
                          backend_headers)
    assert result.status == 418
    assert result.body == b"teapot"
    assert result.headers.items == [
        ("Content-Type", "text/plain"),
        ("x-amzn-Remapped-Connection", "keep-alive"),
        ("x-amzn-Remapped-Content-Length", "5"),
        ("x-amzn-Remapped-Date", "Tue, 14 Nov 2023 22:13:20 GMT"),
        ("x-amzn-Remapped-Server", "gunicorn/19.9.0"),
        ("x-amzn-Remapped-x-amzn-RequestId", "backend-id"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
        ("Content-Encoding", "gzip"),
    ]


async def test_proxy_without_a_content_type_defaults_to_json() -> None:
    result = await mapped(integration("HTTP_PROXY", httpMethod="GET", uri="http://b/"), 200, b"{}")
    assert result.headers.items == [("Content-Type", "application/json")]


# --- binary --------------------------------------------------------------------------------------------


async def test_binary_payload_to_a_text_client_is_base64_encoded() -> None:
    doc = integration("HTTP", integrationResponses={"200": response("200")})
    result = await mapped(doc, 200, b"\x89PNG", [("Content-Type", "image/png")],
                          binary_media_types=["image/png"])
    assert result.body == b"iVBORw=="


async def test_text_payload_to_a_binary_client_is_base64_decoded() -> None:
    doc = integration("HTTP", integrationResponses={"200": response("200")})
    result = await mapped(doc, 200, b"iVBORw==", [("Content-Type", "text/plain")],
                          headers=[("Accept", "image/png")], binary_media_types=["image/png"])
    assert result.body == b"\x89PNG"


async def test_convert_to_binary_of_invalid_base64_is_a_500() -> None:
    chosen = response("200", contentHandling="CONVERT_TO_BINARY")
    doc = integration("HTTP", integrationResponses={"200": chosen})
    with pytest.raises(API_CONFIGURATION_ERROR):
        await mapped(doc, 200, b"not base64!")


async def test_test_invoke_traces_the_method_response() -> None:
    doc = integration("MOCK", integrationResponses={"200": response("200", responseParameters={
        "method.response.header.X-A": "'1'"})})
    ctx = build_context(doc, test_invoke=True)
    ctx.integration_result = IntegrationResult(200, Headers(), b"body")
    await response_mapping(ctx)
    assert ctx.log == ["Method response body after transformations: body", "Method response headers: {X-A=1}"]


def test_headers_a_mapped_response_sets_itself_are_never_renamed() -> None:
    # _mapped_response skips the renaming pass when only these can be present: guard that assumption.
    from apigate.dataplane.stages.response_mapping import _DROP_MAPPED, _REMAP_MAPPED

    for name in ("content-type", "x-amzn-trace-id"):
        assert name not in _REMAP_MAPPED and name not in _DROP_MAPPED
