"""The concatenation fast path renders exactly what the VTL engine renders.

Every template of the corpus is rendered both ways against several requests; a template the fast
path takes must produce the engine's bytes, and one it must not take must stay on the engine.
"""

from __future__ import annotations

from typing import Any

import pytest
from airspeed import operators

from apigate.dataplane.context import InvocationContext
from apigate.dataplane.errors import API_CONFIGURATION_ERROR, BAD_REQUEST_BODY
from apigate.vtl import compile_template
from apigate.vtl.context import IDENTITY_KEYS, VARIABLES
from tests.integrations.contexts import build_context, integration

_CONTEXT_NAMES = sorted(VARIABLES)

FAST = [
    '{"message": "hello from a mock", "stage": "$context.stage"}',
    "",
    '{"statusCode": 200}',
    "## a comment\n{\"statusCode\": 200}",
    "#* block *#text",
    "plain text with $5 and $ and # and \\$escaped and #notadirective and #{x",
    '{"price": "$5.00", "colour": "#ff0000"}',
    *(f'"{name}": "$context.{name}"' for name in _CONTEXT_NAMES),
    *(f"${{context.{name}}}|$!context.{name}|$!{{context.{name}}}" for name in _CONTEXT_NAMES),
    *(f"$context.identity.{key}" for key in (*IDENTITY_KEYS, "sourceIp", "userAgent", "notAKey")),
    "$context.identity",
    "$stageVariables.host/$stageVariables.missing/${stageVariables.v}/$!stageVariables.empty",
    "$stageVariables.replace",
    "$input.body",
    "$input.json('$')|$input.json('$.a')|$input.json(\"$.b\")|$input.json()|$input.json('$.nope')",
    "$input.path('$')|$input.path('$.a')|$input.path('$.list')|$input.path('$.nope')",
    "$input.params('id')|$input.params('q')|$input.params('User-Agent')|$input.params('missing')",
    "$input.params()",
    "$input.json('$.list[*].x')",
    '{"body": $input.body, "id": "$input.params(\'id\')", "t": "$context.requestTimeEpoch"}',
]

ENGINE_ONLY = [
    "#set($a = 1)$a",
    "#if($context.stage)yes#end",
    "$util.escapeJavaScript($input.body)",
    "$context.requestOverride.header.x",
    "$context.responseOverride.status",
    "$context.authorizer.principalId",
    "$context.notAVariable",
    "$context.get",
    "$context.stage.length()",
    "$input.path('$').a",
    "$input.params($x)",
    "$input.params('a', 'b')",
    "$input.body.foo",
    "$input.size",
    "$stageVariables.size",
    "$stageVariables['host']",
    "${stageVariables.v|'dflt'}",
    "$missing",
    "$context",
    "#foreach($x in [1])$x#end",
]

JSON_BODY = b'{"a": {"b": 1}, "b": "two", "list": [{"x": 1}, {"x": "y"}]}'


def contexts() -> list[tuple[InvocationContext, bytes]]:
    stage_variables = {"host": "example.com", "v": "1", "empty": "", "replace": operators.REPLACE_FORMAL_TEXT}
    plain = build_context(integration(), path="/pets/7", query=[("q", "1"), ("q", "2")],
                          headers=[("User-Agent", "curl/8"), ("Accept", "*/*")],
                          stage_variables=stage_variables)
    bare = build_context(integration(), resource_path="/", path="/")
    bare.resource = None
    bare.method = None
    canary = build_context(integration(), headers=[("x-forwarded-for", "1.2.3.4")])
    canary.is_canary = True
    return [(plain, JSON_BODY), (plain, b""), (bare, b"[1, 2]"), (canary, "{\"a\": \"é\"}".encode())]


def _overrides(ctx: InvocationContext) -> tuple[Any, Any]:
    """The overrides as their consumers read them (an empty map and an absent one are the same)."""
    def clean(value: Any) -> Any:
        return {k: clean(v) for k, v in value.items() if v != {}} if isinstance(value, dict) else value

    return clean(ctx.request_override), clean(ctx.response_override)


@pytest.mark.parametrize("source", FAST)
@pytest.mark.parametrize("response", [False, True])
def test_fast_templates_render_what_the_engine_renders(source: str, response: bool) -> None:
    template = compile_template(source)
    assert template._plan is not None, "expected the fast path to take this template"
    for ctx, body in contexts():
        before = _overrides(ctx)
        fast = template.render(ctx, body, response=response)
        assert _overrides(ctx) == before
        engine = template._merge(ctx, body, response)
        assert fast == engine, f"{source!r} with body {body!r}"
        assert _overrides(ctx) == before


def _outcome(render: Any) -> tuple[str, Any]:
    try:
        return "ok", render()
    except Exception as exc:
        return type(exc).__name__, getattr(exc, "log", None)


@pytest.mark.parametrize("source", ENGINE_ONLY)
def test_other_templates_stay_on_the_engine(source: str) -> None:
    template = compile_template(source)
    assert template._plan is None
    for ctx, body in contexts():
        assert _outcome(lambda: template.render(ctx, body)) == _outcome(  # noqa: B023
            lambda: template._merge(ctx, body, False)  # noqa: B023
        )


def test_a_text_only_template_is_static() -> None:
    assert compile_template('{"statusCode": 200}')._static == '{"statusCode": 200}'
    assert compile_template("## note\nx")._static == "x"
    assert compile_template("$context.stage")._static is None


@pytest.mark.parametrize("source", ["$input.json('$.a')", "x $input.path('$.a')"])
def test_a_body_that_is_not_json_fails_as_on_the_engine(source: str) -> None:
    template = compile_template(source)
    assert template._plan is not None
    ctx = build_context(integration())
    with pytest.raises(BAD_REQUEST_BODY):
        template.render(ctx, b"not json")
    with pytest.raises(API_CONFIGURATION_ERROR):
        template.render(ctx, b"not json", response=True)


def test_values_are_written_as_airspeed_writes_them() -> None:
    from apigate.vtl.fast import text_of

    assert text_of(None, "$x") == ""
    assert text_of(True, "$x") == "true"
    assert text_of(False, "$x") == "false"
    assert text_of(12, "$x") == "12"
    assert text_of(operators.REPLACE_FORMAL_TEXT, "$x") == "$x"


@pytest.mark.parametrize("source", ['{"statusCode": 200}', "## c\nx", "caf\u00e9", "$context.stage", ""])
def test_static_bytes_are_the_encoded_rendering(source: str) -> None:
    template = compile_template(source)
    ctx, body = contexts()[0]
    if template.static_bytes is not None:
        assert template.static_bytes == template.render(ctx, body).encode()
    else:
        assert template._static is None
