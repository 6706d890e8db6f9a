"""compile_deployment: a snapshot becomes immutable compiled objects, once per deployment."""

from __future__ import annotations

from typing import Any

import pytest

from apigate.dataplane.compile import (
    BrokenTemplate,
    compile_deployment,
    compile_integration,
    compile_selection_pattern,
)
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from tests.dataplane.factories import StaticTemplate, method, mock_integration, resource, snapshot


def integration(responses: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "HTTP",
        "httpMethod": "GET",
        "uri": "http://example.com",
        "integrationResponses": responses,
        **extra,
    }


def test_integration_responses_are_ordered_patterns_first_default_last() -> None:
    compiled = compile_integration(
        integration(
            {
                "200": {"statusCode": "200"},
                "500": {"statusCode": "500", "selectionPattern": "5\\d{2}"},
                "400": {"statusCode": "400", "selectionPattern": "4\\d{2}"},
                "404": {"statusCode": "404", "selectionPattern": "404"},
            }
        ),
        StaticTemplate,
    )
    assert [r.status_code for r in compiled.integration_responses] == ["400", "404", "500", "200"]
    assert compiled.default_response is not None
    assert compiled.default_response.status_code == "200"
    assert compiled.default_response.selection_pattern is None


def test_empty_selection_pattern_is_the_default_response() -> None:
    compiled = compile_integration(
        integration(
            {
                "201": {"statusCode": "201", "selectionPattern": ""},
                "400": {"statusCode": "400", "selectionPattern": "4.*"},
            }
        ),
        StaticTemplate,
    )
    assert compiled.default_response is not None and compiled.default_response.status_code == "201"


def test_without_default_response_only_patterns_remain() -> None:
    compiled = compile_integration(
        integration({"400": {"statusCode": "400", "selectionPattern": "4\\d{2}"}}), StaticTemplate
    )
    assert compiled.default_response is None
    assert [r.status_code for r in compiled.integration_responses] == ["400"]


def test_selection_patterns_match_the_whole_string_and_dot_does_not_cross_newlines() -> None:
    pattern = compile_selection_pattern("Invalid.*")
    assert pattern is not None
    assert pattern.fullmatch("Invalid input")
    assert not pattern.fullmatch("An Invalid input")  # whole string, as Java's matches()
    assert not pattern.fullmatch("Invalid\nsecond line")  # . stops at the newline
    catch_all = compile_selection_pattern("(\\n|.)*")
    assert catch_all is not None and catch_all.fullmatch("two\nlines")
    status = compile_selection_pattern("4\\d{2}")
    assert status is not None and status.fullmatch("404") and not status.fullmatch("4040")


def test_uncompilable_selection_pattern_never_matches() -> None:
    pattern = compile_selection_pattern("([unclosed")
    assert pattern is not None
    assert not pattern.fullmatch("") and not pattern.fullmatch("([unclosed")


def test_templates_are_compiled_once_with_the_given_compiler() -> None:
    calls: list[str] = []

    def compiler(source: str) -> StaticTemplate:
        calls.append(source)
        return StaticTemplate(source)

    snap = snapshot(resource("/pets", rid="p1", GET=method("GET", mock_integration('{"pets": []}'))))
    deployment = compile_deployment("api", "dep1", snap, compile_template=compiler)
    integ = deployment.resources["p1"].methods["GET"].integration
    assert integ is not None
    assert isinstance(integ.request_templates["application/json"], StaticTemplate)
    assert integ.integration_responses[0].response_templates["application/json"].source == '{"pets": []}'
    assert sorted(calls) == sorted(['{"statusCode": 200}', '{"pets": []}'])


def test_a_template_that_does_not_compile_fails_only_the_invocation() -> None:
    def compiler(source: str) -> StaticTemplate:
        if "#if" in source:
            raise ValueError("unclosed #if")
        return StaticTemplate(source)

    snap = snapshot(resource("/x", rid="x", GET=method("GET", mock_integration("#if($a) no end"))))
    deployment = compile_deployment("api", "dep", snap, compile_template=compiler)
    integ = deployment.resources["x"].methods["GET"].integration
    assert integ is not None
    broken = integ.integration_responses[0].response_templates["application/json"]
    assert isinstance(broken, BrokenTemplate)
    with pytest.raises(API_CONFIGURATION_ERROR) as info:
        broken.render(None, b"")  # type: ignore[arg-type]
    assert "unclosed #if" in (info.value.log or "")


def test_method_and_integration_fields_and_defaults() -> None:
    snap = snapshot(
        resource(
            "/pets/{id}",
            rid="r1",
            GET=method(
                "GET",
                {
                    "type": "http_proxy",
                    "httpMethod": "ANY",
                    "uri": "http://backend/{id}",
                    "requestParameters": {"integration.request.path.id": "method.request.path.id"},
                },
                apiKeyRequired=True,
                requestParameters={"method.request.path.id": True},
                methodResponses={"200": {"statusCode": "200"}},
            ),
        )
    )
    deployment = compile_deployment("api", "dep", snap, compile_template=StaticTemplate)
    m = deployment.resources["r1"].methods["GET"]
    assert (m.http_method, m.resource_id, m.resource_path) == ("GET", "r1", "/pets/{id}")
    assert m.api_key_required and m.authorization_type == "NONE"
    assert m.request_parameters == {"method.request.path.id": True}
    assert m.method_responses == {"200": {"statusCode": "200"}}
    integ = m.integration
    assert integ is not None
    assert integ.type == "HTTP_PROXY"
    assert integ.timeout_ms == 29000 and integ.passthrough_behavior == "WHEN_NO_MATCH"
    assert integ.connection_type == "INTERNET" and integ.cache_key_parameters == ()
    assert integ.request_parameters == {"integration.request.path.id": "method.request.path.id"}


def test_deployment_level_fields() -> None:
    snap = snapshot(
        resource("/", "GET", rid="root"),
        gatewayResponses={
            "DEFAULT_4XX": {"responseType": "DEFAULT_4XX", "statusCode": "444", "defaultResponse": False},
            "THROTTLED": {"responseType": "THROTTLED", "statusCode": "429", "defaultResponse": True},
        },
        models=[{"name": "Empty", "schema": "{}"}],
        requestValidators=[{"id": "v1", "validateRequestBody": True}],
        authorizers=[{"id": "a1", "type": "TOKEN"}],
    )
    snap["restApi"]["binaryMediaTypes"] = ["image/png"]
    deployment = compile_deployment("api", "dep9", snap, compile_template=StaticTemplate)
    assert (deployment.api_id, deployment.deployment_id) == ("api", "dep9")
    # AWS's untouched defaults (defaultResponse: true) are not customisations.
    assert set(deployment.gateway_responses) == {"DEFAULT_4XX"}
    assert deployment.binary_media_types == ("image/png",)
    assert set(deployment.models) == {"Empty"}
    assert set(deployment.request_validators) == {"v1"} and set(deployment.authorizers) == {"a1"}
    assert deployment.router.match("GET", "/") is not None


def test_vtl_compiler_is_the_default() -> None:
    vtl = pytest.importorskip("apigate.vtl")
    if not hasattr(vtl, "compile_template"):
        pytest.skip("apigate.vtl.compile_template not written yet")
    snap = snapshot(
        resource("/", rid="root", GET=method("GET", mock_integration('{"stage": "$context.stage"}')))
    )
    integ = compile_deployment("api", "dep", snap).resources["root"].methods["GET"].integration
    assert integ is not None
    assert hasattr(integ.integration_responses[0].response_templates["application/json"], "render")


def test_what_the_request_path_needs_is_computed_at_compile_time() -> None:
    compiled = compile_integration(
        integration({
            "200": {"statusCode": "200", "responseTemplates": {"application/xml": "<a/>"}},
            "400": {"statusCode": "400", "selectionPattern": "4\\d{2}",
                    "responseTemplates": {"application/json": "{}", "text/plain": "x"}},
        }, httpMethod="post"),
        StaticTemplate,
    )
    assert compiled.backend_method == "POST"
    assert compiled.has_selection_patterns
    default = compiled.default_response
    assert default is not None and default.status == 200
    assert default.only_template is not None and default.only_template[0] == "application/xml"
    assert compiled.integration_responses[0].only_template is None  # two templates: Accept decides

    plain = compile_integration(integration({"200": {"statusCode": "200"}}, httpMethod="ANY"), StaticTemplate)
    assert plain.backend_method is None  # ANY: the client's own verb
    assert not plain.has_selection_patterns
    assert compile_integration(integration({}), StaticTemplate).has_selection_patterns  # no default


def test_a_status_code_that_is_not_a_number_is_left_to_fail_at_request_time() -> None:
    compiled = compile_integration(integration({"2xx": {"statusCode": "2xx"}}), StaticTemplate)
    assert compiled.default_response is not None and compiled.default_response.status is None
