"""Rendering mapping templates: null references, directives, overrides, errors."""

from __future__ import annotations

import pytest

from apigate.dataplane.errors import API_CONFIGURATION_ERROR, BAD_REQUEST_BODY
from apigate.vtl import Template, compile_template
from tests.integrations.contexts import build_context, integration


def ctx_for(**kwargs: object):  # type: ignore[no-untyped-def]
    return build_context(integration(), **kwargs)  # type: ignore[arg-type]


def render(source: str, body: bytes | str = b"", *, response: bool = False, ctx=None) -> str:  # type: ignore[no-untyped-def]
    return compile_template(source).render(ctx or ctx_for(), body, response=response)


def test_compile_returns_a_reusable_template() -> None:
    template = compile_template("$input.params('id')")
    assert isinstance(template, Template)
    assert template.source == "$input.params('id')"
    assert template.render(ctx_for(path="/pets/1"), b"") == "1"
    assert template.render(ctx_for(path="/pets/2"), b"") == "2"


def test_syntax_errors_surface_at_compile_time() -> None:
    with pytest.raises(Exception, match="expected"):
        compile_template("#if($a) no end")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{"body": $missing}', '{"body": }'),  # AWS-validated: a null reference renders empty
        ("a${missing}b", "ab"),
        ("a$!missing.deeper.still b", "a b"),
        ("$input.path('$.nope').size()", ""),
        ("$context.notAVariable", ""),
        ("$stageVariables.undefined", ""),
    ],
)
def test_null_and_undefined_references_render_empty(source: str, expected: str) -> None:
    assert render(source, b'{"a": 1}') == expected


def test_directives_set_if_foreach() -> None:
    source = (
        "#set($items = $input.path('$.items'))"
        "[#foreach($it in $items){\"sku\": \"$it.sku\", \"n\": $foreach.count}#if($foreach.hasNext),#end#end]"
        "#if($items.size() > 1) many#{else} few#end"
    )
    body = b'{"items": [{"sku": "a"}, {"sku": "b"}]}'
    assert render(source, body) == '[{"sku": "a", "n": 1},{"sku": "b", "n": 2}] many'


def test_map_assignment_and_put() -> None:
    # Mirrors AWS-recorded test_integration_mock_with_vtl_map_assignation.
    source = (
        "#set($map = {})"
        '#set($map.value = "bar")'
        '#set($ignored = $map.put("value2", "putBar"))'
        "#set($map.nested = {})"
        '#set($map.nested.foo = "nestedFoo")'
        '{"value": "$map.value", "value2": "$map.value2", "value3": "$map.nested.foo"}'
    )
    assert render(source) == '{"value": "bar", "value2": "putBar", "value3": "nestedFoo"}'


def test_stage_variables_in_every_syntax() -> None:
    ctx = ctx_for(stage_variables={"host": "example.com", "v": "1"})
    assert render("$stageVariables.host|${stageVariables.v}|$stageVariables['host']", ctx=ctx) == (
        "example.com|1|example.com"
    )


def test_template_cannot_change_the_live_stage_variables() -> None:
    ctx = ctx_for(stage_variables={"v": "1"})
    render('#set($stageVariables.v = "2")$stageVariables.v', ctx=ctx)
    assert ctx.stage_variables == {"v": "1"}


def test_request_override_is_written_back() -> None:
    ctx = ctx_for()
    source = (
        '#set($context.requestOverride.header.X-Custom = "h1")'
        '#set($context.requestOverride.querystring.q = "v")'
        "#set($context.requestOverride.path.id = 42)"
        "body"
    )
    assert render(source, ctx=ctx) == "body"
    assert ctx.request_override == {
        "header": {"X-Custom": "h1"}, "querystring": {"q": "v"}, "path": {"id": "42"}
    }


def test_response_override_is_written_back_and_survives_to_the_response_template() -> None:
    # Mirrors AWS-recorded test_integration_mock_with_response_override_in_request_template.
    ctx = ctx_for()
    request_source = (
        '#set($context.responseOverride.header.foo = "bar")'
        '#set($context.responseOverride.custom = "is also passed around")'
        "#set($context.responseOverride.status = 444)"
        '{"statusCode": 200}'
    )
    assert render(request_source, ctx=ctx) == '{"statusCode": 200}'
    assert ctx.response_override == {
        "header": {"foo": "bar"}, "custom": "is also passed around", "status": 444
    }
    response_source = (
        '{"statusOverride": "$context.responseOverride.status", '
        '"fooHeader": "$context.responseOverride.header.foo", '
        '"custom": "$context.responseOverride.custom"}'
    )
    assert render(response_source, response=True, ctx=ctx) == (
        '{"statusOverride": "444", "fooHeader": "bar", "custom": "is also passed around"}'
    )


def test_request_override_is_readable_from_the_response_template() -> None:
    # Mirrors AWS-recorded test_integration_mock_with_request_overrides_in_response_template.
    ctx = ctx_for()
    render('#set($context.requestOverride.path.body = "path one")', ctx=ctx)
    source = (
        "#set($path = $context.requestOverride.path.body)"
        '#if($path == "path one")path was $path#{else}this is the else clause#end'
    )
    assert render(source, response=True, ctx=ctx) == "path was path one"
    assert render(source, response=True, ctx=ctx_for()) == "this is the else clause"


def test_non_json_body_read_as_json_in_a_request_template_is_a_400() -> None:
    with pytest.raises(BAD_REQUEST_BODY) as caught:
        render("$input.json('$.a')", b"not json")
    assert caught.value.status == 400
    assert caught.value.message.startswith("Could not parse request body into json")


def test_non_json_body_read_as_json_in_a_response_template_is_a_500() -> None:
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        render("$input.path('$.a')", b"<xml/>", response=True)
    assert caught.value.status == 500
    assert "Unable to transform response" in (caught.value.log or "")


def test_a_failing_template_is_an_api_configuration_error() -> None:
    with pytest.raises(API_CONFIGURATION_ERROR) as caught:
        render("#undefinedMacro('x')")
    assert "Unable to transform request" in (caught.value.log or "")


def test_empty_template_is_marked_for_passthrough() -> None:
    assert compile_template("  \n").is_empty
    assert not compile_template("x").is_empty


def test_java_string_methods() -> None:
    source = (
        "#set($s = '  Hello World  ')"
        "$s.trim().toLowerCase()|$s.trim().toUpperCase()|$s.indexOf('zz')|$s.length()|"
        "$s.trim().replaceAll('(\\w+) (\\w+)', '$2 $1')|$s.contains('World')|$s.trim().split(' ').size()|"
        "$s.trim().startsWith('He')|$s.trim().endsWith('ld')|$s.trim().equalsIgnoreCase('hello world')"
    )
    assert render(source) == "hello world|HELLO WORLD|-1|15|World Hello|true|2|true|true|true"
